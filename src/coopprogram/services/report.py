"""The phase status report the working-group leads print: one view of a phase on a day,
built from the other services (milestones, sessions and attendance, decisions by consent,
hours and money, action items), ready for any exporter. Contact details never enter it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import case, func
from sqlmodel import Session, select

from coopprogram.models import Attendance, Coop, DraftStatus, Invitation, MilestoneStatus, ProgramSession, SessionStatus
from coopprogram.services.actions import ActionView, list_actions
from coopprogram.services.as_of import session_held_clause
from coopprogram.services.budget import BudgetView, budget
from coopprogram.services.contracts import describe_amendment
from coopprogram.services.coops import active_coops_on
from coopprogram.services.decisions import POINTS_OF_UNITY, DecisionState, decision_states, state_summary
from coopprogram.services.hours import daily_totals
from coopprogram.services.invoices import InvoiceSummary, list_invoices
from coopprogram.services.milestones import MilestoneView, list_milestones
from coopprogram.services.phases import PhaseView, get_phase, list_phases, phase_on
from coopprogram.services.program import program_view
from coopprogram.services.sessions import (
    NOT_REACHED_DAYS,
    SessionView,
    end_of,
    is_not_reached,
    list_sessions,
    sessions_to_close,
)
from coopprogram.units import plural
from coopprogram.vocab import InvoiceKind, InvoiceStatus

if TYPE_CHECKING:
    from coopprogram.models import Phase

UPCOMING_DAYS = 30
GRID_SESSIONS = 12  # the printed grid shows the latest sessions; the counts cover the whole phase


@dataclass(frozen=True)
class ParticipationRow:
    coop: str  # name
    slug: str
    invited: int  # held sessions of the phase (those open to co-ops) it was invited to
    attended: int
    absent: int
    excused: int
    last_attended: date | None
    not_reached: bool  # see sessions.is_not_reached
    marks: list[
        str
    ]  # per session of the grid (the latest held), in order: attended, absent, excused, invited, or "" (not invited)
    earlier_share: int | None = None  # its share in the previous phase (the starting point of this one)

    @property
    def share_text(self) -> str:
        return format_share(self.share)

    @property
    def earlier_share_text(self) -> str:
        return format_share(self.earlier_share)

    @property
    def share(self) -> int | None:
        """Percent of the held sessions it was invited to that it attended, excused absences left
        out; None while no such session has been held ("–")."""
        return share_of(self.attended, self.invited - self.excused)


def share_of(attended: int, counted: int) -> int | None:
    return None if counted <= 0 else (attended * 200 + counted) // (counted * 2)


def format_share(share: int | None) -> str:
    return "–" if share is None else f"{share}%"


@dataclass(frozen=True)
class CarryOver:
    """What the previous phase left open as of the report's day."""

    phase_name: str
    milestones: list[MilestoneView]
    sessions_to_close: list[SessionView]
    unpaid: list[InvoiceSummary]
    unity_round: int | None  # a version of the points of unity circulated then and still not adopted

    @property
    def lines(self) -> list[str]:
        """One sentence per kind of thing left open, for every format of the report."""
        found = []
        if self.milestones:
            found.append(
                f"{plural(len(self.milestones), 'milestone')} not done: "
                + "; ".join(f"{m.title} (due {m.due_on})" for m in self.milestones)
            )
        if self.sessions_to_close:
            found.append(
                f"{plural(len(self.sessions_to_close), 'session')} never closed: "
                + "; ".join(f"{s.starts_local:%Y-%m-%d} {s.title}" for s in self.sessions_to_close)
            )
        if self.unpaid:
            found.append(
                f"{plural(len(self.unpaid), 'invoice')} unpaid: "
                + "; ".join(f"{i.reference} due {i.due_on}" for i in self.unpaid)
            )
        if self.unity_round:
            found.append(f"The consent round on version {self.unity_round} of the points of unity is still open")
        return found


@dataclass(frozen=True)
class BurnPoint:
    day: date
    used_minutes: int  # cumulative billable minutes at the end of the day


@dataclass(frozen=True)
class ReportView:
    program: str
    organization: str
    as_of: date
    phase: PhaseView
    elapsed_days: int
    milestones: list[MilestoneView]
    held: list[SessionView]
    cancelled: list[SessionView]
    upcoming: list[SessionView]
    to_close: list[SessionView]
    participation: list[ParticipationRow]
    grid_sessions: list[SessionView]  # the latest held sessions co-ops were invited to: the grid's columns
    decisions: list[DecisionState]  # as they stood at the end of the day, the points of unity among them
    money: BudgetView | None
    burn: list[BurnPoint]
    amendments: list[str]
    invoices: list[InvoiceSummary]
    actions: list[ActionView]
    carry_over: CarryOver | None = None  # what the previous phase left open
    previous_phase: str | None = None  # its name: participation there is this phase's starting point

    @property
    def unity(self) -> DecisionState | None:
        return next((d for d in self.decisions if d.kind == POINTS_OF_UNITY), None)

    @property
    def milestones_done(self) -> int:
        return sum(1 for m in self.milestones if m.status == MilestoneStatus.DONE)

    @property
    def overdue_milestones(self) -> list[MilestoneView]:
        return [m for m in self.milestones if m.overdue]

    @property
    def not_reached(self) -> list[ParticipationRow]:
        return [row for row in self.participation if row.not_reached]

    def invoices_with(self, status: str) -> list[InvoiceSummary]:
        return [i for i in self.invoices if i.kind == InvoiceKind.INVOICE and i.status == status]

    @property
    def outstanding(self) -> list[InvoiceSummary]:
        return [i for i in self.invoices if i.kind == InvoiceKind.INVOICE and i.status == InvoiceStatus.ISSUED]

    @property
    def overdue_invoices(self) -> list[InvoiceSummary]:
        """Unpaid past their due day, as of the report's day (list_invoices reads `overdue` on that day)."""
        return [i for i in self.outstanding if i.overdue]

    @property
    def unity_line(self) -> str:
        return state_summary(self.unity)

    @property
    def upcoming_days(self) -> int:
        return UPCOMING_DAYS

    @property
    def not_reached_days(self) -> int:
        return NOT_REACHED_DAYS

    @property
    def outstanding_cents(self) -> int:
        """What was still owed at the end of the day: each unpaid invoice less what had been paid on it by then."""
        return sum(i.total_cents - i.paid_cents for i in self.outstanding)


def report(db: Session, *, phase: str | None, as_of: date) -> ReportView:
    """The report as things stood at the end of `as_of` (see services.as_of)."""
    target = get_phase(db, phase) if phase else (phase_on(db, as_of) or _nearest_phase(db, as_of))
    phases = list_phases(db)
    view = next(p for p in phases if p.number == target.number)
    previous = next((p for p in reversed(phases) if p.number < view.number), None)
    program = program_view(db)
    end = end_of(db, as_of)
    sessions = list_sessions(db, now=end, phase=str(view.number))
    held = _held(sessions, as_of)
    money = _money(db, view, as_of)
    invoices = list_invoices(db, today=as_of)
    decisions = decision_states(db, as_of)
    unity = next((d for d in decisions if d.kind == POINTS_OF_UNITY), None)
    earlier = _shares(db, previous, as_of, end) if previous else {}
    return ReportView(
        program=program.name,
        organization=program.organization,
        as_of=as_of,
        phase=view,
        elapsed_days=max(0, min((as_of - view.starts_on).days + 1, view.days)),
        milestones=list_milestones(db, today=as_of, phase=str(view.number)),
        held=held,
        cancelled=[s for s in sessions if s.status == SessionStatus.CANCELLED],
        upcoming=[
            s
            for s in sessions
            if s.status == SessionStatus.PLANNED
            and as_of < s.starts_local.date() <= as_of + timedelta(days=UPCOMING_DAYS)
        ],
        to_close=[s for s in sessions if s.needs_closing],
        participation=_participation(db, _open_to_coops(held), as_of, earlier=earlier),
        grid_sessions=_open_to_coops(held)[-GRID_SESSIONS:],
        decisions=decisions,
        money=money,
        burn=_burn(db, view, as_of) if money else [],
        amendments=[describe_amendment(a) for a in money.contract.amendments if a.old_cap_minutes] if money else [],
        invoices=[i for i in invoices if i.issued_on is not None and _in_phase(i.period, view)],
        actions=list_actions(db, today=as_of, open_only=True),
        carry_over=_carry_over(db, previous, as_of, end, invoices, unity)
        if previous and as_of >= view.starts_on
        else None,
        previous_phase=previous.name if previous else None,
    )


def _held(sessions: list[SessionView], as_of: date) -> list[SessionView]:
    return [s for s in sessions if s.status == SessionStatus.HELD and s.starts_local.date() <= as_of]


def _open_to_coops(held: list[SessionView]) -> list[SessionView]:
    return [s for s in held if s.invitees]


def _carry_over(
    db: Session,
    previous: PhaseView,
    as_of: date,
    end: datetime,
    invoices: list[InvoiceSummary],
    unity: DecisionState | None,
) -> CarryOver:
    open_round = (
        unity is not None and unity.status == DraftStatus.CIRCULATING and unity.circulated_on <= previous.ends_on
    )
    return CarryOver(
        phase_name=previous.name,
        milestones=[
            m for m in list_milestones(db, today=as_of, phase=str(previous.number)) if m.status != MilestoneStatus.DONE
        ],
        sessions_to_close=sessions_to_close(db, now=end, phase=str(previous.number)),
        unpaid=[
            i
            for i in invoices
            if i.kind == InvoiceKind.INVOICE and i.status == InvoiceStatus.ISSUED and _in_phase(i.period, previous)
        ],
        unity_round=unity.version if open_round else None,
    )


def _nearest_phase(db: Session, as_of: date) -> Phase:
    """Before the program: its first phase; after it or between phases: the last one begun."""
    phases = list_phases(db)
    started = [p for p in phases if p.starts_on <= as_of]
    return get_phase(db, str((started[-1] if started else phases[0]).number))


def _in_phase(period: str, phase: PhaseView) -> bool:
    first = date.fromisoformat(f"{period}-01")
    return phase.starts_on <= first <= phase.ends_on


def _money(db: Session, phase: PhaseView, as_of: date) -> BudgetView | None:
    from coopprogram.errors import NotFound

    try:
        return budget(db, phase=str(phase.number), as_of=as_of)
    except NotFound:  # a phase without a contract has no hours to report
        return None


def _participation(
    db: Session, held: list[SessionView], as_of: date, *, earlier: dict[str, int | None] | None = None
) -> list[ParticipationRow]:
    """Each co-op's row: its marks gathered in one pass over the held sessions' invitees (a co-op
    looks only at the sessions it was invited to), the grid the latest GRID_SESSIONS of them."""
    seen: dict[str, list[tuple[int, str]]] = {}  # by slug: (index in `held`, attendance), in order
    for n, session in enumerate(held):
        for invitee in session.invitees:
            seen.setdefault(invitee.slug, []).append((n, invitee.attendance))
    first_in_grid = max(0, len(held) - GRID_SESSIONS)
    rows = []
    for coop in sorted(active_coops_on(db, as_of), key=lambda c: c.name):
        invitations = seen.get(coop.slug, [])
        counts = Counter(mark for _, mark in invitations)
        last = next(
            (held[n].starts_local.date() for n, mark in reversed(invitations) if mark == Attendance.ATTENDED), None
        )
        marks = [""] * (len(held) - first_in_grid)
        for n, mark in invitations:
            if n >= first_in_grid:
                marks[n - first_in_grid] = mark
        rows.append(
            ParticipationRow(
                coop=coop.name,
                slug=coop.slug,
                invited=len(invitations),
                attended=counts[Attendance.ATTENDED],
                absent=counts[Attendance.ABSENT],
                excused=counts[Attendance.EXCUSED],
                last_attended=last,
                not_reached=is_not_reached(
                    joined_on=coop.joined_on, invited=len(invitations), last_attended=last, as_of=as_of
                ),
                marks=marks,
                earlier_share=(earlier or {}).get(coop.slug),
            )
        )
    return rows


def _shares(db: Session, phase: PhaseView, as_of: date, end: datetime) -> dict[str, int | None]:
    """Each co-op's share in `phase` as of the day (`ParticipationRow.share`), counted by the
    database over the sessions held by then that it was invited to: the previous phase's starting
    point without reading its sessions."""
    held = select(ProgramSession.id).where(
        ProgramSession.phase_id == get_phase(db, str(phase.number)).id,
        session_held_clause(as_of),
        ProgramSession.starts_at <= end,
    )

    def counted(attendance: Attendance) -> object:
        return func.sum(case((Invitation.attendance == attendance.value, 1), else_=0))

    query = (
        select(Coop.slug, func.count(), counted(Attendance.ATTENDED), counted(Attendance.EXCUSED))
        .join(Coop, Coop.id == Invitation.coop_id)
        .where(Invitation.session_id.in_(held))
        .group_by(Coop.slug)
    )
    return {
        slug: share_of(int(attended), int(invited) - int(excused))
        for slug, invited, attended, excused in db.exec(query).all()
    }


def _burn(db: Session, phase: PhaseView, as_of: date) -> list[BurnPoint]:
    """Cumulative billable hours of the phase at the end of each day something was logged."""
    until = min(as_of, phase.ends_on)
    points, total = [BurnPoint(phase.starts_on, 0)], 0
    for day in daily_totals(db, start=phase.starts_on, end=until):
        if day.billable and day.phase_number == phase.number:
            total += day.minutes
            if points[-1].day == day.worked_on:
                points[-1] = BurnPoint(day.worked_on, total)
            else:
                points.append(BurnPoint(day.worked_on, total))
    if until >= phase.starts_on and points[-1].day != until:
        points.append(BurnPoint(until, total))
    return points
