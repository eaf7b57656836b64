"""The consultant's contract for a phase: hour cap, rate inside its band, amendments kept
with their date and reason, and how much of the cap billable hours use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, func, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Contract, ContractAmendment, Phase, TimeEntry
from coopprogram.services.phases import get_phase, phase_on
from coopprogram.services.text import clean_text
from coopprogram.units import format_minutes, format_money, format_percent, utc_now

CAP_WARNINGS = (50, 80, 90)


@dataclass(frozen=True)
class AmendmentView:
    made_on: date
    reason: str
    old_cap_minutes: int
    new_cap_minutes: int
    old_rate_cents: int
    new_rate_cents: int


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
    amendments: list[AmendmentView]

    @property
    def left_minutes(self) -> int:
        return self.hour_cap_minutes - self.used_minutes


def describe_amendment(amendment: AmendmentView) -> str:
    """`2022-02-01: cap 100:00 -> 120:00 h, rate $65.00 -> $65.00 (reason)`, as reports print it."""
    return (
        f"{amendment.made_on}: cap {format_minutes(amendment.old_cap_minutes)} -> {format_minutes(amendment.new_cap_minutes)} h, "
        f"rate {format_money(amendment.old_rate_cents)} -> {format_money(amendment.new_rate_cents)} ({amendment.reason})"
    )


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
    query = select(Contract).where(Contract.id == contract_id).with_for_update().execution_options(populate_existing=True)
    return db.exec(query).one()


def billable_minutes(db: Session, contract_id: int, *, through: date | None = None) -> int:
    """The billable minutes logged against a contract, or those worked up to a day."""
    query = select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(TimeEntry.contract_id == contract_id, TimeEntry.billable.is_(True))
    if through is not None:
        query = query.where(TimeEntry.worked_on <= through)
    return int(db.exec(query).one())


def _view(db: Session, contract: Contract, phase: Phase) -> ContractView:
    amendments = db.exec(
        select(ContractAmendment).where(ContractAmendment.contract_id == contract.id).order_by(ContractAmendment.id)
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
            AmendmentView(a.made_on, a.reason, a.old_cap_minutes, a.new_cap_minutes, a.old_rate_cents, a.new_rate_cents)
            for a in amendments
        ],
    )


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
    db: Session, *, phase: str | None, cap_minutes: int | None, rate_cents: int | None, reason: str, on: date
) -> ContractView:
    if cap_minutes is None and rate_cents is None:
        raise InvalidInput("Nothing to amend: give --cap HOURS, --rate DOLLARS or both.")
    target = _chosen_phase(db, phase, on)
    contract = lock_contract(db, get_contract(db, target).id)
    reason = clean_text(reason, what="reason", limit=500)
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
    db.add(
        ContractAmendment(
            contract_id=contract.id,
            made_on=on,
            reason=reason,
            old_cap_minutes=contract.hour_cap_minutes,
            new_cap_minutes=new_cap,
            old_rate_cents=contract.rate_cents,
            new_rate_cents=new_rate,
        )
    )
    contract.hour_cap_minutes, contract.rate_cents, contract.updated_at = new_cap, new_rate, utc_now()
    db.add(contract)
    db.flush()
    return _view(db, contract, target)


def extend_contract(
    db: Session, *, phase: str, cap_minutes: int, rate_cents: int, reason: str, on: date
) -> ContractView:
    """A contract for a phase that has none, on the terms (consultant, band) of the latest one."""
    target = get_phase(db, phase)
    if db.exec(select(Contract.id).where(Contract.phase_id == target.id)).first() is not None:
        raise Conflict(f"{target.name} already has a contract; change it with `coop contract amend --phase {target.number}`.")
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
            contract_id=contract.id, made_on=on, reason=clean_text(reason, what="reason", limit=500),
            old_cap_minutes=0, new_cap_minutes=cap_minutes, old_rate_cents=0, new_rate_cents=rate_cents,
        )
    )
    db.flush()
    return _view(db, contract, target)


def check_cap(db: Session, contract: Contract, phase: Phase, *, adding: int) -> list[str]:
    """Refuse billable time past the cap; return the warnings for thresholds this change crosses.

    The contract is locked first, so two clients logging at once cannot both pass the cap.
    """
    contract = lock_contract(db, contract.id)
    used = billable_minutes(db, contract.id)
    cap = contract.hour_cap_minutes
    after = used + adding
    if adding > 0 and after > cap:
        left = max(cap - used, 0)
        raise Conflict(
            f"That would pass the {phase.name} cap of {format_minutes(cap)} hours: {format_minutes(used)} used, "
            f"{format_minutes(left)} left. Log at most {format_minutes(left)}, mark it --non-billable, "
            "or amend the contract (`coop contract amend --cap HOURS --reason TEXT`)."
        )
    crossed = [threshold for threshold in CAP_WARNINGS if used * 100 < threshold * cap <= after * 100]
    if not crossed:
        return []
    # One change may cross several thresholds: say the highest, once.
    return [
        f"{max(crossed)}% of the {phase.name} cap is now used: {format_minutes(after)} of {format_minutes(cap)} hours "
        f"({format_percent(after, cap)}), {format_minutes(cap - after)} left."
    ]
