"""Strict parsing and formatting of hours, money, dates and months.

Never guesses: a value is either in one of the documented forms or refused with a
ValueError whose message says which forms are accepted. Time is whole minutes, money
whole cents; Decimal with ROUND_HALF_UP wherever a fraction must be rounded.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_ENTRY_MINUTES = 24 * 60
# The one range of days the program works with (a phase, a session, an invoice, --as-of...):
# every date a person types passes `check_supported`, so nothing later meets a year 0 or 9999.
FIRST_SUPPORTED_DAY = date(2000, 1, 1)
LAST_SUPPORTED_DAY = date(2099, 12, 31)
MAX_NUMBER = 2_147_483_647  # the largest whole number a database column holds on every server
HOURS_FORMS = "2.5, 2,5, 2:30, 2h30, 2.5h, 2h, 45m or 45 min"
DATE_FORMS = "YYYY-MM-DD, today or yesterday"

_DECIMAL = re.compile(r"^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$")
_CLOCK = re.compile(r"^([0-9]+):([0-5][0-9])$")
_HOUR_WORDS = "(?:h|hr|hrs|hour|hours)"
_MINUTE_WORDS = "(?:m|min|mins|minute|minutes)"
# 2h, 2.5h, 2h30, 2h30m, 2 hours 30 min; minutes after hours run 0-59, and a fraction of an hour
# is not followed by minutes (1.5h30 says two things at once).
_HOURS_AND_MINUTES = re.compile(
    rf"^([0-9]+){_HOUR_WORDS}(?:([0-9]+){_MINUTE_WORDS}?)?$|^([0-9]*\.[0-9]+){_HOUR_WORDS}$"
)
_MINUTES = re.compile(rf"^([0-9]+){_MINUTE_WORDS}$")
# A decimal comma (1,5) as many locales write it: one or two decimals only, so that 1,500 (a
# thousands separator?) stays refused as ambiguous.
_DECIMAL_COMMA = re.compile(r"^([0-9]+),([0-9]{1,2})(?![0-9])")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_LOCAL_DATETIME = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{2}):([0-9]{2})$")
_MONEY = re.compile(r"^\$?([0-9]{1,7})(?:\.([0-9]{1,2}))?$")


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _duration_minutes(text: str) -> int:
    """Minutes in a duration written in one of HOURS_FORMS (ASCII digits only)."""
    raw = _DECIMAL_COMMA.sub(r"\1.\2", text.strip().lower().replace(" ", ""))
    if not raw.isascii():
        raise ValueError(f"'{text}' is not a duration: use {HOURS_FORMS}")
    if _DECIMAL.match(raw):
        try:
            return round_half_up(Decimal(raw) * 60)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            raise ValueError(f"'{text}' is not a duration: use {HOURS_FORMS}") from None
    if clock := _CLOCK.match(raw):
        return int(clock[1]) * 60 + int(clock[2])
    if minutes := _MINUTES.match(raw):
        return int(minutes[1])
    if parts := _HOURS_AND_MINUTES.match(raw):
        if parts[3] is not None:
            return round_half_up(Decimal(parts[3]) * 60)
        if parts[2] is not None and int(parts[2]) > 59:
            raise ValueError(
                f"'{text}' has {parts[2]} minutes after the hours: write them as hours, e.g. {int(parts[1]) + int(parts[2]) // 60}h{int(parts[2]) % 60:02d}"
            )
        return int(parts[1]) * 60 + int(parts[2] or 0)
    raise ValueError(f"'{text}' is not a duration: use {HOURS_FORMS}")


def parse_hours(text: str, *, maximum: int = MAX_ENTRY_MINUTES) -> int:
    """Minutes worked, more than zero and at most `maximum` (24 hours for one entry)."""
    if text.strip().startswith("-"):
        raise ValueError(f"'{text}' is negative: give the time worked, more than zero ({HOURS_FORMS})")
    minutes = _duration_minutes(text)
    if minutes <= 0:
        raise ValueError(f"'{text}' is no time at all: give more than zero ({HOURS_FORMS})")
    if minutes > maximum:
        minutes_hint = (
            f" (for minutes, write {text.strip()}m)" if text.strip().isdigit() and int(text) <= maximum else ""
        )
        raise ValueError(f"'{text}' is more than {format_minutes(maximum)} hours{minutes_hint}")
    return minutes


def parse_cap(text: str) -> int:
    """An hour cap in minutes: a whole contract's worth, so no 24-hour limit."""
    return parse_hours(text, maximum=10_000 * 60)


def check_supported(day: date) -> date:
    """The day itself, when inside the supported range; else a ValueError saying the range."""
    if not FIRST_SUPPORTED_DAY <= day <= LAST_SUPPORTED_DAY:
        raise ValueError(
            f"{day.isoformat()} is outside the dates coop works with ({FIRST_SUPPORTED_DAY.year} to {LAST_SUPPORTED_DAY.year}); give a day in that range"
        )
    return day


def parse_date(text: str, *, today: date | None = None) -> date:
    raw = text.strip().lower()
    today = today or date.today()
    if raw == "today":
        return check_supported(today)
    if raw == "yesterday":
        return check_supported(today - timedelta(days=1))
    match = _ISO_DATE.match(raw)
    if not match:
        raise ValueError(f"'{text}' is not a date: use {DATE_FORMS}")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"'{text}' is not a day of the calendar") from None
    return check_supported(day)


_CLOCK_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")


def parse_clock(text: str) -> time:
    """A time of day `HH:MM` (24-hour), as --from, --to and --at take it."""
    match = _CLOCK_TIME.match(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"'{text}' is not a time of day: use HH:MM (24-hour), e.g. 14:00 or 09:30")
    return time(int(match[1]), int(match[2]))


def parse_moment(text: str) -> time | datetime:
    """`HH:MM` (a time today) or `YYYY-MM-DD HH:MM` (a time on that day)."""
    if _CLOCK_TIME.match(text.strip()):
        return parse_clock(text)
    try:
        return parse_local_datetime(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a time: use HH:MM (today) or \"YYYY-MM-DD HH:MM\"") from None


def parse_local_datetime(text: str) -> datetime:
    """A wall-clock time `YYYY-MM-DD HH:MM` (24-hour), without a time zone."""
    match = _LOCAL_DATETIME.match(text.strip())
    if not match:
        raise ValueError(f'\'{text}\' is not a start time: use "YYYY-MM-DD HH:MM" (24-hour), e.g. "2021-11-04 18:00"')
    day = parse_date(match[1])
    hour, minute = int(match[2]), int(match[3])
    if hour > 23 or minute > 59:
        raise ValueError(f"'{text}' is not a time of day: hours run 00-23, minutes 00-59")
    return datetime(day.year, day.month, day.day, hour, minute)


def local_to_utc(local: datetime, zone: str) -> datetime:
    """The UTC instant of a wall-clock time in `zone`; refused when the clocks skip it or show it twice."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    early, late = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early.astimezone(UTC)
    stamp = local.strftime("%Y-%m-%d %H:%M")
    first, second = (reading.astimezone(UTC).astimezone(tz) for reading in (early, late))
    if first.replace(tzinfo=None) != local:  # the clocks jump over this time
        readings = sorted((first, second))
        raise ValueError(
            f"{stamp} does not exist in {zone}: the clocks jump forward then. "
            f"Did you mean {readings[0]:%H:%M %Z} or {readings[1]:%H:%M %Z}? Give one of those times."
        )
    raise ValueError(
        f"{stamp} happens twice in {zone}: the clocks fall back then, so it could be "
        f"{early:%H:%M %Z} (UTC{early:%z}) or {late:%H:%M %Z} (UTC{late:%z}). Choose a time outside that hour."
    )


def utc_to_local(instant: datetime, zone: str) -> datetime:
    """The wall-clock time in `zone` of a UTC instant, without its time zone."""
    from zoneinfo import ZoneInfo

    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def parse_month(text: str) -> tuple[int, int]:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"'{text}' is not a month: use YYYY-MM, e.g. 2021-11")
    if not FIRST_SUPPORTED_DAY.year <= int(match[1]) <= LAST_SUPPORTED_DAY.year:
        raise ValueError(
            f"'{text}' is outside the dates coop works with ({FIRST_SUPPORTED_DAY.year} to {LAST_SUPPORTED_DAY.year})"
        )
    return int(match[1]), int(match[2])


def month_bounds(text: str) -> tuple[date, date]:
    """The first and last day of a month given as YYYY-MM."""
    import calendar

    year, month = parse_month(text)
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_money(text: str) -> int:
    """Cents from `65`, `65.5`, `$65.50`; no negative amounts, no thousands separators."""
    match = _MONEY.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not an amount in dollars: use e.g. 65 or 62.50")
    cents = (match[2] or "0").ljust(2, "0")
    return int(match[1]) * 100 + int(cents)


def parse_count(text: str, *, what: str = "number") -> int:
    """A whole number from 0 to MAX_NUMBER (ids, positions, minutes, headcounts)."""
    raw = text.strip()
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"'{text}' is not a whole {what} (0 or more, digits only)")
    if len(raw) > len(str(MAX_NUMBER)) or int(raw) > MAX_NUMBER:
        raise ValueError(f"'{text}' is too large: no {what} here is above {MAX_NUMBER:,}")
    return int(raw)


def amount_cents(minutes: int, rate_cents: int) -> int:
    """What `minutes` of work cost at an hourly rate: rounded half up to the cent."""
    return round_half_up(Decimal(minutes) * Decimal(rate_cents) / 60)


BILLING_INCREMENTS = (3, 6, 12, 15, 30, 60)


def billed_minutes(minutes: int, increment: int) -> int:
    """The minutes an entry bills: rounded to the nearest `increment` (half up), and never
    less than one increment, so no work bills as nothing."""
    steps = round_half_up(Decimal(minutes) / increment)
    return max(steps, 1) * increment


def format_minutes(minutes: int) -> str:
    """`2:30` for two and a half hours; negative amounts keep their sign."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"


def format_hours_decimal(minutes: int) -> str:
    """`2.50` hours, rounded half up to the hundredth, as invoices print them."""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}"


def format_money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


def format_pace(pace_minutes: int) -> str:
    """`8:47 h behind an even pace`: hours used against an even spread of the cap over the phase."""
    if pace_minutes == 0:
        return "on an even pace"
    return f"{format_minutes(abs(pace_minutes))} h {'ahead of' if pace_minutes > 0 else 'behind'} an even pace"


def format_percent(part: int, whole: int) -> str:
    if whole <= 0:
        return "0%"
    return f"{round_half_up(Decimal(part) * 100 / Decimal(whole))}%"


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 endorsement`, `2 endorsements`: the count with the word in the right form."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def utc_now() -> datetime:
    """The current time in UTC, as every stored timestamp is."""
    return datetime.now(UTC)
