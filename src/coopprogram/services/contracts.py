"""The consultant's contract for a phase: hour cap, rate and the band the rate must sit in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from coopprogram.errors import InvalidInput
from coopprogram.models import Contract, Phase
from coopprogram.units import format_money


@dataclass(frozen=True)
class ContractView:
    phase_number: int
    phase_name: str
    consultant: str
    hour_cap_minutes: int
    rate_cents: int
    rate_min_cents: int
    rate_max_cents: int


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


def contract_views(db: Session) -> list[ContractView]:
    rows = db.exec(select(Contract, Phase).join(Phase).order_by(Phase.number)).all()
    return [
        ContractView(
            phase_number=phase.number,
            phase_name=phase.name,
            consultant=contract.consultant,
            hour_cap_minutes=contract.hour_cap_minutes,
            rate_cents=contract.rate_cents,
            rate_min_cents=contract.rate_min_cents,
            rate_max_cents=contract.rate_max_cents,
        )
        for contract, phase in rows
    ]


def contract_for_phase(db: Session, phase_number: int) -> ContractView | None:
    return next((view for view in contract_views(db) if view.phase_number == phase_number), None)
