"""The program's phases: finding one by what a person types, the phase of a date, edits
that keep the calendar consistent (phases in order, never overlapping)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from sqlmodel import Session, func, select

from coopprogram.errors import InvalidInput, NotFound
from coopprogram.models import (
    Contract,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Milestone,
    Phase,
    Program,
    ProgramSession,
    TimeEntry,
)
from coopprogram.services.text import clean_text
from coopprogram.units import check_supported, plural, utc_to_local

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_PHASE_REF = re.compile(r"^(?:phase[\s-]*)?([0-9]+|[ivx]+)$")


@dataclass(frozen=True)
class PhaseView:
    number: int
    name: str
    starts_on: date
    ends_on: date
    focus: str

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def to_view(phase: Phase) -> PhaseView:
    return PhaseView(
        number=phase.number,
        name=phase.name,
        starts_on=phase.starts_on,
        ends_on=phase.ends_on,
        focus=phase.focus,
    )


def _all_phases(db: Session) -> list[Phase]:
    return list(db.exec(select(Phase).order_by(Phase.number)).all())


def list_phases(db: Session) -> list[PhaseView]:
    return [to_view(phase) for phase in _all_phases(db)]


def phase_number(reference: str) -> int | None:
    """1, 2, I, II, `phase 2`, `Phase II`, `phase-1` -> the phase's number; None if not of that form."""
    match = _PHASE_REF.match(reference.strip().lower())
    if not match:
        return None
    token = match[1]
    return int(token) if token.isdigit() else _ROMAN.get(token)


def get_phase(db: Session, reference: str) -> Phase:
    phases = _all_phases(db)
    number = phase_number(reference)
    for phase in phases:
        if number == phase.number or reference.strip().lower() == phase.name.lower():
            return phase
    known = ", ".join(f"{p.number} ({p.name})" for p in phases) or "none yet"
    raise NotFound(f"There is no phase '{reference}'. Phases: {known}.")


def phase_on(db: Session, day: date) -> Phase | None:
    return db.exec(select(Phase).where(Phase.starts_on <= day, Phase.ends_on >= day)).first()


def check_phase_calendar(db: Session) -> None:
    """Each phase lies in the supported dates, ends after it starts and before the next one starts
    (a program file's dates come here without passing a date option)."""
    phases = _all_phases(db)
    for phase in phases:
        for day in (phase.starts_on, phase.ends_on):
            try:
                check_supported(day)
            except ValueError as error:
                raise InvalidInput(f"{phase.name}: {error}.") from None
        if phase.ends_on < phase.starts_on:
            raise InvalidInput(f"{phase.name} would end ({phase.ends_on}) before it starts ({phase.starts_on}).")
    for earlier, later in pairwise(phases):
        if later.starts_on <= earlier.ends_on:
            raise InvalidInput(
                f"{earlier.name} ({earlier.starts_on} to {earlier.ends_on}) and {later.name} "
                f"({later.starts_on} to {later.ends_on}) would overlap; phases must follow one another."
            )


def _span(days: list[date]) -> str:
    first, last = min(days), max(days)
    return f"{first}" if first == last else f"{first} to {last}"


def _refuse_orphans(db: Session, phase: Phase) -> None:
    """A phase's new dates must still hold the time logged under its contract, its sessions and
    the months its invoices bill: nothing billed or held may be left outside every phase."""
    start, end = phase.starts_on, phase.ends_on
    days = db.exec(
        select(TimeEntry.worked_on)
        .join(Contract, TimeEntry.contract_id == Contract.id)
        .where(Contract.phase_id == phase.id, (TimeEntry.worked_on < start) | (TimeEntry.worked_on > end))
    ).all()
    zone = db.exec(select(Program.timezone)).first() or "UTC"
    session_days = [
        utc_to_local(starts_at, zone).date()
        for starts_at in db.exec(select(ProgramSession.starts_at).where(ProgramSession.phase_id == phase.id)).all()
    ]
    session_days = [day for day in session_days if not start <= day <= end]
    invoices = [
        (reference or f"draft {invoice_id}", period)
        for invoice_id, reference, period in db.exec(
            select(Invoice.id, Invoice.number, Invoice.period)
            .join(Contract, Invoice.contract_id == Contract.id)
            .where(
                Contract.phase_id == phase.id, Invoice.kind == InvoiceKind.INVOICE, Invoice.status != InvoiceStatus.VOID
            )
        ).all()
        if not (start.strftime("%Y-%m") <= period <= end.strftime("%Y-%m"))
    ]
    left = []
    if days:
        left.append(f"{len(days)} time entr{'y' if len(days) == 1 else 'ies'} ({_span(days)})")
    if session_days:
        left.append(f"{plural(len(session_days), 'session')} ({_span(session_days)})")
    if invoices:
        left.append(
            f"{'invoice' if len(invoices) == 1 else 'invoices'} {', '.join(f'{ref} for {period}' for ref, period in invoices)}"
        )
    if left:
        raise InvalidInput(
            f"{phase.name} from {start} to {end} would leave outside it: {'; '.join(left)}. "
            "Choose dates that still hold them, or move those entries and sessions first."
        )


def edit_phase(
    db: Session,
    *,
    reference: str,
    name: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    focus: str | None = None,
) -> PhaseView:
    phase = get_phase(db, reference)
    if all(value is None for value in (name, starts_on, ends_on, focus)):
        raise InvalidInput("Nothing to change: give --name, --starts, --ends or --focus.")
    if name is not None:
        phase.name = clean_text(name, what="phase name", limit=80)
    if focus is not None:
        phase.focus = clean_text(focus, what="focus", required=False)
    if starts_on is not None:
        phase.starts_on = starts_on
    if ends_on is not None:
        phase.ends_on = ends_on
    db.add(phase)
    db.flush()
    check_phase_calendar(db)
    _refuse_orphans(db, phase)
    outside = db.exec(
        select(func.count(Milestone.id)).where(
            Milestone.phase_id == phase.id,
            (Milestone.due_on < phase.starts_on) | (Milestone.due_on > phase.ends_on),
        )
    ).one()
    if outside:
        raise InvalidInput(
            f"{plural(outside, 'milestone')} of {phase.name} would fall outside {phase.starts_on} to {phase.ends_on}. "
            "Move their due dates first (`coop milestones edit ID --due DATE`)."
        )
    return to_view(phase)
