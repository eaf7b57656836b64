"""The program calendar as iCalendar (RFC 5545) bytes, written by the icalendar library.

The same CalendarView always gives the same bytes: no clock is read here, DTSTAMP is the
event's stored update time, and the VTIMEZONE (exporters/vtimezone) covers the program's years.
An end that falls in the hour the clocks repeat is written in UTC, so every client (and a
re-import) reads the session's stored length.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from coopprogram.i18n import ENGLISH, Language

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from coopprogram.services.calendar import CalendarView, MilestoneEvent, SessionEvent


PRODID = "-//coopprogram//coop program calendar//EN"


def session_description(event: SessionEvent, lang: Language = ENGLISH) -> str:
    lines = [event.kind_name]
    if event.cancelled:
        lines.insert(0, lang("CANCELLED") + (f": {event.cancel_reason}" if event.cancel_reason else ""))
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


def _end(instant: datetime, zone: ZoneInfo) -> datetime:
    """The end on the local clock, unless that clock time happens twice (then in UTC, which is never ambiguous)."""
    local = instant.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return instant.astimezone(UTC)
    return local


def _session_event(item: SessionEvent, zone: ZoneInfo, lang: Language = ENGLISH) -> bytes:
    # Properties are set through icalendar's own value types rather than `add()`, which looks
    # each type up again on every call (vDatetime is what vDDDTypes makes of a date-time, once).
    from icalendar import Event, vCategory, vDatetime, vInt, vText, vUri

    event = Event()
    event["UID"] = vText(item.uid)
    event["DTSTAMP"] = vDatetime(item.stamp.replace(microsecond=0))
    event["SEQUENCE"] = vInt(item.sequence)
    title = item.title_in(lang.code)
    event["SUMMARY"] = vText(
        lang("Cancelled: {title}").format(title=title) if item.cancelled else title
    )  # for clients that ignore STATUS
    event["DTSTART"] = vDatetime(item.starts_at.astimezone(zone))
    event["DTEND"] = vDatetime(_end(item.ends_at, zone))
    if item.location:
        event["LOCATION"] = vText(item.location)
    if item.link:
        event["URL"] = vUri(item.link)
    event["DESCRIPTION"] = vText(session_description(item, lang))
    event["CATEGORIES"] = vCategory([item.kind_name])
    event["STATUS"] = vText("CANCELLED" if item.cancelled else "CONFIRMED")
    return event.to_ical()


def _milestone_event(item: MilestoneEvent, lang: Language = ENGLISH) -> bytes:
    from icalendar import Event, vDDDTypes, vInt, vText

    event = Event()
    event["UID"] = vText(item.uid)
    event["DTSTAMP"] = vDDDTypes(item.stamp.replace(microsecond=0))
    event["SEQUENCE"] = vInt(item.sequence)
    event["SUMMARY"] = vText(
        lang("Milestone due: {title}").format(title=item.title) + (lang(" (done)") if item.done else "")
    )
    event["DTSTART"] = vDDDTypes(item.day)
    event["DTEND"] = vDDDTypes(item.day + timedelta(days=1))  # all-day: the end is exclusive
    event["DESCRIPTION"] = vText(lang("{phase} milestone").format(phase=item.phase_name))
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
        calendar.add("x-wr-calname", view.name)
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
# then no longer match, and every feed is rendered again).
RENDERING = "1"
# Every phrase the feeds are written with: a changed translation changes the feeds' fingerprints.
_PHRASES = (
    "CANCELLED",
    "Join online: {link}",
    "Facilitator: {name}",
    "Agenda:",
    "Cancelled: {title}",
    "Milestone due: {title}",
    " (done)",
    "{phase} milestone",
)


class EventCache:
    """Each event's bytes, rendered once per language however many feeds carry it (the publish writes one feed per co-op),
    and each event's fingerprint (what its bytes are made of), so an unchanged feed need not be rendered at all.

    Given the events an earlier run rendered (`stored`, by `stored_key`), it takes an event from
    there instead of rendering it; `fresh` holds what it rendered, `used` every key it needed:
    what the caller keeps for the next run."""

    def __init__(self, stored: Mapping[str, bytes] | None = None) -> None:
        # By language code, then by id(event): the events are kept alive here, so an id is never reused.
        self._rendered: dict[str, dict[int, bytes]] = {}
        self._digests: dict[str, dict[int, bytes]] = {}
        self._alive: list[SessionEvent] = []
        self._rendering: dict[str, bytes] = {}  # rendering_key by language code
        self._stored = stored or {}
        self.fresh: dict[str, bytes] = {}
        self.used: set[str] = set()

    def digests(self, items: list[SessionEvent], lang: Language = ENGLISH) -> list[bytes]:
        """The fingerprint of everything `session` writes for each event in `lang`."""
        known = self._digests.setdefault(lang.code, {})
        found = [known.get(id(item)) for item in items]
        for place, digest in enumerate(found):
            if digest is None:
                item = items[place]
                found[place] = known[id(item)] = self._digest(item, lang)
                self._alive.append(item)
        return found  # type: ignore[return-value]  # every None was filled in

    def digest(self, item: SessionEvent, lang: Language = ENGLISH) -> bytes:
        return self.digests([item], lang)[0]

    @staticmethod
    def _digest(item: SessionEvent, lang: Language) -> bytes:
        made = repr(
            (
                item.uid,
                item.sequence,
                item.stamp.replace(microsecond=0),
                item.title_in(lang.code),
                item.kind_name,
                item.starts_at,
                item.ends_at,
                item.location,
                item.link,
                item.facilitator,
                item.cancelled,
                item.cancel_reason,
                [(a.starts_local, a.title_in(lang.code), a.lead) for a in item.agenda],
            )
        )
        return hashlib.blake2b(made.encode(), digest_size=16).digest()

    def stored_key(self, item: SessionEvent, zone: ZoneInfo, lang: Language = ENGLISH) -> str:
        """The event's fingerprint with everything else its bytes depend on (the language's phrases,
        the time zone, the renderer's and icalendar's versions): equal keys, equal bytes, in any run."""
        rendering = self._rendering.get(lang.code)
        if rendering is None:
            rendering = self._rendering[lang.code] = rendering_key(lang).encode()
        return hashlib.blake2b(rendering + str(zone).encode() + self.digest(item, lang), digest_size=16).hexdigest()

    def session(self, item: SessionEvent, zone: ZoneInfo, lang: Language = ENGLISH) -> bytes:
        rendered = self._rendered.setdefault(lang.code, {})
        data = rendered.get(id(item))
        if data is None:
            stored_key = self.stored_key(item, zone, lang)
            self.used.add(stored_key)
            data = self._stored.get(stored_key)
            if data is None:
                data = self.fresh[stored_key] = _session_event(item, zone, lang)
            rendered[id(item)] = data
            self._alive.append(item)
        return data


def render_ics(view: CalendarView, *, cache: EventCache | None = None, lang: Language = ENGLISH) -> bytes:
    zone = ZoneInfo(view.timezone)
    cache = cache or EventCache()
    events = [cache.session(item, zone, lang) for item in view.sessions] + [
        _milestone_event(item, lang) for item in view.milestones
    ]
    return _head(view) + b"".join(events) + _END


def rendering_key(lang: Language = ENGLISH) -> str:
    """What the bytes of a feed in `lang` depend on besides its calendar: this renderer's and
    icalendar's versions and the language's phrases (a new translation changes it)."""
    from icalendar import __version__ as icalendar_version

    made = repr((RENDERING, icalendar_version, lang.code, [lang(phrase) for phrase in _PHRASES]))
    return hashlib.blake2b(made.encode(), digest_size=16).hexdigest()


def feed_fingerprint(view: CalendarView, *, cache: EventCache, lang: Language = ENGLISH) -> str:
    """A fingerprint of the bytes `render_ics` would write for this view in `lang`, made without
    rendering: equal fingerprints, equal feeds (the renderer's and icalendar's versions included)."""
    whole = hashlib.blake2b(digest_size=20)
    header = (
        rendering_key(lang),
        view.name,
        view.timezone,
        view.first_day,
        view.last_day,
        view.refresh_minutes,
        view.milestones,
        len(view.sessions),
    )
    whole.update(_vtimezone(view.timezone, view.first_day.year, view.last_day.year + 1))
    whole.update(repr(header).encode())
    whole.update(b"".join(cache.digests(view.sessions, lang)))
    return whole.hexdigest()


def render_events(view: CalendarView, lang: Language = ENGLISH) -> dict[str, bytes]:
    """Each session as a calendar object of its own (with the VTIMEZONE), as CalDAV servers store events; by UID."""
    head, zone = _head(view, name=False), ZoneInfo(view.timezone)
    return {item.uid: head + _session_event(item, zone, lang) + _END for item in view.sessions}
