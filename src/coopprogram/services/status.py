"""Where the program stands on a given day: the phase and how far through it, the co-ops
in the cohort, milestones done, overdue and next due, and the consultant's contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from coopprogram.models import CoopStage, MilestoneStatus
from coopprogram.services.contracts import ContractView
from coopprogram.services.coops import active_coops_on
from coopprogram.services.invoices import InvoiceSummary, list_invoices
from coopprogram.services.milestones import MilestoneView, list_milestones
from coopprogram.services.phases import PhaseView, list_phases
from coopprogram.services.program import ProgramView, program_view
from coopprogram.services.report import report, unity_summary
from coopprogram.services.sessions import SessionView

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
    overdue: list[MilestoneView]
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
    phase_report = report(db, phase=str(current.number), as_of=as_of) if current else None
    money = phase_report.money if phase_report else None
    return StatusView(
        as_of=as_of,
        program=program_view(db),
        phases=phases,
        current_phase=current,
        next_phase=upcoming,
        elapsed_days=(as_of - current.starts_on).days + 1 if current else 0,
        coops_active=len(coops),
        coops_existing=sum(1 for coop in coops if coop.stage == CoopStage.EXISTING),
        coops_budding=sum(1 for coop in coops if coop.stage == CoopStage.BUDDING),
        milestones_total=len(in_scope),
        milestones_done=sum(1 for m in in_scope if m.status == MilestoneStatus.DONE),
        milestones_in_progress=sum(1 for m in in_scope if m.status == MilestoneStatus.IN_PROGRESS),
        milestones_blocked=sum(1 for m in in_scope if m.status == MilestoneStatus.BLOCKED),
        overdue=[m for m in open_milestones if m.overdue],
        next_due=sorted((m for m in open_milestones if m.due_on >= as_of), key=lambda m: (m.due_on, m.id))[:NEXT_DUE_SHOWN],
        contract=money.contract if money else None,
        used_minutes=money.used_minutes if money else 0,
        planned_minutes=money.planned_minutes if money else 0,
        invoices_due=[i for i in list_invoices(db, today=as_of) if _unpaid_on(i, as_of)],
        next_sessions=phase_report.upcoming[:NEXT_SESSIONS_SHOWN] if phase_report else [],
        sessions_to_close=len(phase_report.to_close) if phase_report else 0,
        not_reached=[row.coop for row in phase_report.not_reached] if phase_report else [],
        unity_line=unity_summary(phase_report.unity) if phase_report else "",
    )


def _unpaid_on(invoice: InvoiceSummary, day: date) -> bool:
    return (
        invoice.kind == "invoice"
        and invoice.issued_on is not None
        and invoice.issued_on <= day
        and invoice.status != "void"
        and (invoice.paid_on is None or invoice.paid_on > day)
    )
