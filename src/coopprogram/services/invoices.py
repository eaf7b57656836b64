"""Monthly invoices: drafts gathered from a month's unbilled billable hours, issue with the
next gap-free number and a snapshot of every printed figure, payment, and void with a
credit note that frees the hours for billing again.

REF is an issued invoice's number (SEI-2021-001) or a draft's id.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy.orm import defer
from sqlmodel import Session, func, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Category, Contract, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, Phase, Program, TimeEntry
from coopprogram.services.as_of import invoice_status
from coopprogram.services.contracts import billable_minutes, contract_for_phase, describe_amendment, lock_contract
from coopprogram.services.program import get_program
from coopprogram.services.text import clean_text
from coopprogram.units import amount_cents, month_bounds, utc_now


@dataclass(frozen=True)
class LineView:
    worked_on: date
    description: str
    category: str
    minutes: int
    rate_cents: int
    amount_cents: int


@dataclass(frozen=True)
class SubtotalView:
    category: str
    minutes: int
    amount_cents: int


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything an invoice prints. For an issued one this is read from its snapshot."""

    id: int
    reference: str  # the number, or "draft N"
    number: str | None
    kind: str
    status: str
    period: str
    period_label: str
    program: str
    organization: str
    bill_to: str
    consultant: str
    consultant_address: str
    phase_name: str
    rate_cents: int
    rate_min_cents: int
    rate_max_cents: int
    lines: list[LineView]
    subtotals: list[SubtotalView]
    total_minutes: int
    total_cents: int
    cap_minutes: int
    used_minutes: int  # billable hours of the contract through the end of the period
    issued_on: date | None = None
    due_on: date | None = None
    paid_on: date | None = None
    voided_on: date | None = None
    void_reason: str = ""
    credit_for: str | None = None
    credited_by: str | None = None
    amendments: list[str] = field(default_factory=list)

    @property
    def left_minutes(self) -> int:
        return self.cap_minutes - self.used_minutes


@dataclass(frozen=True)
class InvoiceSummary:
    reference: str
    kind: str
    status: str
    period: str
    total_minutes: int
    total_cents: int
    issued_on: date | None
    due_on: date | None
    paid_on: date | None
    overdue: bool


# --- finding ---------------------------------------------------------------------------------


def reference_of(invoice: Invoice) -> str:
    """How an invoice is named: its number, or "draft N" before it is issued."""
    return invoice.number or f"draft {invoice.id}"



def get_invoice(db: Session, reference: str, *, lock: bool = False) -> Invoice:
    """The invoice a REF names. With `lock`, its row is locked and read afresh, so a change that
    depends on its state (issue, pay, void) cannot race another client's (on a server; SQLite's
    IMMEDIATE transactions already take turns)."""
    ref = reference.strip()

    def fetch(condition):  # noqa: ANN001, ANN202
        query = select(Invoice).where(condition)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return db.exec(query).first()

    invoice = fetch(func.upper(Invoice.number) == ref.upper())
    if invoice is None:
        draft_id = ref.lower().removeprefix("draft").strip().lstrip("#")
        if draft_id.isascii() and draft_id.isdigit():
            invoice = fetch(Invoice.id == int(draft_id))
            if invoice is not None and invoice.number is not None:
                raise NotFound(f"'{reference}' is not a draft: that invoice is numbered {invoice.number}; use its number.")
    if invoice is None:
        raise NotFound(f"There is no invoice '{reference}'. `coop invoices list` shows their numbers and draft ids.")
    return invoice


# --- drafting --------------------------------------------------------------------------------


def draft_month(db: Session, *, period: str) -> list[Invoice]:
    """Gather each contract's unbilled billable entries of the month into its draft."""
    try:
        start, end = month_bounds(period)
    except ValueError as error:
        raise InvalidInput(str(error)) from None
    period = start.strftime("%Y-%m")
    pending = db.exec(
        select(TimeEntry.contract_id)
        .outerjoin(Invoice, TimeEntry.invoice_id == Invoice.id)
        .where(
            TimeEntry.worked_on >= start,
            TimeEntry.worked_on <= end,
            TimeEntry.billable.is_(True),
            (TimeEntry.invoice_id.is_(None)) | (Invoice.status == InvoiceStatus.DRAFT),
        )
        .distinct()
    ).all()
    if not pending:
        raise InvalidInput(f"There are no unbilled billable hours in {period}; nothing to draft.")
    drafts = []
    for contract_id in sorted(pending):
        lock_contract(db, contract_id)  # one client drafts a contract's month at a time
        draft = db.exec(
            select(Invoice)
            .where(Invoice.contract_id == contract_id, Invoice.period == period, Invoice.status == InvoiceStatus.DRAFT)
            .execution_options(populate_existing=True)
        ).first()
        if draft is None:
            draft = Invoice(contract_id=contract_id, period=period)
            db.add(draft)
            db.flush()
        rebuild_draft(db, draft)
        drafts.append(draft)
    return drafts


def rebuild_draft(db: Session, draft: Invoice) -> None:
    """The draft's lines made again from the month's unbilled billable entries, at the contract's rate."""
    if draft.status != InvoiceStatus.DRAFT:
        raise Conflict(f"Invoice {draft.number} is {draft.status}; only drafts can be re-drafted.")
    start, end = month_bounds(draft.period)
    contract = db.get(Contract, draft.contract_id)
    _clear_draft(db, draft)
    entries = db.exec(
        select(TimeEntry)
        .where(
            TimeEntry.contract_id == draft.contract_id,
            TimeEntry.worked_on >= start,
            TimeEntry.worked_on <= end,
            TimeEntry.billable.is_(True),
            TimeEntry.invoice_id.is_(None),
        )
        .order_by(TimeEntry.worked_on, TimeEntry.id)
    ).all()
    names = {c.id: c.name for c in db.exec(select(Category)).all()}
    total_minutes = total_cents = 0
    for position, entry in enumerate(entries, start=1):
        amount = amount_cents(entry.minutes, contract.rate_cents)
        db.add(
            InvoiceLine(
                invoice_id=draft.id, time_entry_id=entry.id, position=position, worked_on=entry.worked_on,
                description=entry.description, category=names[entry.category_id], minutes=entry.minutes,
                rate_cents=contract.rate_cents, amount_cents=amount,
            )
        )
        entry.invoice_id = draft.id
        db.add(entry)
        total_minutes += entry.minutes
        total_cents += amount
    draft.total_minutes, draft.total_cents, draft.updated_at = total_minutes, total_cents, utc_now()
    db.add(draft)
    db.flush()


def _release_entries(db: Session, invoice: Invoice) -> None:
    """The invoice's time entries become unbilled again."""
    for entry in db.exec(select(TimeEntry).where(TimeEntry.invoice_id == invoice.id)).all():
        entry.invoice_id = None
        db.add(entry)


def _clear_draft(db: Session, draft: Invoice) -> None:
    """A draft without lines, its entries unbilled again."""
    for line in db.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == draft.id)).all():
        db.delete(line)
    _release_entries(db, draft)
    db.flush()


# --- documents -------------------------------------------------------------------------------


def _lines(db: Session, invoice: Invoice) -> list[LineView]:
    rows = db.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)).all()
    return [LineView(r.worked_on, r.description, r.category, r.minutes, r.rate_cents, r.amount_cents) for r in rows]


def subtotals(lines: list[LineView]) -> list[SubtotalView]:
    minutes: dict[str, int] = defaultdict(int)
    cents: dict[str, int] = defaultdict(int)
    for line in lines:
        minutes[line.category] += line.minutes
        cents[line.category] += line.amount_cents
    return [SubtotalView(name, minutes[name], cents[name]) for name in sorted(minutes)]


def _live_document(db: Session, invoice: Invoice) -> InvoiceDocument:
    program: Program = get_program(db)
    contract = db.get(Contract, invoice.contract_id)
    phase = db.get(Phase, contract.phase_id)
    start, end = month_bounds(invoice.period)
    lines = _lines(db, invoice)
    used = billable_minutes(db, contract.id, through=end)
    amendments = [describe_amendment(a) for a in contract_for_phase(db, phase.number).amendments if a.old_cap_minutes]
    return InvoiceDocument(
        id=invoice.id,
        reference=reference_of(invoice),
        number=invoice.number,
        kind=invoice.kind,
        status=invoice.status,
        period=invoice.period,
        period_label=start.strftime("%B %Y"),
        program=program.name,
        organization=program.organization,
        bill_to=program.bill_to or program.organization,
        consultant=contract.consultant,
        consultant_address=contract.consultant_address,
        phase_name=phase.name,
        rate_cents=contract.rate_cents,
        rate_min_cents=contract.rate_min_cents,
        rate_max_cents=contract.rate_max_cents,
        lines=lines,
        subtotals=subtotals(lines),
        total_minutes=sum(line.minutes for line in lines),
        total_cents=sum(line.amount_cents for line in lines),
        cap_minutes=contract.hour_cap_minutes,
        used_minutes=used,
        amendments=amendments,
    )


def _from_snapshot(invoice: Invoice) -> InvoiceDocument:
    data = json.loads(invoice.snapshot)
    data["lines"] = [LineView(**{**line, "worked_on": date.fromisoformat(line["worked_on"])}) for line in data["lines"]]
    data["subtotals"] = [SubtotalView(**item) for item in data["subtotals"]]
    for name in ("issued_on", "due_on", "paid_on", "voided_on"):
        data[name] = date.fromisoformat(data[name]) if data.get(name) else None
    return InvoiceDocument(**data)


def _snapshot(document: InvoiceDocument) -> str:
    from coopprogram.exporters.json import plain

    return json.dumps(plain(asdict(document)), sort_keys=True)


def document(db: Session, reference: str) -> InvoiceDocument:
    invoice = get_invoice(db, reference)
    return _document(db, invoice)


def _document(db: Session, invoice: Invoice) -> InvoiceDocument:
    if not invoice.snapshot:
        return _live_document(db, invoice)
    credited_by = db.exec(select(Invoice.number).where(Invoice.credit_for_id == invoice.id)).first()
    # The figures are frozen; only what happened since (payment, void) is read live.
    return replace(
        _from_snapshot(invoice),
        status=invoice.status,
        paid_on=invoice.paid_on,
        voided_on=invoice.voided_on,
        void_reason=invoice.void_reason,
        credited_by=credited_by,
    )


# --- issue, pay, void ------------------------------------------------------------------------


def _next_number(db: Session, program: Program, on: date) -> tuple[int, str]:
    # Numbers come from one running sequence: on a server the program's row is locked so that
    # two clients issuing at once take turns and no number is given twice or skipped.
    db.exec(select(Program.id).where(Program.id == program.id).with_for_update()).one()
    last = db.exec(select(func.max(Invoice.sequence))).one()
    sequence = (last or 0) + 1
    return sequence, program.invoice_pattern.format(prefix=program.short_name, year=on.year, seq=sequence)


def issue_invoice(db: Session, *, reference: str, on: date) -> InvoiceDocument:
    invoice = get_invoice(db, reference, lock=True)
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(f"Invoice {invoice.number} was already issued on {invoice.issued_on}.")
    rebuild_draft(db, invoice)
    if not invoice.total_minutes:
        raise InvalidInput(f"Draft {invoice.id} has no hours left to bill; nothing was issued.")
    _, end = month_bounds(invoice.period)
    if on < end:
        raise InvalidInput(f"An invoice for {invoice.period} can be issued from {end} on, once the month's work is done.")
    program = get_program(db)
    invoice.sequence, invoice.number = _next_number(db, program, on)
    invoice.status, invoice.issued_on = InvoiceStatus.ISSUED.value, on
    invoice.due_on = on + timedelta(days=program.payment_days)
    db.add(invoice)
    db.flush()
    frozen = _live_document(db, invoice)
    invoice.snapshot = _snapshot(replace(frozen, issued_on=on, due_on=invoice.due_on))
    invoice.updated_at = utc_now()
    db.add(invoice)
    db.flush()
    return _document(db, invoice)


def pay_invoice(db: Session, *, reference: str, on: date) -> InvoiceDocument:
    invoice = get_invoice(db, reference, lock=True)
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise InvalidInput(f"{invoice.number} is a credit note; it is not paid.")
    if invoice.status != InvoiceStatus.ISSUED:
        state = {"draft": "still a draft: issue it first", "paid": f"already paid on {invoice.paid_on}", "void": "void"}[invoice.status]
        raise Conflict(f"Invoice {invoice.number or invoice.id} is {state}.")
    if on < invoice.issued_on:
        raise InvalidInput(f"Invoice {invoice.number} was issued on {invoice.issued_on}; it cannot be paid before that.")
    invoice.status, invoice.paid_on, invoice.updated_at = InvoiceStatus.PAID.value, on, utc_now()
    db.add(invoice)
    db.flush()
    return _document(db, invoice)


def void_invoice(db: Session, *, reference: str, reason: str, on: date) -> tuple[InvoiceDocument | None, InvoiceDocument | None]:
    """Void an issued invoice: it keeps its number, a credit note cancels it, its hours are free again.

    A draft is simply discarded. Returns (the voided invoice, its credit note), or (None, None) for a draft.
    """
    invoice = get_invoice(db, reference, lock=True)
    reason = clean_text(reason, what="reason", limit=500)
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise Conflict(f"{invoice.number} is a credit note; it cannot be voided.")
    if invoice.status == InvoiceStatus.VOID:
        raise Conflict(f"Invoice {invoice.number} was already voided on {invoice.voided_on}.")
    if invoice.status == InvoiceStatus.DRAFT:
        _clear_draft(db, invoice)
        db.delete(invoice)
        db.flush()
        return None, None
    if on < invoice.issued_on:
        raise InvalidInput(f"Invoice {invoice.number} was issued on {invoice.issued_on}; it cannot be voided before that.")
    original = _document(db, invoice)
    _release_entries(db, invoice)
    invoice.status, invoice.voided_on, invoice.void_reason, invoice.updated_at = InvoiceStatus.VOID.value, on, reason, utc_now()
    db.add(invoice)
    program = get_program(db)
    sequence, number = _next_number(db, program, on)
    credit = Invoice(
        contract_id=invoice.contract_id, kind=InvoiceKind.CREDIT_NOTE.value, period=invoice.period,
        status=InvoiceStatus.ISSUED.value, sequence=sequence, number=number, credit_for_id=invoice.id,
        total_cents=-invoice.total_cents, total_minutes=-invoice.total_minutes, issued_on=on, due_on=on,
    )
    db.add(credit)
    db.flush()
    credit_lines = [replace(line, minutes=-line.minutes, amount_cents=-line.amount_cents) for line in original.lines]
    for position, line in enumerate(credit_lines, start=1):
        db.add(InvoiceLine(invoice_id=credit.id, position=position, **asdict(line)))
    credit.snapshot = _snapshot(
        replace(
            original, id=credit.id, reference=number, number=number, kind=credit.kind, status=credit.status,
            lines=credit_lines, subtotals=subtotals(credit_lines), total_minutes=credit.total_minutes,
            total_cents=credit.total_cents, issued_on=on, due_on=on, paid_on=None, credit_for=invoice.number,
            void_reason=reason,
        )
    )
    db.add(credit)
    db.flush()
    return _document(db, invoice), _document(db, credit)


def list_invoices(db: Session, *, today: date) -> list[InvoiceSummary]:
    """Invoices and credit notes as they stood at the end of `today` (see services.as_of)."""
    zone = get_program(db).timezone
    rows = db.exec(
        select(Invoice).options(defer(Invoice.snapshot)).order_by(Invoice.sequence.is_(None), Invoice.sequence, Invoice.id)
    ).all()
    return [found for row in rows if (found := summary(row, today=today, zone=zone)) is not None]


def summary(invoice: Invoice, *, today: date, zone: str) -> InvoiceSummary | None:
    """One line of an invoice list as of `today`, or None if it did not exist yet; overdue: an
    invoice issued and unpaid past its due date."""
    status = invoice_status(invoice, today, zone)
    if status is None:
        return None
    return InvoiceSummary(
        reference=reference_of(invoice) if status != InvoiceStatus.DRAFT else f"draft {invoice.id}", kind=invoice.kind,
        status=status, period=invoice.period, total_minutes=invoice.total_minutes, total_cents=invoice.total_cents,
        issued_on=invoice.issued_on if status != InvoiceStatus.DRAFT else None,
        due_on=invoice.due_on if status != InvoiceStatus.DRAFT else None,
        paid_on=invoice.paid_on if status == InvoiceStatus.PAID else None,
        overdue=status == InvoiceStatus.ISSUED and invoice.kind == InvoiceKind.INVOICE
        and invoice.due_on is not None and invoice.due_on < today,
    )
