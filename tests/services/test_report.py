"""The phase report's figures on the sample program, checked against values worked out by hand
from sample_data/ (the arithmetic is in the comments), and the report before, during and
after a phase and for a phase with nothing in it yet."""

from datetime import date

from coopprogram.db import unit_of_work
from coopprogram.services.report import report


def _report(url, day, phase=None):
    with unit_of_work(url, write=False) as db:
        return report(db, phase=phase, as_of=day)


def test_mid_phase_one_figures(demo_url) -> None:
    view = _report(demo_url, date(2022, 1, 15))
    assert (view.phase.name, view.elapsed_days) == ("Phase I", 107)
    # sessions.csv: biweekly calls from 10-05 (7 held by 01-15, 12-28 cancelled) + 3 visioning sessions
    assert (len(view.held), len(view.cancelled), len(view.to_close)) == (10, 1, 0)
    # next 30 days (01-16 to 02-14): unity workshop 01-20, calls 01-25 and 02-08
    assert [s.starts_local.date() for s in view.upcoming] == [date(2022, 1, 20), date(2022, 1, 25), date(2022, 2, 8)]
    # invited to the visioning sessions: 11 on 11-04 (SunShare joined 11-15, North Shore 01-10), then 12, 12
    assert [len(s.invitees) for s in view.grid_sessions] == [11, 12, 12]
    assert [s.count("attended") for s in view.grid_sessions] == [10, 8, 11]
    rows = {row.slug: row for row in view.participation}
    assert len(rows) == 13
    assert (
        rows["green-hands"].attended,
        rows["green-hands"].invited,
        rows["green-hands"].absent,
        rows["green-hands"].share,
    ) == (1, 3, 2, 33)
    assert (rows["sunshare-solar"].attended, rows["sunshare-solar"].invited, rows["sunshare-solar"].last_attended) == (
        1,
        2,
        date(2021, 11, 18),
    )
    # harbor-food: came to 2 of 3, excused from the third: an excused absence does not count against it
    assert (rows["harbor-food"].attended, rows["harbor-food"].excused, rows["harbor-food"].share) == (2, 1, 100)
    assert rows["sunshare-solar"].marks == ["", "attended", "absent"]
    # last attended within 60 days (since 2021-11-16) for all; North Shore Makers (joined 01-10) had
    # no held session open to it yet: "–", not 0% and not "not reached"
    assert view.not_reached == []
    assert (rows["north-shore-makers"].invited, rows["north-shore-makers"].share) == (0, None)
    # milestones.csv: 5 of 9 Phase I done; the blocked one due 01-14 is overdue
    assert (view.milestones_done, len(view.milestones), [m.id for m in view.overdue_milestones]) == (5, 9, [6])
    # hours.csv: 50:00 billable through 01-12; 6000 * 107 / 182 = 3527.47 -> 58:47 planned
    assert (view.money.used_minutes, view.money.planned_minutes, view.money.pace_minutes) == (3000, 3527, -527)
    assert (view.burn[0].used_minutes, view.burn[-1].day, view.burn[-1].used_minutes) == (0, date(2022, 1, 15), 3000)
    assert [b.used_minutes for b in view.burn] == sorted(b.used_minutes for b in view.burn)
    assert [i.reference for i in view.invoices] == ["SEI-2021-001", "SEI-2021-002", "SEI-2022-003"]
    assert [i.reference for i in view.outstanding] == ["SEI-2022-003"]
    # actions.csv: three open; the one due 01-14 is overdue and comes first
    assert [(a.id, a.overdue) for a in view.actions] == [(3, True), (4, False), (5, False)]
    assert (view.unity.version, view.unity.status, view.unity.open_comments) == (3, "circulating", 1)
    assert (len(view.unity.tally.endorsed), len(view.unity.tally.not_answered)) == (8, 4)


def test_before_the_phase(demo_url) -> None:
    view = _report(demo_url, date(2021, 9, 1))
    assert (view.phase.name, view.elapsed_days, view.held, view.money.used_minutes) == ("Phase I", 0, [], 0)
    assert view.overdue_milestones == [] and view.invoices == []
    assert view.participation == []  # no co-op had joined yet


def test_after_the_phase(demo_url) -> None:
    view = _report(demo_url, date(2022, 6, 1), phase="I")
    assert view.elapsed_days == 182
    # every planned session after 01-15 was never closed: 5 more calls (01-25 to 03-22), 3 workshops, 2 strategy sessions
    assert len(view.to_close) == 10
    assert [m.id for m in view.overdue_milestones] == [6, 7, 8, 9]
    assert view.money.planned_minutes == 6000


def test_an_empty_phase(demo_url) -> None:
    view = _report(demo_url, date(2022, 4, 15), phase="II")
    assert (view.phase.name, view.elapsed_days, view.money, view.held, view.upcoming) == ("Phase II", 15, None, [], [])
    assert (view.milestones_done, len(view.milestones)) == (0, 5)
    assert view.burn == [] and view.invoices == []


def test_the_earlier_share_is_the_previous_phase_own_share(coop, demo_url) -> None:
    """Phase II's starting point (counted by the database) is each co-op's share in Phase I's own
    report on the same day (counted from the sessions read): an excused absence left out, a session
    counted only from the day it was closed."""
    # the 01-20 workshop, closed that day: Green Hands absent, Harbor Food excused, the others came
    others = [
        "casa-limpia",
        "sabor-colectivo",
        "little-roots",
        "building-power",
    ]
    workshop = coop(
        "sessions", "attend", "17", *others, "--absent", "green-hands", "--excused", "harbor-food", "--on", "2022-01-20"
    )
    assert workshop.exit_code == 0, workshop.stderr
    # the 02-17 workshop, closed only on 05-01: Green Hands came
    late = coop("sessions", "attend", "18", "green-hands", "--absent", "harbor-food", "--on", "2022-05-01")
    assert late.exit_code == 0, late.stderr
    shares = {}
    for day in (date(2022, 4, 15), date(2022, 5, 15)):
        own = {row.slug: row.share for row in _report(demo_url, day, phase="I").participation}
        earlier = {row.slug: row.earlier_share for row in _report(demo_url, day, phase="II").participation}
        assert earlier == own
        shares[day] = earlier
    # Green Hands: 1 of the 3 visioning sessions, absent on 01-20: 1 of 4; then the 02-17 one: 2 of 5
    assert (shares[date(2022, 4, 15)]["green-hands"], shares[date(2022, 5, 15)]["green-hands"]) == (25, 40)
    # Harbor Food: 2 of 3 visioning sessions, excused twice (once in them, on 01-20): 2 of 2 counted;
    # absent on 02-17 (closed 05-01): 2 of 3 counted
    assert (shares[date(2022, 4, 15)]["harbor-food"], shares[date(2022, 5, 15)]["harbor-food"]) == (100, 67)
