"""The consultant's time: logging against the contract of the day's phase (the cap checked
in the same transaction), listing, editing, removing, and summaries.

An entry on an issued or paid invoice is locked; one on a draft can change, and the draft
is rebuilt with it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import defer
from sqlmodel import Session, func, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Category, Contract, Coop, Invoice, InvoiceStatus, Milestone, Phase, ProgramSession, SessionKind, TimeEntry
from coopprogram.services.categories import categories_for_phase, category_for_entry
from coopprogram.services.contracts import check_cap, contract_on, lock_contract
from coopprogram.services.coops import get_coop
from coopprogram.services.invoices import clear_draft, rebuild_draft, reference_of
from coopprogram.services.sessions import get_session
from coopprogram.services.text import clean_text
from coopprogram.units import utc_now

SUMMARY_KEYS = ("category", "month", "phase")


@dataclass(frozen=True)
class EntryView:
    id: int
    worked_on: date
    minutes: int
    description: str
    category: str
    billable: bool
    phase_number: int
    coop: str | None
    milestone_id: int | None
    session_id: int | None
    invoice: str | None  # the number, or "draft N"
    locked: bool


@dataclass(frozen=True)
class LogResult:
    entry: EntryView
    warnings: list[str]


@dataclass(frozen=True)
class SummaryRow:
    key: str
    minutes: int
    billable_minutes: int
    entries: int


def _is_locked(invoice: Invoice | None) -> bool:
    return invoice is not None and invoice.status in (InvoiceStatus.ISSUED, InvoiceStatus.PAID)


def _category_slugs(db: Session) -> dict[int, str]:
    return {c.id: c.slug for c in db.exec(select(Category)).all()}


def _phase_of_contract(db: Session) -> dict[int, int]:
    """Each contract's phase number."""
    return dict(db.exec(select(Contract.id, Phase.number).join(Phase, Contract.phase_id == Phase.id)).all())


def _views(db: Session, entries: list[TimeEntry]) -> list[EntryView]:
    categories = _category_slugs(db)
    coops = {c.id: c.slug for c in db.exec(select(Coop)).all()}
    contract_phase = _phase_of_contract(db)
    invoice_ids = {e.invoice_id for e in entries if e.invoice_id}
    invoices = {i.id: i for i in db.exec(select(Invoice).options(defer(Invoice.snapshot)).where(Invoice.id.in_(invoice_ids))).all()} if invoice_ids else {}
    return [
        EntryView(
            id=e.id,
            worked_on=e.worked_on,
            minutes=e.minutes,
            description=e.description,
            category=categories[e.category_id],
            billable=e.billable,
            phase_number=contract_phase[e.contract_id],
            coop=coops.get(e.coop_id),
            milestone_id=e.milestone_id,
            session_id=e.session_id,
            invoice=reference_of(invoices[e.invoice_id]) if e.invoice_id else None,
            locked=_is_locked(invoices.get(e.invoice_id)),
        )
        for e in entries
    ]


def _check_day(on: date, today: date) -> None:
    if on > today:
        raise InvalidInput(f"{on} is in the future; log time once it is worked.")


def _check_milestone(db: Session, milestone_id: int | None) -> None:
    if milestone_id is not None and db.get(Milestone, milestone_id) is None:
        raise NotFound(f"There is no milestone {milestone_id}. `coop milestones list` shows their numbers.")


def log_time(
    db: Session,
    *,
    minutes: int,
    description: str,
    on: date,
    today: date,
    category: str | None = None,
    coop: str | None = None,
    milestone_id: int | None = None,
    session_id: int | None = None,
    billable: bool = True,
) -> LogResult:
    _check_day(on, today)
    contract, phase = contract_on(db, on)
    session = get_session(db, session_id) if session_id is not None else None
    chosen = category_for_entry(db, phase=phase, slug=category or _session_category(db, session, phase))
    _check_milestone(db, milestone_id)
    coop_id = get_coop(db, coop).id if coop else None
    warnings = check_cap(db, contract, phase, adding=minutes) if billable else []
    entry = TimeEntry(
        contract_id=contract.id,
        worked_on=on,
        minutes=minutes,
        description=clean_text(description, what="description", limit=500),
        category_id=chosen.id,
        billable=billable,
        coop_id=coop_id,
        milestone_id=milestone_id,
        session_id=session_id,
    )
    db.add(entry)
    db.flush()
    return LogResult(entry=_views(db, [entry])[0], warnings=warnings)


def _session_category(db: Session, session: ProgramSession | None, phase: Phase) -> str | None:
    """The category of the linked session's kind, when that category is used in the phase."""
    if session is None:
        return None
    kind = db.get(SessionKind, session.kind_id)
    usable = {category.slug for category in categories_for_phase(db, phase)}
    return kind.category_slug if kind.category_slug in usable else None


def _get_unlocked(db: Session, entry_id: int) -> TimeEntry:
    """The entry, read afresh once its contract (and its draft) are locked, in the one lock order
    (see contracts.lock_contract): an edit and a removal on one draft, or an edit racing the
    draft's issue, take turns instead of deadlocking or billing an entry that is gone."""
    entry = db.get(TimeEntry, entry_id)
    invoice = None
    if entry is not None:
        lock_contract(db, entry.contract_id)  # every writer of entries and drafts holds it first
        entry = db.exec(_fresh(TimeEntry, entry_id)).first()
        invoice = db.exec(_fresh(Invoice, entry.invoice_id)).first() if entry is not None and entry.invoice_id else None
    if entry is None:
        raise NotFound(f"There is no time entry {entry_id}. `coop hours list` shows their numbers.")
    if _is_locked(invoice):
        raise Conflict(
            f"Entry {entry_id} is billed on invoice {invoice.number} ({invoice.status}); it cannot change. "
            f"Void the invoice first (`coop invoices void {invoice.number} --reason TEXT`)."
        )
    return entry


def _fresh(model, row_id: int):  # noqa: ANN001, ANN202
    """A row read again from the database (not from what this command read before), locked."""
    return select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)


def edit_entry(
    db: Session,
    *,
    entry_id: int,
    today: date,
    minutes: int | None = None,
    description: str | None = None,
    on: date | None = None,
    category: str | None = None,
    session_id: int | None = None,
    billable: bool | None = None,
) -> LogResult:
    entry = _get_unlocked(db, entry_id)
    if all(value is None for value in (minutes, description, on, category, session_id, billable)):
        raise InvalidInput("Nothing to change: give --hours, --description, --date, --category, --session or --billable.")
    old_contract, old_billable, old_minutes = entry.contract_id, entry.billable, entry.minutes
    new_on = on or entry.worked_on
    _check_day(new_on, today)
    contract, phase = contract_on(db, new_on)
    if category is not None or contract.id != old_contract:
        current_slug = db.get(Category, entry.category_id).slug
        entry.category_id = category_for_entry(db, phase=phase, slug=category or current_slug).id
    new_minutes = minutes if minutes is not None else entry.minutes
    new_billable = billable if billable is not None else entry.billable
    # Count by difference: the entry's old minutes no longer weigh on the cap once it changes.
    counted_before = old_minutes if old_billable and old_contract == contract.id else 0
    warnings = check_cap(db, contract, phase, adding=(new_minutes if new_billable else 0) - counted_before)
    entry.contract_id, entry.worked_on, entry.minutes, entry.billable = contract.id, new_on, new_minutes, new_billable
    if description is not None:
        entry.description = clean_text(description, what="description", limit=500)
    if session_id is not None:
        entry.session_id = get_session(db, session_id).id
    entry.updated_at = utc_now()
    db.add(entry)
    db.flush()
    _refresh_draft_of(db, entry)
    return LogResult(entry=_views(db, [entry])[0], warnings=warnings)


def remove_entry(db: Session, *, entry_id: int) -> EntryView:
    entry = _get_unlocked(db, entry_id)
    view = _views(db, [entry])[0]
    draft = db.get(Invoice, entry.invoice_id) if entry.invoice_id else None
    if draft is not None:
        clear_draft(db, draft)  # its lines point at the entry: they go first
    db.delete(entry)
    db.flush()
    if draft is not None:
        rebuild_draft(db, draft)
    return view


def _refresh_draft_of(db: Session, entry: TimeEntry) -> None:
    if entry.invoice_id:
        rebuild_draft(db, db.get(Invoice, entry.invoice_id))


def list_entries(db: Session, *, start: date | None = None, end: date | None = None) -> list[EntryView]:
    query = select(TimeEntry).order_by(TimeEntry.worked_on, TimeEntry.id)
    if start is not None:
        query = query.where(TimeEntry.worked_on >= start)
    if end is not None:
        query = query.where(TimeEntry.worked_on <= end)
    return _views(db, list(db.exec(query).all()))


@dataclass(frozen=True)
class DayTotal:
    """The minutes logged on one day, in one category, under one phase, billable or not."""

    worked_on: date
    category: str
    phase_number: int
    billable: bool
    minutes: int
    entries: int


def daily_totals(db: Session, *, start: date | None = None, end: date | None = None) -> list[DayTotal]:
    """Hours summed by the database, one row per day and kind: a few thousand rows for years
    of work, where listing the entries would build a view for every one of them."""
    query = select(
        TimeEntry.worked_on, TimeEntry.category_id, TimeEntry.contract_id, TimeEntry.billable,
        func.sum(TimeEntry.minutes), func.count(TimeEntry.id),
    ).group_by(TimeEntry.worked_on, TimeEntry.category_id, TimeEntry.contract_id, TimeEntry.billable)
    if start is not None:
        query = query.where(TimeEntry.worked_on >= start)
    if end is not None:
        query = query.where(TimeEntry.worked_on <= end)
    categories = _category_slugs(db)
    contract_phase = _phase_of_contract(db)
    rows = db.exec(query.order_by(TimeEntry.worked_on)).all()
    return [DayTotal(day, categories[category], contract_phase[contract], billable, int(minutes), int(count))
            for day, category, contract, billable, minutes, count in rows]


def summarize(totals: list[DayTotal], *, by: str) -> list[SummaryRow]:
    if by not in SUMMARY_KEYS:
        raise InvalidInput(f"'{by}' is not a way to group hours: use one of {', '.join(SUMMARY_KEYS)}.")
    grouped: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for total in totals:
        key = {"category": total.category, "month": total.worked_on.strftime("%Y-%m"), "phase": f"Phase {total.phase_number}"}[by]
        grouped[key][0] += total.minutes
        grouped[key][1] += total.minutes if total.billable else 0
        grouped[key][2] += total.entries
    return [SummaryRow(key, *values) for key, values in sorted(grouped.items())]
