"""Writers killed with SIGKILL at random moments, many times: after each kill the database
passes `coop db check`, and every change is all there or not there (a time entry exists
exactly when the audit row written in the same transaction does; an invoice is either a
draft or numbered with its figures frozen and its hours locked), and every write a worker
reported as committed before it was killed is still there.

A worker is killed only after it reports its first committed write, at a random moment
within the next few commands: on a loaded machine start-up can take many seconds, and a
kill during start-up tests nothing. Waiting is bounded by a deadline, never by a sleep."""

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import func
from sqlmodel import select as sql_select

from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.models import AuditEntry, Invoice, TimeEntry
from coopprogram.services.checks import check_database

from .conftest import scale

WORKER = Path(__file__).with_name("worker.py")
KILLS = scale(6, 100)
FIRST_WRITE_DEADLINE = 120.0  # seconds for start-up and one command, on the busiest machine
KILL_WITHIN = 0.3  # seconds after the first write: a few more commands, cut anywhere


def first_report(worker: subprocess.Popen, deadline: float) -> str:
    """The worker's first `committed ...` line; fails the test if none comes in time."""
    give_up = time.monotonic() + deadline
    while (left := give_up - time.monotonic()) > 0:
        ready, _, _ = select.select([worker.stdout], [], [], left)
        if ready:
            line = worker.stdout.readline()
            assert line, f"the worker ended (exit {worker.wait()}) before writing anything"
            return line.strip()
    worker.kill()
    raise AssertionError(f"the worker wrote nothing in {deadline:.0f} s")


def test_killed_writers_leave_a_sound_database(demo_url, isolate: Path, tmp_path: Path) -> None:
    rng = random.Random(7)
    env = dict(os.environ)  # COOP_DB: the test's database, a file or the server
    with unit_of_work(demo_url, write=False) as db:
        entries_at_start = db.exec(sql_select(func.count(TimeEntry.id))).one()
    reported_entries = 0
    for kill in range(KILLS):
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), str(tmp_path / "results.jsonl"), str(1000 + kill), "400", "writes"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            reports = [first_report(worker, FIRST_WRITE_DEADLINE)]
            time.sleep(rng.uniform(0, KILL_WITHIN))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            reports += worker.stdout.read().split("\n")
        finally:
            worker.kill()
            worker.wait()
            worker.stdout.close()
        reported_entries += reports.count("committed hours log")
        with unit_of_work(resolve_database(None), write=False) as db:
            report = check_database(db)
            assert report.ok, (kill, report.problems)
            entries = db.exec(sql_select(func.count(TimeEntry.id))).one()
            created = db.exec(
                sql_select(func.count(AuditEntry.id)).where(
                    AuditEntry.entity == "timeentry", AuditEntry.action == "create"
                )
            ).one()
            deleted = db.exec(
                sql_select(func.count(AuditEntry.id)).where(
                    AuditEntry.entity == "timeentry", AuditEntry.action == "delete"
                )
            ).one()
            assert entries == created - deleted, kill
            # Nothing deletes entries here: every entry reported as logged survived the kills.
            assert entries - entries_at_start >= reported_entries, (kill, entries - entries_at_start, reported_entries)
            for invoice in db.exec(sql_select(Invoice).where(Invoice.number.is_not(None))).all():
                assert invoice.snapshot and invoice.issued_on and invoice.sequence, invoice.number
    # The first workers' first commands log hours (fixed seeds), so the kills cut real writes.
    assert reported_entries > 0
    print(
        f"\n{KILLS} kills, each after a reported write; {entries - entries_at_start} entries written between them "
        f"({reported_entries} reported before a kill, all kept); after each: db check clean, every change whole"
    )
