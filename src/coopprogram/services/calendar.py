"""The program calendar: sessions and milestones as calendar events, for the .ics export, the
published feeds and the CalDAV sync (the import is in calendar_import).

Event identity never changes (a session's stored UID; a milestone's UID derived from the
program's), and every change a calendar must notice raises the SEQUENCE.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from coopprogram.models import (
    Invitation,
    Milestone,
    Phase,
    Program,
    ProgramSession,
    SessionKind,
    SessionStatus,
    WithdrawnInvitation,
)
from coopprogram.services.agenda import AgendaItemView, agendas_for
from coopprogram.services.coops import get_coop
from coopprogram.services.phases import get_phase, list_phases
from coopprogram.services.program import get_program
from coopprogram.vocab import MilestoneStatus


@dataclass(frozen=True)
class SessionEvent:
    uid: str
    sequence: int
    stamp: datetime
    title: str
    kind_name: str
    starts_at: datetime
    ends_at: datetime
    location: str
    link: str
    facilitator: str
    cancelled: bool
    cancel_reason: str
    agenda: list[AgendaItemView]
    titles: Mapping[str, str] = field(default_factory=dict, compare=False)  # the title in other languages, by code
    token: str = ""  # the session's event token when read (migration 0018): what its event was made at
    session_id: int = 0
    withdrawn_from: str = ""  # the co-op whose feed shows it cancelled because it was taken off (see withdrawn)

    def title_in(self, lang: str) -> str:
        """The title in `lang` when it has been translated, else as written."""
        return self.titles.get(lang) or self.title

    def withdrawn(self, coop_name: str) -> SessionEvent:
        """The event as the feed of a co-op taken off the session shows it: cancelled (a UID that
        disappears would leave a stale event in its members' calendars)."""
        return replace(self, cancelled=True, cancel_reason="", withdrawn_from=coop_name)


@dataclass(frozen=True)
class MilestoneEvent:
    uid: str
    sequence: int
    stamp: datetime
    title: str
    phase_name: str
    day: date
    done: bool


@dataclass(frozen=True)
class CalendarView:
    name: str
    timezone: str
    first_day: date  # the span the time zone definition must cover
    last_day: date
    sessions: list[SessionEvent]
    milestones: list[MilestoneEvent]
    refresh_minutes: int = 0  # for a published feed: how often subscribed clients fetch it

    def for_coop(self, coop_name: str, *, milestones: bool = False) -> CalendarView:
        """The same calendar as a co-op's feed: named for the co-op, its milestones only when asked."""
        return replace(self, name=f"{self.name} – {coop_name}", milestones=self.milestones if milestones else [])


def calendar_name(program: Program) -> str:
    """The program calendar's name (X-WR-CALNAME): a co-op's feed adds the co-op's."""
    return f"{program.short_name} {program.name}"


def has_events(db: Session) -> bool:
    """Whether the program has any session or milestone to put in a calendar."""
    return any(db.exec(select(table.id).limit(1)).first() is not None for table in (ProgramSession, Milestone))


def milestone_uid(program_uid: str, milestone_id: int) -> str:
    return str(uuid.uuid5(uuid.UUID(program_uid), f"milestone/{milestone_id}"))


def calendar_head(
    db: Session,
    *,
    phase: str | None = None,
    coop: str | None = None,
    milestones: bool | None = None,
    refresh_minutes: int = 0,
) -> CalendarView:
    """A calendar without its sessions: its name (a co-op's feed adds the co-op's), time zone, span
    and milestones. Milestones are internal: in a co-op's feed only when asked."""
    program = get_program(db)
    phases = list_phases(db)
    if milestones is None:
        milestones = coop is None
    days: list[MilestoneEvent] = []
    if milestones:
        query = select(Milestone, Phase).join(Phase).order_by(Milestone.due_on, Milestone.id)
        if phase is not None:
            query = query.where(Phase.id == get_phase(db, phase).id)
        days = [
            MilestoneEvent(
                milestone_uid(program.uid, m.id),
                m.calendar_sequence,
                m.updated_at,
                m.title,
                p.name,
                m.due_on,
                m.status == MilestoneStatus.DONE,
            )
            for m, p in db.exec(query).all()
        ]
    starts = [p.starts_on for p in phases] or [date.today()]
    ends = [p.ends_on for p in phases] or [date.today()]
    head = CalendarView(
        name=calendar_name(program),
        timezone=program.timezone,
        first_day=min(starts),
        last_day=max(ends),
        sessions=[],
        milestones=days,
        refresh_minutes=refresh_minutes,
    )
    return head if coop is None else head.for_coop(get_coop(db, coop).name, milestones=milestones)


def session_events(db: Session, *, ids: list[int] | None = None, wanted: tuple = ()) -> list[SessionEvent]:
    """The sessions' events in calendar order (start, then id): those of `ids`, or those the
    conditions `wanted` select, or all; their kinds and agendas in a fixed number of queries."""
    columns = (
        ProgramSession.id,
        ProgramSession.uid,
        ProgramSession.sequence,
        ProgramSession.updated_at,
        ProgramSession.title,
        ProgramSession.kind_id,
        ProgramSession.starts_at,
        ProgramSession.minutes,
        ProgramSession.location,
        ProgramSession.link,
        ProgramSession.facilitator,
        ProgramSession.status,
        ProgramSession.cancel_reason,
        ProgramSession.event_token,
    )
    if ids is not None:
        wanted = (*wanted, ProgramSession.id.in_(ids))
    db.flush()  # the rows are read past the ORM, which would otherwise flush pending changes first
    sessions = list(
        db.connection().execute(select(*columns).where(*wanted).order_by(ProgramSession.starts_at, ProgramSession.id))
    )
    kinds = {kind.id: kind.name for kind in db.exec(select(SessionKind)).all()}
    agendas = agendas_for(db, sessions, among=select(ProgramSession.id).where(*wanted))
    return [
        SessionEvent(
            uid=s.uid,
            sequence=s.sequence,
            stamp=s.updated_at,
            title=s.title,
            kind_name=kinds[s.kind_id],
            starts_at=s.starts_at,
            ends_at=s.starts_at + timedelta(minutes=s.minutes),
            location=s.location,
            link=s.link,
            facilitator=s.facilitator,
            cancelled=s.status == SessionStatus.CANCELLED,
            cancel_reason=s.cancel_reason,
            agenda=agendas[s.id].items,
            token=s.event_token,
            session_id=s.id,
        )
        for s in sessions
    ]


def calendar_view(
    db: Session,
    *,
    phase: str | None = None,
    coop: str | None = None,
    milestones: bool | None = None,
    refresh_minutes: int = 0,
) -> CalendarView:
    """The whole program's calendar, or one co-op's feed, every event read (the reference for
    what calendar_assembly puts together from kept events)."""
    head = calendar_head(db, phase=phase, coop=coop, milestones=milestones, refresh_minutes=refresh_minutes)
    wanted = []
    if phase is not None:
        wanted.append(ProgramSession.phase_id == get_phase(db, phase).id)
    if coop is None:
        return replace(head, sessions=session_events(db, wanted=tuple(wanted)))
    # A co-op's feed: its sessions, and those it was taken off shown cancelled.
    chosen = get_coop(db, coop)
    invited = select(Invitation.session_id).where(Invitation.coop_id == chosen.id)
    withdrawn = select(WithdrawnInvitation.session_id).where(WithdrawnInvitation.coop_id == chosen.id)
    events = session_events(db, wanted=(*wanted, ProgramSession.id.in_(invited) | ProgramSession.id.in_(withdrawn)))
    still = set(db.exec(invited).all())
    return replace(head, sessions=[e if e.session_id in still else e.withdrawn(chosen.name) for e in events])


@dataclass(frozen=True)
class Export:
    """What `coop calendar sync` sends: the calendar, and the same with its titles in the
    document's language (the calendar itself when that is English)."""

    view: CalendarView
    titled: CalendarView


def export_view(
    db: Session, *, phase: str | None = None, coop: str | None = None, milestones: bool | None = None, english: bool
) -> Export:
    from coopprogram.services.translations import calendar_with_titles

    view = calendar_view(db, phase=phase, coop=coop, milestones=milestones)
    return Export(view, view if english else calendar_with_titles(db, view))
