"""Milestones: due dates within the phase, the status rules and overdue flags."""

from datetime import date

import pytest

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.services import milestones as ms

TODAY = date(2022, 1, 15)


def _add(db, title="Points of unity adopted", due=date(2022, 2, 28), phase="I"):
    return ms.add_milestone(db, title=title, phase=phase, due_on=due, today=TODAY)


def test_due_date_must_fall_in_the_phase(session) -> None:
    with session() as db, pytest.raises(InvalidInput, match=r"outside Phase I \(2021-10-01 to 2022-03-31\)"):
        _add(db, due=date(2022, 4, 1))


def test_lifecycle(session) -> None:
    with session() as db:
        m = _add(db)
        assert m.status == "planned"
        m = ms.start_milestone(db, milestone_id=m.id, on=date(2022, 1, 3), today=TODAY)
        assert (m.status, m.started_on) == ("in-progress", date(2022, 1, 3))
        m = ms.block_milestone(db, milestone_id=m.id, reason="Waiting on two co-ops", on=TODAY, today=TODAY)
        assert (m.status, m.blocked_reason) == ("blocked", "Waiting on two co-ops")
        m = ms.start_milestone(db, milestone_id=m.id, on=date(2022, 1, 20), today=TODAY)
        assert (m.status, m.blocked_reason, m.started_on) == ("in-progress", "", date(2022, 1, 3))
        m = ms.finish_milestone(db, milestone_id=m.id, on=date(2022, 2, 25), today=TODAY)
        assert (m.status, m.done_on) == ("done", date(2022, 2, 25))
        for change in (
            lambda: ms.finish_milestone(db, milestone_id=m.id, on=TODAY, today=TODAY),
            lambda: ms.start_milestone(db, milestone_id=m.id, on=TODAY, today=TODAY),
            lambda: ms.block_milestone(db, milestone_id=m.id, reason="x", on=TODAY, today=TODAY),
        ):
            with pytest.raises(Conflict, match="already done on 2022-02-25"):
                change()


def test_block_needs_a_reason_and_done_cannot_precede_start(session) -> None:
    with session() as db:
        m = _add(db)
        with pytest.raises(InvalidInput, match="reason cannot be empty"):
            ms.block_milestone(db, milestone_id=m.id, reason="  ", on=TODAY, today=TODAY)
        ms.start_milestone(db, milestone_id=m.id, on=date(2022, 1, 10), today=TODAY)
        with pytest.raises(InvalidInput, match="cannot be done before"):
            ms.finish_milestone(db, milestone_id=m.id, on=date(2022, 1, 9), today=TODAY)


def test_overdue_and_filters(session) -> None:
    with session() as db:
        late = _add(db, title="Late", due=date(2022, 1, 14))
        _add(db, title="Soon", due=date(2022, 1, 15))
        done = _add(db, title="Done late", due=date(2022, 1, 1))
        ms.finish_milestone(db, milestone_id=done.id, on=date(2022, 1, 5), today=TODAY)
        _add(db, title="Phase II", due=date(2022, 5, 1), phase="II")
    with session(write=False) as db:
        views = ms.list_milestones(db, today=TODAY)
        assert [(m.title, m.overdue) for m in views] == [
            ("Done late", False),
            ("Late", True),
            ("Soon", False),
            ("Phase II", False),
        ]
        assert [m.id for m in ms.list_milestones(db, today=TODAY, status="planned", phase="1")] == [
            late.id,
            late.id + 1,
        ]
        with pytest.raises(InvalidInput, match="not a milestone status"):
            ms.list_milestones(db, today=TODAY, status="finished")


def test_edit_moves_between_phases_with_a_valid_date(session) -> None:
    with session() as db:
        m = _add(db)
        with pytest.raises(InvalidInput, match="outside Phase II"):
            ms.edit_milestone(db, milestone_id=m.id, phase="II", today=TODAY)
        moved = ms.edit_milestone(db, milestone_id=m.id, phase="II", due_on=date(2022, 5, 2), today=TODAY)
    assert (moved.phase_number, moved.due_on) == (2, date(2022, 5, 2))


def test_unknown_milestone(session) -> None:
    with session(write=False) as db, pytest.raises(NotFound, match="no milestone 99"):
        ms.show_milestone(db, milestone_id=99, today=TODAY)


def test_phase_edit_refused_when_it_would_strand_a_milestone(session) -> None:
    from coopprogram.services.phases import edit_phase

    with session() as db:
        _add(db, due=date(2022, 3, 20))
    with session() as db, pytest.raises(InvalidInput, match="1 milestone"):
        edit_phase(db, reference="I", ends_on=date(2022, 3, 15))
