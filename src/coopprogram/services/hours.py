"""The consultant's time: logging against the contract of the day's phase (the cap checked
in the same transaction), listing, editing, removing, and summaries.

An entry on an issued or paid invoice is locked; one on a draft can change, and the draft
is rebuilt with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.orm import defer
from sqlmodel import Session, func, select

from coopprogram.errors import Conflict, InvalidInput, NeedsConfirmation, NotFound
from coopprogram.models import (
    Category,
    Contract,
    Coop,
    Invoice,
    InvoiceStatus,
    Milestone,
    Phase,
    ProgramSession,
    SessionKind,
    TimeEntry,
)
from coopprogram.services.categories import categories_for_phase, category_for_entry
from coopprogram.services.contracts import check_cap, contract_on, lock_contract
from coopprogram.services.coops import get_coop
from coopprogram.services.invoices import clear_draft, rebuild_draft, reference_of
from coopprogram.services.sessions import get_session
from coopprogram.services.text import clean_text
from coopprogram.units import MAX_ENTRY_MINUTES, format_minutes

if TYPE_CHECKING:
    from sqlmodel.sql.expression import SelectOfScalar

SUMMARY_KEYS = ("category", "week", "month", "phase", "coop", "session")
_Row = TypeVar("_Row")


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
    starts_at: time | None = None  # the wall-clock times worked, when given
    ends_at: time | None = None

    @property
    def span(self) -> str:
        """`14:00–15:30`, or "" when the entry has no times."""
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}" if self.starts_at and self.ends_at else ""


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
    invoices = (
        {
            i.id: i
            for i in db.exec(select(Invoice).options(defer(Invoice.snapshot)).where(Invoice.id.in_(invoice_ids))).all()
        }
        if invoice_ids
        else {}
    )
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
            starts_at=e.starts_at,
            ends_at=e.ends_at,
        )
        for e in entries
    ]


def _check_day(on: date, today: date) -> None:
    if on > today:
        raise InvalidInput(f"{on} is in the future; log time once it is worked.")


def check_milestone(db: Session, milestone_id: int | None) -> None:
    if milestone_id is not None and db.get(Milestone, milestone_id) is None:
        raise NotFound(f"There is no milestone {milestone_id}. `coop milestones list` shows their numbers.")


LONG_DAY_MINUTES = 12 * 60  # billable time past this on one day needs a person to confirm it


def _minutes_of_day(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def resolve_span(
    minutes: int | None, starts_at: time | None, ends_at: time | None
) -> tuple[int, time | None, time | None]:
    """The minutes and times of an entry from what was given: HOURS, --from/--to, or HOURS with
    one end (the other follows). Times on one day only; HOURS that disagree with them are refused."""
    if starts_at is None and ends_at is None:
        if minutes is None:
            raise InvalidInput("Give the hours worked, or when you worked with --from HH:MM --to HH:MM.")
        return minutes, None, None
    if starts_at is not None and ends_at is not None:
        span = _minutes_of_day(ends_at) - _minutes_of_day(starts_at)
        if span <= 0:
            raise InvalidInput(
                f"--to {ends_at:%H:%M} is not after --from {starts_at:%H:%M}: an entry runs within one day "
                "(log time past midnight as a second entry on the next day)."
            )
        if minutes is not None and minutes != span:
            raise InvalidInput(
                f"{format_minutes(minutes)} h does not match --from {starts_at:%H:%M} --to {ends_at:%H:%M} "
                f"({format_minutes(span)} h): give the times alone, or hours that agree with them."
            )
        return span, starts_at, ends_at
    if minutes is None:
        raise InvalidInput("Give both --from and --to, or the hours worked with one of them.")
    if starts_at is not None:
        end = _minutes_of_day(starts_at) + minutes
        if end >= MAX_ENTRY_MINUTES:
            raise InvalidInput(
                f"{format_minutes(minutes)} h from {starts_at:%H:%M} runs past midnight: log the time after midnight as a second entry."
            )
        return minutes, starts_at, time(end // 60, end % 60)
    start = _minutes_of_day(ends_at) - minutes
    if start < 0:
        raise InvalidInput(
            f"{format_minutes(minutes)} h up to {ends_at:%H:%M} starts before midnight: log the time before midnight as a separate entry."
        )
    return minutes, time(start // 60, start % 60), ends_at


def day_minutes(db: Session, on: date, *, billable: bool = True) -> int:
    """The minutes logged on a day (billable ones by default), summed by the database."""
    query = select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(TimeEntry.worked_on == on)
    if billable:
        query = query.where(TimeEntry.billable.is_(True))
    return int(db.exec(query).one())


def _check_long_day(db: Session, *, on: date, adding: int, confirmed: bool) -> None:
    """Unless `confirmed`, ask (NeedsConfirmation) when `adding` billable minutes take a day past LONG_DAY_MINUTES."""
    if confirmed:
        return
    after = day_minutes(db, on) + adding
    if after > LONG_DAY_MINUTES:
        raise NeedsConfirmation(
            f"That makes {format_minutes(after)} billable hours on {on} (more than {LONG_DAY_MINUTES // 60})."
        )


def _overlaps(
    db: Session, *, on: date, starts_at: time | None, ends_at: time | None, skip: int | None = None
) -> list[str]:
    """A warning for each entry of the same day whose times overlap these."""
    if starts_at is None or ends_at is None:
        return []
    query = (
        select(TimeEntry)
        .where(
            TimeEntry.worked_on == on,
            TimeEntry.starts_at.is_not(None),
            TimeEntry.ends_at.is_not(None),
            TimeEntry.starts_at < ends_at,
            TimeEntry.ends_at > starts_at,
        )
        .order_by(TimeEntry.starts_at)
    )
    return [
        f"{starts_at:%H:%M}–{ends_at:%H:%M} overlaps entry {other.id} ({other.starts_at:%H:%M}–{other.ends_at:%H:%M}, "
        f"{other.description}) on {on}; both are kept. Fix one with `coop hours edit`."
        for other in db.exec(query).all()
        if other.id != skip
    ]


def log_time(
    db: Session,
    *,
    minutes: int | None,
    description: str,
    on: date,
    today: date,
    category: str | None = None,
    coop: str | None = None,
    milestone_id: int | None = None,
    session_id: int | None = None,
    billable: bool = True,
    starts_at: time | None = None,
    ends_at: time | None = None,
    clock_times: bool = False,
    confirmed: bool = False,
) -> LogResult:
    """Log time. `starts_at`/`ends_at` are checked against `minutes` (see resolve_span), unless
    they are `clock_times` (a timer's: the minutes are rounded to the billing step). A day past
    LONG_DAY_MINUTES billable needs `confirmed`; overlapping times are warned about."""
    if not clock_times:
        minutes, starts_at, ends_at = resolve_span(minutes, starts_at, ends_at)
    _check_day(on, today)
    contract, phase = contract_on(db, on)
    session = get_session(db, session_id) if session_id is not None else None
    chosen = category_for_entry(db, phase=phase, slug=category or _session_category(db, session, phase))
    check_milestone(db, milestone_id)
    coop_id = get_coop(db, coop).id if coop else None
    warnings = check_cap(db, contract, phase, adding=minutes) if billable else []
    if billable:
        _check_long_day(db, on=on, adding=minutes, confirmed=confirmed)
    warnings += _overlaps(db, on=on, starts_at=starts_at, ends_at=ends_at)
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
        starts_at=starts_at,
        ends_at=ends_at,
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


def _fresh(model: type[_Row], row_id: int) -> SelectOfScalar[_Row]:
    """A row read again from the database (not from what this command read before), locked."""
    return select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)


def _edited_span(
    entry: TimeEntry, minutes: int | None, starts_at: time | None, ends_at: time | None
) -> tuple[int, time | None, time | None]:
    """An edited entry's minutes and times: with one end given, the entry's other end stays and
    the hours follow (or, with --hours or no other end, the other end follows the hours); new
    hours alone keep the start."""
    length = minutes if minutes is not None else entry.minutes
    if starts_at is not None and ends_at is not None:
        return resolve_span(minutes, starts_at, ends_at)
    if starts_at is not None:
        return (
            resolve_span(None, starts_at, entry.ends_at)
            if minutes is None and entry.ends_at
            else resolve_span(length, starts_at, None)
        )
    if ends_at is not None:
        return (
            resolve_span(None, entry.starts_at, ends_at)
            if minutes is None and entry.starts_at
            else resolve_span(length, None, ends_at)
        )
    if minutes is not None and entry.starts_at is not None:
        return resolve_span(minutes, entry.starts_at, None)
    return length, entry.starts_at, entry.ends_at


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
    coop: str | None = None,
    milestone_id: int | None = None,
    starts_at: time | None = None,
    ends_at: time | None = None,
    confirmed: bool = False,
) -> LogResult:
    """Change an entry; the cap and the day's 12 billable hours (unless `confirmed`) count the difference."""
    entry = _get_unlocked(db, entry_id)
    if all(
        value is None
        for value in (minutes, description, on, category, session_id, billable, coop, milestone_id, starts_at, ends_at)
    ):
        raise InvalidInput(
            "Nothing to change: give --hours, --from, --to, --description, --date, --category, --session, --coop, --milestone or --billable."
        )
    minutes, entry.starts_at, entry.ends_at = _edited_span(entry, minutes, starts_at, ends_at)
    old_contract, old_billable, old_minutes, old_on = entry.contract_id, entry.billable, entry.minutes, entry.worked_on
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
    if new_billable:
        same_day = old_minutes if old_billable and old_on == new_on else 0
        _check_long_day(db, on=new_on, adding=new_minutes - same_day, confirmed=confirmed)
    entry.contract_id, entry.worked_on, entry.minutes, entry.billable = contract.id, new_on, new_minutes, new_billable
    if description is not None:
        entry.description = clean_text(description, what="description", limit=500)
    if session_id is not None:
        entry.session_id = get_session(db, session_id).id
    if coop is not None:
        entry.coop_id = get_coop(db, coop).id
    if milestone_id is not None:
        check_milestone(db, milestone_id)
        entry.milestone_id = milestone_id
    db.add(entry)
    db.flush()
    if starts_at is not None or ends_at is not None or on is not None:
        warnings += _overlaps(db, on=new_on, starts_at=entry.starts_at, ends_at=entry.ends_at, skip=entry.id)
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


def show_entry(db: Session, *, entry_id: int) -> EntryView:
    entry = db.get(TimeEntry, entry_id)
    if entry is None:
        raise NotFound(f"There is no time entry {entry_id}. `coop hours list` shows their numbers.")
    return _views(db, [entry])[0]


def list_entries(db: Session, *, start: date | None = None, end: date | None = None) -> list[EntryView]:
    query = select(TimeEntry).order_by(TimeEntry.worked_on, TimeEntry.id)
    if start is not None:
        query = query.where(TimeEntry.worked_on >= start)
    if end is not None:
        query = query.where(TimeEntry.worked_on <= end)
    return _views(db, list(db.exec(query).all()))


@dataclass(frozen=True)
class DayTotal:
    """The minutes logged on one day, in one category, under one phase, billable or not, for
    one co-op and one session (or none)."""

    worked_on: date
    category: str
    phase_number: int
    billable: bool
    minutes: int
    entries: int
    coop: str | None = None
    session_id: int | None = None


def daily_totals(db: Session, *, start: date | None = None, end: date | None = None) -> list[DayTotal]:
    """Hours summed by the database, one row per day and kind: a few thousand rows for years
    of work, where listing the entries would build a view for every one of them."""
    keys = (
        TimeEntry.worked_on,
        TimeEntry.category_id,
        TimeEntry.contract_id,
        TimeEntry.billable,
        TimeEntry.coop_id,
        TimeEntry.session_id,
    )
    query = select(*keys, func.sum(TimeEntry.minutes), func.count(TimeEntry.id)).group_by(*keys)
    if start is not None:
        query = query.where(TimeEntry.worked_on >= start)
    if end is not None:
        query = query.where(TimeEntry.worked_on <= end)
    categories = _category_slugs(db)
    contract_phase = _phase_of_contract(db)
    coops = dict(db.exec(select(Coop.id, Coop.slug)).all())
    rows = db.exec(query.order_by(TimeEntry.worked_on)).all()
    return [
        DayTotal(
            day,
            categories[category],
            contract_phase[contract],
            billable,
            int(minutes),
            int(count),
            coops.get(coop),
            session,
        )
        for day, category, contract, billable, coop, session, minutes, count in rows
    ]


def _group(total: DayTotal, by: str, titles: dict[int, str]) -> tuple[tuple, str]:
    """(sort key, label) of the group a day's total falls in; entries without a co-op or a
    session come last."""
    if by == "week":
        monday = total.worked_on - timedelta(days=total.worked_on.weekday())
        return (0, monday), monday.isoformat()
    if by == "coop":
        return ((0, total.coop), total.coop) if total.coop else ((1, ""), "no co-op")
    if by == "session":
        if total.session_id is None:
            return (1, 0), "no session"
        return (0, total.session_id), f"{total.session_id} {titles.get(total.session_id, '')}".strip()
    label = {
        "category": total.category,
        "month": total.worked_on.strftime("%Y-%m"),
        "phase": f"Phase {total.phase_number}",
    }[by]
    return (0, label), label


def check_summary_key(by: str) -> str:
    if by not in SUMMARY_KEYS:
        raise InvalidInput(f"'{by}' is not a way to group hours: use one of {', '.join(SUMMARY_KEYS)}.")
    return by


def summarize(totals: list[DayTotal], *, by: str, titles: dict[int, str] | None = None) -> list[SummaryRow]:
    check_summary_key(by)
    grouped: dict[tuple, list] = {}
    for total in totals:
        order, label = _group(total, by, titles or {})
        values = grouped.setdefault(order, [label, 0, 0, 0])
        values[1] += total.minutes
        values[2] += total.minutes if total.billable else 0
        values[3] += total.entries
    return [SummaryRow(*grouped[order]) for order in sorted(grouped)]


def hours_summary(db: Session, *, by: str, start: date | None = None, end: date | None = None) -> list[SummaryRow]:
    """Total hours by `by` (one of SUMMARY_KEYS) over a period, from the database's per-day sums."""
    check_summary_key(by)
    if start is not None and end is not None and end < start:
        raise InvalidInput(f"--to {end} is before --from {start}: give the period's first day, then its last.")
    totals = daily_totals(db, start=start, end=end)
    titles = {}
    if by == "session":
        ids = {t.session_id for t in totals if t.session_id is not None}
        titles = (
            dict(db.exec(select(ProgramSession.id, ProgramSession.title).where(ProgramSession.id.in_(ids))).all())
            if ids
            else {}
        )
    return summarize(totals, by=by, titles=titles)
