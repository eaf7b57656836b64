"""The program calendar as iCalendar (RFC 5545) bytes, written by the icalendar library.

The same CalendarView always gives the same bytes: no clock is read here, DTSTAMP is the
event's stored update time, and the VTIMEZONE covers the program's fixed span of years.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from coopprogram.services.calendar import CalendarView, SessionEvent

PRODID = "-//coopprogram//coop program calendar//EN"


def session_description(event: SessionEvent) -> str:
    lines = [event.kind_name]
    if event.cancelled:
        lines.insert(0, "CANCELLED" + (f": {event.cancel_reason}" if event.cancel_reason else ""))
    if event.link:
        lines.append(f"Join online: {event.link}")
    if event.facilitator:
        lines.append(f"Facilitator: {event.facilitator}")
    if event.agenda:
        lines += ["", "Agenda:"] + [
            f"{item.starts_local:%H:%M} {item.title}" + (f" ({item.lead})" if item.lead else "") for item in event.agenda
        ]
    return "\n".join(lines)


def render_ics(view: CalendarView) -> bytes:
    from icalendar import Calendar, Event

    zone = ZoneInfo(view.timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", view.name)
    calendar.add("x-wr-timezone", view.timezone)
    for item in view.sessions:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp.replace(microsecond=0))
        event.add("sequence", item.sequence)
        event.add("summary", item.title)
        event.add("dtstart", item.starts_at.astimezone(zone))
        event.add("dtend", item.ends_at.astimezone(zone))
        if item.location:
            event.add("location", item.location)
        if item.link:
            event.add("url", item.link)
        event.add("description", session_description(item))
        event.add("categories", [item.kind_name])
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    for item in view.milestones:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp.replace(microsecond=0))
        event.add("sequence", item.sequence)
        event.add("summary", f"Milestone due: {item.title}" + (" (done)" if item.done else ""))
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))  # all-day: the end is exclusive
        event.add("description", f"{item.phase_name} milestone")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones(first_date=date(view.first_day.year, 1, 1), last_date=date(view.last_day.year + 1, 12, 31))
    return calendar.to_ical()
