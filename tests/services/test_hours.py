"""Hours against the cap: the boundary to the minute, edits by difference, thresholds,
categories from the phase, dates outside every phase, locked entries."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import TimeEntry
from coopprogram.services import hours
from coopprogram.services.contracts import amend_contract, billable_minutes, extend_contract

TODAY = date(2022, 8, 31)
DAY = date(2021, 10, 12)


def _log(db, minutes, on=DAY, **kwargs):
    kwargs.setdefault("confirmed", True)  # days of many hours here test the cap, not the long-day question
    return hours.log_time(
        db, minutes=minutes, description=kwargs.pop("description", "Prep"), on=on, today=TODAY, **kwargs
    )


def _fill(db, minutes):
    """Log `minutes` over as many days as it takes (24 hours at most per entry)."""
    day = 1
    while minutes > 0:
        chunk = min(minutes, 24 * 60)
        _log(db, chunk, on=date(2021, 10, day))
        minutes -= chunk
        day += 1


def test_exactly_the_cap_is_accepted_and_one_minute_more_refused(session) -> None:
    with session() as db:
        _fill(db, 100 * 60)
        assert billable_minutes(db, 1) == 6000
    with (
        session() as db,
        pytest.raises(
            Conflict,
            match=r"cap of 100:00 hours is reached \(100:00 used\): no billable hours are left. Log this as --non-billable, or amend the contract",
        ),
    ):
        _log(db, 1)
    with session() as db:
        result = _log(db, 60, billable=False)
    assert result.entry.billable is False and result.warnings == []


def test_thresholds_warn_once_each(session) -> None:
    with session() as db:
        assert _log(db, 49 * 60).warnings == []
        assert "50% of the Phase I cap" in _log(db, 60, on=date(2021, 10, 13)).warnings[0]
        assert _log(db, 60, on=date(2021, 10, 14)).warnings == []
        jump = _log(db, 24 * 60, on=date(2021, 10, 15)).warnings  # 51 h -> 75 h: nothing crossed
        assert jump == []
        both = _log(db, 16 * 60, on=date(2021, 10, 16)).warnings  # 75 -> 91: 80 and 90 crossed
        assert len(both) == 1 and both[0].startswith("90% of the Phase I cap")


def test_edits_count_by_difference(session) -> None:
    with session() as db:
        _fill(db, 99 * 60)
        small = _log(db, 30)
        # 99:30 used; growing the 0:30 entry to 1:00 uses exactly the cap
        hours.edit_entry(db, entry_id=small.entry.id, today=TODAY, minutes=60)
        with pytest.raises(Conflict, match="Phase I cap of 100:00 hours is reached"):
            hours.edit_entry(db, entry_id=small.entry.id, today=TODAY, minutes=61)
        hours.edit_entry(db, entry_id=small.entry.id, today=TODAY, billable=False)
        assert billable_minutes(db, 1) == 99 * 60
        hours.edit_entry(db, entry_id=small.entry.id, today=TODAY, billable=True, minutes=60)
        assert billable_minutes(db, 1) == 100 * 60


def test_amending_the_cap_lets_more_in(session) -> None:
    with session() as db:
        _fill(db, 100 * 60)
        with pytest.raises(InvalidInput, match=r"outside the band \$50.00-\$75.00"):
            amend_contract(db, phase="I", cap_minutes=None, rate_cents=7600, reason="raise", on=TODAY, today=TODAY)
        with pytest.raises(Conflict, match="cannot go below"):
            amend_contract(db, phase="I", cap_minutes=90 * 60, rate_cents=None, reason="cut", on=TODAY, today=TODAY)
        view = amend_contract(
            db,
            phase="I",
            cap_minutes=110 * 60,
            rate_cents=7500,
            reason="Approved by the working group",
            on=TODAY,
            today=TODAY,
        )
        assert (view.hour_cap_minutes, view.rate_cents, view.amendments[0].reason) == (
            6600,
            7500,
            "Approved by the working group",
        )
        _log(db, 60, on=date(2021, 11, 1))


def test_category_defaults_and_phase_rules(session) -> None:
    with session() as db:
        assert _log(db, 60).entry.category == "visioning"
        assert _log(db, 60, category="documentation").entry.category == "documentation"
        with pytest.raises(InvalidInput, match="not used in Phase I"):
            _log(db, 60, category="political-education")
        with pytest.raises(NotFound, match="no category 'visoning'"):
            _log(db, 60, category="visoning")
        with pytest.raises(NotFound, match="No consultant contract covers Phase II"):
            _log(db, 60, on=date(2022, 4, 5))
        extend_contract(db, phase="II", cap_minutes=80 * 60, rate_cents=6500, reason="Extended", on=TODAY)
        entry = hours.log_time(
            db, minutes=60, description="Curriculum", on=date(2022, 4, 5), today=date(2022, 4, 5)
        ).entry
        assert (entry.category, entry.phase_number) == ("political-education", 2)


def test_dates_outside_phases_and_in_the_future(session) -> None:
    with session() as db:
        with pytest.raises(InvalidInput, match="outside every phase"):
            _log(db, 60, on=date(2021, 9, 30))
        with pytest.raises(InvalidInput, match="in the future"):
            hours.log_time(db, minutes=60, description="x", on=date(2021, 10, 2), today=date(2021, 10, 1))
        with pytest.raises(InvalidInput, match="description cannot be empty"):
            _log(db, 60, description="  ")


def test_summary_and_list(session) -> None:
    with session() as db:
        _log(db, 90, category="calendar")
        _log(db, 30, on=date(2021, 11, 3), category="calendar", billable=False)
        _log(db, 45, on=date(2021, 11, 4), category="documentation")
        entries = hours.list_entries(db, start=date(2021, 11, 1), end=date(2021, 11, 30))
        assert [e.minutes for e in entries] == [30, 45]
        rows = hours.summarize(hours.daily_totals(db), by="category")
        assert [(r.key, r.minutes, r.billable_minutes, r.entries) for r in rows] == [
            ("calendar", 120, 90, 2),
            ("documentation", 45, 45, 1),
        ]
        assert [(r.key, r.minutes) for r in hours.summarize(hours.daily_totals(db), by="month")] == [
            ("2021-10", 90),
            ("2021-11", 75),
        ]
        with pytest.raises(InvalidInput, match="group hours"):
            hours.summarize([], by="day")


def test_remove(session) -> None:
    with session() as db:
        entry = _log(db, 60).entry
        hours.remove_entry(db, entry_id=entry.id)
        assert db.exec(select(TimeEntry)).all() == []
        with pytest.raises(NotFound, match="no time entry"):
            hours.remove_entry(db, entry_id=entry.id)


def test_a_linked_session_gives_its_category(session) -> None:
    from coopprogram.services.sessions import add_session
    from coopprogram.units import parse_local_datetime

    with session() as db:
        [unity] = add_session(
            db,
            title="Points of unity workshop",
            kind="unity",
            start=parse_local_datetime("2022-01-20 18:00"),
            minutes=120,
            now=datetime(2022, 1, 21, tzinfo=UTC),
            invite="none",
        )
        entry = _log(db, 90, on=date(2022, 1, 19), session_id=unity.id).entry
        assert (entry.category, entry.session_id) == ("points-of-unity", unity.id)
        assert (
            _log(db, 30, on=date(2022, 1, 19), session_id=unity.id, category="documentation").entry.category
            == "documentation"
        )
        with pytest.raises(NotFound, match="no session 99"):
            _log(db, 30, session_id=99)
