"""The running timer (`coop hours start/stop/status/cancel`) and entries with start and end
times: the minutes logged, the rows in the database and the audit trail, with the clock set
by the test (`output.now`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time

import pytest
from sqlmodel import select

from coopprogram.cli import output
from coopprogram.db import unit_of_work
from coopprogram.models import AuditEntry, TimeEntry, Timer


@pytest.fixture
def clock(monkeypatch):
    """Set the time commands see: `clock(2021, 11, 9, 19, 0)` (UTC)."""

    def set_to(*parts: int) -> None:
        moment = datetime(*parts, tzinfo=UTC)
        monkeypatch.setattr(output, "now", lambda: moment)

    return set_to


def _rows(url, model):
    with unit_of_work(url, write=False) as db:
        return [row.model_dump() for row in db.exec(select(model).order_by(model.id)).all()]


def test_start_status_stop_logs_rounded_minutes_with_times_and_audit(coop, db_url, clock, monkeypatch) -> None:
    monkeypatch.setenv("COOP_USER", "Ana")
    clock(2021, 11, 9, 19, 0)  # 14:00 in New York (EST)
    started = coop("hours", "start", "Prep for visioning session", "--category", "documentation")
    assert started.exit_code == 0, started.stderr
    assert (
        started.stdout
        == "Timer started at 14:00 on 2021-11-09 for Ana: 'Prep for visioning session' (documentation).\n"
    )
    [timer] = _rows(db_url, Timer)
    assert (timer["user"], timer["description"]) == ("Ana", "Prep for visioning session")

    clock(2021, 11, 9, 20, 28, 40)  # 88 min 40 s later
    status = coop("hours", "status")
    assert "since 2021-11-09 14:00 (America/New_York): 1:29 h so far" in status.stdout
    assert "Phase I cap: 100:00 h left" in status.stdout
    assert json.loads(coop("hours", "status", "--json").stdout)["elapsed_minutes"] == 89

    stopped = coop("hours", "stop")
    assert stopped.exit_code == 0, stopped.stderr
    # 89 minutes rounded half up to the 6-minute billing step: 90.
    assert stopped.stdout == (
        "Timer stopped after 1:29 h (14:00–15:28). Logged entry 1: 1:30 h on 2021-11-09 "
        "(documentation, billable, rounded to 6-minute steps).\n"
    )
    [entry] = _rows(db_url, TimeEntry)
    assert (
        entry["minutes"],
        entry["worked_on"].isoformat(),
        entry["starts_at"],
        entry["ends_at"],
        entry["billable"],
    ) == (90, "2021-11-09", time(14, 0), time(15, 28), True)
    assert _rows(db_url, Timer) == []
    audit = [
        (a["actor"], a["command"], a["action"], a["entity"])
        for a in _rows(db_url, AuditEntry)
        if a["entity"] in ("timer", "timeentry")
    ]
    assert audit == [
        ("Ana", "coop hours start", "create", "timer"),
        ("Ana", "coop hours stop", "create", "timeentry"),
        ("Ana", "coop hours stop", "delete", "timer"),
    ]
    assert (
        coop("hours", "status").stdout
        == "No timer is running for Ana. Start one with `coop hours start DESCRIPTION`.\n"
    )


def test_one_timer_per_person(coop, db_url, clock, monkeypatch, unchanged) -> None:
    clock(2021, 11, 9, 19, 0)
    monkeypatch.setenv("COOP_USER", "Ana")
    assert coop("hours", "start", "Agenda for session 3").exit_code == 0
    with unchanged(db_url):
        second = coop("hours", "start", "Something else")
    assert second.exit_code == 1
    assert second.stderr == (
        "Error: A timer is already running for Ana: 'Agenda for session 3' since 2021-11-09 14:00. "
        "Stop it first (`coop hours stop`) or drop it (`coop hours cancel`).\n"
    )
    monkeypatch.setenv("COOP_USER", "Ben")
    assert coop("hours", "start", "Minutes of session 2", "--at", "13:30").exit_code == 0
    assert sorted((t["user"], t["description"]) for t in _rows(db_url, Timer)) == [
        ("Ana", "Agenda for session 3"),
        ("Ben", "Minutes of session 2"),
    ]
    clock(2021, 11, 9, 19, 45)
    assert "since 2021-11-09 13:30 (America/New_York): 1:15 h so far" in coop("hours", "status").stdout
    cancelled = coop("hours", "cancel")
    assert (
        cancelled.stdout
        == "Timer cancelled: 'Minutes of session 2', started 2021-11-09 13:30 (1:15 h); nothing was logged.\n"
    )
    assert [t["user"] for t in _rows(db_url, Timer)] == ["Ana"]
    assert _rows(db_url, TimeEntry) == []


def test_cap_warned_at_start_and_checked_at_stop(coop, db_url, clock, monkeypatch, unchanged) -> None:
    for day in range(1, 10):  # 99 billable hours, 11 a day
        assert coop("hours", "log", "11", "Visioning work", "--date", f"2021-10-{day:02d}").exit_code == 0
    clock(2021, 11, 9, 19, 0)
    started = coop("hours", "start", "Strategy prep")
    assert started.exit_code == 0
    assert started.stderr == (
        "Warning: Only 1:00 h of the Phase I cap are left: time past it will be refused as billable at stop "
        "(stop with --non-billable then).\n"
    )
    clock(2021, 11, 9, 21, 0)
    with unchanged(db_url):
        refused = coop("hours", "stop")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: Stopping now would log 2:00 h and pass the Phase I cap of 100:00 hours (99:00 used, 1:00 left). "
        "The timer keeps running: stop it with --non-billable, or `coop hours cancel` and log what fits with `coop hours log`.\n"
    )
    assert coop("hours", "stop", "--non-billable").exit_code == 0
    last = _rows(db_url, TimeEntry)[-1]
    assert (last["minutes"], last["billable"]) == (120, False)


def test_stop_times_that_cannot_be(coop, db_url, clock, unchanged) -> None:
    clock(2021, 11, 9, 19, 0)
    assert coop("hours", "start", "Calls").exit_code == 0
    clock(2021, 11, 9, 20, 0)
    with unchanged(db_url):
        before = coop("hours", "stop", "--at", "13:00")
        future = coop("hours", "stop", "--at", "16:00")
    assert before.stderr == "Error: The timer started at 14:00 on 2021-11-09: stop it at a later time.\n"
    assert (
        future.stderr == "Error: --at 16:00 on 2021-11-09 has not come yet: stop the timer at a time that has passed.\n"
    )
    clock(2021, 11, 10, 6, 0)  # 01:00 the next day in New York
    with unchanged(db_url):
        past_midnight = coop("hours", "stop")
    assert past_midnight.exit_code == 1 and "run past midnight" in past_midnight.stderr
    assert coop("hours", "stop", "--at", "14:45").exit_code == 0
    assert [(e["minutes"], e["ends_at"]) for e in _rows(db_url, TimeEntry)] == [
        (48, time(14, 45))
    ]  # 45 min -> 48 in 6-minute steps


def test_start_outside_every_phase_and_nothing_running(coop, db_url, clock, monkeypatch, unchanged) -> None:
    monkeypatch.setenv("COOP_USER", "Ana")
    clock(2026, 11, 22, 12, 0)
    with unchanged(db_url):
        outside = coop("hours", "start", "Prep")
        nothing = coop("hours", "stop")
        cancel = coop("hours", "cancel")
    assert outside.exit_code == 1 and "outside every phase" in outside.stderr
    assert (
        nothing.stderr
        == cancel.stderr
        == "Error: No timer is running for Ana. Start one with `coop hours start DESCRIPTION`.\n"
    )


def test_entries_with_times(coop, db_url, unchanged) -> None:
    derived = coop("hours", "log", "Call with Voces", "--from", "14:00", "--to", "15:30", "--date", "2021-11-09")
    assert derived.stdout == "Logged entry 1: 1:30 h on 2021-11-09 14:00–15:30 (visioning, billable).\n"
    assert coop("hours", "log", "45m", "Notes", "--from", "15:30", "--date", "2021-11-09").exit_code == 0
    with unchanged(db_url):
        mismatch = coop("hours", "log", "2", "Call", "--from", "14:00", "--to", "15:30", "--date", "2021-11-09")
        backwards = coop("hours", "log", "Call", "--from", "15:00", "--to", "14:00", "--date", "2021-11-09")
        alone = coop("hours", "log", "Call", "--from", "15:00", "--date", "2021-11-09")
    assert (
        mismatch.stderr
        == "Error: 2:00 h does not match --from 14:00 --to 15:30 (1:30 h): give the times alone, or hours that agree with them.\n"
    )
    assert "is not after --from 15:00" in backwards.stderr
    assert alone.stderr == "Error: Give both --from and --to, or the hours worked with one of them.\n"
    overlapping = coop("hours", "log", "1", "Agenda", "--from", "15:00", "--date", "2021-11-09")
    assert overlapping.exit_code == 0
    assert overlapping.stderr.splitlines() == [
        "Warning: 15:00–16:00 overlaps entry 1 (14:00–15:30, Call with Voces) on 2021-11-09; both are kept. Fix one with `coop hours edit`.",
        "Warning: 15:00–16:00 overlaps entry 2 (15:30–16:15, Notes) on 2021-11-09; both are kept. Fix one with `coop hours edit`.",
    ]
    rows = [(e["minutes"], e["starts_at"], e["ends_at"]) for e in _rows(db_url, TimeEntry)]
    assert rows == [(90, time(14, 0), time(15, 30)), (45, time(15, 30), time(16, 15)), (60, time(15, 0), time(16, 0))]
    csv_lines = coop("hours", "list", "--csv").stdout.splitlines()
    assert csv_lines[1].startswith("1,2021-11-09,14:00,15:30,90,1:30,Call with Voces,")
    assert "Time:        15:30–16:15" in coop("hours", "show", "2").stdout
    assert "14:00–15:30" in coop("hours", "list").stdout


def test_a_day_past_twelve_billable_hours_needs_yes(coop, db_url, unchanged) -> None:
    assert coop("hours", "log", "10", "Retreat", "--date", "2021-11-13").exit_code == 0
    assert (
        coop("hours", "log", "3", "Thank-yous", "--date", "2021-11-13", "--non-billable").exit_code == 0
    )  # not counted
    with unchanged(db_url):
        refused = coop("hours", "log", "2:30", "Debrief", "--date", "2021-11-13")
    assert refused.exit_code == 1
    assert (
        refused.stderr
        == "Error: That makes 12:30 billable hours on 2021-11-13 (more than 12). If that is right, run the command again with --yes.\n"
    )
    assert coop("hours", "log", "2", "Debrief", "--date", "2021-11-13").exit_code == 0  # exactly 12: fine
    assert coop("hours", "log", "30m", "Debrief notes", "--date", "2021-11-13", "--yes").exit_code == 0
    assert sum(e["minutes"] for e in _rows(db_url, TimeEntry) if e["billable"]) == 12 * 60 + 30


def test_starts_racing_for_one_person_leave_one_timer(coop, db_url, monkeypatch) -> None:
    """Processes starting a timer for the same person at once (a shared server): one timer, and
    every other start refused in a sentence, never a raw database error."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    monkeypatch.setenv("COOP_USER", "Ana")
    worker = Path(__file__).parent / "race_worker.py"
    plans = [[["hours", "start", f"Timer {n}", "--at", "2021-11-09 14:00"]] for n in range(4)]
    processes = [
        subprocess.Popen(
            [sys.executable, str(worker), json.dumps(plan)],
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for plan in plans
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results += [json.loads(line) for line in out.splitlines()]
    assert sorted(r["code"] for r in results) == [0, 1, 1, 1]
    for refused in (r for r in results if r["code"]):
        assert (
            "A timer is already running for Ana" in refused["stderr"]
            or "A timer was just started for Ana elsewhere" in refused["stderr"]
        ), refused
    timers = _rows(db_url, Timer)
    assert len(timers) == 1 and timers[0]["user"] == "Ana"


def test_editing_an_entrys_times(coop, db_url) -> None:
    assert coop("hours", "log", "Call", "--from", "14:00", "--to", "15:00", "--date", "2021-11-09").exit_code == 0
    assert coop("hours", "log", "30m", "Notes", "--date", "2021-11-09").exit_code == 0

    def times(entry_id):
        entry = json.loads(coop("hours", "show", str(entry_id), "--json").stdout)
        return entry["minutes"], entry["starts_at"], entry["ends_at"]

    assert coop("hours", "edit", "1", "--to", "15:30").exit_code == 0
    assert times(1) == (90, "14:00", "15:30")  # the start stays, the hours follow
    assert coop("hours", "edit", "1", "--hours", "2").exit_code == 0
    assert times(1) == (120, "14:00", "16:00")  # new hours keep the start
    mismatch = coop("hours", "edit", "1", "--hours", "1", "--from", "09:00", "--to", "11:00")
    assert mismatch.exit_code == 1 and "does not match" in mismatch.stderr
    assert times(1) == (120, "14:00", "16:00")
    moved = coop("hours", "edit", "2", "--from", "15:45")  # no times before: the other end follows its 30 minutes
    assert moved.exit_code == 0
    assert times(2) == (30, "15:45", "16:15")
    assert (
        moved.stderr
        == "Warning: 15:45–16:15 overlaps entry 1 (14:00–16:00, Call) on 2021-11-09; both are kept. Fix one with `coop hours edit`.\n"
    )


def test_stopping_at_a_terminal_asks_before_a_day_past_twelve_hours(
    coop, db_url, clock, monkeypatch, unchanged
) -> None:
    """At a terminal the question is asked (no --yes needed); a no leaves the timer running."""
    monkeypatch.setenv("COOP_USER", "Ana")
    monkeypatch.setattr(output, "interactive", lambda: True)
    assert coop("hours", "log", "11", "Retreat", "--date", "2021-11-13").exit_code == 0
    clock(2021, 11, 13, 19, 0)  # 14:00 in New York
    assert coop("hours", "start", "Debrief").exit_code == 0
    clock(2021, 11, 13, 20, 30)  # 15:30: 1:30 more makes 12:30
    with unchanged(db_url):
        declined = coop("hours", "stop", input="n\n")
    assert declined.exit_code == 1
    assert "That makes 12:30 billable hours on 2021-11-13 (more than 12). Log it anyway?" in declined.stdout
    assert len(_rows(db_url, Timer)) == 1
    accepted = coop("hours", "stop", input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert _rows(db_url, Timer) == []
    assert sum(e["minutes"] for e in _rows(db_url, TimeEntry) if e["billable"]) == 12 * 60 + 30
