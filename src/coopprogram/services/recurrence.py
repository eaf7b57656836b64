"""Expanding a recurrence rule (dateutil's) within bounds: at most a given number of instants,
taken lazily, and a budget of processor time, so a rule that yields millions of instants, or
none before the year 9999 (February 30th), is refused in a moment instead of holding the database.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING

from coopprogram.errors import InvalidInput

if TYPE_CHECKING:
    from types import FrameType
    from typing import NoReturn

# Processor seconds a rule may take to expand; a real meeting rule takes milliseconds, a rule
# that never matches keeps dateutil busy for up to a minute. Processor time, not wall time:
# a busy machine does not make a sound rule fail.
CPU_BUDGET_SECONDS = 0.5
_SUB_DAILY = re.compile(r"FREQ=(SECONDLY|MINUTELY|HOURLY)\b|BY(HOUR|MINUTE|SECOND)=", re.IGNORECASE)


class _OverBudget(Exception):
    pass


def refuse_sub_daily(rule_text: str, *, what: str) -> None:
    """Meetings repeat by the day at most; hourly or minutely rules only make millions of instants."""
    if _SUB_DAILY.search(rule_text):
        raise InvalidInput(f"{what} repeats more than once a day; use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")


@contextmanager
def cpu_budget(message: str, seconds: float = CPU_BUDGET_SECONDS) -> Iterator[None]:
    """Refuse with `message` (InvalidInput) when the block uses more than `seconds` of processor
    time. Timers are the main thread's: elsewhere the instant limit alone bounds the work."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(_signum: int, _frame: FrameType | None) -> NoReturn:
        raise _OverBudget

    previous = signal.signal(signal.SIGVTALRM, stop)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    except _OverBudget:
        raise InvalidInput(message) from None
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def occurrences_until(instants: Iterable[datetime], until: datetime, *, limit: int) -> list[datetime]:
    """The instants up to `until`, at most `limit` + 1 of them (one more says "too many")."""
    found = []
    for instant in islice(instants, limit + 1):
        if instant > until:
            break
        found.append(instant)
    return found
