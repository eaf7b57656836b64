"""`coop hours suggest`: the facilitation and prep the sessions held in a month call for, on the
sample program (sessions at 18:00 New York, a 15-minute billing step), and accepting them."""

from __future__ import annotations

import json
from datetime import time

from sqlmodel import select

from coopprogram.db import unit_of_work
from coopprogram.models import AuditEntry, TimeEntry


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
