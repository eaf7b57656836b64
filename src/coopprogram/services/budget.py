"""The contract's budget on a given day: hours used and left, dollars at the rate and across
the band, pace against the phase's calendar, when the cap runs out, by category and month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from coopprogram.errors import NotFound
from coopprogram.models import Contract, Invoice, Phase
from coopprogram.services.as_of import happened_by
from coopprogram.services.contracts import ContractView, contract_for_phase
from coopprogram.services.hours import SummaryRow, daily_totals, summarize
from coopprogram.services.invoices import paid_through
from coopprogram.services.phases import PhaseView, get_phase, phase_on, to_view
from coopprogram.units import amount_cents, round_half_up


@dataclass(frozen=True)
class BudgetView:
    as_of: date
    phase: PhaseView
    contract: ContractView
    used_minutes: int  # billable minutes worked up to as_of
    non_billable_minutes: int
    elapsed_days: int
    planned_minutes: int  # where an even pace would be by as_of
    billed_cents: int  # issued and paid invoices, less credit notes
    paid_cents: int  # payments received up to as_of
    worked_cents: int  # the billable hours up to as_of, each day at the rate in force that day
    run_out_on: date | None  # when the cap is reached at the pace so far; None if no hours yet
    by_category: list[SummaryRow]
    by_month: list[SummaryRow]

    @property
    def runs_out_before_phase_ends(self) -> bool:
        """At the pace so far, the cap is used up on or before the phase's last day."""
        return self.run_out_on is not None and self.run_out_on <= self.phase.ends_on

    @property
    def cap_minutes(self) -> int:
        return self.contract.hour_cap_minutes

    @property
    def left_minutes(self) -> int:
        return self.cap_minutes - self.used_minutes

    @property
    def used_cents(self) -> int:
        return self.worked_cents

    @property
    def left_cents(self) -> int:
        """The hours left, at the latest rate agreed."""
        return amount_cents(self.left_minutes, self.contract.rate_cents)

    @property
    def cap_cents_range(self) -> tuple[int, int]:
        return (
            amount_cents(self.cap_minutes, self.contract.rate_min_cents),
            amount_cents(self.cap_minutes, self.contract.rate_max_cents),
        )

    @property
    def pace_minutes(self) -> int:
        """Positive: ahead of an even pace (more used than planned); negative: behind."""
        return self.used_minutes - self.planned_minutes


def budget(db: Session, *, phase: str | None, as_of: date) -> BudgetView:
    target = get_phase(db, phase) if phase else phase_on(db, as_of)
    if target is None:
        raise NotFound(f"{as_of} is outside every phase; name one with --phase (e.g. --phase I).")
    view = to_view(target)
    contract = contract_for_phase(db, view.number)
    if contract is None:
        raise NotFound(
            f"No consultant contract covers {view.name}; add one with `coop contract extend {view.number} ...`."
        )
    until = min(as_of, view.ends_on)
    totals = [t for t in daily_totals(db, start=view.starts_on, end=until) if t.phase_number == view.number]
    used = sum(t.minutes for t in totals if t.billable)
    elapsed = max(0, min((as_of - view.starts_on).days + 1, view.days))
    planned = round_half_up(Decimal(contract.hour_cap_minutes) * elapsed / view.days)
    run_out = None
    if used and elapsed:
        days_to_cap = Decimal(contract.hour_cap_minutes) * elapsed / used
        run_out = view.starts_on + timedelta(days=round_half_up(days_to_cap) - 1)
    billed, paid = _invoiced(db, view.number, as_of)
    return BudgetView(
        as_of=as_of,
        phase=view,
        contract=contract,
        used_minutes=used,
        non_billable_minutes=sum(t.minutes for t in totals if not t.billable),
        elapsed_days=elapsed,
        planned_minutes=planned,
        billed_cents=billed,
        paid_cents=paid,
        worked_cents=sum(amount_cents(t.minutes, contract.rate_on(t.worked_on)) for t in totals if t.billable),
        run_out_on=run_out,
        by_category=summarize(totals, by="category"),
        by_month=summarize(totals, by="month"),
    )


def _invoiced(db: Session, phase_number: int, as_of: date) -> tuple[int, int]:
    numbered = (
        select(Invoice)
        .options(defer(Invoice.snapshot))
        .join(Contract, Invoice.contract_id == Contract.id)
        .join(Phase, Contract.phase_id == Phase.id)
        .where(Phase.number == phase_number, happened_by(Invoice.issued_on, as_of))
    )
    invoices = db.exec(numbered).all()
    received = paid_through(db, day=as_of, invoice_ids=[invoice.id for invoice in invoices])
    return sum(invoice.total_cents for invoice in invoices), sum(received.values())
