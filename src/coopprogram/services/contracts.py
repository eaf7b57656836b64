"""The consultant's contract for a phase: hour cap, rate inside its band, amendments kept
with their date and reason, and how much of the cap billable hours use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, func, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import (
    Contract,
    ContractAmendment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Phase,
    TimeEntry,
)
from coopprogram.services.phases import get_phase, phase_on
from coopprogram.services.text import clean_text
from coopprogram.units import format_minutes, format_money, format_percent

CAP_WARNINGS = (50, 80, 90)


@dataclass(frozen=True)
class AmendmentView:
    made_on: date  # the day it was agreed
    effective_on: date  # the first work day it applies to
    reason: str
    old_cap_minutes: int
    new_cap_minutes: int
    old_rate_cents: int
    new_rate_cents: int

    @property
    def extension(self) -> bool:
        """The record of the contract's creation by `contract extend` (it had no earlier terms)."""
        return self.old_cap_minutes == 0


@dataclass(frozen=True)
class ContractView:
    phase_number: int
    phase_name: str
    consultant: str
    consultant_address: str
    hour_cap_minutes: int
    rate_cents: int
    rate_min_cents: int
    rate_max_cents: int
    used_minutes: int  # billable minutes logged against the contract
    amendments: list[AmendmentView]  # in the order they take effect
    starts_on: date | None = None  # the phase's span
    ends_on: date | None = None

    @property
    def left_minutes(self) -> int:
        return self.hour_cap_minutes - self.used_minutes

    @property
    def changes(self) -> list[AmendmentView]:
        """The amendments that changed earlier terms (not the record of an extension)."""
        return [a for a in self.amendments if not a.extension]

    def terms_on(self, day: date) -> tuple[int, int]:
        """(cap minutes, rate cents) in force for work done on `day`. Amendments take effect in
        order (a new one never before the last), so the terms before the first are its old ones."""
        changes = self.changes
        if not changes:
            return self.hour_cap_minutes, self.rate_cents
        cap, rate = changes[0].old_cap_minutes, changes[0].old_rate_cents
        for amendment in changes:
            if amendment.effective_on <= day:
                cap, rate = amendment.new_cap_minutes, amendment.new_rate_cents
        return cap, rate

    def rate_on(self, day: date) -> int:
        return self.terms_on(day)[1]

    def amendments_between(self, start: date, end: date) -> list[AmendmentView]:
        """The changes that take effect within a period (what an invoice for it prints)."""
        return [a for a in self.changes if start <= a.effective_on <= end]

    @property
    def label(self) -> str:
        """`Consultant contract, Phase I (2021-10-01 to 2022-03-31), rate band $50.00-$75.00/h`."""
        span = f" ({self.starts_on} to {self.ends_on})" if self.starts_on else ""
        return f"Consultant contract, {self.phase_name}{span}, rate band {format_money(self.rate_min_cents)}-{format_money(self.rate_max_cents)}/h"


def describe_amendment(amendment: AmendmentView) -> str:
    """`from 2022-02-01: cap 100:00 -> 120:00 h (reason; agreed 2022-02-03)`, naming only what
    changed, as reports and invoices print it."""
    changed = []
    if amendment.old_cap_minutes != amendment.new_cap_minutes:
        changed.append(
            f"cap {format_minutes(amendment.old_cap_minutes)} -> {format_minutes(amendment.new_cap_minutes)} h"
        )
    if amendment.old_rate_cents != amendment.new_rate_cents:
        changed.append(f"rate {format_money(amendment.old_rate_cents)} -> {format_money(amendment.new_rate_cents)}")
    agreed = f"; agreed {amendment.made_on}" if amendment.made_on != amendment.effective_on else ""
    return f"from {amendment.effective_on}: {', '.join(changed)} ({amendment.reason}{agreed})"


def check_rate_in_band(rate_cents: int, rate_min_cents: int, rate_max_cents: int) -> None:
    if rate_min_cents > rate_max_cents:
        raise InvalidInput(
            f"The rate band runs from {format_money(rate_min_cents)} to {format_money(rate_max_cents)}: "
            "its low end must not be above its high end."
        )
    if not rate_min_cents <= rate_cents <= rate_max_cents:
        raise InvalidInput(
            f"A rate of {format_money(rate_cents)} an hour is outside the band "
            f"{format_money(rate_min_cents)}-{format_money(rate_max_cents)}; choose a rate within it."
        )


def lock_contract(db: Session, contract_id: int) -> Contract:
    """The contract read afresh with its row locked (on a server): changes that depend on its
    hours (logging against the cap, amending it, drafting a month) take turns. SQLite's
    IMMEDIATE transactions already do.

    The one lock order on a server, so two commands never wait on each other: the contract
    first, then the invoice (draft or issued), then the program row (invoice numbers), then
    time entries and invoice lines. Every change to an entry or an invoice starts here, so
    an edit, a removal, a draft and an issue of the same month take turns on one row."""
    query = (
        select(Contract).where(Contract.id == contract_id).with_for_update().execution_options(populate_existing=True)
    )
    return db.exec(query).one()


def billable_minutes(db: Session, contract_id: int, *, through: date | None = None) -> int:
    """The billable minutes logged against a contract, or those worked up to a day."""
    query = select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(
        TimeEntry.contract_id == contract_id, TimeEntry.billable.is_(True)
    )
    if through is not None:
        query = query.where(TimeEntry.worked_on <= through)
    return int(db.exec(query).one())


def _view(db: Session, contract: Contract, phase: Phase) -> ContractView:
    amendments = db.exec(
        select(ContractAmendment)
        .where(ContractAmendment.contract_id == contract.id)
        .order_by(ContractAmendment.effective_on, ContractAmendment.id)
    ).all()
    return ContractView(
        phase_number=phase.number,
        phase_name=phase.name,
        consultant=contract.consultant,
        consultant_address=contract.consultant_address,
        hour_cap_minutes=contract.hour_cap_minutes,
        rate_cents=contract.rate_cents,
        rate_min_cents=contract.rate_min_cents,
        rate_max_cents=contract.rate_max_cents,
        used_minutes=billable_minutes(db, contract.id),
        amendments=[
            AmendmentView(
                a.made_on,
                a.effective_on,
                a.reason,
                a.old_cap_minutes,
                a.new_cap_minutes,
                a.old_rate_cents,
                a.new_rate_cents,
            )
            for a in amendments
        ],
        starts_on=phase.starts_on,
        ends_on=phase.ends_on,
    )


def contract_view(db: Session, contract_id: int) -> ContractView:
    """A contract with its terms over time, by its id."""
    contract, phase = db.exec(select(Contract, Phase).join(Phase).where(Contract.id == contract_id)).one()
    return _view(db, contract, phase)


def contract_for_phase(db: Session, phase_number: int) -> ContractView | None:
    row = db.exec(select(Contract, Phase).join(Phase).where(Phase.number == phase_number)).first()
    return _view(db, *row) if row else None


def get_contract(db: Session, phase: Phase) -> Contract:
    contract = db.exec(select(Contract).where(Contract.phase_id == phase.id)).first()
    if contract is None:
        raise NotFound(
            f"No consultant contract covers {phase.name} yet. Add one with "
            f"`coop contract extend {phase.number} --cap HOURS --rate DOLLARS --reason TEXT`."
        )
    return contract


def contract_on(db: Session, day: date) -> tuple[Contract, Phase]:
    """The contract covering a work day; refused outside every phase."""
    phase = phase_on(db, day)
    if phase is None:
        phases = db.exec(select(Phase).order_by(Phase.number)).all()
        spans = "; ".join(f"{p.name} {p.starts_on} to {p.ends_on}" for p in phases)
        raise InvalidInput(f"{day} is outside every phase ({spans}). Give a date within the program.")
    return get_contract(db, phase), phase


def _chosen_phase(db: Session, phase: str | None, today: date) -> Phase:
    """The phase named, else today's, else the latest with a contract."""
    return get_phase(db, phase) if phase else (phase_on(db, today) or _latest_contract_phase(db))


def show_contract(db: Session, *, phase: str | None, today: date) -> ContractView:
    target = _chosen_phase(db, phase, today)
    return _view(db, get_contract(db, target), target)


def _latest_contract_phase(db: Session) -> Phase:
    row = db.exec(select(Phase).join(Contract).order_by(Phase.number.desc())).first()
    if row is None:
        raise NotFound("No consultant contract is set up. Run `coop init`, or add one with `coop contract extend`.")
    return row


def amend_contract(
    db: Session,
    *,
    phase: str | None,
    cap_minutes: int | None,
    rate_cents: int | None,
    reason: str,
    on: date,
    today: date,
    effective_on: date | None = None,
) -> ContractView:
    """Record a change of cap or rate agreed on `on`, in force for work from `effective_on`
    (default: `on`, or the phase's nearest day when `on` is outside it)."""
    if cap_minutes is None and rate_cents is None:
        raise InvalidInput("Nothing to amend: give --cap HOURS, --rate DOLLARS or both.")
    if on > today:
        raise InvalidInput(f"{on} is in the future; record an amendment on or after the day it is agreed (--on).")
    target = _chosen_phase(db, phase, on)
    contract = lock_contract(db, get_contract(db, target).id)
    reason = clean_text(reason, what="reason", limit=500)
    effective = effective_on or min(max(on, target.starts_on), target.ends_on)
    if not target.starts_on <= effective <= target.ends_on:
        raise InvalidInput(
            f"An amendment of the {target.name} contract takes effect within {target.name} "
            f"({target.starts_on} to {target.ends_on}); {effective} is outside it."
        )
    current = _view(db, contract, target)
    if current.changes and effective < current.changes[-1].effective_on:
        raise InvalidInput(
            f"The last amendment takes effect on {current.changes[-1].effective_on}; a new one cannot take effect "
            "before it. Give --effective on or after that day."
        )
    new_cap = contract.hour_cap_minutes if cap_minutes is None else cap_minutes
    new_rate = contract.rate_cents if rate_cents is None else rate_cents
    check_rate_in_band(new_rate, contract.rate_min_cents, contract.rate_max_cents)
    used = billable_minutes(db, contract.id)
    if new_cap < used:
        raise Conflict(
            f"{format_minutes(used)} billable hours are already logged in {target.name}; the cap cannot go below that."
        )
    if new_cap == contract.hour_cap_minutes and new_rate == contract.rate_cents:
        raise InvalidInput("The cap and the rate are already those values; nothing to amend.")
    if new_rate != contract.rate_cents:
        _refuse_repricing_issued_work(db, contract.id, effective)
    db.add(
        ContractAmendment(
            contract_id=contract.id,
            made_on=on,
            effective_on=effective,
            reason=reason,
            old_cap_minutes=contract.hour_cap_minutes,
            new_cap_minutes=new_cap,
            old_rate_cents=contract.rate_cents,
            new_rate_cents=new_rate,
        )
    )
    contract.hour_cap_minutes, contract.rate_cents = new_cap, new_rate
    db.add(contract)
    db.flush()
    return _view(db, contract, target)


def _refuse_repricing_issued_work(db: Session, contract_id: int, effective: date) -> None:
    """An issued invoice never changes: a new rate cannot reach back over work it billed."""
    row = db.exec(
        select(Invoice.number, func.max(InvoiceLine.worked_on))
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(
            Invoice.contract_id == contract_id,
            Invoice.kind == InvoiceKind.INVOICE,
            Invoice.status.in_([InvoiceStatus.ISSUED, InvoiceStatus.PAID]),
            InvoiceLine.worked_on >= effective,
        )
        .group_by(Invoice.number)
        .order_by(func.max(InvoiceLine.worked_on).desc())
    ).first()
    if row is not None:
        number, last_day = row
        raise Conflict(
            f"Work up to {last_day} is billed on issued invoice {number} at the old rate; a rate effective {effective} "
            f"would change it. Make it effective after {last_day}, or void {number} first and bill that work again."
        )


def extend_contract(
    db: Session, *, phase: str, cap_minutes: int, rate_cents: int, reason: str, on: date
) -> ContractView:
    """A contract for a phase that has none, on the terms (consultant, band) of the latest one."""
    target = get_phase(db, phase)
    if db.exec(select(Contract.id).where(Contract.phase_id == target.id)).first() is not None:
        raise Conflict(
            f"{target.name} already has a contract; change it with `coop contract amend --phase {target.number}`."
        )
    previous = db.exec(select(Contract).join(Phase).order_by(Phase.number.desc())).first()
    if previous is None:
        raise NotFound("There is no earlier contract to extend. Run `coop init` to set up the Phase I contract.")
    check_rate_in_band(rate_cents, previous.rate_min_cents, previous.rate_max_cents)
    contract = Contract(
        phase_id=target.id,
        consultant=previous.consultant,
        consultant_address=previous.consultant_address,
        hour_cap_minutes=cap_minutes,
        rate_cents=rate_cents,
        rate_min_cents=previous.rate_min_cents,
        rate_max_cents=previous.rate_max_cents,
    )
    db.add(contract)
    db.flush()
    db.add(
        ContractAmendment(
            contract_id=contract.id,
            made_on=on,
            effective_on=target.starts_on,
            reason=clean_text(reason, what="reason", limit=500),
            old_cap_minutes=0,
            new_cap_minutes=cap_minutes,
            old_rate_cents=0,
            new_rate_cents=rate_cents,
        )
    )
    db.flush()
    return _view(db, contract, target)


class CapExceeded(Conflict):
    """Billable time refused because it would pass the cap; says what was used and what is left,
    so a caller (stopping a timer) can give its own advice."""

    def __init__(self, message: str, *, phase_name: str, cap: int, used: int, adding: int) -> None:
        super().__init__(message)
        self.phase_name, self.cap, self.used, self.adding = phase_name, cap, used, adding

    @property
    def left(self) -> int:
        return max(self.cap - self.used, 0)


def check_cap(db: Session, contract: Contract, phase: Phase, *, adding: int) -> list[str]:
    """Refuse billable time past the cap; return the warnings for thresholds this change crosses.

    The contract is locked first, so two clients logging at once cannot both pass the cap.
    """
    contract = lock_contract(db, contract.id)
    used = billable_minutes(db, contract.id)
    cap = contract.hour_cap_minutes
    after = used + adding
    if adding > 0 and after > cap:
        numbers = {"phase_name": phase.name, "cap": cap, "used": used, "adding": adding}
        if used >= cap:
            raise CapExceeded(
                f"The {phase.name} cap of {format_minutes(cap)} hours is reached ({format_minutes(used)} used): no billable "
                "hours are left. Log this as --non-billable, or amend the contract first "
                "(`coop contract amend --cap HOURS --reason TEXT`).",
                **numbers,
            )
        left = cap - used
        raise CapExceeded(
            f"That would pass the {phase.name} cap of {format_minutes(cap)} hours: {format_minutes(used)} used, "
            f"{format_minutes(left)} left. Log at most {format_minutes(left)}, mark it --non-billable, "
            "or amend the contract (`coop contract amend --cap HOURS --reason TEXT`).",
            **numbers,
        )
    if adding > 0 and after == cap:
        return [
            f"The {phase.name} cap is now fully used: {format_minutes(after)} of {format_minutes(cap)} hours. Further work "
            "is logged --non-billable, unless the contract is amended (`coop contract amend --cap HOURS --reason TEXT`)."
        ]
    crossed = [threshold for threshold in CAP_WARNINGS if used * 100 < threshold * cap <= after * 100]
    if not crossed:
        return []
    # One change may cross several thresholds: say the highest, once.
    return [
        f"{max(crossed)}% of the {phase.name} cap is now used: {format_minutes(after)} of {format_minutes(cap)} hours "
        f"({format_percent(after, cap)}), {format_minutes(cap - after)} left."
    ]
