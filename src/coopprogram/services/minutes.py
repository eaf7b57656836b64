"""A session's minutes: closing it (what was decided, the notes) and the minutes as they are
read afterwards: the agenda as it ran, which co-ops came (names only, never contacts), the
decisions, the action items with owners and dates, and the next session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from coopprogram.errors import InvalidInput
from coopprogram.models import Invitation, ProgramSession, SessionStatus
from coopprogram.services.actions import ActionView, session_actions
from coopprogram.services.agenda import AgendaView, agenda_for
from coopprogram.services.sessions import SessionView, check_started, get_session, record_held, session_views, touch
from coopprogram.services.text import clean_text
from coopprogram.units import utc_to_local

MAX_DECISIONS = 100


@dataclass(frozen=True)
class MinutesView:
    session: SessionView
    agenda: AgendaView
    attended: list[str]  # co-op names
    absent: list[str]
    excused: list[str]
    not_recorded: list[str]
    decisions: list[str]
    actions: list[ActionView]
    notes: str
    closed_at: datetime | None
    next_session: SessionView | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def _names(view: SessionView, attendance: str) -> list[str]:
    return [invitee.name for invitee in view.invitees if invitee.attendance == attendance]


def minutes_view(db: Session, *, session_id: int, now: datetime) -> MinutesView:
    session = get_session(db, session_id)
    view = session_views(db, [session], now=now)[0]
    later = (
        select(ProgramSession)
        .where(ProgramSession.starts_at > session.starts_at, ProgramSession.status != SessionStatus.CANCELLED)
        .order_by(ProgramSession.starts_at, ProgramSession.id)
    )
    if view.invitees:  # the next meeting of the same co-ops, not the organizers' own call in between
        invited = select(Invitation.coop_id).where(Invitation.session_id == session.id)
        later = later.where(ProgramSession.id.in_(select(Invitation.session_id).where(Invitation.coop_id.in_(invited))))
    following = db.exec(later).first()
    today = utc_to_local(now, view.timezone).date()
    return MinutesView(
        session=view,
        agenda=agenda_for(db, session_id=session_id),
        attended=_names(view, "attended"),
        absent=_names(view, "absent"),
        excused=_names(view, "excused"),
        not_recorded=_names(view, "invited"),
        decisions=[line for line in session.decisions.splitlines() if line.strip()],
        actions=session_actions(db, session_id=session_id, today=today),
        notes=session.notes,
        closed_at=session.closed_at,
        next_session=session_views(db, [following], now=now)[0] if following else None,
    )


def close_session(
    db: Session,
    *,
    session_id: int,
    now: datetime,
    on: date | None = None,
    decisions: Sequence[str] = (),
    notes: str | None = None,
) -> MinutesView:
    """Record the minutes of a session that has happened; it is marked held on `on` (default: the
    local day of `now`). Closing it again replaces the decisions (and the notes, when given) and
    keeps the first closing time and day."""
    session = get_session(db, session_id)
    check_started(session, now)
    cleaned = [clean_text(text, what="decision", limit=1000) for text in decisions]
    if len(cleaned) > MAX_DECISIONS:
        raise InvalidInput(f"{len(cleaned)} decisions are more than one session's minutes hold ({MAX_DECISIONS}).")
    session.decisions = "\n".join(cleaned)
    if notes is not None:
        session.notes = clean_text(notes, what="notes", required=False, multiline=True, limit=50_000)
    record_held(db, session, now=now, on=on)
    if session.closed_at is None:
        session.closed_at = now
    touch(session, calendar_change=False)
    db.add(session)
    db.flush()
    return minutes_view(db, session_id=session_id, now=now)
