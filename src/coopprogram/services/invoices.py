"""Monthly invoices: drafts gathered from a month's unbilled billable hours, issue with the
next gap-free number and a snapshot of every printed figure, payment, and void with a
credit note that frees the hours for billing again.

REF is an issued invoice's number (SEI-2021-001) or a draft's id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import defer
from sqlmodel import Session, func, select

from coopprogram.db import in_chunks
from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Category, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, Payment, Program, TimeEntry
from coopprogram.services.as_of import invoice_status
from coopprogram.services.consultant import PayeeView, payee
from coopprogram.services.contracts import billable_minutes, contract_view, describe_amendment, lock_contract
from coopprogram.services.program import get_program
from coopprogram.services.text import clean_text
from coopprogram.units import amount_cents, billed_minutes, format_hours_decimal, format_money, month_bounds

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement


@dataclass(frozen=True)
class LineView:
    worked_on: date
    description: str
    category: str
    minutes: int  # billed: the entry's minutes rounded to the billing increment
    rate_cents: int  # the contract's rate in force on the day worked
    amount_cents: int  # hours x rate, rounded half up to the cent

    @property
    def hours(self) -> str:
        return format_hours_decimal(self.minutes)


@dataclass(frozen=True)
class SubtotalView:
    category: str
    minutes: int
    amount_cents: int

    @property
    def hours(self) -> str:
        return format_hours_decimal(self.minutes)


@dataclass(frozen=True)
class PaymentView:
    id: int
    invoice: str
    paid_on: date
    amount_cents: int
    note: str = ""
    undone_on: date | None = None
    undo_reason: str = ""


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything an invoice prints. For an issued one this is read from its snapshot; its
    payments (and a draft's pending changes) are read live."""

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
    consultant: str  # the contract's name for the consultant (a role, before a profile was set)
    consultant_address: str
    phase_name: str
    rate_cents: int  # in force on the period's last day; each line carries its own
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
    paid_on: date | None = None  # the day it was paid in full
    voided_on: date | None = None
    void_reason: str = ""
    credit_for: str | None = None
    credited_by: str | None = None
    amendments: list[str] = field(default_factory=list)  # those taking effect within the period
    payee: PayeeView | None = None  # None on invoices issued before the profile existed
    contract_label: str = ""
    payment_days: int = 30
    billing_increment_minutes: int = 0  # 0: entries were billed as logged
    paid_cents: int = 0
    payments: list[PaymentView] = field(default_factory=list)
    changes: str = ""  # a draft's entries or rates changed since it was drafted: how

    @property
    def left_minutes(self) -> int:
        return self.cap_minutes - self.used_minutes

    @property
    def total_hours(self) -> str:
        return format_hours_decimal(self.total_minutes)

    @property
    def amount_due_cents(self) -> int:
        """What is still to be paid: nothing on a credit note or a void invoice."""
        if self.kind != InvoiceKind.INVOICE or self.status == InvoiceStatus.VOID:
            return 0
        return self.total_cents - self.paid_cents

    @property
    def payment_terms(self) -> str:
        """`Net 30, due 2021-12-01`, or `Due on receipt` for a term of 0 days."""
        terms = f"Net {self.payment_days}" if self.payment_days else "Due on receipt"
        return f"{terms}, due {self.due_on}" if self.due_on and self.payment_days else terms

    @property
    def from_lines(self) -> list[str]:
        """The From block: the payee's name and how to reach them."""
        if self.payee is None or not self.payee.name:
            return [line for line in (self.consultant, self.consultant_address) if line]
        p = self.payee
        return [
            line for line in (p.name, p.address, p.email, p.phone, f"Tax ID: {p.tax_id}" if p.tax_id else "") if line
        ]

    @property
    def billing_rule(self) -> str:
        """The sentence that lets a treasurer redo the arithmetic."""
        if not self.billing_increment_minutes:
            return "Hours are billed as logged; each amount is hours x rate, rounded to the cent."
        step = format_hours_decimal(self.billing_increment_minutes)
        return (
            f"Time is billed in steps of {step} h ({self.billing_increment_minutes} minutes), each entry rounded to the nearest step; "
            "each amount is hours x rate, rounded to the cent, and the total is the sum of the amounts."
        )


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
    paid_cents: int = 0


@dataclass(frozen=True)
class PaymentsReport:
    """The money received in a calendar year, by the day it arrived (what the consultant's taxes need)."""

    year: int
    payments: list[PaymentView]

    @property
    def total_cents(self) -> int:
        return sum(p.amount_cents for p in self.payments)


# The columns an invoice's listing needs, without its snapshot (the frozen document, every line).
LIGHT = (defer(Invoice.snapshot), defer(Invoice.created_at), defer(Invoice.updated_at))


# --- finding ---------------------------------------------------------------------------------


def reference_of(invoice: Invoice) -> str:
    """How an invoice is named: its number, or "draft N" before it is issued."""
    return invoice.number or f"draft {invoice.id}"


def get_invoice(db: Session, reference: str, *, lock: bool = False) -> Invoice:
    """The invoice a REF names. With `lock`, its row is locked and read afresh, so a change that
    depends on its state (issue, pay, void) cannot race another client's (on a server; SQLite's
    IMMEDIATE transactions already take turns)."""
    ref = reference.strip()

    def fetch(condition: ColumnElement[bool]) -> Invoice | None:
        found = db.exec(select(Invoice).where(condition)).first()
        if found is None or not lock:
            return found
        lock_contract(db, found.contract_id)  # the lock order: contract, then invoice (see lock_contract)
        locked = (
            select(Invoice).where(Invoice.id == found.id).with_for_update().execution_options(populate_existing=True)
        )
        return db.exec(locked).first()

    invoice = fetch(func.upper(Invoice.number) == ref.upper())
    if invoice is None:
        draft_id = ref.lower().removeprefix("draft").strip().lstrip("#")
        if draft_id.isascii() and draft_id.isdigit():
            invoice = fetch(Invoice.id == int(draft_id))
            if invoice is not None and invoice.number is not None:
                raise NotFound(
                    f"'{reference}' is not a draft: that invoice is numbered {invoice.number}; use its number."
                )
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


@dataclass(frozen=True)
class _Bill:
    """One entry as the draft would bill it now."""

    entry_id: int
    worked_on: date
    description: str
    category: str
    minutes: int
    rate_cents: int
    amount_cents: int
    logged_minutes: int


def _bills(db: Session, draft: Invoice) -> list[_Bill]:
    """The month's billable entries not billed elsewhere, each rounded to the billing increment
    and priced at the rate in force on the day it was worked."""
    start, end = month_bounds(draft.period)
    contract = contract_view(db, draft.contract_id)
    increment = get_program(db).billing_increment_minutes
    # Columns, not objects: a month of a large program has thousands of entries.
    entries = db.exec(
        select(TimeEntry.id, TimeEntry.worked_on, TimeEntry.description, TimeEntry.category_id, TimeEntry.minutes)
        .where(
            TimeEntry.contract_id == draft.contract_id,
            TimeEntry.worked_on >= start,
            TimeEntry.worked_on <= end,
            TimeEntry.billable.is_(True),
            TimeEntry.invoice_id.is_(None) | (TimeEntry.invoice_id == draft.id),
        )
        .order_by(TimeEntry.worked_on, TimeEntry.id)
    ).all()
    names = {c.id: c.name for c in db.exec(select(Category)).all()}
    bills = []
    for entry_id, worked_on, description, category_id, logged in entries:
        minutes, rate = billed_minutes(logged, increment), contract.rate_on(worked_on)
        bills.append(
            _Bill(
                entry_id,
                worked_on,
                description,
                names[category_id],
                minutes,
                rate,
                amount_cents(minutes, rate),
                logged,
            )
        )
    return bills


def rebuild_draft(db: Session, draft: Invoice) -> None:
    """The draft's lines made again from the month's unbilled billable entries."""
    if draft.status != InvoiceStatus.DRAFT:
        raise Conflict(f"Invoice {draft.number} is {draft.status}; only drafts can be re-drafted.")
    bills = _bills(db, draft)
    clear_draft(db, draft)
    # The entries read at once (one get per entry would flush the lines added so far each time).
    entries = {
        entry.id: entry
        for chunk in in_chunks([bill.entry_id for bill in bills])
        for entry in db.exec(select(TimeEntry).where(TimeEntry.id.in_(chunk))).all()
    }
    for position, bill in enumerate(bills, start=1):
        db.add(
            InvoiceLine(
                invoice_id=draft.id,
                time_entry_id=bill.entry_id,
                position=position,
                worked_on=bill.worked_on,
                description=bill.description,
                category=bill.category,
                minutes=bill.minutes,
                rate_cents=bill.rate_cents,
                amount_cents=bill.amount_cents,
                logged_minutes=bill.logged_minutes,
            )
        )
        entry = entries[bill.entry_id]
        entry.invoice_id = draft.id
        db.add(entry)
    draft.total_minutes = sum(bill.minutes for bill in bills)
    draft.total_cents = sum(bill.amount_cents for bill in bills)
    db.add(draft)
    db.flush()


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word.replace('entry', 'entrie')}s"


def draft_changes(db: Session, draft: Invoice) -> str:
    """How a draft differs from what drafting it again would give (entries logged, edited or
    removed, a rate amended, the billing increment changed); "" when it is up to date."""
    stored = {
        entry_id: tuple(figures)
        for entry_id, *figures in db.exec(
            select(InvoiceLine.time_entry_id, *_line_figures()).where(InvoiceLine.invoice_id == draft.id)
        ).all()
    }
    bills = _bills(db, draft)
    fresh = {
        b.entry_id: (b.worked_on, b.description, b.category, b.minutes, b.rate_cents, b.amount_cents) for b in bills
    }
    if stored == fresh:
        return ""
    added, removed = fresh.keys() - stored.keys(), stored.keys() - fresh.keys()
    common = fresh.keys() & stored.keys()
    repriced = [key for key in common if stored[key][4] != fresh[key][4]]
    changed = [key for key in common if stored[key] != fresh[key] and key not in repriced]
    parts = [
        f"{_plural(len(keys), 'entry')} {what}"
        for keys, what in ((added, "added"), (removed, "removed"), (changed, "changed"), (repriced, "at a new rate"))
        if keys
    ]
    new_total = sum(b.amount_cents for b in bills)
    return f"{', '.join(parts)}; total {format_money(draft.total_cents)} -> {format_money(new_total)}"


def _line_figures() -> tuple:
    """What a line says, in the order a LineView and a draft's comparison take them."""
    return (
        InvoiceLine.worked_on,
        InvoiceLine.description,
        InvoiceLine.category,
        InvoiceLine.minutes,
        InvoiceLine.rate_cents,
        InvoiceLine.amount_cents,
    )


def _release_entries(db: Session, invoice: Invoice) -> None:
    """The invoice's time entries become unbilled again."""
    for entry in db.exec(select(TimeEntry).where(TimeEntry.invoice_id == invoice.id)).all():
        entry.invoice_id = None
        db.add(entry)


def clear_draft(db: Session, draft: Invoice) -> None:
    """A draft without lines, its entries unbilled again."""
    for line in db.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == draft.id)).all():
        db.delete(line)
    _release_entries(db, draft)
    db.flush()


# --- documents -------------------------------------------------------------------------------


def _lines(db: Session, invoice: Invoice) -> list[LineView]:
    rows = db.exec(
        select(*_line_figures()).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)
    ).all()
    return [LineView(*row) for row in rows]


def subtotals(lines: list[LineView]) -> list[SubtotalView]:
    minutes: dict[str, int] = defaultdict(int)
    cents: dict[str, int] = defaultdict(int)
    for line in lines:
        minutes[line.category] += line.minutes
        cents[line.category] += line.amount_cents
    return [SubtotalView(name, minutes[name], cents[name]) for name in sorted(minutes)]


def _live_document(db: Session, invoice: Invoice) -> InvoiceDocument:
    program: Program = get_program(db)
    contract = contract_view(db, invoice.contract_id)
    start, end = month_bounds(invoice.period)
    lines = _lines(db, invoice)
    cap, rate = contract.terms_on(end)
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
        phase_name=contract.phase_name,
        rate_cents=rate,
        rate_min_cents=contract.rate_min_cents,
        rate_max_cents=contract.rate_max_cents,
        lines=lines,
        subtotals=subtotals(lines),
        total_minutes=sum(line.minutes for line in lines),
        total_cents=sum(line.amount_cents for line in lines),
        cap_minutes=cap,
        used_minutes=billable_minutes(db, contract_id=invoice.contract_id, through=end),
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        amendments=[describe_amendment(a) for a in contract.amendments_between(start, end)],
        payee=payee(db),
        contract_label=contract.label,
        payment_days=program.payment_days,
        billing_increment_minutes=program.billing_increment_minutes,
        changes=draft_changes(db, invoice) if invoice.status == InvoiceStatus.DRAFT else "",
    )


def _from_snapshot(invoice: Invoice) -> InvoiceDocument:
    assert invoice.snapshot is not None  # only an issued invoice or a credit note has one
    known = {f.name for f in fields(InvoiceDocument)}
    data = {key: value for key, value in invoice.snapshot.items() if key in known}
    data["lines"] = [LineView(**{**line, "worked_on": date.fromisoformat(line["worked_on"])}) for line in data["lines"]]
    data["subtotals"] = [SubtotalView(**item) for item in data["subtotals"]]
    data["payee"] = PayeeView(**data["payee"]) if data.get("payee") else None
    for name in ("issued_on", "due_on", "paid_on", "voided_on"):
        data[name] = date.fromisoformat(data[name]) if data.get(name) else None
    return InvoiceDocument(**data)


def _snapshot(document: InvoiceDocument) -> dict[str, Any]:
    """Every printed figure as plain JSON values, for the snapshot column."""
    from coopprogram.exporters.json import plain

    frozen = replace(document, payments=[], paid_cents=0, changes="")
    return plain(_as_dict(frozen))


def _as_dict(value: Any) -> Any:
    """What `dataclasses.asdict` gives, without its deep copy of every value (thousands of lines)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {item.name: _as_dict(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, list | tuple):
        return type(value)(_as_dict(item) for item in value)
    if isinstance(value, dict):
        return {key: _as_dict(item) for key, item in value.items()}
    return value


def document(db: Session, reference: str) -> InvoiceDocument:
    invoice = get_invoice(db, reference)
    return _document(db, invoice)


def _document(db: Session, invoice: Invoice) -> InvoiceDocument:
    payments = _payments(db, invoice.id)
    paid = sum(p.amount_cents for p in payments if p.undone_on is None)
    if not invoice.snapshot:
        return replace(_live_document(db, invoice), payments=payments, paid_cents=paid)
    credited_by = db.exec(select(Invoice.number).where(Invoice.credit_for_id == invoice.id)).first()
    # The figures are frozen; only what happened since (payments, void) is read live.
    return replace(
        _from_snapshot(invoice),
        status=invoice.status,
        paid_on=invoice.paid_on,
        voided_on=invoice.voided_on,
        void_reason=invoice.void_reason,
        credited_by=credited_by,
        payments=payments,
        paid_cents=paid,
    )


# --- issue, pay, void ------------------------------------------------------------------------


def _check_not_future(on: date, today: date, *, what: str) -> None:
    if on > today:
        raise InvalidInput(f"{on} is in the future (today is {today}); {what} on or before today.")


def _next_number(db: Session, program: Program, on: date) -> tuple[int, str]:
    # Numbers come from one running sequence: on a server the program's row is locked so that
    # two clients issuing at once take turns and no number is given twice or skipped.
    db.exec(select(Program.id).where(Program.id == program.id).with_for_update()).one()
    last = db.exec(  # columns: the invoice's frozen document (thousands of lines) is not needed here
        select(Invoice.sequence, Invoice.number, Invoice.issued_on)
        .where(Invoice.sequence.is_not(None))
        .order_by(Invoice.sequence.desc())
        .limit(1)
    ).first()
    # A later number never carries an earlier date, so the books read in order either way.
    if last is not None and on < last.issued_on:
        raise InvalidInput(
            f"{last.number} was issued on {last.issued_on}; a later number cannot be dated before it. "
            f"Give --on {last.issued_on} or later."
        )
    sequence = (last.sequence if last else 0) + 1
    return sequence, program.invoice_pattern.format(prefix=program.short_name, year=on.year, seq=sequence)


def issue_invoice(db: Session, *, reference: str, on: date, today: date) -> InvoiceDocument:
    """Number a draft exactly as it stands (as `show` printed it). A draft whose entries or
    rates changed since it was drafted is refused, saying how, until it is drafted again."""
    invoice = get_invoice(db, reference, lock=True)
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(f"Invoice {invoice.number} was already issued on {invoice.issued_on}.")
    lock_contract(db, invoice.contract_id)
    changes = draft_changes(db, invoice)
    if changes:
        raise Conflict(
            f"Draft {invoice.id} changed since it was drafted ({changes}); nothing was issued. Draft it again with "
            f"`coop invoices draft {invoice.period}`, check it with `coop invoices show {invoice.id}`, then issue it."
        )
    if not invoice.total_minutes:
        raise InvalidInput(f"Draft {invoice.id} has no hours left to bill; nothing was issued.")
    _, end = month_bounds(invoice.period)
    if on < end:
        raise InvalidInput(
            f"An invoice for {invoice.period} can be issued from {end} on, once the month's work is done."
        )
    _check_not_future(on, today, what="issue it")
    program = get_program(db)
    invoice.sequence, invoice.number = _next_number(db, program, on)
    invoice.status, invoice.issued_on = InvoiceStatus.ISSUED.value, on
    invoice.due_on = on + timedelta(days=program.payment_days)
    db.add(invoice)
    db.flush()
    invoice.snapshot = _snapshot(_live_document(db, invoice))
    db.add(invoice)
    db.flush()
    return _document(db, invoice)


# --- payments --------------------------------------------------------------------------------


def _payments(db: Session, invoice_id: int) -> list[PaymentView]:
    rows = db.exec(
        select(Payment, Invoice.number)
        .join(Invoice, Payment.invoice_id == Invoice.id)
        .where(Payment.invoice_id == invoice_id)
        .order_by(Payment.paid_on, Payment.id)
    ).all()
    return [_payment_view(row, number) for row, number in rows]


def _payment_view(row: Payment, number: str | None) -> PaymentView:
    return PaymentView(row.id, number or "", row.paid_on, row.amount_cents, row.note, row.undone_on, row.undo_reason)


def paid_through(db: Session, *, day: date | None = None, invoice_ids: list[int] | None = None) -> dict[int, int]:
    """What was paid on each invoice up to the end of `day` (every day when None), in cents, by
    invoice id. A payment undone as a mistake never counts. The one rule as-of views use."""
    query = select(Payment.invoice_id, func.sum(Payment.amount_cents)).where(Payment.undone_on.is_(None))
    if day is not None:
        query = query.where(Payment.paid_on <= day)
    if invoice_ids is not None:
        query = query.where(Payment.invoice_id.in_(invoice_ids))
    return {invoice_id: int(cents) for invoice_id, cents in db.exec(query.group_by(Payment.invoice_id)).all()}


def pay_invoice(
    db: Session, *, reference: str, on: date, today: date, amount_cents: int | None = None, note: str = ""
) -> tuple[InvoiceDocument, PaymentView]:
    """Record money received on an issued invoice: the whole balance, or part of it. Paid in
    full, the invoice is `paid` on the day of the payment that settled it."""
    invoice = get_invoice(db, reference, lock=True)
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise InvalidInput(f"{invoice.number} is a credit note; it is not paid.")
    if invoice.status != InvoiceStatus.ISSUED:
        state = {
            "draft": "still a draft: issue it first",
            "paid": f"already paid in full on {invoice.paid_on}",
            "void": "void",
        }[invoice.status]
        raise Conflict(f"Invoice {invoice.number or invoice.id} is {state}.")
    if on < invoice.issued_on:
        raise InvalidInput(
            f"Invoice {invoice.number} was issued on {invoice.issued_on}; it cannot be paid before that."
        )
    _check_not_future(on, today, what="record a payment once it is received")
    paid = paid_through(db, invoice_ids=[invoice.id]).get(invoice.id, 0)
    balance = invoice.total_cents - paid
    amount = balance if amount_cents is None else amount_cents
    if amount <= 0:
        raise InvalidInput("A payment is more than $0.00; give the amount received with --amount.")
    if amount > balance:
        raise InvalidInput(
            f"{format_money(amount)} is more than the balance due on {invoice.number}, {format_money(balance)}; "
            "record at most the balance."
        )
    payment = Payment(
        invoice_id=invoice.id,
        amount_cents=amount,
        paid_on=on,
        note=clean_text(note, what="note", required=False, limit=200),
    )
    db.add(payment)
    db.flush()
    _settle(db, invoice)
    return _document(db, invoice), _payment_view(payment, invoice.number)


def _settle(db: Session, invoice: Invoice) -> None:
    """The invoice's status and paid_on from its payments: paid in full on the latest payment's day."""
    live = [p for p in _payments(db, invoice.id) if p.undone_on is None]
    if sum(p.amount_cents for p in live) >= invoice.total_cents:
        invoice.status, invoice.paid_on = InvoiceStatus.PAID.value, max(p.paid_on for p in live)
    else:
        invoice.status, invoice.paid_on = InvoiceStatus.ISSUED.value, None
    db.add(invoice)
    db.flush()


def undo_payment(
    db: Session, *, reference: str, reason: str, on: date, today: date, payment_id: int | None = None
) -> tuple[InvoiceDocument, PaymentView]:
    """Undo a payment recorded by mistake (the latest, or the one named): it stays on record
    as undone, with the day and the reason, and the balance is due again."""
    invoice = get_invoice(db, reference, lock=True)
    reason = clean_text(reason, what="reason", limit=500)
    _check_not_future(on, today, what="undo it")
    live = [p for p in _payments(db, invoice.id) if p.undone_on is None]
    if not live:
        raise Conflict(f"No payment is recorded on {reference_of(invoice)}; nothing to undo.")
    if payment_id is None:
        target = max(live, key=lambda p: p.id)
    else:
        matches = [p for p in live if p.id == payment_id]
        if not matches:
            known = ", ".join(str(p.id) for p in live)
            raise NotFound(
                f"Payment {payment_id} is not a standing payment on {invoice.number}; its payments are {known}."
            )
        target = matches[0]
    row = db.get(Payment, target.id)
    row.undone_on, row.undo_reason = on, reason
    db.add(row)
    db.flush()
    _settle(db, invoice)
    return _document(db, invoice), _payment_view(row, invoice.number)


def payments_received(db: Session, *, year: int) -> PaymentsReport:
    rows = db.exec(
        select(Payment, Invoice.number)
        .join(Invoice, Payment.invoice_id == Invoice.id)
        .where(Payment.undone_on.is_(None), Payment.paid_on >= date(year, 1, 1), Payment.paid_on <= date(year, 12, 31))
        .order_by(Payment.paid_on, Payment.id)
    ).all()
    return PaymentsReport(year=year, payments=[_payment_view(row, number) for row, number in rows])


# --- void ------------------------------------------------------------------------------------


def is_draft(db: Session, reference: str) -> bool:
    """Whether REF names a draft (which `coop invoices void` discards rather than voids)."""
    return get_invoice(db, reference).status == InvoiceStatus.DRAFT


def discard_draft(db: Session, *, reference: str) -> None:
    """Delete a draft: it has no number yet, so nothing is kept; its hours are unbilled again."""
    invoice = get_invoice(db, reference, lock=True)
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(
            f"Invoice {invoice.number} is {invoice.status}, not a draft: void it instead (it keeps its number)."
        )
    clear_draft(db, invoice)
    db.delete(invoice)
    db.flush()


def void_invoice(
    db: Session, *, reference: str, reason: str, on: date, today: date
) -> tuple[InvoiceDocument, InvoiceDocument]:
    """Void an issued invoice: it keeps its number, a credit note cancels it, its hours are free again.

    An invoice with money received is refused: the payment would be lost. A draft is refused
    too (discard_draft deletes one). Returns the voided invoice and its credit note.
    """
    invoice = get_invoice(db, reference, lock=True)
    reason = clean_text(reason, what="reason", limit=500)
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise Conflict(f"{invoice.number} is a credit note; it cannot be voided.")
    if invoice.status == InvoiceStatus.VOID:
        raise Conflict(f"Invoice {invoice.number} was already voided on {invoice.voided_on}.")
    if invoice.status == InvoiceStatus.DRAFT:
        raise Conflict(f"Draft {reference} has no number to void: discard it instead.")
    received = [p for p in _payments(db, invoice.id) if p.undone_on is None]
    if received:
        listed = ", ".join(f"{format_money(p.amount_cents)} on {p.paid_on}" for p in received)
        raise Conflict(
            f"Invoice {invoice.number} has payments recorded ({listed}); voiding it would lose them. If a payment was "
            f"recorded by mistake, undo it first (`coop invoices unpay {invoice.number} --reason TEXT`); if the money "
            "was received, keep the invoice and settle any difference on the next one."
        )
    if on < invoice.issued_on:
        raise InvalidInput(
            f"Invoice {invoice.number} was issued on {invoice.issued_on}; it cannot be voided before that."
        )
    _check_not_future(on, today, what="void it")
    original = _document(db, invoice)
    program = get_program(db)
    sequence, number = _next_number(db, program, on)
    _release_entries(db, invoice)
    invoice.status, invoice.voided_on, invoice.void_reason = InvoiceStatus.VOID.value, on, reason
    db.add(invoice)
    credit = Invoice(
        contract_id=invoice.contract_id,
        kind=InvoiceKind.CREDIT_NOTE.value,
        period=invoice.period,
        status=InvoiceStatus.ISSUED.value,
        sequence=sequence,
        number=number,
        credit_for_id=invoice.id,
        total_cents=-invoice.total_cents,
        total_minutes=-invoice.total_minutes,
        issued_on=on,
        due_on=on,
    )
    db.add(credit)
    db.flush()
    credit_lines = [replace(line, minutes=-line.minutes, amount_cents=-line.amount_cents) for line in original.lines]
    for position, line in enumerate(credit_lines, start=1):
        db.add(InvoiceLine(invoice_id=credit.id, position=position, **asdict(line)))
    credit.snapshot = _snapshot(
        replace(
            original,
            id=credit.id,
            reference=number,
            number=number,
            kind=credit.kind,
            status=credit.status,
            lines=credit_lines,
            subtotals=subtotals(credit_lines),
            total_minutes=credit.total_minutes,
            total_cents=credit.total_cents,
            issued_on=on,
            due_on=on,
            paid_on=None,
            credit_for=invoice.number,
            void_reason=reason,
        )
    )
    db.add(credit)
    db.flush()
    return _document(db, invoice), _document(db, credit)


def list_invoices(db: Session, *, today: date) -> list[InvoiceSummary]:
    """Invoices and credit notes as they stood at the end of `today` (see services.as_of)."""
    zone = get_program(db).timezone
    # Not the snapshot, nor the columns stored after it: SQLite would walk every invoice's frozen
    # lines to reach them. A draft's created_at (which dates it) is read when needed.
    rows = db.exec(
        select(Invoice).options(*LIGHT).order_by(Invoice.sequence.is_(None), Invoice.sequence, Invoice.id)
    ).all()
    paid = paid_through(db, day=today)
    return [
        found
        for row in rows
        if (found := summary(row, today=today, zone=zone, paid_cents=paid.get(row.id, 0))) is not None
    ]


def summary(invoice: Invoice, *, today: date, zone: str, paid_cents: int = 0) -> InvoiceSummary | None:
    """One line of an invoice list as of `today` (`paid_cents`: received by then), or None if it did
    not exist yet; overdue: an invoice issued and not paid in full past its due date."""
    status = invoice_status(invoice, today, zone)
    if status is None:
        return None
    return InvoiceSummary(
        reference=reference_of(invoice) if status != InvoiceStatus.DRAFT else f"draft {invoice.id}",
        kind=invoice.kind,
        status=status,
        period=invoice.period,
        total_minutes=invoice.total_minutes,
        total_cents=invoice.total_cents,
        issued_on=invoice.issued_on if status != InvoiceStatus.DRAFT else None,
        due_on=invoice.due_on if status != InvoiceStatus.DRAFT else None,
        paid_on=invoice.paid_on if status == InvoiceStatus.PAID else None,
        overdue=status == InvoiceStatus.ISSUED
        and invoice.kind == InvoiceKind.INVOICE
        and invoice.due_on is not None
        and invoice.due_on < today,
        paid_cents=paid_cents,
    )
