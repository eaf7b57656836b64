"""The consultant's week (`coop hours week`): minutes per day and category from the database's
per-day sums, their totals, and the cap's pace (hours used against the share of the phase
elapsed) at the end of the week, or today for the week under way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from coopprogram.errors import NotFound
from coopprogram.services.budget import budget
from coopprogram.services.hours import daily_totals


@dataclass(frozen=True)
class WeekPace:
    phase_name: str
    as_of: date
    used_minutes: int  # billable, since the phase began
    cap_minutes: int
    elapsed_days: int
    phase_days: int
    planned_minutes: int  # an even spread of the cap over the phase, by as_of

    @property
    def pace_minutes(self) -> int:
        return self.used_minutes - self.planned_minutes


@dataclass(frozen=True)
class WeekView:
    monday: date
    categories: list[str]  # the columns: those with time this week
    minutes: dict[str, dict[str, int]]  # day (ISO) -> category -> minutes
    billable_minutes: int
    pace: WeekPace | None  # None when the week is outside every phase

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=offset) for offset in range(7)]

    def day_total(self, day: date) -> int:
        return sum(self.minutes.get(day.isoformat(), {}).values())

    def category_total(self, category: str) -> int:
        return sum(cells.get(category, 0) for cells in self.minutes.values())

    @property
    def total(self) -> int:
        return sum(self.day_total(day) for day in self.days)


def week_view(db: Session, *, day: date, today: date) -> WeekView:
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    totals = daily_totals(db, start=monday, end=sunday)
    minutes: dict[str, dict[str, int]] = {}
    for total in totals:
        cells = minutes.setdefault(total.worked_on.isoformat(), {})
        cells[total.category] = cells.get(total.category, 0) + total.minutes
    return WeekView(
        monday=monday,
        categories=sorted({total.category for total in totals}),
        minutes=minutes,
        billable_minutes=sum(total.minutes for total in totals if total.billable),
        pace=_pace(db, as_of=min(sunday, max(today, monday))),
    )


def _pace(db: Session, *, as_of: date) -> WeekPace | None:
    try:
        view = budget(db, phase=None, as_of=as_of)
    except NotFound:  # a week outside every phase, or a phase without a contract: no cap to pace
        return None
    return WeekPace(
        phase_name=view.phase.name,
        as_of=as_of,
        used_minutes=view.used_minutes,
        cap_minutes=view.cap_minutes,
        elapsed_days=view.elapsed_days,
        phase_days=view.phase.days,
        planned_minutes=view.planned_minutes,
    )
