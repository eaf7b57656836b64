"""The bench's bulk generator (benchmarks/generate.py) at a tiny size: the program it writes in
bulk passes `db check`, and an invoice it froze in bulk reads exactly as one issued through the services."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlmodel import select

from coopprogram.db import unit_of_work
from coopprogram.models import Invoice, InvoiceLine, TimeEntry
from coopprogram.services import invoices
from coopprogram.services.checks import check_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import generate


@pytest.mark.sqlite_only
def test_tiny_program_is_consistent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tiny.db'}"
    generate.generate(url, size="tiny")
    with unit_of_work(url, write=False) as db:
        assert check_database(db).problems == []
        assert len(db.exec(select(TimeEntry)).all()) == 600
        # Phase 2 is written in bulk (phases 1 and 3 through the services): its March invoice.
        bulk = db.exec(select(Invoice).where(Invoice.period == "2020-03")).one()
        lines = db.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == bulk.id)).all()
        assert bulk.status == "paid" and bulk.total_cents == sum(line.amount_cents for line in lines) > 0
        stored = bulk.snapshot
        bulk.status, bulk.paid_on = "issued", None  # as it stood when issued
        assert stored == invoices._snapshot(invoices._live_document(db, bulk))
        db.rollback()
