"""The bundled sample program (`sample_data/`): a fictional cohort of thirteen co-ops, the
Phase I and II milestones, the sessions with agendas, attendance and notes, action items,
three versions of the points of unity with comments and a consent round on the third,
the consultant's hours from October 2021 and the October to December invoices, the minutes of
the held visioning sessions, a few materials (links) and the messages sent to the co-ops, loaded
through the same services a person uses, as things stood on the demo day."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session, select

from coopprogram.errors import InvalidInput
from coopprogram.models import MilestoneStatus
from coopprogram.services import actions, agenda, materials, minutes, sessions, unity
from coopprogram.services import milestones as milestone_service
from coopprogram.services.coops import import_coops
from coopprogram.services.hours import log_time
from coopprogram.services.invoices import draft_month, issue_invoice, pay_invoice
from coopprogram.services.program import load_program_file, setup_program
from coopprogram.units import parse_date, parse_hours, parse_local_datetime
from coopprogram.vocab import CommentStatus, SessionStatus

PROGRAM_FILE = "program.toml"
COOPS_FILE = "coops.csv"
MILESTONES_FILE = "milestones.csv"
HOURS_FILE = "hours.csv"
INVOICES_FILE = "invoices.csv"
SESSIONS_FILE = "sessions.csv"
AGENDA_FILE = "agenda.csv"
ATTENDANCE_FILE = "attendance.csv"
ACTIONS_FILE = "actions.csv"
MINUTES_FILE = "minutes.csv"
MATERIALS_FILE = "materials.csv"
UNITY_FOLDER = "unity"
HOLIDAY_BREAK = date(2021, 12, 28)
HOLIDAY_BREAK_DECIDED = date(2021, 12, 14)  # the working-group call before it


@dataclass(frozen=True)
class DemoSummary:
    coops: int
    milestones: int
    entries: int
    invoices: int
    sessions: int
    unity_versions: int
    as_of: date  # the day the sample program stands at


def sample_data_dir() -> Path:
    """Inside the installed package, or beside `src/` in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "sample_data", package.parent.parent / "sample_data"):
        if (candidate / PROGRAM_FILE).is_file():
            return candidate
    raise InvalidInput("The sample program's files are missing from this installation; reinstall coopprogram.")


def load_demo(db: Session, *, folder: Path) -> DemoSummary:
    spec = load_program_file(folder / PROGRAM_FILE)
    setup_program(db, spec=spec)
    as_of = spec["demo_as_of"]
    report = import_coops(db, text=(folder / COOPS_FILE).read_text(encoding="utf-8"))
    if report.rejected:
        first = report.rejected[0]
        raise InvalidInput(f"{COOPS_FILE} line {first.line}: {first.detail}")
    milestones = _rows(folder / MILESTONES_FILE)
    for row in milestones:
        _load_milestone(db, row)
    entries = _rows(folder / HOURS_FILE)
    for row in entries:
        on = parse_date(row["date"])
        log_time(
            db,
            minutes=parse_hours(row["hours"]),
            description=row["description"],
            on=on,
            today=on,
            category=row["category"] or None,
            coop=row["coop"] or None,
            billable=row["billable"] == "yes",
        )
    invoices = _rows(folder / INVOICES_FILE)
    for row in invoices:
        for draft in draft_month(db, period=row["period"]):
            issued_on = parse_date(row["issued_on"])
            issued = issue_invoice(db, reference=str(draft.id), on=issued_on, today=issued_on)
            if row["paid_on"]:
                paid_on = parse_date(row["paid_on"])
                pay_invoice(db, reference=issued.number, on=paid_on, today=paid_on)
    sessions = _load_sessions(db, folder, as_of=as_of)
    versions = _load_unity(db, folder / UNITY_FOLDER)
    return DemoSummary(
        coops=report.count("added"),
        milestones=len(milestones),
        entries=len(entries),
        invoices=len(invoices),
        sessions=sessions,
        unity_versions=versions,
        as_of=as_of,
    )


def _load_unity(db: Session, folder: Path) -> int:
    """Three versions of the points of unity, the comments that shaped them, and the round on version 3."""
    drafts = _rows(folder / "drafts.csv")
    for row in drafts:
        unity.new_draft(db, text=(folder / row["file"]).read_text(encoding="utf-8"))
    for row in _rows(folder / "comments.csv"):
        comment = unity.add_comment(
            db,
            version=int(row["version"]),
            text=row["text"],
            coop=row["coop"] or None,
            point=int(row["point"]) if row["point"] else None,
        )
        if row["outcome"] == CommentStatus.INCORPORATED:
            unity.resolve_comment(db, comment_id=comment.id, incorporated_in=int(row["incorporated_in"]))
        elif row["outcome"] == CommentStatus.DECLINED:
            unity.resolve_comment(db, comment_id=comment.id, declined=row["decline_reason"])
    for row in drafts:
        if row["circulated_on"]:
            unity.circulate(
                db,
                version=int(row["version"]),
                on=parse_date(row["circulated_on"]),
                deadline=parse_date(row["deadline"]),
            )
    for row in _rows(folder / "responses.csv"):
        unity.respond(
            db,
            version=int(row["version"]),
            coop=row["coop"],
            decision=row["decision"],
            on=parse_date(row["responded_on"]),
            reason=row["reason"],
        )
    return len(drafts)


def _load_sessions(db: Session, folder: Path, *, as_of: date) -> int:
    """Sessions and series, their agendas, attendance and notes, and the action items."""
    evening = datetime.combine(as_of, time(23, 59), tzinfo=UTC)
    by_key: dict[str, list] = {}
    for row in _rows(folder / SESSIONS_FILE):
        by_key[row["key"]] = sessions.add_session(
            db,
            title=row["title"],
            kind=row["kind"],
            start=parse_local_datetime(row["start"]),
            minutes=int(row["minutes"]),
            now=evening,
            location=row["location"],
            link=row["link"],
            facilitator=row["facilitator"],
            invite=row["invite"],
            repeat=row["repeat"] or None,
            until=parse_date(row["until"]) if row["until"] else None,
        )
        if row["notes"]:
            sessions.set_notes(db, session_id=by_key[row["key"]][0].id, text=row["notes"], now=evening)
    for row in _rows(folder / AGENDA_FILE):
        agenda.add_item(
            db,
            session_id=by_key[row["session"]][0].id,
            title=row["title"],
            minutes=int(row["minutes"]),
            lead=row["lead"],
            kind=row["kind"],
        )
    for row in _rows(folder / ATTENDANCE_FILE):
        headcount = next(int(r["headcount"]) for r in _rows(folder / SESSIONS_FILE) if r["key"] == row["session"])
        session = by_key[row["session"]][0]
        sessions.record_attendance(
            db,
            session_id=session.id,
            now=evening,
            attended=row["attended"].split(),
            absent=row["absent"].split(),
            excused=row["excused"].split(),
            headcount=headcount,
            on=session.starts_local.date(),
        )
    for call in by_key["wg"]:
        if call.starts_local.date() == HOLIDAY_BREAK:
            sessions.cancel_session(
                db, session_id=call.id, reason="Holiday break", now=evening, on=HOLIDAY_BREAK_DECIDED
            )
        elif call.starts_local.date() <= as_of:  # each call closed the evening it was held
            sessions.mark_held(db, session_id=call.id, now=evening, on=call.starts_local.date())
    for row in _rows(folder / ACTIONS_FILE):
        action = actions.add_action(
            db,
            title=row["title"],
            today=as_of,
            owner=row["owner"],
            due_on=parse_date(row["due"]),
            session_id=by_key[row["session"]][0].id if row["session"] else None,
            coop=row["coop"] or None,
        )
        if row["done"]:
            actions.finish_action(db, action_id=action.id, on=parse_date(row["done"]), today=as_of)
    _load_minutes(db, folder, by_key)
    for row in _rows(folder / MATERIALS_FILE):
        session = by_key[row["session"]][0]
        materials.add_material(
            db,
            on=min(session.starts_local.date() - timedelta(days=1), as_of),
            url=row["url"],
            title=row["title"],
            session_id=session.id,
            lang=row["lang"],
        )
    return sum(len(created) for created in by_key.values())


def _load_minutes(db: Session, folder: Path, by_key: dict[str, list]) -> None:
    """The held visioning sessions closed the evening they ran, with what they decided."""
    decided: dict[str, list[str]] = {}
    for row in _rows(folder / MINUTES_FILE):
        decided.setdefault(row["session"], []).append(row["decision"])
    for key, decisions in decided.items():
        session = by_key[key][0]
        closed = session.starts_at + timedelta(minutes=session.minutes + 90)
        minutes.close_session(db, session_id=session.id, now=closed, decisions=decisions)


def demo_messages(db: Session, *, as_of: date) -> list:
    """The messages of the sample program: composed on the days the consultant would have (two
    weeks before the first session, each reminder day, the day after each closing, the demo day), and
    all but the demo day's sent. The composed messages, for the caller to write to the outbox."""
    from coopprogram.models import ProgramSession
    from coopprogram.services.messages import compose_due, mark_sent
    from coopprogram.services.program import get_program
    from coopprogram.units import utc_to_local

    program = get_program(db)
    rows = [s for s in db.exec(select(ProgramSession)).all() if s.status != SessionStatus.CANCELLED]
    starts = [utc_to_local(s.starts_at, program.timezone).date() for s in rows]
    days = {min(starts) - timedelta(days=14), as_of}
    days |= {day - timedelta(days=program.reminder_days) for day in starts}
    days |= {utc_to_local(s.closed_at, program.timezone).date() + timedelta(days=1) for s in rows if s.closed_at}
    composed = []
    for day in sorted(d for d in days if d <= as_of):
        evening = datetime.combine(day, time(23, 59), tzinfo=UTC)
        written = compose_due(db, now=evening)
        if day < as_of:
            for message in written:
                if message.recipient.email:
                    mark_sent(db, message_id=message.id, at=evening)
        composed += written
    return composed


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _load_milestone(db: Session, row: dict[str, str]) -> None:
    due_on = parse_date(row["due_on"])
    view = milestone_service.add_milestone(
        db, title=row["title"], phase=row["phase"], due_on=due_on, description=row["description"], today=due_on
    )
    status = row["status"]
    if row["started_on"]:
        milestone_service.start_milestone(db, milestone_id=view.id, on=parse_date(row["started_on"]), today=due_on)
    if status == MilestoneStatus.DONE:
        milestone_service.finish_milestone(db, milestone_id=view.id, on=parse_date(row["done_on"]), today=due_on)
    elif status == MilestoneStatus.BLOCKED:
        milestone_service.block_milestone(
            db, milestone_id=view.id, reason=row["blocked_reason"], on=parse_date(row["blocked_on"]), today=due_on
        )
