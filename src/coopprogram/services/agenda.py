"""A session's agenda: ordered items with their length, lead and kind, the clock time each
starts at, and how far the whole runs over the session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from coopprogram.db import in_chunks
from coopprogram.errors import InvalidInput, NotFound
from coopprogram.models import AgendaItem, AgendaKind, ProgramSession
from coopprogram.services.program import get_program
from coopprogram.services.sessions import MAX_SESSION_MINUTES, get_session
from coopprogram.services.text import clean_text
from coopprogram.units import plural, utc_now, utc_to_local
from coopprogram.vocab import one_of


@dataclass(frozen=True)
class AgendaItemView:
    id: int
    position: int
    title: str
    minutes: int
    lead: str
    kind: str
    starts_local: datetime
    titles: Mapping[str, str] = field(default_factory=dict, compare=False)  # the title in other languages, by code

    def title_in(self, lang: str) -> str:
        """The title in `lang` when it has been translated, else as written."""
        return self.titles.get(lang) or self.title


@dataclass(frozen=True)
class AgendaView:
    session_id: int
    session_title: str
    session_minutes: int
    starts_local: datetime
    items: list[AgendaItemView]

    @property
    def total_minutes(self) -> int:
        return sum(item.minutes for item in self.items)

    @property
    def over_minutes(self) -> int:
        """How far the agenda runs past the session's end (0 when it fits)."""
        return max(0, self.total_minutes - self.session_minutes)

    @property
    def overrun(self) -> str:
        """The warning an agenda longer than its session carries in every format; "" when it fits."""
        if not self.over_minutes:
            return ""
        return (
            f"The agenda runs {plural(self.over_minutes, 'minute')} past the session's {self.session_minutes} minutes: "
            "shorten items or lengthen the session."
        )


def _items(db: Session, session_id: int) -> list[AgendaItem]:
    return list(
        db.exec(select(AgendaItem).where(AgendaItem.session_id == session_id).order_by(AgendaItem.position)).all()
    )


def agenda_for(db: Session, *, session_id: int) -> AgendaView:
    session = get_session(db, session_id)
    rows = db.exec(select(*_COLUMNS).where(AgendaItem.session_id == session.id).order_by(AgendaItem.position)).all()
    return _agenda(session, [tuple(row) for row in rows], get_program(db).timezone)


def agendas_for(db: Session, sessions: list, *, among=None) -> dict[int, AgendaView]:
    """The agendas of many sessions (anything with id, title, starts_at and minutes: rows or
    records), read as plain columns: the calendar export asks for thousands. `among`, a query of
    those sessions' ids, reads them in one statement instead of lists of ids."""
    zone = get_program(db).timezone
    items: dict[int, list[tuple]] = {session.id: [] for session in sessions}
    db.flush()  # the rows are read past the ORM, which would otherwise flush pending changes first
    for chunk in [among] if among is not None else in_chunks(list(items)):
        query = select(AgendaItem.session_id, *_COLUMNS).where(AgendaItem.session_id.in_(chunk))
        for session_id, *row in db.connection().execute(query.order_by(AgendaItem.session_id, AgendaItem.position)):
            if session_id in items:
                items[session_id].append(tuple(row))
    return {session.id: _agenda(session, items[session.id], zone) for session in sessions}


_COLUMNS = (AgendaItem.id, AgendaItem.position, AgendaItem.title, AgendaItem.minutes, AgendaItem.lead, AgendaItem.kind)


def _agenda(session: ProgramSession, items: list[tuple], zone: str) -> AgendaView:
    """Items as (id, position, title, minutes, lead, kind), each given its clock time."""
    clock = start = utc_to_local(session.starts_at, zone)
    views = []
    for item_id, position, title, minutes, lead, kind in items:
        views.append(AgendaItemView(item_id, position, title, minutes, lead, kind, clock))
        clock += timedelta(minutes=minutes)
    return AgendaView(session.id, session.title, session.minutes, start, views)


def _kind(text: str) -> str:
    return one_of(AgendaKind, text, what="an agenda item kind").value


def _minutes(minutes: int) -> int:
    if not 0 < minutes <= MAX_SESSION_MINUTES:
        raise InvalidInput(f"An agenda item of {minutes} minutes is not possible: give 1 to {MAX_SESSION_MINUTES}.")
    return minutes


def _get_item(db: Session, item_id: int) -> AgendaItem:
    item = db.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(f"There is no agenda item {item_id}. `coop agenda show SESSION` shows their numbers.")
    return item


def _renumber(db: Session, items: list[AgendaItem]) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position
        db.add(item)


def _changed(db: Session, session_id: int) -> AgendaView:
    # The agenda is part of the calendar event's description: calendars must see it change. One
    # rise per version sent out is enough (building an agenda item by item is one change).
    session = db.get(ProgramSession, session_id)
    if session.sequence <= session.exported_sequence:
        session.sequence += 1
    session.updated_at = utc_now()
    db.add(session)
    db.flush()
    return agenda_for(db, session_id=session_id)


def add_item(
    db: Session,
    *,
    session_id: int,
    title: str,
    minutes: int,
    lead: str = "",
    kind: str = "discussion",
    position: int | None = None,
) -> AgendaView:
    get_session(db, session_id)
    items = _items(db, session_id)
    item = AgendaItem(
        session_id=session_id,
        position=0,
        title=clean_text(title, what="item title", limit=200),
        minutes=_minutes(minutes),
        lead=clean_text(lead, what="lead", required=False, limit=200),
        kind=_kind(kind),
    )
    index = len(items) if position is None else _index(position, len(items) + 1)
    items.insert(index, item)
    _renumber(db, items)
    return _changed(db, session_id)


def _index(position: int, count: int) -> int:
    if not 1 <= position <= count:
        raise InvalidInput(f"Position {position} is outside the agenda: give 1 to {count}.")
    return position - 1


def edit_item(
    db: Session,
    *,
    item_id: int,
    title: str | None = None,
    minutes: int | None = None,
    lead: str | None = None,
    kind: str | None = None,
) -> AgendaView:
    item = _get_item(db, item_id)
    if all(value is None for value in (title, minutes, lead, kind)):
        raise InvalidInput("Nothing to change: give --title, --minutes, --lead or --kind.")
    if title is not None:
        item.title = clean_text(title, what="item title", limit=200)
    if minutes is not None:
        item.minutes = _minutes(minutes)
    if lead is not None:
        item.lead = clean_text(lead, what="lead", required=False, limit=200)
    if kind is not None:
        item.kind = _kind(kind)
    db.add(item)
    return _changed(db, item.session_id)


def move_item(db: Session, *, item_id: int, position: int) -> AgendaView:
    item = _get_item(db, item_id)
    items = [other for other in _items(db, item.session_id) if other.id != item.id]
    items.insert(_index(position, len(items) + 1), item)
    _renumber(db, items)
    return _changed(db, item.session_id)


def translate_item(db: Session, *, item_id: int, lang: str, title: str) -> AgendaView:
    """An item's title in another language ("" removes it): documents in that language show it."""
    from coopprogram.services.translations import set_title

    item = _get_item(db, item_id)
    set_title(db, lang=lang, title=title, item_id=item.id)
    return _changed(db, item.session_id)


def remove_item(db: Session, *, item_id: int) -> AgendaView:
    from coopprogram.services.translations import forget_item_titles

    item = _get_item(db, item_id)
    session_id = item.session_id
    forget_item_titles(db, item_id=item.id)
    db.delete(item)
    db.flush()
    _renumber(db, _items(db, session_id))
    return _changed(db, session_id)
