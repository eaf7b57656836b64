"""Hours that follow the sessions (`coop hours suggest`): for each session held in a month, the
facilitation and the usual prep not yet logged against it, and accepting one logs it.

The rules (docs/consultant-guide.md says them too):
- an entry linked to a session is its facilitation when it is dated the session's day and its
  times overlap the session's, or, without times, it lasts at least as long as the session; any
  other entry linked to it is prep;
- facilitation is the session's length, at its clock times; the usual prep is half the agenda's
  length (the session's length when it has no agenda), rounded to the billing step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import Session, func, select

from coopprogram.errors import Conflict, InvalidInput
from coopprogram.models import AgendaItem, ProgramSession, SessionStatus, TimeEntry
from coopprogram.services.hours import LogResult, log_time
from coopprogram.services.program import get_program
from coopprogram.services.sessions import get_session
from coopprogram.units import billed_minutes, local_to_utc, month_bounds, round_half_up, utc_to_local

KINDS = ("facilitation", "prep")


@dataclass(frozen=True)
class Suggestion:
    id: str  # "14-facilitation", "14-prep": what --accept takes
    session_id: int
    session_title: str
    kind: str  # facilitation or prep
    worked_on: date
    minutes: int
    starts_at: time | None
    ends_at: time | None
    description: str


def _is_facilitation(entry: TimeEntry, day: date, start: datetime, end: datetime, minutes: int) -> bool:
    if entry.worked_on != day:
        return False
    if entry.starts_at is not None and entry.ends_at is not None:
        return (
            entry.starts_at < end.time() and entry.ends_at > start.time()
            if end.date() == day
            else entry.ends_at > start.time()
        )
    return entry.minutes >= minutes


def _for_session(
    session: ProgramSession, entries: list[TimeEntry], agenda_minutes: int, *, zone: str, increment: int
) -> list[Suggestion]:
    start = utc_to_local(session.starts_at, zone)
    end = utc_to_local(session.starts_at + timedelta(minutes=session.minutes), zone)
    day = start.date()
    facilitated = any(_is_facilitation(e, day, start, end, session.minutes) for e in entries)
    prepared = any(not _is_facilitation(e, day, start, end, session.minutes) for e in entries)
    found = []
    if not facilitated:
        same_day = end.date() == day
        found.append(
            Suggestion(
                f"{session.id}-facilitation",
                session.id,
                session.title,
                "facilitation",
                day,
                session.minutes,
                start.time() if same_day else None,
                end.time() if same_day else None,
                f"Facilitation: {session.title}",
            )
        )
    if not prepared:
        prep = billed_minutes(round_half_up(Decimal(agenda_minutes or session.minutes) / 2), increment)
        found.append(
            Suggestion(
                f"{session.id}-prep", session.id, session.title, "prep", day, prep, None, None, f"Prep: {session.title}"
            )
        )
    return found


def _held(db: Session, sessions: list[ProgramSession]) -> list[Suggestion]:
    if not sessions:
        return []
    program = get_program(db)
    ids = [s.id for s in sessions]
    entries: dict[int, list[TimeEntry]] = {}
    for entry in db.exec(select(TimeEntry).where(TimeEntry.session_id.in_(ids))).all():
        entries.setdefault(entry.session_id, []).append(entry)
    agenda = dict(
        db.exec(
            select(AgendaItem.session_id, func.sum(AgendaItem.minutes))
            .where(AgendaItem.session_id.in_(ids))
            .group_by(AgendaItem.session_id)
        ).all()
    )
    found = []
    for session in sessions:
        found += _for_session(
            session,
            entries.get(session.id, []),
            int(agenda.get(session.id) or 0),
            zone=program.timezone,
            increment=program.billing_increment_minutes,
        )
    return found


def suggestions(db: Session, *, month: str) -> list[Suggestion]:
    """The facilitation and prep not yet logged for the sessions held in a month (YYYY-MM)."""
    first, last = month_bounds(month)
    zone = get_program(db).timezone
    start = local_to_utc(datetime.combine(first, time()), zone)
    end = local_to_utc(datetime.combine(last + timedelta(days=1), time()), zone)
    query = (
        select(ProgramSession)
        .where(
            ProgramSession.status == SessionStatus.HELD.value,
            ProgramSession.starts_at >= start,
            ProgramSession.starts_at < end,
        )
        .order_by(ProgramSession.starts_at, ProgramSession.id)
    )
    return _held(db, list(db.exec(query).all()))


def _parse_id(text: str) -> tuple[int, str]:
    number, _, kind = text.strip().partition("-")
    if not number.isdigit() or kind not in KINDS:
        raise InvalidInput(
            f"'{text}' is not a suggestion: use the ids `coop hours suggest` shows, e.g. 14-facilitation or 14-prep."
        )
    return int(number), kind


def accept(db: Session, *, ids: list[str], today: date, confirmed: bool = False) -> list[LogResult]:
    """Log each suggestion named, linked to its session; all or none."""
    logged = []
    for text in dict.fromkeys(ids):
        session_id, kind = _parse_id(text)
        session = get_session(db, session_id)
        if session.status != SessionStatus.HELD.value:
            raise Conflict(
                f"Session {session_id} is {session.status}, not held: mark it held first (`coop sessions held {session_id}`)."
            )
        wanted = f"{session_id}-{kind}"
        match = [s for s in _held(db, [session]) if s.id == wanted]
        if not match:
            raise Conflict(
                f"The {kind} of session {session_id} is already logged (`coop hours list` shows it); nothing to accept for {wanted}."
            )
        found = match[0]
        logged.append(
            log_time(
                db,
                minutes=found.minutes,
                description=found.description,
                on=found.worked_on,
                today=today,
                session_id=session_id,
                starts_at=found.starts_at,
                ends_at=found.ends_at,
                confirmed=confirmed,
            )
        )
    return logged
