"""The program calendar: sessions and milestones as calendar events, for the .ics export, the
published feeds and the CalDAV sync (the import is in calendar_import).

Event identity never changes (a session's stored UID; a milestone's UID derived from the
program's), and every change a calendar must notice raises the SEQUENCE.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from sys import intern

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

    def title_in(self, lang: str) -> str:
        """The title in `lang` when it has been translated, else as written."""
        return self.titles.get(lang) or self.title


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


def calendar_name(program: Program) -> str:
    """The program calendar's name (X-WR-CALNAME): a co-op's feed adds the co-op's."""
    return f"{program.short_name} {program.name}"


def has_events(db: Session) -> bool:
    """Whether the program has any session or milestone to put in a calendar."""
    return any(db.exec(select(table.id).limit(1)).first() is not None for table in (ProgramSession, Milestone))


def milestone_uid(program_uid: str, milestone_id: int) -> str:
    return str(uuid.uuid5(uuid.UUID(program_uid), f"milestone/{milestone_id}"))


def calendar_view(
    db: Session,
    *,
    phase: str | None = None,
    coop: str | None = None,
    milestones: bool | None = None,
    refresh_minutes: int = 0,
) -> CalendarView:
    """The whole program's calendar, or one co-op's feed (see coop_feed). Milestones are internal:
    in a co-op's feed only when asked."""
    program = get_program(db)
    phases = list_phases(db)
    chosen = get_coop(db, coop) if coop is not None else None
    if milestones is None:
        milestones = chosen is None
    # Sessions, their kinds and agendas in a fixed number of queries.
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
    )
    wanted = []
    if phase is not None:
        wanted.append(ProgramSession.phase_id == get_phase(db, phase).id)
    if chosen is not None:
        wanted.append(
            ProgramSession.id.in_(select(Invitation.session_id).where(Invitation.coop_id == chosen.id))
            | ProgramSession.id.in_(
                select(WithdrawnInvitation.session_id).where(WithdrawnInvitation.coop_id == chosen.id)
            )
        )
    sessions = list(
        db.exec(select(*columns).where(*wanted).order_by(ProgramSession.starts_at, ProgramSession.id)).all()
    )
    kinds = {kind.id: kind.name for kind in db.exec(select(SessionKind)).all()}
    agendas = agendas_for(db, sessions, among=select(ProgramSession.id).where(*wanted))
    events = [
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
        )
        for s in sessions
    ]
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
    view = CalendarView(
        name=calendar_name(program),
        timezone=program.timezone,
        first_day=min(starts),
        last_day=max(ends),
        sessions=events,
        milestones=days,
        refresh_minutes=refresh_minutes,
    )
    if chosen is None:
        return view
    invited, withdrawn = invitation_uids(db, coop_id=chosen.id)
    return coop_feed(
        view, coop_name=chosen.name, invited=invited[chosen.id], withdrawn=withdrawn[chosen.id], milestones=milestones
    )


def invitation_uids(
    db: Session, *, coop_id: int | None = None
) -> tuple[defaultdict[int, set[str]], defaultdict[int, set[str]]]:
    """Per co-op id, the UIDs of the sessions it is invited to, and of those it was taken off."""
    found: tuple[defaultdict[int, set[str]], defaultdict[int, set[str]]] = (defaultdict(set), defaultdict(set))
    db.flush()  # the rows are read past the ORM, which would otherwise flush pending changes first
    for table, into in ((Invitation, found[0]), (WithdrawnInvitation, found[1])):
        query = select(table.coop_id, ProgramSession.uid).join(ProgramSession, ProgramSession.id == table.session_id)
        if coop_id is not None:
            query = query.where(table.coop_id == coop_id)
        # Plain rows (no ORM processing): a program of 5,000 sessions and 60 co-ops has 60,000 invitations.
        # Each UID kept once however many co-ops are invited (600,000 rows name 50,000 sessions at 10x).
        for coop, uid in db.connection().execute(query):
            into[coop].add(intern(uid))
    return found


def feed_order(whole: CalendarView) -> dict[str, int]:
    """Each session's place in the whole program's calendar, by UID: given to coop_feed when many
    feeds are cut out of one view, so each takes its own sessions instead of scanning them all."""
    return {event.uid: place for place, event in enumerate(whole.sessions)}


def coop_feed(
    whole: CalendarView,
    *,
    coop_name: str,
    invited: set[str],
    withdrawn: set[str],
    milestones: bool = False,
    order: dict[str, int] | None = None,
) -> CalendarView:
    """One co-op's calendar out of the whole program's: its sessions, and those it was taken off
    shown cancelled (a UID that disappears leaves a stale event in its members' calendars)."""
    order = feed_order(whole) if order is None else order
    places = sorted(order[uid] for uid in invited | withdrawn if uid in order)
    events = [
        replace(event, cancelled=True, cancel_reason=f"{coop_name} is no longer invited")
        if event.uid not in invited
        else event
        for event in (whole.sessions[place] for place in places)
    ]
    return replace(
        whole, name=f"{whole.name} – {coop_name}", sessions=events, milestones=whole.milestones if milestones else []
    )


@dataclass(frozen=True)
class Export:
    """What `coop calendar export` (or sync) sends: the calendar, the same with its titles in the document's
    language (the calendar itself when that is English), and what was asked, to read it again."""

    view: CalendarView
    titled: CalendarView
    phase: str | None
    coop: str | None
    milestones: bool | None
    english: bool


def export_view(
    db: Session, *, phase: str | None = None, coop: str | None = None, milestones: bool | None = None, english: bool
) -> Export:
    from coopprogram.services.translations import calendar_with_titles

    view = calendar_view(db, phase=phase, coop=coop, milestones=milestones)
    titled = view if english else calendar_with_titles(db, view)
    return Export(view, titled, phase, coop, milestones, english)


def mark_exported_if_current(db: Session, sent: Export) -> bool:
    """Record the sequences sent (mark_exported) if the calendar is still what `sent` was, read
    outside the write lock and rendered since; False, and nothing recorded, when it changed."""
    again = export_view(db, phase=sent.phase, coop=sent.coop, milestones=sent.milestones, english=sent.english)
    if again != sent:
        return False
    mark_exported(db, sent.view)
    return True


def mark_exported(db: Session, view: CalendarView) -> None:
    """Remember the highest SEQUENCE each session was sent out with (checked by `coop db check`).

    The update time is left alone: exporting is not a change of the event, and the next export
    must give the same bytes. Only the sessions whose mark rises are written (none, when the
    same calendar was sent before), and their update time is kept as it was (no `onupdate`).
    """
    from sqlalchemy import bindparam, update

    sent = {event.uid: event.sequence for event in view.sessions}
    if not sent:
        return
    table = ProgramSession.__table__
    db.flush()  # the rows are read and written past the ORM: its pending changes go first
    stored = db.connection().execute(select(table.c.uid, table.c.exported_sequence))
    rising = [
        {"sent_uid": uid, "sent_sequence": sent[uid]}
        for uid, exported in stored
        if uid in sent and exported < sent[uid]
    ]
    if not rising:
        return
    db.connection().execute(
        update(table)
        .where(table.c.uid == bindparam("sent_uid"))
        .values(exported_sequence=bindparam("sent_sequence"), updated_at=table.c.updated_at),
        rising,
    )
    for found in list(db.identity_map.values()):  # loaded sessions must not keep the old mark
        if isinstance(found, ProgramSession):
            db.expire(found, ["exported_sequence"])
