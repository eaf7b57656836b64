"""The database does the bookkeeping: a row's update time moves when the row changes (the
column's `onupdate`), and stays put when nothing a person would call a change happened."""

from datetime import date

from sqlmodel import select

from coopprogram.db import unit_of_work
from coopprogram.exporters.ics import render_ics
from coopprogram.models import Milestone, ProgramSession
from coopprogram.services import calendar
from coopprogram.services import milestones as ms
from coopprogram.services.calendar_store import mark_sending

TODAY = date(2022, 1, 15)


def _stamps(url: str, model: type) -> dict[int, object]:
    with unit_of_work(url, write=False) as db:
        return {row.id: row.updated_at for row in db.exec(select(model)).all()}


def test_a_changed_row_gets_a_new_update_time_and_only_it(demo_url) -> None:
    before = _stamps(demo_url, Milestone)
    with unit_of_work(demo_url, write=True) as db:
        changed = ms.start_milestone(db, milestone_id=9, on=TODAY, today=TODAY)
    after = _stamps(demo_url, Milestone)
    assert changed.status == "in-progress"
    assert after[9] > before[9]
    assert {k: v for k, v in after.items() if k != 9} == {k: v for k, v in before.items() if k != 9}


def test_an_export_leaves_the_update_times_and_the_next_export_is_the_same(demo_url) -> None:
    before = _stamps(demo_url, ProgramSession)
    with unit_of_work(demo_url, write=True) as db:
        mark_sending(db)
        first = render_ics(calendar.calendar_view(db))
    with unit_of_work(demo_url, write=False) as db:
        exported = {s.id: s.exported_sequence for s in db.exec(select(ProgramSession)).all()}
        second = render_ics(calendar.calendar_view(db))
    assert _stamps(demo_url, ProgramSession) == before
    assert any(sequence > 0 for sequence in exported.values())
    assert first == second
