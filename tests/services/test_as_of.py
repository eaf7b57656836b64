"""Every dated view shows the program as it stood at the end of the day asked: a table of days
across the sample program, each figure worked out by hand from sample_data/ (the arithmetic is
in the comments), read through the report, the dashboard, the budget and the lists.

The dates behind them (sample_data/): milestones done 2021-10-14, 10-27, 12-03, 12-16 and
2022-01-07; #3 started 11-01, #4 11-04, #6 12-06 and blocked 2022-01-10. Working-group calls
every other Tuesday from 10-05, each closed the evening it was held; the 12-28 call cancelled at
the 12-14 call. Visioning sessions 11-04, 11-18, 12-09. Invoices: SEI-2021-001 $958.75 issued
11-01, paid 11-19; SEI-2021-002 $1,056.25 issued 12-01, paid 12-22; SEI-2022-003 $845.00 issued
2022-01-03, unpaid. Points of unity: version 3 circulated 2022-01-12 (versions 1 and 2 never).
"""

from datetime import date

import pytest

from coopprogram.db import unit_of_work
from coopprogram.services.budget import budget
from coopprogram.services.invoices import list_invoices
from coopprogram.services.milestones import list_milestones
from coopprogram.services.report import report
from coopprogram.services.sessions import end_of, list_sessions
from coopprogram.services.status import program_status

# day: (milestones done of 9, in progress, blocked, overdue ids, held, cancelled, coming in 30 days,
#       billable minutes used, outstanding cents, paid cents, unity version or None)
DAYS = {
    # October's 14:45 (the $958.75 of SEI-2021-001 at $65/h) + 11-04 3 + 11-05 1.5 + 11-09 2 + 11-12 1 = 22:15;
    # held: calls 10-05, 10-19, 11-02 and visioning 1 (11-04); coming 11-16 to 12-15: calls 11-16, 11-30,
    # 12-14, visioning 11-18, 12-09; SEI-2021-001 issued, not yet paid
    date(2021, 11, 15): (2, 2, 0, [], 4, 0, 5, 1335, 95875, 0, None),
    # + 11-16 1, 11-18 3, 11-19 1:15, 11-23 1.5, 11-30 2 = 31:00; held + calls 11-16, 11-30, visioning 2;
    # coming 12-01 to 12-30: visioning 3 (12-09), calls 12-14 and 12-28 (its cancellation came on 12-14);
    # milestone 3 is due 11-30 and done 12-03: not done yet, not yet overdue
    date(2021, 11, 30): (2, 2, 0, [], 7, 0, 3, 1860, 0, 95875, None),
    # + 12-02 2, 12-06 1, 12-09 3, 12-10 1.5, 12-14 2 = 40:30; held + visioning 3, call 12-14; the 12-28 call
    # cancelled; coming 12-16 to 01-14: the 01-11 call; SEI-2021-002 issued 12-01, paid only on 12-22
    date(2021, 12, 15): (3, 2, 0, [], 9, 1, 1, 2430, 105625, 95875, None),
    # the demo day: see test_report.test_mid_phase_one_figures
    date(2022, 1, 15): (5, 0, 1, [6], 10, 1, 3, 3000, 84500, 201500, 3),
}


@pytest.mark.parametrize("day", DAYS)
def test_every_view_as_of_the_day(demo_url, day) -> None:
    done, in_progress, blocked, overdue, held, cancelled, coming, used, outstanding, paid, unity = DAYS[day]
    with unit_of_work(demo_url, write=False) as db:
        view = report(db, phase=None, as_of=day)
        status = program_status(db, as_of=day)
        money = budget(db, phase=None, as_of=day)
        milestones = list_milestones(db, today=day, phase="I")
        sessions = list_sessions(db, now=end_of(db, day), phase="I")
        invoices = list_invoices(db, today=day)
    assert (view.milestones_done, len(view.milestones), [m.id for m in view.overdue_milestones]) == (done, 9, overdue)
    assert (status.milestones_done, status.milestones_in_progress, status.milestones_blocked) == (
        done,
        in_progress,
        blocked,
    )
    # a date recorded after the day is not shown on it
    assert all(m.done_on is None or m.done_on <= day for m in milestones)
    assert (len(view.held), len(view.cancelled), len(view.upcoming)) == (held, cancelled, coming)
    assert sum(1 for s in sessions if s.status == "held" and s.starts_local.date() <= day) == held
    assert all(s.cancelled_on is None or s.cancelled_on <= day for s in sessions)
    assert (money.used_minutes, view.money.used_minutes, status.used_minutes) == (used, used, used)
    assert (view.outstanding_cents, money.paid_cents) == (outstanding, paid)
    assert sum(i.total_cents for i in status.invoices_due) == outstanding
    assert all(i.issued_on is None or i.issued_on <= day for i in invoices)
    assert (view.unity.version if view.unity else None) == unity


def test_the_days_the_issue_names(demo_url) -> None:
    with unit_of_work(demo_url, write=False) as db:
        november = report(db, phase=None, as_of=date(2021, 11, 30))
        december = report(db, phase=None, as_of=date(2021, 12, 15))
        status = program_status(db, as_of=date(2021, 11, 15))
        listed = {i.reference: i for i in list_invoices(db, today=date(2021, 12, 15))}
        filtered = list_milestones(db, today=date(2021, 11, 30), status="done")
    # the later done dates (12-03, 12-16, 01-07) are not printed on 11-30
    assert [m.done_on for m in november.milestones if m.done_on] == [date(2021, 10, 14), date(2021, 10, 27)]
    assert [m.id for m in filtered] == [1, 2]
    assert november.cancelled == [] and november.unity is None
    assert [s.starts_local.date() for s in november.upcoming] == [
        date(2021, 12, 9),
        date(2021, 12, 14),
        date(2021, 12, 28),
    ]
    # SEI-2021-002: $1,056.25 outstanding on 12-15 (paid 12-22), in the report and the list alike
    assert [i.reference for i in december.outstanding] == ["SEI-2021-002"] and december.outstanding_cents == 105625
    assert (listed["SEI-2021-002"].status, listed["SEI-2021-002"].paid_on) == ("issued", None)
    assert (listed["SEI-2021-001"].status, listed["SEI-2021-001"].paid_on) == ("paid", date(2021, 11, 19))
    assert "SEI-2022-003" not in listed
    # the next session on 11-15 is the call the next day, not one in January
    assert [s.starts_local.date() for s in status.next_sessions] == [
        date(2021, 11, 16),
        date(2021, 11, 18),
        date(2021, 11, 30),
    ]


def test_participation_on_a_past_day(demo_url) -> None:
    with unit_of_work(demo_url, write=False) as db:
        mid_november = {row.slug: row for row in report(db, phase=None, as_of=date(2021, 11, 15)).participation}
        end_november = {row.slug: row for row in report(db, phase=None, as_of=date(2021, 11, 30)).participation}
    # SunShare joined 11-15: no held session open to it yet ("–"), not "not reached"
    assert (
        mid_november["sunshare-solar"].invited,
        mid_november["sunshare-solar"].share,
        mid_november["sunshare-solar"].not_reached,
    ) == (0, None, False)
    # Green Hands, absent from visioning 1 and 2: 0 of 2; in the cohort since 10-01, none attended in 60 days
    assert (
        end_november["green-hands"].attended,
        end_november["green-hands"].invited,
        end_november["green-hands"].share,
    ) == (0, 2, 0)
    assert end_november["green-hands"].not_reached
    # Harbor Food: came to visioning 1, excused from 2: 1 of 1 counted
    assert (end_november["harbor-food"].excused, end_november["harbor-food"].share) == (1, 100)


def test_a_part_payment_counts_from_its_day(demo_url) -> None:
    from coopprogram.services.invoices import pay_invoice

    with unit_of_work(demo_url, write=True) as db:
        pay_invoice(db, reference="SEI-2022-003", on=date(2022, 1, 20), today=date(2022, 1, 20), amount_cents=30000)
    with unit_of_work(demo_url, write=False) as db:
        before = report(db, phase=None, as_of=date(2022, 1, 15))
        after = report(db, phase=None, as_of=date(2022, 1, 25))
    # SEI-2022-003: $845.00, $300.00 of it paid on 01-20
    assert (before.outstanding_cents, after.outstanding_cents) == (84500, 54500)
    assert [i.reference for i in after.outstanding] == ["SEI-2022-003"]
