"""The program calendar: sessions and milestones as calendar events (for the .ics export),
and sessions scheduled elsewhere coming in from an .ics file, matched by UID.

Event identity never changes (a session's stored UID; a milestone's UID derived from the
program's), and every change a calendar must notice raises the SEQUENCE.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlmodel import Session, select

from coopprogram.errors import InvalidInput
from coopprogram.models import Invitation, Milestone, Phase, ProgramSession, SessionKind, SessionSeries, SessionStatus
from coopprogram.services.as_of import local_day
from coopprogram.services.agenda import AgendaItemView, agendas_for
from coopprogram.services.phases import get_phase, list_phases, phase_on
from coopprogram.services.program import get_program
from coopprogram.services.coops import get_coop
from coopprogram.services.recurrence import cpu_budget, occurrences_until, refuse_sub_daily
from coopprogram.services.sessions import MAX_OCCURRENCES, MAX_SESSION_MINUTES, get_kind
from coopprogram.services.text import clean_text
from coopprogram.units import local_to_utc, utc_now, utc_to_local


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


def milestone_uid(program_uid: str, milestone_id: int) -> str:
    return str(uuid.uuid5(uuid.UUID(program_uid), f"milestone/{milestone_id}"))


def calendar_view(db: Session, *, phase: str | None = None, coop: str | None = None, milestones: bool = True) -> CalendarView:
    program = get_program(db)
    phases = list_phases(db)
    # Sessions, their kinds and agendas in a fixed number of queries; a calendar never needs
    # who was invited (the co-op feed is filtered in the query).
    columns = (
        ProgramSession.id, ProgramSession.uid, ProgramSession.sequence, ProgramSession.updated_at, ProgramSession.title,
        ProgramSession.kind_id, ProgramSession.starts_at, ProgramSession.minutes, ProgramSession.location, ProgramSession.link,
        ProgramSession.facilitator, ProgramSession.status, ProgramSession.cancel_reason,
    )
    query = select(*columns).order_by(ProgramSession.starts_at, ProgramSession.id)
    if phase is not None:
        query = query.where(ProgramSession.phase_id == get_phase(db, phase).id)
    if coop is not None:
        query = query.where(ProgramSession.id.in_(select(Invitation.session_id).where(Invitation.coop_id == get_coop(db, coop).id)))
    sessions = list(db.exec(query).all())
    kinds = {kind.id: kind.name for kind in db.exec(select(SessionKind)).all()}
    agendas = agendas_for(db, sessions)
    events = [
        SessionEvent(
            uid=s.uid, sequence=s.sequence, stamp=s.updated_at, title=s.title, kind_name=kinds[s.kind_id], starts_at=s.starts_at,
            ends_at=s.starts_at + timedelta(minutes=s.minutes), location=s.location, link=s.link, facilitator=s.facilitator,
            cancelled=s.status == SessionStatus.CANCELLED, cancel_reason=s.cancel_reason, agenda=agendas[s.id].items,
        )
        for s in sessions
    ]
    days: list[MilestoneEvent] = []
    if milestones:
        query = select(Milestone, Phase).join(Phase).order_by(Milestone.due_on, Milestone.id)
        if phase is not None:
            query = query.where(Phase.id == get_phase(db, phase).id)
        days = [
            MilestoneEvent(milestone_uid(program.uid, m.id), m.calendar_sequence, m.updated_at, m.title, p.name, m.due_on, m.status == "done")
            for m, p in db.exec(query).all()
        ]
    starts = [p.starts_on for p in phases] or [date.today()]
    ends = [p.ends_on for p in phases] or [date.today()]
    return CalendarView(
        name=f"{program.short_name} {program.name}", timezone=program.timezone, first_day=min(starts), last_day=max(ends),
        sessions=events, milestones=days,
    )


def mark_exported(db: Session, view: CalendarView) -> None:
    """Remember the highest SEQUENCE each session was sent out with (checked by `coop db check`).

    The update time is left alone: exporting is not a change of the event, and the next export
    must give the same bytes.
    """
    sent = {event.uid: event.sequence for event in view.sessions}
    if not sent:
        return
    for session in db.exec(select(ProgramSession).where(ProgramSession.uid.in_(sent))).all():
        if session.exported_sequence < sent[session.uid]:
            session.exported_sequence = sent[session.uid]
            db.add(session)
    db.flush()


# --- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedEvent:
    title: str
    starts: str
    action: str  # added, updated, unchanged, outside, skipped
    detail: str = ""


@dataclass(frozen=True)
class CalendarImport:
    events: list[ImportedEvent] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for event in self.events if event.action == action)


def import_calendar(db: Session, *, data: bytes, kind: str = "working-group") -> CalendarImport:
    """Sessions from an .ics file: matched by UID (updated, never duplicated), recurring events
    expanded within the phases, events outside every phase reported and left out."""
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise InvalidInput(f"The file is not a calendar (.ics) that can be read ({error}); nothing was imported.") from None
    zone = get_program(db).timezone
    session_kind = get_kind(db, kind)
    phases = list_phases(db)
    horizon = max((p.ends_on for p in phases), default=date.today())
    results: list[ImportedEvent] = []
    for component in calendar.walk("VEVENT"):
        results.extend(_import_event(db, component, zone=zone, kind_id=session_kind.id, horizon=horizon))
    db.flush()
    return CalendarImport(results)


def _as_utc(value: object, zone: str) -> datetime | None:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating time: read it in the program's time zone
            return local_to_utc(value, zone)
        return value.astimezone(timezone.utc)
    return None


def _import_event(db: Session, event, *, zone: str, kind_id: int, horizon: date) -> list[ImportedEvent]:  # noqa: ANN001
    title = clean_text(str(event.get("SUMMARY", "")) or "Untitled session", what="title", limit=200)
    start_prop = event.get("DTSTART")
    if start_prop is None:
        return [ImportedEvent(title, "", "skipped", "no start time")]
    try:
        start = _as_utc(start_prop.dt, zone)
    except ValueError as error:
        return [ImportedEvent(title, str(start_prop.dt), "skipped", str(error))]
    if start is None:
        return [ImportedEvent(title, str(start_prop.dt), "skipped", "an all-day event is not a session")]
    end_prop, duration_prop = event.get("DTEND"), event.get("DURATION")
    end = _as_utc(end_prop.dt, zone) if end_prop is not None else (start + duration_prop.dt if duration_prop is not None else start + timedelta(hours=1))
    minutes = max(1, min(int((end - start).total_seconds() // 60), MAX_SESSION_MINUTES))
    fields = dict(
        title=title,
        location=clean_text(str(event.get("LOCATION", "")), what="location", required=False, limit=300),
        link=str(event.get("URL", "")).strip()[:500],
        status=SessionStatus.CANCELLED.value if str(event.get("STATUS", "")).upper() == "CANCELLED" else None,
    )
    uid = str(event.get("UID", "")).strip() or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{title}|{start.isoformat()}"))
    if event.get("RRULE") is None:
        return [_upsert(db, uid=uid, start=start, zone=zone, minutes=minutes, kind_id=kind_id, series_id=None, **fields)]
    return _import_series(db, event, uid=uid, start=start, minutes=minutes, kind_id=kind_id, horizon=horizon, zone=zone, fields=fields)


def _import_series(db: Session, event, *, uid: str, start: datetime, minutes: int, kind_id: int, horizon: date, zone: str, fields: dict) -> list[ImportedEvent]:  # noqa: ANN001
    from dateutil.rrule import rruleset, rrulestr

    rule_text = event.get("RRULE").to_ical().decode()
    refuse_sub_daily(rule_text, what=f"The event '{fields['title']}' in the file")
    local_start = start.astimezone(_tz(zone))
    rules = rruleset()
    rules.rrule(rrulestr(rule_text, dtstart=local_start))
    for exdate in _exdates(event):
        rules.exdate(exdate.astimezone(_tz(zone)) if isinstance(exdate, datetime) else exdate)
    until = datetime.combine(horizon, time.max, tzinfo=_tz(zone))
    series = SessionSeries(rule=rule_text.split(";UNTIL=")[0], until=horizon)
    db.add(series)
    db.flush()
    results = []
    message = f"The repeat rule of the event '{fields['title']}' takes too long to work out; nothing was imported. Fix or remove that event."
    with cpu_budget(message):
        starts = occurrences_until(rules.xafter(local_start, inc=True), until, limit=MAX_OCCURRENCES)
    for occurrence in starts[:MAX_OCCURRENCES]:
        occurrence_uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{uid}#{occurrence.astimezone(timezone.utc).isoformat()}"))
        results.append(_upsert(db, uid=occurrence_uid, start=occurrence.astimezone(timezone.utc), zone=zone, minutes=minutes, kind_id=kind_id, series_id=series.id, **fields))
    return results


def _tz(zone: str):  # noqa: ANN202
    from zoneinfo import ZoneInfo

    return ZoneInfo(zone)


def _exdates(event) -> list:  # noqa: ANN001
    found = event.get("EXDATE")
    if found is None:
        return []
    groups = found if isinstance(found, list) else [found]
    return [item.dt for group in groups for item in group.dts]


def _upsert(
    db: Session, *, uid: str, start: datetime, zone: str, minutes: int, kind_id: int, series_id: int | None, title: str, location: str, link: str, status: str | None,
) -> ImportedEvent:
    local = utc_to_local(start, zone)  # the program's day decides the phase, as when scheduling
    local_label = f"{local:%Y-%m-%d %H:%M}"
    phase = phase_on(db, local.date())
    if phase is None:
        return ImportedEvent(title, local_label, "outside", "outside every phase: not imported")
    session = db.exec(select(ProgramSession).where(ProgramSession.uid == uid)).first()
    if session is None:
        db.add(ProgramSession(
            uid=uid, series_id=series_id, kind_id=kind_id, phase_id=phase.id, title=title, starts_at=start, minutes=minutes,
            location=location, link=link, status=status or SessionStatus.PLANNED.value,
            cancelled_on=local_day(utc_now(), zone) if status == SessionStatus.CANCELLED else None,
        ))
        return ImportedEvent(title, local_label, "added")
    changes = {"title": title, "starts_at": start, "minutes": minutes, "location": location, "link": link, "phase_id": phase.id}
    if status:
        changes["status"] = status
    changed = [name for name, value in changes.items() if getattr(session, name) != value]
    if not changed:
        return ImportedEvent(title, local_label, "unchanged")
    for name in changed:
        setattr(session, name, changes[name])
    if "status" in changed:  # cancelled by this import: dated today, for views as of a past day
        session.cancelled_on = local_day(utc_now(), zone)
    session.sequence += 1
    session.updated_at = utc_now()
    db.add(session)
    return ImportedEvent(title, local_label, "updated", ", ".join(changed))
