"""`coop hours` through the command line: log, list, edit (relinking an entry) and remove; the
running timer (`start/stop/status/cancel`) and entries with start and end times, with the clock
set by the test (`output.now`); summaries by week, co-op and session and the week's grid with the
cap's pace; `suggest` from the sessions held. Minutes, rows and audit entries checked by hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from coopprogram.cli import output
from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.models import AuditEntry, Coop, TimeEntry, Timer


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


def test_an_edit_that_takes_a_day_past_twelve_billable_hours_needs_yes(coop, db_url, unchanged) -> None:
    """The edit counts the difference: the entry's own old minutes on that day are not counted twice."""
    assert coop("hours", "log", "10", "Retreat", "--date", "2021-11-13").exit_code == 0
    assert coop("hours", "log", "1", "Debrief", "--date", "2021-11-13").exit_code == 0
    assert coop("hours", "log", "1", "Notes", "--date", "2021-11-12").exit_code == 0
    assert coop("hours", "edit", "2", "--hours", "2").exit_code == 0  # 12:00 exactly: fine
    with unchanged(db_url):
        longer = coop("hours", "edit", "2", "--hours", "2:30")
        moved = coop("hours", "edit", "3", "--date", "2021-11-13")
    for refused, total in ((longer, "12:30"), (moved, "13:00")):
        assert refused.exit_code == 1
        assert refused.stderr == (
            f"Error: That makes {total} billable hours on 2021-11-13 (more than 12). "
            "If that is right, run the command again with --yes.\n"
        )
    assert coop("hours", "edit", "2", "--hours", "2:30", "--yes").exit_code == 0
    by_day: dict[date, int] = defaultdict(int)
    for e in _rows(db_url, TimeEntry):
        by_day[e["worked_on"]] += e["minutes"]
    assert dict(by_day) == {date(2021, 11, 13): 12 * 60 + 30, date(2021, 11, 12): 60}


def test_logging_at_a_terminal_asks_before_a_day_past_twelve_hours(coop, db_url, monkeypatch, unchanged) -> None:
    """At a terminal `hours log` asks (no --yes needed), as `hours stop` does; a no logs nothing."""
    monkeypatch.setattr(output, "interactive", lambda: True)
    assert coop("hours", "log", "11", "Retreat", "--date", "2021-11-13").exit_code == 0  # under 12: no question
    with unchanged(db_url):
        declined = coop("hours", "log", "1:30", "Debrief", "--date", "2021-11-13", input="n\n")
    assert declined.exit_code == 1
    assert "That makes 12:30 billable hours on 2021-11-13 (more than 12). Log it anyway?" in declined.stdout
    accepted = coop("hours", "log", "1:30", "Debrief", "--date", "2021-11-13", input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert sum(e["minutes"] for e in _rows(db_url, TimeEntry) if e["billable"]) == 12 * 60 + 30


def test_starts_racing_for_one_person_leave_one_timer(coop, db_url, monkeypatch) -> None:
    """Processes starting a timer for the same person at once (a shared server): one timer, and
    every other start refused in a sentence, never a raw database error."""

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


def _log(coop, *args: str) -> None:
    result = coop("hours", "log", *args)
    assert result.exit_code == 0, result.stderr


def test_week_grid_and_pace(coop, db_url) -> None:
    _log(coop, "2", "Visioning design", "--date", "2021-11-08")
    _log(coop, "30m", "Reminders", "--date", "2021-11-08", "--category", "communication")
    _log(coop, "1:15", "Agenda", "--date", "2021-11-10")
    _log(coop, "1", "Thank-you notes", "--date", "2021-11-14", "--category", "communication", "--non-billable")
    _log(coop, "3", "Earlier work", "--date", "2021-11-01")  # the week before: in the pace, not in the grid
    view = json.loads(coop("hours", "week", "2021-11-11", "--json").stdout)
    assert view["monday"] == "2021-11-08"
    assert view["categories"] == ["communication", "visioning"]
    assert view["minutes"] == {
        "2021-11-08": {"visioning": 120, "communication": 30},
        "2021-11-10": {"visioning": 75},
        "2021-11-14": {"communication": 60},
    }
    assert view["billable_minutes"] == 225
    # Phase I runs 182 days; by Sunday 2021-11-14, 45 have gone by: 6000 x 45 / 182 = 1483.5 -> 1484 minutes planned.
    assert view["pace"] == {
        "phase_name": "Phase I",
        "as_of": "2021-11-14",
        "used_minutes": 405,
        "cap_minutes": 6000,
        "elapsed_days": 45,
        "phase_days": 182,
        "planned_minutes": 1484,
        "pace_minutes": 405 - 1484,
    }
    text = coop("hours", "week", "2021-11-11").stdout
    lines = [line.split() for line in text.splitlines()]
    assert ["Mon", "2021-11-08", "0:30", "2:00", "2:30"] in lines
    assert ["Wed", "2021-11-10", "–", "1:15", "1:15"] in lines
    assert ["Total", "1:30", "3:15", "4:45"] in lines
    assert "Billable this week: 3:45 h; non-billable: 1:00 h." in text
    assert (
        "Phase I cap by 2021-11-14: 6:45 of 100:00 h used (7%); 25% of the phase gone by (day 45 of 182): 17:59 h behind an even pace."
        in text
    )


def test_week_outside_every_phase(coop, db_url) -> None:
    result = coop("hours", "week", "2023-05-03")
    assert result.exit_code == 0
    assert ["Total", "0:00"] in [line.split() for line in result.stdout.splitlines()]
    assert result.stdout.strip().endswith("The week is outside every phase: no cap to pace against.")


def test_summaries_by_week_coop_and_session_add_up_to_the_entries(coop, demo_url) -> None:
    entries = json.loads(coop("hours", "list", "--from", "2021-10-01", "--to", "2021-12-31", "--json").stdout)
    assert entries
    expected_weeks: dict[str, int] = defaultdict(int)
    expected_coops: dict[str, int] = defaultdict(int)
    for entry in entries:
        day = date.fromisoformat(entry["worked_on"])
        expected_weeks[(day - timedelta(days=day.weekday())).isoformat()] += entry["minutes"]
        expected_coops[entry["coop"] or "no co-op"] += entry["minutes"]
    weeks = json.loads(
        coop("hours", "summary", "--by", "week", "--from", "2021-10-01", "--to", "2021-12-31", "--json").stdout
    )
    assert {row["key"]: row["minutes"] for row in weeks} == expected_weeks
    assert [row["key"] for row in weeks] == sorted(expected_weeks)
    coops = json.loads(
        coop("hours", "summary", "--by", "coop", "--from", "2021-10-01", "--to", "2021-12-31", "--json").stdout
    )
    assert {row["key"]: row["minutes"] for row in coops} == expected_coops
    assert coops[-1]["key"] == "no co-op"
    _log(coop, "1:30", "Facilitated", "--date", "2021-11-09", "--session", "3")
    sessions = json.loads(
        coop("hours", "summary", "--by", "session", "--from", "2021-11-09", "--to", "2021-11-09", "--json").stdout
    )
    title = json.loads(coop("sessions", "show", "3", "--json").stdout)["session"]["title"]
    assert sessions[0] == {"key": f"3 {title}", "minutes": 90, "billable_minutes": 90, "entries": 1}
    refused = coop("hours", "summary", "--by", "day")
    assert refused.exit_code == 1
    assert (
        refused.stderr
        == "Error: 'day' is not a way to group hours: use one of category, week, month, phase, coop, session.\n"
    )


def _suggested(coop, month="2021-11"):
    result = coop("hours", "suggest", "--month", month, "--json")
    assert result.exit_code == 0, result.stderr
    return {s["id"]: (s["worked_on"], s["minutes"], s["starts_at"], s["ends_at"]) for s in json.loads(result.stdout)}


def test_suggestions_follow_the_held_sessions(coop, demo_url) -> None:
    found = _suggested(coop)
    # Working-group calls (sessions 3, 4, 5) last an hour with no agenda: prep is half of 60 minutes.
    # Visioning session 14's agenda plans 150 minutes: prep is 75, already a 15-minute step.
    assert found == {
        "3-facilitation": ("2021-11-02", 60, "18:00", "19:00"),
        "3-prep": ("2021-11-02", 30, None, None),
        "14-facilitation": ("2021-11-04", 150, "18:00", "20:30"),
        "14-prep": ("2021-11-04", 75, None, None),
        "4-facilitation": ("2021-11-16", 60, "18:00", "19:00"),
        "4-prep": ("2021-11-16", 30, None, None),
        "15-facilitation": ("2021-11-18", 150, "18:00", "20:30"),
        "15-prep": ("2021-11-18", 75, None, None),
        "5-facilitation": ("2021-11-30", 60, "18:00", "19:00"),
        "5-prep": ("2021-11-30", 30, None, None),
    }
    # Prep is rounded to the billing step, half up: at 6 minutes, 75 is 12.5 steps, so 13 (78 minutes).
    assert coop("program", "set", "billing-increment", "6").exit_code == 0
    prep = {key: minutes for key, (_day, minutes, *_times) in _suggested(coop).items() if key.endswith("-prep")}
    assert prep == {"3-prep": 30, "14-prep": 78, "4-prep": 30, "15-prep": 78, "5-prep": 30}
    # Without times, an entry on the session's day as long as the session is its facilitation;
    # an entry the day before is prep; times that overlap the session make facilitation.
    assert coop("hours", "log", "2:30", "Ran session 2", "--date", "2021-11-18", "--session", "15").exit_code == 0
    assert coop("hours", "log", "1", "Agenda for the call", "--date", "2021-11-15", "--session", "4").exit_code == 0
    assert (
        coop(
            "hours", "log", "Call", "--from", "18:30", "--to", "19:00", "--date", "2021-11-30", "--session", "5"
        ).exit_code
        == 0
    )
    left = _suggested(coop)
    assert "15-facilitation" not in left and "15-prep" in left
    assert "4-prep" not in left and "4-facilitation" in left
    assert "5-facilitation" not in left and "5-prep" in left
    assert len(left) == 7


def test_accepting_logs_entries_linked_to_the_session(coop, demo_url, unchanged, monkeypatch) -> None:
    monkeypatch.setenv("COOP_USER", "Ana")
    accepted = coop("hours", "suggest", "--accept", "14-facilitation", "--accept", "14-prep")
    assert accepted.exit_code == 0, accepted.stderr
    assert accepted.stdout.splitlines() == [
        "Logged entry 32: 2:30 h on 2021-11-04 18:00–20:30 (visioning, billable).",
        "Logged entry 33: 1:15 h on 2021-11-04 (visioning, billable).",
    ]
    with unit_of_work(demo_url, write=False) as db:
        rows = db.exec(select(TimeEntry).where(TimeEntry.session_id == 14).order_by(TimeEntry.id)).all()
        assert [(r.minutes, r.starts_at, r.ends_at, r.description) for r in rows] == [
            (150, time(18, 0), time(20, 30), "Facilitation: Visioning session 1: our histories"),
            (75, None, None, "Prep: Visioning session 1: our histories"),
        ]
        audit = db.exec(
            select(AuditEntry).where(AuditEntry.entity == "timeentry", AuditEntry.entity_id.in_([32, 33]))
        ).all()
        assert {(a.actor, a.command, a.action) for a in audit} == {("Ana", "coop hours suggest", "create")}
    assert not {"14-facilitation", "14-prep"} & set(_suggested(coop))
    with unchanged(demo_url):
        again = coop("hours", "suggest", "--accept", "3-prep", "--accept", "14-prep")  # all or none
        planned = coop("hours", "suggest", "--accept", "17-prep")
        wrong = coop("hours", "suggest", "--accept", "fourteen")
    assert (
        again.stderr
        == "Error: The prep of session 14 is already logged (`coop hours list` shows it); nothing to accept for 14-prep.\n"
    )
    assert planned.stderr == "Error: Session 17 is planned, not held: mark it held first (`coop sessions held 17`).\n"
    assert wrong.exit_code == 1 and "not a suggestion" in wrong.stderr


def test_a_month_without_sessions(coop, demo_url) -> None:
    result = coop("hours", "suggest", "--month", "2022-07")
    assert (
        result.stdout
        == "Nothing to suggest for 2022-07: every session held then has its facilitation and prep logged.\n"
    )


def test_log_list_edit_remove(coop, db_url) -> None:
    logged = coop("hours", "log", "2h30m", "Prep for visioning session", "--date", "2021-10-12")
    assert logged.exit_code == 0, logged.stderr
    assert "Logged entry 1: 2:30 h on 2021-10-12 (visioning, billable)" in logged.stdout
    assert coop("hours", "log", "45m", "Invites", "--date", "2021-10-13", "--category", "calendar").exit_code == 0
    rows = json.loads(coop("hours", "list", "--json").stdout)
    assert [(r["minutes"], r["category"]) for r in rows] == [(150, "visioning"), (45, "calendar")]
    assert coop("hours", "edit", "2", "--hours", "1:15").exit_code == 0
    csv_text = coop("hours", "list", "--month", "2021-10", "--csv").stdout
    assert csv_text.splitlines()[0].startswith("id,worked_on,starts_at,ends_at,minutes,hours,description")
    assert ",75,1:15,Invites,calendar," in csv_text
    assert coop("hours", "remove", "1").exit_code == 0
    assert [r["id"] for r in json.loads(coop("hours", "list", "--json").stdout)] == [2]


def test_hours_bad_input(coop, db_url, unchanged) -> None:
    with unchanged(resolve_database(None)):
        for args, code, message in [
            (("hours", "log", "0", "Nothing", "--date", "2021-10-12"), 2, "no time at all"),
            (("hours", "log", "nan", "x", "--date", "2021-10-12"), 2, "not a duration"),
            (("hours", "log", "25", "x", "--date", "2021-10-12"), 2, "more than 24:00"),
            (("hours", "log", "2", "x", "--date", "2021-09-30"), 1, "outside every phase"),
            (("hours", "log", "2", "x", "--date", "2021-10-12", "--coop", "casa"), 1, "no co-op 'casa'"),
            (("hours", "log", "2", "x", "--date", "2021-10-12", "--milestone", "9"), 1, "no milestone 9"),
            (
                ("hours", "log", "2", "x", "--date", "2021-10-12", "--session", "99", "--category", "documentation"),
                1,
                "no session 99",
            ),
            (("hours", "list", "--month", "2021-13"), 2, "not a month"),
            (("hours", "list", "--month", "2021-10", "--from", "2021-10-01"), 2, "not both"),
            (("contract", "amend", "--rate", "80", "--reason", "raise"), 1, "outside the band"),
            (("contract", "amend", "--cap", "120"), 2, "--reason"),
            (("invoices", "draft", "2021-10"), 1, "no unbilled billable hours"),
            (("invoices", "export", "SEI-2021-009", "-f", "md"), 1, "no invoice 'SEI-2021-009'"),
        ]:
            result = coop(*args)
            assert (result.exit_code, message in result.stderr) == (code, True), (args, result.stderr)
            assert len(result.stderr.strip().splitlines()) == 1


def test_hours_edit_links_coop_milestone_and_session(coop, demo_url) -> None:
    assert coop("hours", "log", "1", "Call with Voces", "--date", "2022-01-03").exit_code == 0
    entry_id = json.loads(coop("hours", "list", "--json").stdout)[-1]["id"]
    edited = coop("hours", "edit", str(entry_id), "--coop", "voces", "--milestone", "5", "--session", "14")
    assert edited.exit_code == 0, edited.stderr
    with unit_of_work(demo_url, write=False) as db:
        row = db.get(TimeEntry, entry_id)
        voces = db.exec(select(Coop).where(Coop.slug == "voces")).one()
        assert (row.coop_id, row.milestone_id, row.session_id) == (voces.id, 5, 14)
    missing = coop("hours", "edit", str(entry_id), "--milestone", "999")
    assert missing.stderr == "Error: There is no milestone 999. `coop milestones list` shows their numbers.\n"
