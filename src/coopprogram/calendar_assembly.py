"""Calendars put together from the events kept in the database, for `coop calendar export` and
`publish`: an event is taken as kept while its session's event token is unchanged, else read,
rendered (exporters/ics) and collected in `fresh` to be kept; the bytes are `render_ics`'s for the
same calendar read whole (a test holds them equal). It only reads: the caller keeps `fresh`.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from coopprogram.exporters.ics import calendar_bytes, event_rendering, feed_fingerprint, render_event
from coopprogram.services.calendar import SessionEvent, calendar_head, session_events
from coopprogram.services.calendar_store import NO_MEMBERS, Members, feed_members, kept_events, lineup

if TYPE_CHECKING:
    from sqlmodel import Session

    from coopprogram.i18n import Language
    from coopprogram.services.calendar import CalendarView
    from coopprogram.services.calendar_publish import Feed, Publication

CHUNK = 1_000  # the sessions read and rendered at a time: only one chunk's views are ever in memory


@dataclass(frozen=True)
class Selection:
    """The sessions of one calendar, as places in the lineup in calendar order; those in
    `withdrawn` are shown cancelled for `coop_name`, whose feed they were taken off."""

    places: Sequence[int]
    withdrawn: frozenset[int] = frozenset()
    coop_name: str = ""


class Assembly:
    """The program's calendars, read once: the lineup, then the events each calendar needs."""

    def __init__(self, db: Session) -> None:
        self._db = db
        self.lineup = lineup(db)
        self._events: dict[str, dict[int, bytes]] = {}  # by rendering: session id -> the event's bytes
        self._complete: set[str] = set()  # the renderings whose every event is known (kept or rendered)
        self.fresh: list[tuple[int, str, str, bytes]] = []  # rendered now: (session id, rendering, token, bytes)
        self.renderings: set[str] = set()

    def every_session(self, *, phase_id: int | None = None) -> Selection:
        phases = self.lineup.phase_ids
        return Selection([p for p in range(len(phases)) if phase_id is None or phases[p] == phase_id])

    def of_coop(self, members: Members, coop_name: str, *, phase_id: int | None = None) -> Selection:
        phases = self.lineup.phase_ids
        if phase_id is None:
            return Selection(members.places, frozenset(members.withdrawn), coop_name)
        places = [p for p in members.places if phases[p] == phase_id]
        return Selection(places, frozenset(p for p in members.withdrawn if phases[p] == phase_id), coop_name)

    def members(self) -> dict[int, Members]:
        """Each co-op's places, by co-op id."""
        return feed_members(self._db, self.lineup)

    def members_of(self, coop_id: int) -> Members:
        return feed_members(self._db, self.lineup, coop_id=coop_id).get(coop_id, NO_MEMBERS)

    def fingerprint(self, head: CalendarView, chosen: Selection, lang: Language) -> str:
        """What `render` would write, known from the event tokens alone (exporters.ics.feed_fingerprint)."""
        tokens, withdrawn = self.lineup.tokens, chosen.withdrawn
        if not withdrawn:  # (most feeds: taken through C, a ten-times publish joins 650,000 tokens)
            return feed_fingerprint(head, "".join(map(tokens.__getitem__, chosen.places)), lang)
        return feed_fingerprint(head, "".join(("-" if p in withdrawn else "") + tokens[p] for p in chosen.places), lang)

    def render(self, head: CalendarView, chosen: Selection, lang: Language) -> bytes:
        """The calendar `head` with the chosen sessions' events, as `render_ics` writes it."""
        zone = ZoneInfo(head.timezone)
        session_ids = self.lineup.session_ids
        invited = [p for p in chosen.places if p not in chosen.withdrawn] if chosen.withdrawn else chosen.places
        kept = self._events_of(invited, lang, zone)
        events: Mapping[int, bytes] = kept
        if chosen.withdrawn:  # shown cancelled for this co-op alone: rendered each time, never kept
            shown = {
                event.session_id: render_event(event.withdrawn(chosen.coop_name), zone, lang)
                for chunk in _chunks([session_ids[p] for p in chosen.withdrawn])
                for event in self._read(chunk, lang)
            }
            events = ChainMap(shown, kept)
        return calendar_bytes(head, map(events.__getitem__, map(session_ids.__getitem__, chosen.places)), lang)

    def _events_of(self, places: Sequence[int], lang: Language, zone: ZoneInfo) -> dict[int, bytes]:
        """The events of these places in this language, by session id: kept ones read once per
        rendering, the others rendered."""
        rendering = event_rendering(lang, str(zone))
        self.renderings.add(rendering)
        known = self._events.get(rendering)
        if known is None:
            known = self._events[rendering] = kept_events(self._db, rendering=rendering)
        if rendering in self._complete:
            return known
        session_ids = self.lineup.session_ids
        missing = [session_ids[p] for p in places if session_ids[p] not in known]
        for chunk in _chunks(missing):
            for event in self._read(chunk, lang):
                known[event.session_id] = data = render_event(event, zone, lang)
                self.fresh.append((event.session_id, rendering, event.token, data))
        if len(places) == len(session_ids):  # every session's event is known in this rendering now
            self._complete.add(rendering)
        return known

    def _read(self, session_ids: list[int], lang: Language) -> list[SessionEvent]:
        """These sessions' events, with their titles in `lang`."""
        if not session_ids:
            return []
        events = session_events(self._db, ids=session_ids)
        if lang.english:
            return events
        from coopprogram.services.translations import with_titles

        return with_titles(self._db, sessions=events, uids=True)[0]


def _chunks(items: list[int]) -> list[list[int]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


class PublishedCalendars:
    """The feeds of a publication: the whole program's, and each co-op's (named for it, without
    milestones), put together by one Assembly."""

    def __init__(self, db: Session, published: Publication) -> None:
        self.assembly = Assembly(db)
        self._head = calendar_head(db, refresh_minutes=published.refresh_minutes)
        self._members = self.assembly.members() if published.coops else {}

    def _calendar(self, feed: Feed) -> tuple[CalendarView, Selection]:
        if not feed.coop_slug:
            return self._head, self.assembly.every_session()
        members = self._members.get(feed.coop_id, NO_MEMBERS)
        return self._head.for_coop(feed.title), self.assembly.of_coop(members, feed.title)

    def fingerprint(self, feed: Feed, lang: Language) -> str:
        return self.assembly.fingerprint(*self._calendar(feed), lang)

    def render(self, feed: Feed, lang: Language) -> bytes:
        return self.assembly.render(*self._calendar(feed), lang)

    def renderings_in_use(self, languages: list[Language]) -> set[str]:
        """The renderings of every feed of the publication (its events kept in these are kept on)."""
        return {event_rendering(lang, self._head.timezone) for lang in languages}


@dataclass(frozen=True)
class CalendarFile:
    """One calendar as `coop calendar export` writes it, and what to record once it is written."""

    data: bytes
    sessions: int
    milestones: int
    fresh: list[tuple[int, str, str, bytes]]  # events rendered: to keep (calendar_store.keep_events)


def calendar_file(
    db: Session, *, phase: str | None = None, coop: str | None = None, milestones: bool | None = None, lang: Language
) -> CalendarFile:
    """The whole program's calendar, one phase's, or one co-op's feed (see services.calendar.calendar_view)."""
    from coopprogram.services.coops import get_coop
    from coopprogram.services.phases import get_phase

    head = calendar_head(db, phase=phase, coop=coop, milestones=milestones)
    assembly = Assembly(db)
    phase_id = get_phase(db, phase).id if phase is not None else None
    if coop is None:
        chosen = assembly.every_session(phase_id=phase_id)
    else:
        found = get_coop(db, coop)
        chosen = assembly.of_coop(assembly.members_of(found.id or 0), found.name, phase_id=phase_id)
    data = assembly.render(head, chosen, lang)
    return CalendarFile(data, len(chosen.places), len(head.milestones), assembly.fresh)
