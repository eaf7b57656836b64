"""Where the program stands on a given day, for `coop status`: the phase and how far through
it, the cohort, milestones, the cap used and the pace, the points of unity, co-ops not
reached, sessions to close and the next ones, invoices awaiting payment.

Run many times a day on databases that keep years of programs, it reads with aggregate
queries and small limits, so its cost does not grow with the number of sessions or hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import Session, func, select

from coopprogram.models import (
    Attendance,
    Coop,
    CoopStage,
    Invitation,
    InvoiceKind,
    InvoiceStatus,
    MilestoneStatus,
    Phase,
    ProgramSession,
    TimeEntry,
)
from coopprogram.services.as_of import end_of_day, local_day, session_held_clause, session_planned_clause
from coopprogram.services.contracts import ContractView, contract_for_phase
from coopprogram.services.coops import active_coops_on
from coopprogram.services.invoices import InvoiceSummary, list_invoices
from coopprogram.services.milestones import MilestoneView, list_milestones
from coopprogram.services.phases import PhaseView, list_phases
from coopprogram.services.program import ProgramView, program_view
from coopprogram.services.sessions import NOT_REACHED_DAYS, SessionView, is_not_reached, session_views
from coopprogram.services.unity import unity_state, unity_summary
from coopprogram.units import round_half_up

if TYPE_CHECKING:
    from coopprogram.services.coops import CoopView

NEXT_DUE_SHOWN = 3
NEXT_SESSIONS_SHOWN = 3


@dataclass(frozen=True)
class StatusView:
    as_of: date
    program: ProgramView
    phases: list[PhaseView]
    current_phase: PhaseView | None
    next_phase: PhaseView | None
    elapsed_days: int  # days of the current phase up to and including as_of
    coops_active: int
    coops_existing: int
    coops_budding: int
    milestones_total: int  # of the current phase, or of the whole program between phases
    milestones_done: int
    milestones_in_progress: int
    milestones_blocked: int
    overdue: list[MilestoneView]  # of the current phase, or of the whole program between phases
    earlier_open: int  # milestones of earlier phases never marked done
    next_due: list[MilestoneView]
    contract: ContractView | None
    used_minutes: int  # billable hours of the current phase's contract worked by as_of
    planned_minutes: int  # where an even pace would be by as_of
    invoices_due: list[InvoiceSummary]  # issued, unpaid, as of as_of
    next_sessions: list[SessionView]
    sessions_to_close: int
    not_reached: list[str]  # co-ops with no session attended in the last 60 days
    unity_line: str

    @property
    def before_start(self) -> bool:
        return bool(self.phases) and self.as_of < self.phases[0].starts_on

    @property
    def after_end(self) -> bool:
        return bool(self.phases) and self.as_of > self.phases[-1].ends_on


def program_status(db: Session, *, as_of: date) -> StatusView:
    phases = list_phases(db)
    current = next((phase for phase in phases if phase.contains(as_of)), None)
    upcoming = next((phase for phase in phases if phase.starts_on > as_of), None)
    coops = active_coops_on(db, as_of)
    milestones = list_milestones(db, today=as_of)
    in_scope = [m for m in milestones if current is None or m.phase_number == current.number]
    open_milestones = [m for m in milestones if m.status != MilestoneStatus.DONE]
    elapsed = (as_of - current.starts_on).days + 1 if current else 0
    contract = contract_for_phase(db, current.number) if current else None
    used = _used_minutes(db, current, as_of) if contract else 0
    program = program_view(db)
    end = end_of_day(as_of, program.timezone)
    return StatusView(
        as_of=as_of,
        program=program,
        phases=phases,
        current_phase=current,
        next_phase=upcoming,
        elapsed_days=elapsed,
        coops_active=len(coops),
        coops_existing=sum(1 for coop in coops if coop.stage == CoopStage.EXISTING),
        coops_budding=sum(1 for coop in coops if coop.stage == CoopStage.BUDDING),
        milestones_total=len(in_scope),
        milestones_done=sum(1 for m in in_scope if m.status == MilestoneStatus.DONE),
        milestones_in_progress=sum(1 for m in in_scope if m.status == MilestoneStatus.IN_PROGRESS),
        milestones_blocked=sum(1 for m in in_scope if m.status == MilestoneStatus.BLOCKED),
        overdue=[m for m in in_scope if m.overdue],
        earlier_open=sum(1 for m in open_milestones if current is not None and m.phase_number < current.number),
        next_due=sorted((m for m in open_milestones if m.due_on >= as_of), key=lambda m: (m.due_on, m.id))[
            :NEXT_DUE_SHOWN
        ],
        contract=contract,
        used_minutes=used,
        planned_minutes=round_half_up(Decimal(contract.hour_cap_minutes) * elapsed / current.days) if contract else 0,
        invoices_due=_invoices_due(db, as_of),
        next_sessions=_next_sessions(db, current, as_of, end) if current else [],
        sessions_to_close=_sessions_to_close(db, current, as_of, end) if current else 0,
        not_reached=_not_reached(db, coops, as_of, program.timezone) if current else [],
        unity_line=unity_summary(unity_state(db, as_of)) if current else "",
    )


def _used_minutes(db: Session, phase: PhaseView, as_of: date) -> int:
    # The day decides the phase, so the phase's hours are those worked within its dates.
    total = db.exec(
        select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(
            TimeEntry.billable.is_(True),
            TimeEntry.worked_on >= phase.starts_on,
            TimeEntry.worked_on <= min(as_of, phase.ends_on),
        )
    ).one()
    return int(total)


def _invoices_due(db: Session, as_of: date) -> list[InvoiceSummary]:
    return [
        i for i in list_invoices(db, today=as_of) if i.kind == InvoiceKind.INVOICE and i.status == InvoiceStatus.ISSUED
    ]


def _phase_id(db: Session, phase: PhaseView) -> int:
    return db.exec(select(Phase.id).where(Phase.number == phase.number)).one()


def _next_sessions(db: Session, phase: PhaseView, as_of: date, end: datetime) -> list[SessionView]:
    rows = db.exec(
        select(ProgramSession)
        .where(session_planned_clause(as_of), ProgramSession.starts_at > end)
        .order_by(ProgramSession.starts_at)
        .limit(NEXT_SESSIONS_SHOWN)
    ).all()
    return session_views(db, list(rows), now=end)


def _sessions_to_close(db: Session, phase: PhaseView, as_of: date, end: datetime) -> int:
    # Planned (as of the day) sessions that started by its end; those still running are not yet to close.
    rows = db.exec(
        select(ProgramSession.starts_at, ProgramSession.minutes).where(
            ProgramSession.phase_id == _phase_id(db, phase),
            session_planned_clause(as_of),
            ProgramSession.starts_at <= end,
        )
    ).all()
    return sum(1 for starts_at, minutes in rows if starts_at + timedelta(minutes=minutes) <= end)


def _not_reached(db: Session, coops: list[CoopView], as_of: date, zone: str) -> list[str]:
    """Names of the co-ops `is_not_reached` picks. Two small questions instead of an aggregate over
    every invitation ever held: which co-ops were invited to any held session (EXISTS, stopping at
    the first), and the last session each attended within the window (the sessions by start)."""
    held = session_held_clause(as_of)
    invited = set(
        db.exec(
            select(Coop.id).where(
                select(Invitation.id)
                .join(ProgramSession, ProgramSession.id == Invitation.session_id)
                .where(Invitation.coop_id == Coop.id, held)
                .exists()
            )
        ).all()
    )
    since = datetime.combine(as_of - timedelta(days=NOT_REACHED_DAYS + 1), datetime.min.time(), tzinfo=UTC)
    # The window's sessions first (by their start), then their invitations: not every invitation by co-op.
    window = select(ProgramSession.id).where(ProgramSession.starts_at >= since, held)
    recent = db.exec(
        select(Invitation.coop_id, func.max(ProgramSession.starts_at))
        .join(ProgramSession, ProgramSession.id == Invitation.session_id)
        .where(Invitation.session_id.in_(window), Invitation.attendance == Attendance.ATTENDED)
        .group_by(Invitation.coop_id)
    ).all()
    last = {coop_id: local_day(at, zone) for coop_id, at in recent}
    ids = dict(db.exec(select(Coop.slug, Coop.id)).all())
    return [
        coop.name
        for coop in sorted(coops, key=lambda c: c.name)
        if is_not_reached(
            joined_on=coop.joined_on,
            invited=int(ids[coop.slug] in invited),
            last_attended=last.get(ids[coop.slug]),
            as_of=as_of,
        )
    ]
