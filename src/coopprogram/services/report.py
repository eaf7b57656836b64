"""The phase status report the working-group leads print: one view of a phase on a day,
built from the other services (milestones, sessions and attendance, decisions by consent,
hours and money, action items), ready for any exporter. Contact details never enter it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlmodel import Session

from coopprogram.models import Attendance, MilestoneStatus, SessionStatus
from coopprogram.services.actions import ActionView, list_actions
from coopprogram.services.budget import BudgetView, budget
from coopprogram.services.contracts import describe_amendment
from coopprogram.services.coops import active_coops_on
from coopprogram.services.hours import daily_totals
from coopprogram.services.invoices import InvoiceSummary, list_invoices
from coopprogram.services.milestones import MilestoneView, list_milestones
from coopprogram.services.phases import PhaseView, get_phase, phase_on, list_phases
from coopprogram.services.program import program_view
from coopprogram.services.sessions import NOT_REACHED_DAYS, SessionView, list_sessions
from coopprogram.services.decisions import POINTS_OF_UNITY, DecisionState, decision_states

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
    not_reached: bool  # no session attended in the last NOT_REACHED_DAYS days
    marks: list[str]  # per session of the grid (the latest held), in order: attended, absent, excused, invited, or "" (not invited)

    @property
    def share(self) -> int:
        """Percent of the held sessions it was invited to that it attended."""
        return 0 if not self.invited else (self.attended * 200 + self.invited) // (self.invited * 2)


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
        return [i for i in self.invoices if i.kind == "invoice" and i.status == status]

    @property
    def outstanding(self) -> list[InvoiceSummary]:
        return [i for i in self.invoices if i.kind == "invoice" and i.status == "issued"]

    @property
    def outstanding_cents(self) -> int:
        return sum(i.total_cents for i in self.outstanding)


def report(db: Session, *, phase: str | None, as_of: date) -> ReportView:
    target = get_phase(db, phase) if phase else (phase_on(db, as_of) or _nearest_phase(db, as_of))
    view = next(p for p in list_phases(db) if p.number == target.number)
    program = program_view(db)
    end_of_day = datetime.combine(as_of, time.max, tzinfo=timezone.utc)
    sessions = list_sessions(db, now=end_of_day, phase=str(view.number))
    held = [s for s in sessions if s.status == SessionStatus.HELD and s.starts_local.date() <= as_of]
    open_to_coops = [s for s in held if s.invitees]
    money = _money(db, view, as_of)
    return ReportView(
        program=program.name,
        organization=program.organization,
        as_of=as_of,
        phase=view,
        elapsed_days=max(0, min((as_of - view.starts_on).days + 1, view.days)),
        milestones=list_milestones(db, today=as_of, phase=str(view.number)),
        held=held,
        cancelled=[s for s in sessions if s.status == SessionStatus.CANCELLED],
        upcoming=[s for s in sessions if s.status == SessionStatus.PLANNED and as_of < s.starts_local.date() <= as_of + timedelta(days=UPCOMING_DAYS)],
        to_close=[s for s in sessions if s.needs_closing],
        participation=_participation(db, open_to_coops, as_of),
        grid_sessions=open_to_coops[-GRID_SESSIONS:],
        decisions=decision_states(db, as_of),
        money=money,
        burn=_burn(db, view, as_of) if money else [],
        amendments=[describe_amendment(a) for a in money.contract.amendments if a.old_cap_minutes] if money else [],
        invoices=[i for i in list_invoices(db, today=as_of) if i.issued_on is not None and i.issued_on <= as_of and _in_phase(i.period, view)],
        actions=[a for a in list_actions(db, today=as_of, open_only=True)],
    )


def _nearest_phase(db: Session, as_of: date):  # noqa: ANN202 - a Phase
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


def _participation(db: Session, held: list[SessionView], as_of: date) -> list[ParticipationRow]:
    rows = []
    since = as_of - timedelta(days=NOT_REACHED_DAYS)
    attendance = [{i.slug: i.attendance for i in session.invitees} for session in held]
    for coop in sorted(active_coops_on(db, as_of), key=lambda c: c.name):
        marks = [by_coop.get(coop.slug, "") for by_coop in attendance]
        last = next((held[n].starts_local.date() for n in range(len(held) - 1, -1, -1) if marks[n] == Attendance.ATTENDED), None)
        rows.append(
            ParticipationRow(
                coop=coop.name, slug=coop.slug, invited=sum(1 for m in marks if m), attended=marks.count(Attendance.ATTENDED),
                absent=marks.count(Attendance.ABSENT), excused=marks.count(Attendance.EXCUSED), last_attended=last,
                not_reached=last is None or last < since, marks=marks[-GRID_SESSIONS:],
            )
        )
    return rows


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
