"""Writers killed with SIGKILL at random moments, many times: after each kill the database
passes `coop db check`, and every change is all there or not there (a time entry exists
exactly when the audit row written in the same transaction does; an invoice is either a
draft or numbered with its figures frozen and its hours locked)."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import func, select

from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.models import AuditEntry, Invoice, TimeEntry
from coopprogram.services.checks import check_database

from .conftest import scale

WORKER = Path(__file__).with_name("worker.py")
KILLS = scale(6, 100)


def _lines(results: Path) -> int:
    return len(results.read_text(encoding="utf-8").splitlines()) if results.exists() else 0


def _wait_for_writes(results: Path, done_before: int) -> None:
    """Until the worker has finished its first command (at most a minute): start-up time varies
    with the machine's load, and a worker killed before it writes tests nothing."""
    for _ in range(600):
        if _lines(results) > done_before:
            return
        time.sleep(0.1)


def test_killed_writers_leave_a_sound_database(demo_url, isolate: Path, tmp_path: Path) -> None:
    rng = random.Random(7)
    env = dict(os.environ)  # COOP_DB: the test's database, a file or the server
    with unit_of_work(demo_url, write=False) as db:
        entries_at_start = db.exec(select(func.count(TimeEntry.id))).one()
    for kill in range(KILLS):
        done_before = _lines(tmp_path / "results.jsonl")
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), str(tmp_path / "results.jsonl"), str(1000 + kill), "400", "writes"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for_writes(tmp_path / "results.jsonl", done_before)
        time.sleep(rng.uniform(0.0, 1.0))  # then kill somewhere in the writes, however slow the start-up was
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        with unit_of_work(resolve_database(None), write=False) as db:
            report = check_database(db)
            assert report.ok, (kill, report.problems)
            entries = db.exec(select(func.count(TimeEntry.id))).one()
            created = db.exec(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "timeentry", AuditEntry.action == "create")).one()
            deleted = db.exec(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "timeentry", AuditEntry.action == "delete")).one()
            assert entries == created - deleted, kill
            for invoice in db.exec(select(Invoice).where(Invoice.number.is_not(None))).all():
                assert invoice.snapshot and invoice.issued_on and invoice.sequence, invoice.number
    assert entries > entries_at_start  # the writers did write between the kills
    print(f"\n{KILLS} kills, {entries - entries_at_start} entries written between them; after each: db check clean, every change whole")
