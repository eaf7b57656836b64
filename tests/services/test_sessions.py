"""Sessions: DST edges, recurring series with cancellation of the rest, rescheduling that
raises SEQUENCE, attendance rules and agenda timing."""

from datetime import UTC, date, datetime

import pytest

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.services import agenda, sessions
from coopprogram.services.coops import add_coop

NOW = datetime(2022, 8, 31, 23, 0, tzinfo=UTC)


def _add(db, start="2021-11-04 18:00", minutes=120, **kwargs):
    from coopprogram.units import parse_local_datetime

    return sessions.add_session(
        db,
        title=kwargs.pop("title", "Visioning"),
        kind=kwargs.pop("kind", "visioning"),
        start=parse_local_datetime(start),
        minutes=minutes,
        now=NOW,
        **kwargs,
    )


@pytest.fixture
def cohort(session):
    with session() as db:
        for slug in ("casa-limpia", "voces", "tierra-viva"):
            add_coop(db, name=slug.replace("-", " ").title(), kind="worker", slug=slug)
    return session


def test_start_is_read_in_the_program_time_zone(cohort) -> None:
    with cohort() as db:
        [view] = _add(db, start="2021-11-04 18:00")  # EDT: UTC-4
        [winter] = _add(db, start="2021-12-09 18:00")  # EST: UTC-5
    assert view.starts_at == datetime(2021, 11, 4, 22, 0, tzinfo=UTC)
    assert winter.starts_at == datetime(2021, 12, 9, 23, 0, tzinfo=UTC)
    assert (view.starts_local, view.ends_local) == (datetime(2021, 11, 4, 18, 0), datetime(2021, 11, 4, 20, 0))


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("2022-03-13 02:30", "does not exist in America/New_York.*01:30 EST or 03:30 EDT"),
        ("2021-11-07 01:30", "happens twice in America/New_York.*01:30 EDT \\(UTC-0400\\) or 01:30 EST \\(UTC-0500\\)"),
    ],
)
def test_dst_gaps_and_overlaps_are_refused_with_both_readings(cohort, start, message) -> None:
    with cohort() as db, pytest.raises(InvalidInput, match=message):
        _add(db, start=start)


def test_a_series_keeps_its_wall_clock_time_across_the_november_change(cohort) -> None:
    with cohort() as db:
        views = _add(
            db,
            start="2021-10-26 18:00",
            title="WG",
            kind="working-group",
            invite="none",
            repeat="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
            until=date(2021, 11, 30),
        )
    assert [v.starts_local for v in views] == [
        datetime(2021, 10, 26, 18),
        datetime(2021, 11, 9, 18),
        datetime(2021, 11, 23, 18),
    ]
    assert [v.starts_at.hour for v in views] == [22, 23, 23]
    assert len({v.series_id for v in views}) == 1 and len({v.uid for v in views}) == 3


def test_monthly_rule_and_rule_errors(cohort) -> None:
    with cohort() as db:
        views = _add(
            db, start="2022-01-20 18:00", kind="unity", repeat="FREQ=MONTHLY;BYDAY=3TH", until=date(2022, 3, 31)
        )
        assert [v.starts_local.date() for v in views] == [date(2022, 1, 20), date(2022, 2, 17), date(2022, 3, 17)]
        with pytest.raises(InvalidInput, match="not a recurrence rule"):
            _add(db, repeat="FREQ=SOMETIMES", until=date(2022, 3, 1))
        with pytest.raises(InvalidInput, match="not UNTIL or COUNT"):
            _add(db, repeat="FREQ=WEEKLY;COUNT=3", until=date(2022, 3, 1))
        with pytest.raises(InvalidInput, match="both --repeat"):
            _add(db, repeat="FREQ=WEEKLY")
        with pytest.raises(InvalidInput, match="outside every phase"):
            _add(db, start="2022-08-16 18:00", repeat="FREQ=WEEKLY", until=date(2022, 9, 15))


def test_cancel_the_rest_of_a_series(cohort) -> None:
    with cohort() as db:
        views = _add(
            db,
            start="2021-10-05 18:00",
            kind="working-group",
            repeat="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
            until=date(2021, 12, 28),
        )
        cancelled = sessions.cancel_session(
            db, session_id=views[3].id, reason="Moving to monthly", now=NOW, series=True
        )
        assert [v.id for v in cancelled] == [v.id for v in views[3:]]
        statuses = [v.status for v in sessions.list_sessions(db, now=NOW)]
        assert statuses == ["planned"] * 3 + ["cancelled"] * 4
        assert all(v.sequence == 1 for v in cancelled)
        with pytest.raises(Conflict, match="already cancelled"):
            sessions.cancel_session(db, session_id=views[3].id, reason="", now=NOW)
        with pytest.raises(InvalidInput, match="not part of a series"):
            sessions.cancel_session(db, session_id=_add(db)[0].id, reason="", now=NOW, series=True)


def test_reschedule_raises_sequence_and_keeps_uid(cohort) -> None:
    with cohort() as db:
        [view] = _add(db)
        [moved] = sessions.reschedule_session(db, session_id=view.id, start=datetime(2021, 11, 18, 18, 30), now=NOW)
        assert (moved.uid, moved.sequence, moved.starts_local) == (view.uid, 1, datetime(2021, 11, 18, 18, 30))
        [renamed] = sessions.edit_session(db, session_id=view.id, now=NOW, title="Visioning 2")
        assert renamed.sequence == 2  # a new title shows in every calendar: clients must take it
        [same] = sessions.edit_session(db, session_id=view.id, now=NOW, title="Visioning 2")
        assert same.sequence == 2  # nothing changed
        [relocated] = sessions.edit_session(db, session_id=view.id, now=NOW, location="Lawrence")
        assert relocated.sequence == 3


def test_attendance_rules(cohort) -> None:
    with cohort() as db:
        [view] = _add(db, invite="casa-limpia,voces")
        with pytest.raises(InvalidInput, match="has not happened yet"):
            sessions.record_attendance(
                db, session_id=view.id, now=datetime(2021, 11, 1, tzinfo=UTC), attended=["voces"]
            )
        with pytest.raises(InvalidInput, match="tierra-viva was not invited"):
            sessions.record_attendance(db, session_id=view.id, now=NOW, attended=["tierra-viva"])
        with pytest.raises(InvalidInput, match="named twice"):
            sessions.record_attendance(db, session_id=view.id, now=NOW, attended=["voces"], absent=["voces"])
        with pytest.raises(NotFound, match="Did you mean 'voces'"):
            sessions.record_attendance(db, session_id=view.id, now=NOW, attended=["voses"])
        done = sessions.record_attendance(
            db, session_id=view.id, now=NOW, attended=["casa-limpia"], excused=["voces"], headcount=12
        )
    assert (done.status, done.headcount, done.count("attended"), done.count("excused")) == ("held", 12, 1, 1)


def test_needs_closing(cohort) -> None:
    with cohort() as db:
        [view] = _add(db)
        assert (
            sessions.show_session(db, session_id=view.id, now=datetime(2021, 11, 4, 21, tzinfo=UTC)).needs_closing
            is False
        )
        assert (
            sessions.show_session(db, session_id=view.id, now=datetime(2021, 11, 5, 1, tzinfo=UTC)).needs_closing
            is True
        )
        sessions.mark_held(db, session_id=view.id, now=NOW)
        assert sessions.show_session(db, session_id=view.id, now=NOW).needs_closing is False


def test_agenda_clock_times_and_overrun(cohort) -> None:
    with cohort() as db:
        [view] = _add(db, minutes=90)
        agenda.add_item(db, session_id=view.id, title="Opening", minutes=15, kind="opening")
        agenda.add_item(db, session_id=view.id, title="Pairs", minutes=45)
        plan = agenda.add_item(db, session_id=view.id, title="Break", minutes=10, kind="break", position=2)
        assert [(i.title, f"{i.starts_local:%H:%M}") for i in plan.items] == [
            ("Opening", "18:00"),
            ("Break", "18:15"),
            ("Pairs", "18:25"),
        ]
        assert plan.over_minutes == 0
        plan = agenda.add_item(db, session_id=view.id, title="Harvest", minutes=40)
        assert (plan.total_minutes, plan.over_minutes) == (110, 20)
        plan = agenda.move_item(db, item_id=plan.items[-1].id, position=1)
        assert [i.title for i in plan.items] == ["Harvest", "Opening", "Break", "Pairs"]
        plan = agenda.remove_item(db, item_id=plan.items[0].id)
        assert [(i.position, i.title) for i in plan.items] == [(1, "Opening"), (2, "Break"), (3, "Pairs")]
        with pytest.raises(InvalidInput, match="not an agenda item kind"):
            agenda.add_item(db, session_id=view.id, title="x", minutes=5, kind="lunch")
