"""Sessions (the program's meetings): scheduling in the program's time zone with DST
checks, recurring series expanded by python-dateutil into single sessions, edits to one
session or the rest of its series, cancellation, closing, notes and attendance.

Every session keeps a calendar UID for life; its SEQUENCE rises whenever its time, place
or status changes, so calendars that imported it update instead of duplicating.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, select

from coopprogram.db import in_chunks
from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import (
    Attendance,
    Coop,
    Invitation,
    Phase,
    ProgramSession,
    SessionKind,
    SessionSeries,
    SessionStatus,
    WithdrawnInvitation,
)
from coopprogram.services.as_of import end_of_day, local_day, not_yet, session_planned_clause, session_status
from coopprogram.services.coops import active_coops_on, get_coop
from coopprogram.services.phases import get_phase, phase_on
from coopprogram.services.program import get_program
from coopprogram.services.recurrence import cpu_budget, occurrences_until, refuse_sub_daily
from coopprogram.services.text import clean_text
from coopprogram.units import local_to_utc, utc_now, utc_to_local

MAX_SESSION_MINUTES = 12 * 60
MAX_OCCURRENCES = 200
NOT_REACHED_DAYS = 60  # a co-op with no session attended in this many days is "not reached"


@dataclass(frozen=True)
class InviteeView:
    slug: str
    name: str
    attendance: str


@dataclass(frozen=True)
class SessionView:
    id: int
    uid: str
    title: str
    kind: str
    kind_name: str
    phase_number: int
    starts_local: datetime  # wall-clock time in the program's time zone
    ends_local: datetime
    starts_at: datetime  # UTC
    minutes: int
    timezone: str
    location: str
    link: str
    facilitator: str
    status: str
    cancel_reason: str
    notes: str
    headcount: int | None
    sequence: int
    series_id: int | None
    invitees: list[InviteeView]
    needs_closing: bool
    updated_at: datetime
    time_span: str  # "18:00–19:30"; with the zone's abbreviations when the clocks change in between
    cancelled_on: date | None = None
    held_on: date | None = None  # the day it was closed
    titles: Mapping[str, str] = field(default_factory=dict, compare=False)  # the title in other languages, by code

    def title_in(self, lang: str) -> str:
        """The title in `lang` when it has been translated, else as written."""
        return self.titles.get(lang) or self.title

    def count(self, attendance: str) -> int:
        return sum(1 for invitee in self.invitees if invitee.attendance == attendance)


def is_not_reached(*, joined_on: date | None, invited: int, last_attended: date | None, as_of: date) -> bool:
    """No session attended in NOT_REACHED_DAYS days, for a co-op in the cohort that long and invited
    to at least one held session (with none yet open to it, there is nothing to miss)."""
    since = as_of - timedelta(days=NOT_REACHED_DAYS)
    if not invited or (joined_on is not None and joined_on > since):
        return False
    return last_attended is None or last_attended < since


# --- reading ---------------------------------------------------------------------------------


def _zone(db: Session) -> str:
    return get_program(db).timezone


def time_span(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """Start and end on the local clock; when the clocks change during the session (00:30 EDT–01:30 EST
    is two hours) each time carries its abbreviation, so the end is not misread."""
    from zoneinfo import ZoneInfo

    start, end = starts_at.astimezone(ZoneInfo(zone)), ends_at.astimezone(ZoneInfo(zone))
    if start.utcoffset() == end.utcoffset():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M %Z}–{end:%H:%M %Z}"


def session_views(db: Session, sessions: list[ProgramSession], *, now: datetime) -> list[SessionView]:
    """Views of sessions with their kind, phase and invitees, in a fixed number of queries."""
    if not sessions:
        return []
    zone = _zone(db)
    kinds = {k.id: k for k in db.exec(select(SessionKind)).all()}
    phases = {p.id: p.number for p in db.exec(select(Phase)).all()}
    ids = [s.id for s in sessions]
    invitees: dict[int, list[InviteeView]] = {session_id: [] for session_id in ids}
    names = {coop.id: (coop.slug, coop.name) for coop in db.exec(select(Coop)).all()}
    for chunk in in_chunks(ids):
        # Columns, not objects: a phase of a large program has tens of thousands of invitations.
        query = select(Invitation.session_id, Invitation.coop_id, Invitation.attendance).where(
            Invitation.session_id.in_(chunk)
        )
        for session_id, coop_id, attendance in db.exec(query).all():
            slug, name = names[coop_id]
            invitees[session_id].append(InviteeView(slug, name, attendance))
    for found in invitees.values():
        found.sort(key=lambda invitee: invitee.name)
    views = []
    day = local_day(now, zone)
    for s in sessions:
        starts_local = utc_to_local(s.starts_at, zone)
        ends_at = s.starts_at + timedelta(minutes=s.minutes)
        status = session_status(s, day)
        # Attendance is recorded when a session is closed: before that day it was not known.
        found = (
            invitees[s.id]
            if status == SessionStatus.HELD
            else [InviteeView(i.slug, i.name, Attendance.INVITED.value) for i in invitees[s.id]]
        )
        views.append(
            SessionView(
                id=s.id,
                uid=s.uid,
                title=s.title,
                kind=kinds[s.kind_id].slug,
                kind_name=kinds[s.kind_id].name,
                phase_number=phases[s.phase_id],
                starts_local=starts_local,
                ends_local=utc_to_local(ends_at, zone),
                starts_at=s.starts_at,
                minutes=s.minutes,
                timezone=zone,
                location=s.location,
                link=s.link,
                facilitator=s.facilitator,
                status=status,
                cancel_reason=s.cancel_reason if status == SessionStatus.CANCELLED else "",
                notes=s.notes,
                headcount=s.headcount if status == SessionStatus.HELD else None,
                sequence=s.sequence,
                series_id=s.series_id,
                invitees=found,
                needs_closing=status == SessionStatus.PLANNED and ends_at <= now,
                updated_at=s.updated_at,
                cancelled_on=s.cancelled_on if status == SessionStatus.CANCELLED else None,
                held_on=s.held_on if status == SessionStatus.HELD else None,
                time_span=time_span(s.starts_at, ends_at, zone),
            )
        )
    return views


def get_session(db: Session, session_id: int) -> ProgramSession:
    session = db.get(ProgramSession, session_id)
    if session is None:
        raise NotFound(f"There is no session {session_id}. `coop sessions list` shows their numbers.")
    return session


def show_session(db: Session, *, session_id: int, now: datetime) -> SessionView:
    return session_views(db, [get_session(db, session_id)], now=now)[0]


def end_of(db: Session, day: date) -> datetime:
    """The last instant of a day in the program's time zone: the `now` of a view as of that day."""
    return end_of_day(day, _zone(db))


def list_sessions(
    db: Session, *, now: datetime, phase: str | None = None, upcoming: bool = False, coop: str | None = None
) -> list[SessionView]:
    """Sessions as they stood at `now` (see services.as_of)."""
    query = select(ProgramSession).order_by(ProgramSession.starts_at, ProgramSession.id)
    if phase is not None:
        query = query.where(ProgramSession.phase_id == get_phase(db, phase).id)
    if upcoming:
        query = query.where(
            ProgramSession.starts_at >= now, not_yet(ProgramSession.cancelled_on, local_day(now, _zone(db)))
        )
    if coop is not None:
        invited = select(Invitation.session_id).where(Invitation.coop_id == get_coop(db, coop).id)
        query = query.where(ProgramSession.id.in_(invited))
    return session_views(db, list(db.exec(query).all()), now=now)


def sessions_to_close(db: Session, *, now: datetime, phase: str) -> list[SessionView]:
    """The sessions of a phase still planned at `now` whose end has passed (`needs_closing`), read
    without the rest of the phase: the planned ones begun by then, the few a report carries over."""
    query = (
        select(ProgramSession)
        .where(
            ProgramSession.phase_id == get_phase(db, phase).id,
            session_planned_clause(local_day(now, _zone(db))),
            ProgramSession.starts_at <= now,
        )
        .order_by(ProgramSession.starts_at, ProgramSession.id)
    )
    return [s for s in session_views(db, list(db.exec(query).all()), now=now) if s.needs_closing]


def list_kinds(db: Session) -> list[SessionKind]:
    return list(db.exec(select(SessionKind).order_by(SessionKind.position)).all())


def get_kind(db: Session, slug: str) -> SessionKind:
    wanted = slug.strip().lower()
    kinds = list_kinds(db)
    match = next((k for k in kinds if k.slug == wanted), None)
    if match is None:
        raise InvalidInput(f"'{slug}' is not a session kind: use one of {', '.join(k.slug for k in kinds)}.")
    return match


# --- checks ----------------------------------------------------------------------------------


def _check_minutes(minutes: int) -> int:
    if not 0 < minutes <= MAX_SESSION_MINUTES:
        raise InvalidInput(f"A session of {minutes} minutes is not possible: give 1 to {MAX_SESSION_MINUTES} minutes.")
    return minutes


def check_link(link: str) -> str:
    link = clean_text(link, what="link", required=False, limit=500)
    if link and (not link.startswith(("https://", "http://")) or " " in link):
        raise InvalidInput(f"'{link}' is not a web link: give the full address, starting with https://.")
    return link


def _checked_details(**given: object) -> dict[str, object]:
    """The details given (those not None), checked and cleaned the same way for a new session and an edit."""
    checks: dict[str, Callable[[Any], object]] = {
        "title": lambda value: clean_text(value, what="title", limit=200),
        "minutes": _check_minutes,
        "location": lambda value: clean_text(value, what="location", required=False, limit=300),
        "link": check_link,
        "facilitator": lambda value: clean_text(value, what="facilitator", required=False, limit=200),
    }
    return {name: checks[name](value) for name, value in given.items() if value is not None}


def _to_utc(local: datetime, zone: str) -> datetime:
    try:
        return local_to_utc(local, zone)
    except ValueError as error:
        raise InvalidInput(str(error)) from None


def _phase_for(db: Session, day: date, phase: Phase | None) -> Phase:
    if phase is not None:
        if not phase.starts_on <= day <= phase.ends_on:
            raise InvalidInput(f"{day} is outside {phase.name} ({phase.starts_on} to {phase.ends_on}).")
        return phase
    found = phase_on(db, day)
    if found is None:
        raise InvalidInput(f"{day} is outside every phase; schedule sessions within the program's phases.")
    return found


def _invitees(db: Session, invite: str | None, *, on: date) -> list[Coop]:
    """`all` (the default: every co-op in the cohort on that day), `none`, or slugs separated by commas."""
    choice = (invite or "all").strip().lower()
    if choice == "all":
        slugs = [view.slug for view in active_coops_on(db, on)]
    elif choice == "none":
        slugs = []
    else:
        slugs = [slug.strip() for slug in choice.split(",") if slug.strip()]
    coops = [get_coop(db, slug) for slug in dict.fromkeys(slugs)]
    archived = [coop.slug for coop in coops if coop.archived_on is not None]
    if archived:
        raise InvalidInput(f"{', '.join(archived)} is archived; invite only co-ops in the cohort.")
    return coops


def expand_repeat(rule: str, start: datetime, until: date) -> list[datetime]:
    """The starts of a recurring series, bounded (see services/recurrence); also called before the
    write lock is taken, so a runaway rule never holds it."""
    from dateutil.rrule import rrulestr

    text = rule.strip().upper().removeprefix("RRULE:")
    refuse_sub_daily(text, what=f"'{rule}'")
    if "UNTIL=" in text or "COUNT=" in text:
        raise InvalidInput("Give the last date with --until, not UNTIL or COUNT inside --repeat.")
    if until < start.date():
        raise InvalidInput(f"--until {until} is before the first session ({start.date()}).")
    try:
        recurrence = rrulestr(f"RRULE:{text}", dtstart=start)
    except (ValueError, TypeError):
        raise InvalidInput(
            f"'{rule}' is not a recurrence rule: e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU or FREQ=MONTHLY;BYDAY=1TH."
        ) from None
    message = f"'{rule}' takes too long to work out: it may never give a date before {until}. Check its BYMONTH, BYMONTHDAY and BYSETPOS."
    with cpu_budget(message):
        occurrences = occurrences_until(
            recurrence.xafter(start, inc=True), datetime.combine(until, time.max), limit=MAX_OCCURRENCES
        )
    if len(occurrences) > MAX_OCCURRENCES:
        raise InvalidInput(
            f"That rule makes more than {MAX_OCCURRENCES} sessions before {until}; choose an earlier --until."
        )
    if not occurrences:
        raise InvalidInput(f"'{rule}' gives no session between {start.date()} and {until}.")
    return occurrences


# --- changes ---------------------------------------------------------------------------------


def add_session(
    db: Session,
    *,
    title: str,
    kind: str,
    start: datetime,
    minutes: int,
    now: datetime,
    location: str = "",
    link: str = "",
    facilitator: str = "",
    invite: str | None = None,
    phase: str | None = None,
    repeat: str | None = None,
    until: date | None = None,
) -> list[SessionView]:
    """One session, or one per occurrence of `repeat` up to `until` (wall-clock times kept across DST)."""
    zone = _zone(db)
    chosen_kind = get_kind(db, kind)
    fixed_phase = get_phase(db, phase) if phase else None
    if (repeat is None) != (until is None):
        raise InvalidInput("A recurring meeting needs both --repeat RULE and --until DATE.")
    starts = expand_repeat(repeat, start, until) if repeat else [start]
    series = None
    if repeat:
        series = SessionSeries(rule=repeat.strip().upper().removeprefix("RRULE:"), until=until)
        db.add(series)
        db.flush()
    fields = _checked_details(title=title, minutes=minutes, location=location, link=link, facilitator=facilitator)
    created = []
    for local in starts:
        session = ProgramSession(
            uid=str(uuid.uuid4()),
            series_id=series.id if series else None,
            kind_id=chosen_kind.id,
            phase_id=_phase_for(db, local.date(), fixed_phase).id,
            starts_at=_to_utc(local, zone),
            **fields,
        )
        db.add(session)
        db.flush()
        for coop in _invitees(db, invite, on=local.date()):
            db.add(Invitation(session_id=session.id, coop_id=coop.id))
        created.append(session)
    db.flush()
    return session_views(db, created, now=now)


def _targets(db: Session, session: ProgramSession, *, series: bool) -> list[ProgramSession]:
    """The session, or with `series` the rest of its series from this one on."""
    if not series:
        return [session]
    if session.series_id is None:
        raise InvalidInput(f"Session {session.id} is not part of a series; leave out --series.")
    return list(
        db.exec(
            select(ProgramSession)
            .where(ProgramSession.series_id == session.series_id, ProgramSession.starts_at >= session.starts_at)
            .order_by(ProgramSession.starts_at)
        ).all()
    )


def touch(session: ProgramSession, *, calendar_change: bool) -> None:
    if calendar_change:
        session.sequence += 1
    session.updated_at = utc_now()


def edit_session(
    db: Session,
    *,
    session_id: int,
    now: datetime,
    series: bool = False,
    title: str | None = None,
    kind: str | None = None,
    minutes: int | None = None,
    location: str | None = None,
    link: str | None = None,
    facilitator: str | None = None,
    invite: str | None = None,
) -> list[SessionView]:
    session = get_session(db, session_id)
    if all(value is None for value in (title, kind, minutes, location, link, facilitator, invite)):
        raise InvalidInput(
            "Nothing to change: give --title, --kind, --minutes, --location, --link, --facilitator or --invite."
        )
    changes = _checked_details(title=title, minutes=minutes, location=location, link=link, facilitator=facilitator)
    if kind is not None:
        changes["kind_id"] = get_kind(db, kind).id
    targets = _targets(db, session, series=series)
    zone = _zone(db)
    for target in targets:
        # Every detail here shows in the calendar event (title, length, place, link, facilitator, kind).
        shown = any(getattr(target, name) != value for name, value in changes.items())
        for name, value in changes.items():
            setattr(target, name, value)
        if invite is not None:
            shown |= _set_invitees(db, target, _invitees(db, invite, on=utc_to_local(target.starts_at, zone).date()))
        touch(target, calendar_change=shown)
        db.add(target)
    db.flush()
    return session_views(db, targets, now=now)


def _set_invitees(db: Session, session: ProgramSession, coops: list[Coop]) -> bool:
    """Invite exactly `coops`; a co-op taken off keeps a withdrawal, so its feed shows the event cancelled.
    True when the invitations changed."""
    wanted = {coop.id for coop in coops}
    current = {i.coop_id: i for i in db.exec(select(Invitation).where(Invitation.session_id == session.id)).all()}
    withdrawn = {
        w.coop_id: w
        for w in db.exec(select(WithdrawnInvitation).where(WithdrawnInvitation.session_id == session.id)).all()
    }
    for coop_id, invitation in current.items():
        if coop_id not in wanted:
            if invitation.attendance != Attendance.INVITED:
                raise Conflict(
                    f"Attendance is already recorded for a co-op you would uninvite from session {session.id}."
                )
            db.delete(invitation)
            db.add(WithdrawnInvitation(session_id=session.id, coop_id=coop_id))
    for coop_id in wanted - current.keys():
        if coop_id in withdrawn:
            db.delete(withdrawn[coop_id])
        db.add(Invitation(session_id=session.id, coop_id=coop_id))
    db.flush()
    return wanted != current.keys()


def reschedule_session(
    db: Session, *, session_id: int, start: datetime, now: datetime, minutes: int | None = None, series: bool = False
) -> list[SessionView]:
    """Move a session (or the rest of its series, each by the same wall-clock shift)."""
    session = get_session(db, session_id)
    zone = _zone(db)
    if session.status == SessionStatus.CANCELLED:
        raise Conflict(f"Session {session_id} is cancelled; add a new session instead of moving it.")
    shift = start - utc_to_local(session.starts_at, zone)
    targets = _targets(db, session, series=series)
    for target in targets:
        local = utc_to_local(target.starts_at, zone) + shift
        target.phase_id = _phase_for(db, local.date(), None).id
        target.starts_at = _to_utc(local, zone)
        if minutes is not None:
            target.minutes = _check_minutes(minutes)
        touch(target, calendar_change=True)
        db.add(target)
    db.flush()
    return session_views(db, targets, now=now)


def cancel_session(
    db: Session, *, session_id: int, reason: str, now: datetime, series: bool = False, on: date | None = None
) -> list[SessionView]:
    """Cancel a session (or the rest of its series), on `on` (default: the local day of `now`)."""
    session = get_session(db, session_id)
    targets = [t for t in _targets(db, session, series=series) if t.status != SessionStatus.CANCELLED]
    if not targets:
        raise Conflict(f"Session {session_id} is already cancelled.")
    if any(t.status == SessionStatus.HELD for t in targets):
        raise Conflict(f"Session {session_id} was already held; it cannot be cancelled.")
    for target in targets:
        target.status = SessionStatus.CANCELLED.value
        target.cancelled_on = on or local_day(now, _zone(db))
        target.cancel_reason = clean_text(reason, what="reason", required=False, limit=500)
        touch(target, calendar_change=True)
        db.add(target)
    db.flush()
    return session_views(db, targets, now=now)


def check_started(session: ProgramSession, now: datetime) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise Conflict(f"Session {session.id} was cancelled.")
    if session.starts_at > now:
        raise InvalidInput(f"Session {session.id} has not happened yet; close it and record attendance once it has.")


def record_held(db: Session, session: ProgramSession, *, now: datetime, on: date | None) -> None:
    """Mark it held on `on` (default: the local day of `now`); a session stays closed on the day it first was."""
    zone = _zone(db)
    day = on or local_day(now, zone)
    if day < utc_to_local(session.starts_at, zone).date():
        raise InvalidInput(
            f"Session {session.id} starts on {utc_to_local(session.starts_at, zone):%Y-%m-%d}; it cannot be closed before that."
        )
    session.status = SessionStatus.HELD.value
    session.held_on = session.held_on or day


def mark_held(db: Session, *, session_id: int, now: datetime, on: date | None = None) -> SessionView:
    session = get_session(db, session_id)
    check_started(session, now)
    if session.status == SessionStatus.HELD:
        raise Conflict(f"Session {session_id} is already marked held.")
    record_held(db, session, now=now, on=on)
    touch(session, calendar_change=False)
    db.add(session)
    db.flush()
    return session_views(db, [session], now=now)[0]


def set_notes(db: Session, *, session_id: int, text: str, now: datetime) -> SessionView:
    session = get_session(db, session_id)
    session.notes = clean_text(text, what="notes", required=False, multiline=True, limit=50_000)
    touch(session, calendar_change=False)
    db.add(session)
    db.flush()
    return session_views(db, [session], now=now)[0]


def record_attendance(
    db: Session,
    *,
    session_id: int,
    now: datetime,
    attended: Sequence[str] = (),
    absent: Sequence[str] = (),
    excused: Sequence[str] = (),
    headcount: int | None = None,
    on: date | None = None,
) -> SessionView:
    """Who came, per invited co-op; recording it marks the session held (closed on `on`)."""
    session = get_session(db, session_id)
    check_started(session, now)
    marks = (
        [(slug, Attendance.ATTENDED) for slug in attended]
        + [(slug, Attendance.ABSENT) for slug in absent]
        + [(slug, Attendance.EXCUSED) for slug in excused]
    )
    if not marks and headcount is None:
        raise InvalidInput("Name the co-ops that came (and --absent/--excused ones), or give --headcount.")
    seen: set[int] = set()
    invitations = {i.coop_id: i for i in db.exec(select(Invitation).where(Invitation.session_id == session.id)).all()}
    for slug, attendance in marks:
        coop = get_coop(db, slug)
        if coop.id in seen:
            raise InvalidInput(f"{coop.slug} is named twice; give each co-op once.")
        seen.add(coop.id)
        invitation = invitations.get(coop.id)
        if invitation is None:
            raise InvalidInput(
                f"{coop.slug} was not invited to session {session.id}; invite it with `coop sessions edit {session.id} --invite ...`."
            )
        invitation.attendance = attendance.value
        db.add(invitation)
    if headcount is not None:
        if headcount < 0 or headcount > 10_000:
            raise InvalidInput(f"A headcount of {headcount} is not possible.")
        session.headcount = headcount
    record_held(db, session, now=now, on=on)
    touch(session, calendar_change=False)
    db.add(session)
    db.flush()
    return session_views(db, [session], now=now)[0]


def translate_title(db: Session, *, session_id: int, lang: str, title: str) -> str:
    """A session's title in another language ("" removes it): calendars, agendas and messages in
    that language show it, so the calendar event changes."""
    from coopprogram.services.translations import set_title

    session = get_session(db, session_id)
    stored = set_title(db, lang=lang, title=title, session_id=session.id)
    touch(session, calendar_change=True)
    db.add(session)
    db.flush()
    return stored
