"""Several processes logging hours, drafting and issuing invoices and editing sessions on one
database at once: every command succeeds or says clearly why it was refused, no "database is
locked" reaches anyone, every accepted change is there afterwards, invoice numbers stay
unique and gap-free, and the cap holds: it is set just above the hours already used, so the
writers run into it and race for the last minutes."""

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import func, select
from typer.testing import CliRunner

from coopprogram.cli import app
from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.models import Invoice, TimeEntry
from coopprogram.services.checks import check_database
from coopprogram.services.contracts import billable_minutes

from .conftest import scale

WORKER = Path(__file__).with_name("worker.py")
WORKERS = scale(3, 6)
COMMANDS_EACH = scale(14, 150)
HEADROOM_MINUTES = scale(4 * 60, 40 * 60)  # well below what the writers try to log


def test_concurrent_writers(demo_url, isolate: Path, tmp_path: Path) -> None:
    with unit_of_work(demo_url, write=False) as db:
        entries_before = db.exec(select(func.count(TimeEntry.id))).one()
        cap = billable_minutes(db, 1) + HEADROOM_MINUTES
    amended = CliRunner().invoke(
        app, ["contract", "amend", "--phase", "I", "--cap", f"{cap // 60}:{cap % 60:02d}", "--reason", "Stress test"]
    )
    assert amended.exit_code == 0, amended.stderr
    results = tmp_path / "results.jsonl"
    env = dict(os.environ)  # COOP_DB: the test's database, a file or the server
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(results), str(seed), str(COMMANDS_EACH), "mixed"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for seed in range(WORKERS)
    ]
    for worker in workers:
        assert worker.wait(timeout=600) == 0
    outcomes = [json.loads(line) for line in results.read_text().splitlines()]
    assert len(outcomes) >= WORKERS * COMMANDS_EACH // 2
    for outcome in outcomes:
        assert outcome["code"] in (0, 1), outcome
        assert "locked" not in outcome["stderr"].lower() and "Traceback" not in outcome["stderr"], outcome
        if outcome["code"] == 1:
            assert outcome["stderr"].startswith("Error: ") and len(outcome["stderr"].strip().splitlines()) == 1, outcome
    logged = [o for o in outcomes if o["args"][:2] == ["hours", "log"] and o["code"] == 0]
    refused_logs = [o for o in outcomes if o["args"][:2] == ["hours", "log"] and o["code"] == 1]
    assert refused_logs and all("cap" in o["stderr"] for o in refused_logs)
    issued = [o for o in outcomes if o["args"][:2] == ["invoices", "issue"] and o["code"] == 0]
    with unit_of_work(resolve_database(None), write=False) as db:
        assert db.exec(select(func.count(TimeEntry.id))).one() == entries_before + len(logged)
        numbers = db.exec(
            select(Invoice.sequence).where(Invoice.sequence.is_not(None)).order_by(Invoice.sequence)
        ).all()
        assert numbers == list(range(1, 3 + len(issued) + 1))
        assert cap - 60 < billable_minutes(db, 1) <= cap  # filled to within the largest entry, never past it
        report = check_database(db)
    assert report.ok, report.problems
    print(
        f"\n{WORKERS} writers, {len(outcomes)} commands: {len(logged)} hours logged, {len(refused_logs)} refused at the cap, "
        f"{len(issued)} invoices issued, {sum(o['code'] == 1 for o in outcomes)} clear refusals, 0 lost"
    )
