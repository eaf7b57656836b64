"""Sessions scheduled in another calendar coming in from an .ics file, matched by UID.

An import never undoes newer work: an event older (lower SEQUENCE) than the stored session is
skipped, a held session is not moved or cancelled without `force`. Recurring events are
expanded by recurring-ical-events (RECURRENCE-ID overrides included) within the program's
phases, bounded and refused past a limit. Every change the import makes to what the file
says (a clamped length, an unknown time zone, a time the clocks skip) is reported per event.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from coopprogram.errors import CoopError, InvalidInput
from coopprogram.models import ProgramSession, SessionSeries, SessionStatus
from coopprogram.services.as_of import local_day
from coopprogram.services.phases import list_phases, phase_on
from coopprogram.services.program import get_program
from coopprogram.services.recurrence import cpu_budget
from coopprogram.services.sessions import MAX_OCCURRENCES, MAX_SESSION_MINUTES, check_link, get_kind
from coopprogram.services.text import clean_text
from coopprogram.units import utc_now, utc_to_local

CANCELLED_PREFIX = "Cancelled: "  # what our own export puts before a cancelled session's title
# A rule that repeats within a day would make thousands of sessions: no meeting series does that.
_TOO_FREQUENT = ("SECONDLY", "MINUTELY", "HOURLY")


@dataclass(frozen=True)
class ImportedEvent:
    title: str
    starts: str
    action: str  # added, updated, unchanged, outside, skipped
    detail: str = ""
    notes: tuple[str, ...] = ()  # what the import changed from what the file says


@dataclass(frozen=True)
class CalendarImport:
    events: list[ImportedEvent] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for event in self.events if event.action == action)


class _Skip(Exception):
    """This event cannot be imported; the message says why, in a person's words."""


@dataclass
class _Context:
    db: Session
    zone: str
    kind_id: int
    window: tuple[datetime, datetime]  # the program's phases, as UTC instants
    force: bool
    file_notes: tuple[str, ...]


def import_calendar(db: Session, *, data: bytes, kind: str = "working-group", force: bool = False) -> CalendarImport:
    """Sessions from an .ics file: matched by UID (updated, never duplicated), recurring events
    expanded within the phases, events outside every phase reported and left out."""
    from icalendar import Calendar

    file_notes: tuple[str, ...]
    try:
        text, file_notes = data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        text, file_notes = (
            data.decode("cp1252", errors="replace"),
            ("the file is not UTF-8: its text was read as Windows-1252, check accents",),
        )
    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as error:
        raise InvalidInput(
            f"The file is not a calendar (.ics) that can be read ({error}); nothing was imported."
        ) from None
    program = get_program(db)
    phases = list_phases(db)
    if not phases:
        raise InvalidInput("The program has no phases yet; add them before importing sessions.")
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(program.timezone)
    window = (
        datetime.combine(min(p.starts_on for p in phases), time.min, zone).astimezone(UTC),
        datetime.combine(max(p.ends_on for p in phases) + timedelta(days=1), time.min, zone).astimezone(UTC),
    )
    context = _Context(db, program.timezone, get_kind(db, kind).id, window, force, file_notes)
    by_uid: dict[str, list] = {}  # in the file's order
    for event in calendar.walk("VEVENT"):
        by_uid.setdefault(_uid_of(event), []).append(event)
    results: list[ImportedEvent] = []
    for uid, components in by_uid.items():
        title = _title_of(components[0])
        try:
            with db.begin_nested():  # an event refused half-way leaves none of its sessions behind
                for component in components:
                    _check_readable(component)
                if any("RRULE" in c or "RDATE" in c for c in components):
                    done = _import_series(context, calendar, uid, components)
                else:
                    done = [_import_single(context, uid, c) for c in components]
            results += done
        except (_Skip, CoopError) as why:
            results.append(ImportedEvent(title, "", "skipped", str(why)))
    db.flush()
    return CalendarImport(results)


def _check_readable(event) -> None:
    """icalendar keeps a value it cannot parse as a broken property; say which, before reading any."""
    from icalendar.prop import vBroken

    for name, value in event.property_items(recursive=False, sorted=False):
        if isinstance(value, vBroken):
            shown = str(value)[:60]  # vBroken is the text as written
            raise _Skip(f"its {name} cannot be read ('{_printable(shown)}'); correct it in the calendar it came from")


def _printable(text: str) -> str:
    """Text from the file with its control characters removed (they would act on the terminal)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc")


def _uid_of(event) -> str:
    return str(event.get("UID", "")).strip()


def _title_of(event) -> str:
    return _printable(str(event.get("SUMMARY", ""))).strip()[:200] or "Untitled session"


def _import_single(context: _Context, uid: str, event) -> ImportedEvent:
    if "RECURRENCE-ID" in event:  # one occurrence of a series whose rule is not in this file
        return _apply(context, event, uid=_occurrence_uid(uid, event), series_id=None)
    if not uid:
        start = event.get("DTSTART")
        uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{_title_of(event)}|{start.to_ical().decode() if start else ''}"))
    return _apply(context, event, uid=uid, series_id=None)


def _import_series(context: _Context, calendar, uid: str, components: list) -> list[ImportedEvent]:
    import recurring_ical_events
    from icalendar import Calendar

    master = next(c for c in components if "RRULE" in c or "RDATE" in c)
    for rule in _listed(master, "RRULE"):
        try:
            frequency = (rule.get("FREQ") or [""])[0]
            several_a_day = any(len(rule.get(part, [])) > 1 for part in ("BYHOUR", "BYMINUTE", "BYSECOND"))
        except Exception as error:  # noqa: BLE001 - icalendar reports a broken RRULE when it is first read
            raise _Skip(
                f"its repeat rule cannot be read ({str(error).split(': ', 1)[-1][:200]}); correct it in the calendar it came from"
            ) from None
        if frequency in _TOO_FREQUENT or several_a_day:
            raise _Skip(
                f"its rule repeats within a day ({rule.to_ical().decode()}); a session series meets at most once a day"
            )
    for name in ("EXDATE", "RDATE"):
        for group in _listed(master, name):
            if any(not isinstance(value.dt, datetime) for value in group.dts):
                raise _Skip(f"its {name} gives a day without a time; give each date with the meeting's time")
    if not isinstance(master.decoded("DTSTART", None), datetime):
        raise _Skip("an all-day event is not a session")
    single = Calendar()
    for zone in calendar.walk("VTIMEZONE"):
        single.add_component(zone)
    for component in components:
        single.add_component(component)
    try:
        # A rule that never matches (February 30th) keeps the expansion busy up to the year 9999.
        with cpu_budget(
            "its repeat rule takes too long to work out (does it ever match a day?); correct it in the calendar it came from"
        ):
            occurrences = recurring_ical_events.of(single).between(*context.window)
    except InvalidInput as why:
        raise _Skip(str(why)) from None
    except Exception as error:  # noqa: BLE001 - the library's errors name the bad rule; any is this event's fault
        raise _Skip(
            f"its repeat rule cannot be read ({str(error).splitlines()[0][:200]}); correct it in the calendar it came from"
        ) from None
    if len(occurrences) > MAX_OCCURRENCES:
        raise _Skip(
            f"it repeats {len(occurrences)} times within the program, more than {MAX_OCCURRENCES}; end the series earlier in the calendar it came from"
        )
    uids = [_occurrence_uid(uid, occurrence) for occurrence in occurrences]
    # A re-import of the same series fills the series it made the first time.
    known = context.db.exec(
        select(ProgramSession.series_id).where(ProgramSession.uid.in_(uids), ProgramSession.series_id.is_not(None))
    ).first()
    series_id = known
    if series_id is None and occurrences:
        rules = _listed(master, "RRULE")
        series = SessionSeries(
            rule=rules[0].to_ical().decode().split(";UNTIL=")[0] if rules else "RDATE", until=context.window[1].date()
        )
        context.db.add(series)
        context.db.flush()
        series_id = series.id
    return [
        _apply(context, occurrence, uid=occurrence_uid, series_id=series_id)
        for occurrence, occurrence_uid in zip(occurrences, uids, strict=True)
    ]


def _listed(event, name: str) -> list:
    """A property that may appear several times, always as a list."""
    found = event.get(name)
    return [] if found is None else found if isinstance(found, list) else [found]


def _occurrence_uid(uid: str, occurrence) -> str:
    """One occurrence's own UID, from the series UID and its original start (RECURRENCE-ID), so a
    moved occurrence updates the session it was, and re-imports match."""
    original = occurrence.decoded("RECURRENCE-ID", None) or occurrence.decoded("DTSTART")
    if isinstance(original, datetime) and original.tzinfo is not None:
        original = original.astimezone(UTC)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{uid}#{original.isoformat()}"))


def _instant(event, name: str, zone: str, notes: list[str]) -> datetime:
    """A DATE-TIME property as a UTC instant; a floating time or an unknown TZID is read on the program's clock."""
    from zoneinfo import ZoneInfo

    prop = event.get(name)
    value = prop.dt
    if not isinstance(value, datetime):
        raise _Skip(
            "an all-day event is not a session"
            if name == "DTSTART"
            else f"its {name} is a day without a time while it starts at a time; give the end with its time"
        )
    if value.tzinfo is None:
        tzid = prop.params.get("TZID")
        if tzid:
            notes.append(f"time zone '{tzid}' is not known: read as {zone} time")
        value = value.replace(tzinfo=ZoneInfo(zone))
    wall = value.replace(tzinfo=None)
    if value.astimezone(UTC).astimezone(value.tzinfo).replace(tzinfo=None) != wall:
        read = value.astimezone(UTC).astimezone(value.tzinfo)
        notes.append(f"{wall:%Y-%m-%d %H:%M} does not exist (the clocks jump forward): read as {read:%H:%M %Z}")
    return value.astimezone(UTC)


def _apply(context: _Context, event, *, uid: str, series_id: int | None) -> ImportedEvent:
    notes = list(context.file_notes)
    title = _title_of(event)
    if title != str(event.get("SUMMARY", "")).strip()[:200] and "SUMMARY" in event:
        notes.append("control characters were removed from the title")
    cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
    if cancelled and title.startswith(CANCELLED_PREFIX):
        title = title.removeprefix(CANCELLED_PREFIX)
    if "DTSTART" not in event:
        raise _Skip("it has no start time")
    start = _instant(event, "DTSTART", context.zone, notes)
    if "DTEND" in event:
        end = _instant(event, "DTEND", context.zone, notes)
    elif "DURATION" in event:
        length = event.get("DURATION").dt
        if not isinstance(length, timedelta):
            raise _Skip("its DURATION cannot be read; give it as e.g. PT1H30M")
        end = start + length
    else:
        end = start + timedelta(hours=1)
        notes.append("no end time: one hour long")
    minutes = int((end - start).total_seconds() // 60)
    if minutes <= 0:
        raise _Skip("it ends before it starts (or as it starts); give it an end after its start")
    if minutes > MAX_SESSION_MINUTES:
        notes.append(f"{minutes} minutes long: stored as {MAX_SESSION_MINUTES}")
        minutes = MAX_SESSION_MINUTES
    link = str(event.get("URL", "")).strip()
    if link:
        try:
            link = check_link(link)
        except InvalidInput:
            notes.append("its link is not an http(s) web address: left out")
            link = ""
    local_label = f"{utc_to_local(start, context.zone):%Y-%m-%d %H:%M}"
    fields = {
        "title": clean_text(title, what="title", limit=200),
        "location": clean_text(str(event.get("LOCATION", "")), what="location", required=False, limit=300),
        "link": link,
    }
    phase = phase_on(context.db, utc_to_local(start, context.zone).date())  # the program's day decides the phase
    if phase is None:
        return ImportedEvent(fields["title"], local_label, "outside", "outside every phase: not imported")
    sequence = int(event.get("SEQUENCE", 0) or 0)
    db = context.db
    session = db.exec(select(ProgramSession).where(ProgramSession.uid == uid)).first()
    if session is None:
        db.add(
            ProgramSession(
                uid=uid,
                series_id=series_id,
                kind_id=context.kind_id,
                phase_id=phase.id,
                starts_at=start,
                minutes=minutes,
                status=SessionStatus.CANCELLED.value if cancelled else SessionStatus.PLANNED.value,
                sequence=sequence,
                **fields,
                cancelled_on=local_day(utc_now(), context.zone) if cancelled else None,
            )
        )
        return ImportedEvent(fields["title"], local_label, "added", notes=tuple(notes))
    changes = {**fields, "starts_at": start, "minutes": minutes, "phase_id": phase.id}
    if cancelled:
        changes["status"] = SessionStatus.CANCELLED.value
    changed = [name for name, value in changes.items() if getattr(session, name) != value]
    if not changed:
        return ImportedEvent(fields["title"], local_label, "unchanged", notes=tuple(notes))
    if sequence < session.sequence:
        return ImportedEvent(
            fields["title"],
            local_label,
            "skipped",
            f"the session here is newer (SEQUENCE {session.sequence}, the file has {sequence}): not changed",
            tuple(notes),
        )
    if session.status == SessionStatus.HELD and not context.force:
        return ImportedEvent(
            fields["title"],
            local_label,
            "skipped",
            f"session {session.id} was already held: not changed (import with --force to change it anyway)",
            tuple(notes),
        )
    for name in changed:
        setattr(session, name, changes[name])
    if "status" in changed:  # cancelled by this import: dated today, for views as of a past day
        session.cancelled_on = local_day(utc_now(), context.zone)
    session.sequence = max(session.sequence + 1, sequence)
    db.add(session)
    return ImportedEvent(
        fields["title"],
        local_label,
        "updated",
        ", ".join(name.removesuffix("_id").replace("starts_at", "start") for name in changed),
        tuple(notes),
    )
