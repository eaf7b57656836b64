"""PostgreSQL under concurrency, with real processes on the test server: edits and removals of
entries on one draft, re-drafts and the draft's issue, all at once. Locks are taken in one order
(contracts.lock_contract), so nothing deadlocks or fails with a raw foreign-key error, no change
that was reported done is lost, and the invoice still adds up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coopprogram.config import resolve_database

WORKER = Path(__file__).parent / "race_worker.py"
# What a command may say when another one got there first: each is a sentence a person can act on.
EXPECTED_REFUSALS = (
    "is billed on invoice",
    "There is no time entry",
    "was already issued",
    "no unbilled billable hours",
    "no hours left to bill",
    "is not a draft",
    "There is no invoice",
    "only drafts can be re-drafted",
    "would pass the",
)
RAW = (
    "unexpected problem",
    "deadlock",
    "foreign key",
    "violates",
    "Traceback",
    "could not be used",
    "[SQL",
    "parameters",
)


def run_race(coop, *, workers: int, rounds: int, entries: int) -> dict[str, int]:
    """Log `entries` entries in March 2022, draft them, then let the workers race; returns the
    tally of outcomes after checking that none is raw and none is lost."""
    logged = []
    for n in range(entries):
        done = coop(
            "hours", "log", "15m", f"Race entry {n}", "--date", f"2022-03-{n % 28 + 1:02d}", "--category", "strategy"
        )
        assert done.exit_code == 0, done.stderr
        logged.append(int(done.stdout.split()[2].rstrip(":")))
    drafted = coop("invoices", "draft", "2022-03")
    assert drafted.exit_code == 0, drafted.stderr
    draft = drafted.stdout.split()[1]
    plans = []
    for w in range(workers):
        plan = []
        for r in range(rounds):
            n = w * rounds + r
            edited, removed = (
                logged[(2 * n) % len(logged)],
                logged[(2 * n + 1) % len(logged)],
            )  # even entries edited, odd removed
            plan.append(
                [
                    ["hours", "edit", str(edited), "--hours", "30m"],
                    ["hours", "remove", str(removed)],
                    ["invoices", "draft", "2022-03"],
                ][(w + r) % 3]
            )
        plan.append(["invoices", "issue", draft, "--on", "2022-04-01"])  # every worker ends racing to issue it
        plans.append(plan)
    processes = [
        subprocess.Popen(
            [sys.executable, str(WORKER), json.dumps(plan)],
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for plan in plans
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        results += [json.loads(line) for line in out.splitlines()]
    tally = {"ok": 0, "refused": 0}
    for result in results:
        assert not any(word in result["stderr"] for word in RAW), result
        if result["code"] == 0:
            tally["ok"] += 1
        else:
            assert any(reason in result["stderr"] for reason in EXPECTED_REFUSALS), result
            tally["refused"] += 1
    _nothing_lost(coop, results)
    return tally


def _nothing_lost(coop, results: list[dict]) -> None:
    from sqlmodel import select

    from coopprogram.db import unit_of_work
    from coopprogram.models import TimeEntry

    with unit_of_work(resolve_database(None), write=False) as db:
        minutes = dict(db.exec(select(TimeEntry.id, TimeEntry.minutes)).all())
    for result in results:
        if result["code"] != 0 or result["args"][0] != "hours":
            continue
        entry = int(result["args"][2])
        if result["args"][1] == "remove":
            assert entry not in minutes, result
        elif not any(r["code"] == 0 and r["args"][:3] == ["hours", "remove", str(entry)] for r in results):
            assert minutes[entry] == 30, result
    checked = coop("db", "check")
    assert checked.exit_code == 0, checked.stderr


@pytest.mark.postgres_only
def test_edits_removals_drafts_and_issue_race_on_one_draft(coop, demo_url) -> None:
    tally = run_race(coop, workers=3, rounds=4, entries=6)
    assert tally["ok"] > 0


def test_a_deadlock_is_retried_once_then_reported_as_one(coop, demo_url, monkeypatch) -> None:
    from coopprogram.errors import Deadlock
    from coopprogram.services import coops

    real, calls = coops.list_coops, []

    def deadlocking(db, **options):
        calls.append(1)
        if len(calls) <= failures:
            raise Deadlock("The database server stopped this command because of a deadlock; nothing was changed.")
        return real(db, **options)

    monkeypatch.setattr(coops, "list_coops", deadlocking)
    failures = 1
    assert coop("coops", "list").exit_code == 0 and len(calls) == 2
    calls.clear()
    failures = 5
    reported = coop("coops", "list")
    assert reported.exit_code == 1 and "deadlock" in reported.stderr and len(calls) == 2
    assert "another command is writing" not in reported.stderr.lower()


def test_a_server_deadlock_becomes_that_message() -> None:
    from coopprogram.db import translate
    from coopprogram.errors import Deadlock

    class ServerError(Exception):
        sqlstate = "40P01"

    class Wrapped(Exception):
        orig = ServerError("deadlock detected\nDETAIL: Process 1 waits for ShareLock on transaction 2")

    translated = translate(Wrapped(), "postgresql+psycopg://sei:pw@127.0.0.1/coop")
    assert isinstance(translated, Deadlock) and "deadlock" in translated.message and "pw" not in translated.message


def test_removing_an_entry_on_a_draft_takes_it_off_the_draft(coop, demo_url) -> None:
    logged = [
        coop("hours", "log", hours, "Draft line", "--date", "2022-03-02").stdout.split()[2].rstrip(":")
        for hours in ("15m", "45m")
    ]
    draft = coop("invoices", "draft", "2022-03").stdout.split()[1]
    removed = coop("hours", "remove", logged[0])
    assert removed.exit_code == 0, removed.stderr
    document = json.loads(coop("invoices", "show", draft, "--json").stdout)
    assert [line["minutes"] for line in document["lines"]] == [45] and document["total_minutes"] == 45
