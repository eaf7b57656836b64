"""The dashboard's figures from the sample program, checked against counts made by hand
from sample_data/ (13 co-ops, North Shore Makers joining on 2022-01-10; 9 Phase I milestones,
5 done by 2022-01-07, one blocked and due 2022-01-14)."""

from datetime import date

from coopprogram.db import unit_of_work
from coopprogram.services.status import program_status


def _status(url: str, day: date):
    with unit_of_work(url, write=False) as db:
        return program_status(db, as_of=day)


def test_mid_phase_one(demo_url: str) -> None:
    view = _status(demo_url, date(2022, 1, 15))
    assert view.current_phase.name == "Phase I"
    assert (view.elapsed_days, view.current_phase.days) == (107, 182)
    assert (view.coops_active, view.coops_existing, view.coops_budding) == (13, 7, 6)
    assert (view.milestones_total, view.milestones_done, view.milestones_in_progress, view.milestones_blocked) == (
        9,
        5,
        0,
        1,
    )
    assert [m.title for m in view.overdue] == ["Point people and channels confirmed for every co-op"]
    assert [m.due_on for m in view.next_due] == [date(2022, 2, 28), date(2022, 3, 18), date(2022, 3, 31)]
    assert view.contract.rate_cents == 6500


def test_coops_count_from_the_day_they_joined(demo_url: str) -> None:
    # SunShare joined on 2021-11-15, North Shore Makers on 2022-01-10, the other 11 on 2021-10-01.
    assert _status(demo_url, date(2021, 11, 14)).coops_active == 11
    assert _status(demo_url, date(2021, 11, 15)).coops_active == 12
    assert _status(demo_url, date(2022, 1, 9)).coops_active == 12
    assert _status(demo_url, date(2022, 1, 10)).coops_active == 13


def test_before_during_and_after(demo_url: str) -> None:
    before = _status(demo_url, date(2021, 9, 1))
    assert before.before_start and before.current_phase is None and before.contract is None
    assert before.milestones_total == 14
    phase_two = _status(demo_url, date(2022, 4, 1))
    assert (phase_two.current_phase.number, phase_two.elapsed_days, phase_two.milestones_total) == (2, 1, 5)
    # Phase I closed with 4 of its 9 milestones open: counted apart, not listed as the new phase's overdue.
    assert (phase_two.earlier_open, phase_two.overdue) == (4, [])
    after = _status(demo_url, date(2023, 1, 1))
    assert after.after_end and after.current_phase is None
    assert len(after.overdue) == 9  # every milestone not done by then: 14 less the 5 done
