"""The program calendar as iCalendar (RFC 5545) bytes, written by the icalendar library.

The same CalendarView always gives the same bytes: no clock is read here, DTSTAMP is the
event's stored update time, and the VTIMEZONE (exporters/vtimezone) covers the program's years.
An end that falls in the hour the clocks repeat is written in UTC, so every client (and a
re-import) reads the session's stored length.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from coopprogram.i18n import ENGLISH, Language

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from icalendar import vText

    from coopprogram.services.calendar import CalendarView, MilestoneEvent, SessionEvent


PRODID = "-//coopprogram//coop program calendar//EN"


def session_description(event: SessionEvent, lang: Language = ENGLISH) -> str:
    lines = [event.kind_name]
    if event.cancelled:
        reason = (
            lang("{coop} is no longer invited").format(coop=event.withdrawn_from)
            if event.withdrawn_from
            else event.cancel_reason
        )
        lines.insert(0, lang("CANCELLED") + (f": {reason}" if reason else ""))
    if event.link:
        lines.append(lang("Join online: {link}").format(link=event.link))
    if event.facilitator:
        lines.append(lang("Facilitator: {name}").format(name=event.facilitator))
    if event.agenda:
        lines += ["", lang("Agenda:")] + [
            f"{item.starts_local:%H:%M} {item.title_in(lang.code)}" + (f" ({item.lead})" if item.lead else "")
            for item in event.agenda
        ]
    return "\n".join(lines)


def text_value(value: str) -> vText:
    """A TEXT value (SUMMARY, LOCATION, DESCRIPTION...) written as typed (see _text_type)."""
    return _text_type()(value)


@lru_cache(maxsize=1)
def _text_type() -> type[vText]:
    """icalendar's TEXT value, for what people typed. icalendar (7.x) takes a backslash followed by
    N in the text it is given for an escaped line break (its escaping turns `\\N` into `\\n`): such
    a text is escaped piece by piece between its backslashes, each backslash written `\\\\` as
    RFC 5545 says."""
    from icalendar import vText

    class Text(vText):
        def to_ical(self) -> bytes:
            if "\\N" not in self:
                return super().to_ical()
            return b"\\\\".join(vText(piece).to_ical() for piece in self.split("\\"))

    return Text


def _end(instant: datetime, zone: ZoneInfo) -> datetime:
    """The end on the local clock, unless that clock time happens twice (then in UTC, which is never ambiguous)."""
    local = instant.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return instant.astimezone(UTC)
    return local


def render_event(item: SessionEvent, zone: ZoneInfo, lang: Language = ENGLISH) -> bytes:
    """One session's VEVENT, as every calendar carrying it writes it (and as it is kept between runs)."""
    # Properties are set through icalendar's own value types rather than `add()`, which looks
    # each type up again on every call (vDatetime is what vDDDTypes makes of a date-time, once).
    from icalendar import Event, vCategory, vDatetime, vInt, vText, vUri

    event = Event()
    event["UID"] = vText(item.uid)
    event["DTSTAMP"] = vDatetime(item.stamp.replace(microsecond=0))
    event["SEQUENCE"] = vInt(item.sequence)
    title = item.title_in(lang.code)
    event["SUMMARY"] = text_value(
        lang("Cancelled: {title}").format(title=title) if item.cancelled else title
    )  # for clients that ignore STATUS
    event["DTSTART"] = vDatetime(item.starts_at.astimezone(zone))
    event["DTEND"] = vDatetime(_end(item.ends_at, zone))
    if item.location:
        event["LOCATION"] = text_value(item.location)
    if item.link:
        event["URL"] = vUri(item.link)
    event["DESCRIPTION"] = text_value(session_description(item, lang))
    categories = vCategory([])
    categories.cats = [text_value(item.kind_name)]  # each category escaped as a TEXT value
    event["CATEGORIES"] = categories
    event["STATUS"] = vText("CANCELLED" if item.cancelled else "CONFIRMED")
    return event.to_ical()


def _milestone_event(item: MilestoneEvent, lang: Language = ENGLISH) -> bytes:
    from icalendar import Event, vDDDTypes, vInt, vText

    event = Event()
    event["UID"] = vText(item.uid)
    event["DTSTAMP"] = vDDDTypes(item.stamp.replace(microsecond=0))
    event["SEQUENCE"] = vInt(item.sequence)
    event["SUMMARY"] = text_value(
        lang("Milestone due: {title}").format(title=item.title) + (lang(" (done)") if item.done else "")
    )
    event["DTSTART"] = vDDDTypes(item.day)
    event["DTEND"] = vDDDTypes(item.day + timedelta(days=1))  # all-day: the end is exclusive
    event["DESCRIPTION"] = text_value(lang("{phase} milestone").format(phase=item.phase_name))
    event["TRANSP"] = vText("TRANSPARENT")  # a due date does not make anyone busy
    return event.to_ical()


def _head(view: CalendarView, *, name: bool = True) -> bytes:
    """The calendar's properties and its VTIMEZONE: everything before the events."""
    from icalendar import Calendar, vDDDTypes

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:  # a whole calendar; a single event stored on a CalDAV server carries no METHOD or name
        calendar.add("method", "PUBLISH")
        calendar["X-WR-CALNAME"] = text_value(view.name)
        calendar.add("x-wr-timezone", view.timezone)
    if view.refresh_minutes:  # a subscribed feed: how often clients should fetch it again
        calendar["REFRESH-INTERVAL"] = vDDDTypes(timedelta(minutes=view.refresh_minutes))
        calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
        calendar["X-PUBLISHED-TTL"] = vDDDTypes(timedelta(minutes=view.refresh_minutes))
    return calendar.to_ical().removesuffix(_END) + _vtimezone(
        view.timezone, view.first_day.year, view.last_day.year + 1
    )


@lru_cache(maxsize=8)
def _vtimezone(zone: str, first_year: int, last_year: int) -> bytes:
    """Derived once per zone and span: a publish writes the same definition into every feed."""
    from coopprogram.exporters.vtimezone import vtimezone

    return vtimezone(zone, first_year, last_year).to_ical()


_END = b"END:VCALENDAR\r\n"


# Bumped whenever the bytes written for the same view change (a published folder's fingerprints
# then no longer match, and every event kept is rendered again).
RENDERING = "2"
# Every phrase the feeds are written with: a changed translation changes the feeds' fingerprints.
_PHRASES = (
    "CANCELLED",
    "{coop} is no longer invited",
    "Join online: {link}",
    "Facilitator: {name}",
    "Agenda:",
    "Cancelled: {title}",
    "Milestone due: {title}",
    " (done)",
    "{phase} milestone",
)


def calendar_bytes(view: CalendarView, events: Iterable[bytes], lang: Language = ENGLISH) -> bytes:
    """The calendar `view` describes (its sessions aside) around its sessions' events, in order."""
    milestones = (_milestone_event(item, lang) for item in view.milestones)
    return b"".join(chain((_head(view),), events, milestones, (_END,)))  # one copy of a feed of many megabytes


def render_ics(view: CalendarView, *, lang: Language = ENGLISH) -> bytes:
    zone = ZoneInfo(view.timezone)
    return calendar_bytes(view, [render_event(item, zone, lang) for item in view.sessions], lang)


def rendering_key(lang: Language = ENGLISH) -> str:
    """What the bytes of a feed in `lang` depend on besides its calendar: this renderer's and
    icalendar's versions and the language's phrases (a new translation changes it)."""
    from icalendar import __version__ as icalendar_version

    made = repr((RENDERING, icalendar_version, lang.code, [lang(phrase) for phrase in _PHRASES]))
    return hashlib.blake2b(made.encode(), digest_size=16).hexdigest()


def event_rendering(lang: Language, timezone: str) -> str:
    """What a session's event bytes depend on besides the session: the feed's rendering key and
    the time zone its times are written in, with that zone's rules. Events are kept under it
    (services/calendar_store), so they are written again when the rules change (a tzdata update)."""
    made = hashlib.blake2b(f"{rendering_key(lang)} {timezone}".encode(), digest_size=16)
    made.update(_zone_rules(timezone))
    return made.hexdigest()


@lru_cache(maxsize=8)
def _zone_rules(name: str) -> bytes:
    """The zone's rules as zoneinfo reads them: its TZif file on the TZPATH, else in the tzdata package."""
    import zoneinfo
    from importlib import resources
    from pathlib import Path

    for root in zoneinfo.TZPATH:
        path = Path(root, name)
        if path.is_file():
            return path.read_bytes()
    package, _, leaf = f"tzdata.zoneinfo.{name.replace('/', '.')}".rpartition(".")
    return resources.files(package).joinpath(leaf).read_bytes()


def feed_fingerprint(view: CalendarView, tokens: str, lang: Language = ENGLISH) -> str:
    """A fingerprint of the bytes a calendar would hold, made without rendering it: `view` without
    its sessions, and its sessions' event tokens in order (each marked when shown withdrawn).
    Equal fingerprints, equal feeds (the renderer's and icalendar's versions included)."""
    header = (
        rendering_key(lang),
        view.name,
        view.timezone,
        view.first_day,
        view.last_day,
        view.refresh_minutes,
        view.milestones,
    )
    whole = hashlib.blake2b(digest_size=20)
    whole.update(_vtimezone(view.timezone, view.first_day.year, view.last_day.year + 1))
    whole.update(repr(header).encode())
    whole.update(tokens.encode())
    return whole.hexdigest()


def render_events(view: CalendarView, lang: Language = ENGLISH) -> dict[str, bytes]:
    """Each session as a calendar object of its own (with the VTIMEZONE), as CalDAV servers store events; by UID."""
    head, zone = _head(view, name=False), ZoneInfo(view.timezone)
    return {item.uid: head + render_event(item, zone, lang) + _END for item in view.sessions}
