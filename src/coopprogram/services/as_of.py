"""The one rule behind every dated view: the program as it stood at the end of day D counts only
the facts recorded as happening on D or earlier (days are the program's local days). A record's
state on D comes from its own dates (started, done, blocked, closed, cancelled, issued, paid,
voided), never from its status today. Each rule has a Python form for records already read and,
where a query must filter, an SQL form that says the same.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import and_, or_

from coopprogram.models import Invoice, InvoiceStatus, Milestone, MilestoneStatus, ProgramSession, SessionStatus


def happened(on: date | None, day: date) -> bool:
    """A fact dated `on` is part of the program as of the end of `day`."""
    return on is not None and on <= day


def happened_by(column: Any, day: date) -> Any:
    """The SQL form of `happened` for a date column."""
    return and_(column.is_not(None), column <= day)


def not_yet(column: Any, day: date) -> Any:
    """The SQL form of `not happened`: no date, or a later one."""
    return or_(column.is_(None), column > day)


def end_of_day(day: date, zone: str) -> datetime:
    """The last instant (UTC) of a local day: what `--as-of DAY` means for things with a time of day."""
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time.max).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_day(instant: datetime, zone: str) -> date:
    """The program's local day of a UTC instant."""
    from zoneinfo import ZoneInfo

    return instant.astimezone(ZoneInfo(zone)).date()


def _latest(day: date, dated: tuple[tuple[date | None, str], ...], otherwise: str) -> str:
    """The first state (they are listed from the one that comes last) whose day has come by `day`."""
    return next((state for on, state in dated if happened(on, day)), otherwise)


def milestone_status(milestone: Milestone, day: date) -> str:
    return _latest(
        day,
        (
            (milestone.done_on, MilestoneStatus.DONE.value),
            (milestone.blocked_on, MilestoneStatus.BLOCKED.value),
            (milestone.started_on, MilestoneStatus.IN_PROGRESS.value),
        ),
        MilestoneStatus.PLANNED.value,
    )


def session_status(session: ProgramSession, day: date) -> str:
    """Cancelled or held (closed) only from the day that was recorded; planned before."""
    return _latest(
        day,
        (
            (session.cancelled_on, SessionStatus.CANCELLED.value),
            (session.held_on, SessionStatus.HELD.value),
        ),
        SessionStatus.PLANNED.value,
    )


def session_planned_clause(day: date) -> Any:
    """The SQL form of `session_status(...) == planned`."""
    return and_(not_yet(ProgramSession.cancelled_on, day), not_yet(ProgramSession.held_on, day))


def session_held_clause(day: date) -> Any:
    """The SQL form of `session_status(...) == held`."""
    return and_(not_yet(ProgramSession.cancelled_on, day), happened_by(ProgramSession.held_on, day))


def invoice_status(invoice: Invoice, day: date, zone: str) -> str | None:
    """Its status at the end of `day`, or None when it did not exist yet (a draft made later).
    Paid means paid in full (`paid_on`)."""
    if happened(invoice.issued_on, day):
        if happened(invoice.voided_on, day):
            return InvoiceStatus.VOID.value
        if happened(invoice.paid_on, day):
            return InvoiceStatus.PAID.value
        return InvoiceStatus.ISSUED.value
    # Not issued by then: a draft, if it had been made by then (drafts are dated by their making).
    if invoice.created_at is not None and happened(local_day(invoice.created_at, zone), day):
        return InvoiceStatus.DRAFT.value
    return None
