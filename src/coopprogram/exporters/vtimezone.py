"""The VTIMEZONE that calendar clients agree on, derived from zoneinfo for a span of years.

Each clock change becomes a STANDARD or DAYLIGHT block with a yearly RRULE (month, weekday,
n-th or last of the month), as Google Calendar and Outlook write them; a run of years under one
rule is one block, closed with UNTIL when the rule changes. ical.js (Thunderbird) and vobject
misread RDATE lists and a DTSTART that is not itself a clock change, so neither is written.
"""

from __future__ import annotations

import calendar as monthcal
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from icalendar import Timezone

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Change:
    """One clock change: its local onset (on the clock before it) and the offsets either side."""

    onset: datetime  # naive, in the offset before the change
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def shape(self) -> tuple:
        return (
            self.daylight,
            self.offset_from,
            self.offset_to,
            self.name,
            self.onset.month,
            self.onset.weekday(),
            self.onset.time(),
        )

    @property
    def ordinals(self) -> set[int]:
        """The BYDAY ordinals that name this day: its n-th weekday of the month, and -1 if it is the last."""
        found = {(self.onset.day - 1) // 7 + 1}
        if self.onset.day + 7 > monthcal.monthrange(self.onset.year, self.onset.month)[1]:
            found.add(-1)
        return found


@dataclass(frozen=True)
class Observance:
    """A run of yearly changes under one rule (a rule-less one-off when `ordinal` is None)."""

    first: Change
    ordinal: int | None
    last: Change | None  # the last onset of a rule that stops; None when it runs on


def _utc_offset(moment: datetime) -> timedelta:
    """The offset of a datetime in a ZoneInfo zone (which always has one)."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"{moment} has no time zone")
    return offset


def _instant_offsets(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, timedelta, timedelta]]:
    """Every UTC instant in [start, end) at which the zone's offset changes, found to the second."""

    def offset_at(second: int) -> timedelta:
        return _utc_offset(datetime.fromtimestamp(second, zone))

    found = []
    step = 6 * 3600  # no zone changes its clock twice within six hours
    moment, last = int(start.timestamp()), int(end.timestamp())
    offset = offset_at(moment)
    while moment < last:
        following = moment + step
        new = offset_at(following)
        if new != offset:
            low, high = moment, following  # offset_at(low) is the old offset, offset_at(high) the new
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset_at(middle) == offset else (low, middle)
            found.append((datetime.fromtimestamp(high, UTC), offset, new))
            offset = new
        moment = following
    return found


def clock_changes(zone_name: str, first_year: int, last_year: int) -> list[Change]:
    zone = ZoneInfo(zone_name)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    changes = []
    for instant, before, after in _instant_offsets(zone, start, end):
        local = instant.astimezone(zone)
        changes.append(
            Change((instant + before).replace(tzinfo=None), before, after, local.tzname() or "", bool(local.dst()))
        )
    return changes


def observances(changes: list[Change]) -> list[Observance]:
    """The changes grouped into yearly rules: same kind, offsets, month, weekday and time, in consecutive years."""
    runs: list[list[Change]] = []
    for change in changes:
        run = next((r for r in runs if r[-1].shape == change.shape and r[-1].onset.year + 1 == change.onset.year), None)
        if run is not None and set.intersection(*(c.ordinals for c in run), change.ordinals):
            run.append(change)
        else:
            runs.append([change])
    final_year = changes[-1].onset.year if changes else 0
    result = []
    for run in runs:
        common = set.intersection(*(c.ordinals for c in run))
        # "last Sunday" is how such rules are written; a 4th Sunday that is also the last is read as last.
        ordinal = (-1 if -1 in common else min(common)) if len(run) > 1 or run[-1].onset.year == final_year else None
        runs_on = run[-1].onset.year == final_year and ordinal is not None
        result.append(Observance(run[0], ordinal, None if runs_on else run[-1]))
    return result


def vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE component for events from `first_year` to `last_year` (a year before is covered too,
    so every event has an observance that began before it)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vDDDTypes, vRecur, vText, vUTCOffset

    block = Timezone()
    block["TZID"] = vText(zone_name)
    changes = clock_changes(zone_name, first_year - 1, last_year)
    if not changes:  # a zone without clock changes: one standard observance
        offset = _utc_offset(datetime.combine(date(first_year, 1, 1), time(), ZoneInfo(zone_name)))
        standard = TimezoneStandard()
        standard["DTSTART"] = vDDDTypes(datetime(1970, 1, 1))
        standard["TZOFFSETFROM"] = vUTCOffset(offset)
        standard["TZOFFSETTO"] = vUTCOffset(offset)
        standard["TZNAME"] = vText(
            datetime.combine(date(first_year, 1, 1), time(), ZoneInfo(zone_name)).tzname() or zone_name
        )
        block.add_component(standard)
        return block
    for observance in observances(changes):
        change = observance.first
        part = TimezoneDaylight() if change.daylight else TimezoneStandard()
        part["DTSTART"] = vDDDTypes(change.onset)
        part["TZOFFSETFROM"] = vUTCOffset(change.offset_from)
        part["TZOFFSETTO"] = vUTCOffset(change.offset_to)
        part["TZNAME"] = vText(change.name)
        if observance.ordinal is not None:
            rule = {
                "FREQ": "YEARLY",
                "BYMONTH": change.onset.month,
                "BYDAY": f"{observance.ordinal}{_WEEKDAYS[change.onset.weekday()]}",
            }
            if observance.last is not None:
                rule["UNTIL"] = (observance.last.onset - observance.last.offset_from).replace(tzinfo=UTC)
            part["RRULE"] = vRecur(rule)
        block.add_component(part)
    return block
