"""Repeat rules in words: "weekly", "every 2 weeks on Tuesday", "monthly on the third Thursday",
"every month on the 15th" become the RFC 5545 RRULE that python-dateutil expands; a raw RRULE
("FREQ=WEEKLY;BYDAY=TU") is passed through. Never guesses: words outside this small grammar are
refused with examples of what is understood.
"""

from __future__ import annotations

import re

EXAMPLES = (
    '"weekly", "every 2 weeks on Tuesday", "monthly on the third Thursday", "every month on the 15th" or an RRULE'
)

_FREQUENCIES = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
_ADVERBS = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "biweekly": "WEEKLY;INTERVAL=2",
    "fortnightly": "WEEKLY;INTERVAL=2",
    "monthly": "MONTHLY",
    "yearly": "YEARLY",
    "annually": "YEARLY",
}
_DAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}
_NUMBERS = {"other": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

_EVERY = re.compile(r"^every (?:(\d+|other|two|three|four|five|six) )?(day|week|month|year)s?$")
_MONTH_DAY = re.compile(r"^(?:the )?(\d{1,2})(?:st|nd|rd|th)?$")


def _day(word: str) -> str | None:
    """TU for tuesday, tuesdays, tue, tues."""
    word = word.rstrip("s") if word.endswith("days") else word
    for name, code in _DAYS.items():
        if word == name or (len(word) >= 3 and name.startswith(word)):
            return code
    return None


def _on_part(text: str, frequency: str) -> str:
    """The BY... part for what follows "on": days of the week, the nth weekday, or a day of the month."""
    words = [w for w in re.split(r"[ ,]+", text.replace(" and ", " ")) if w]
    if words and words[0] == "the" and len(words) == 3 and words[1] in _ORDINALS and (day := _day(words[2])):
        if frequency not in ("MONTHLY", "YEARLY"):
            raise ValueError(
                f"'the {words[1]} {words[2]}' needs a monthly repeat, e.g. \"monthly on the {words[1]} {words[2]}\""
            )
        return f"BYDAY={_ORDINALS[words[1]]}{day}"
    if month_day := _MONTH_DAY.match(" ".join(words)):
        day_number = int(month_day[1])
        if frequency != "MONTHLY" or not 1 <= day_number <= 31:
            raise ValueError(
                f"'on the {month_day[1]}' needs a monthly repeat and a day from 1 to 31, e.g. \"monthly on the 15th\""
            )
        return f"BYMONTHDAY={day_number}"
    days = [_day(word) for word in words]
    if not days or None in days:
        raise ValueError(f'\'on {text}\' names no day of the week: write e.g. "on Tuesday" or "on Monday and Thursday"')
    if frequency != "WEEKLY":
        raise ValueError(f"'on {text}' goes with a weekly repeat; for a monthly one write e.g. \"on the first {text}\"")
    return "BYDAY=" + ",".join(dict.fromkeys(days))  # type: ignore[arg-type]


def rule_from_words(text: str) -> str:
    """The RRULE (without the RRULE: prefix) that the words mean; raises ValueError otherwise."""
    raw = " ".join(text.strip().split())
    if "=" in raw:
        return raw.upper().removeprefix("RRULE:")
    lowered = raw.lower().removesuffix(".")
    head, _, on = lowered.partition(" on ")
    if head in _ADVERBS:
        frequency = _ADVERBS[head]
    elif every := _EVERY.match(head):
        count = every[1]
        interval = _NUMBERS[count] if count in _NUMBERS else int(count) if count else 1
        if not 1 <= interval <= 52:
            raise ValueError(f"'{raw}': repeat every 1 to 52 {every[2]}s")
        frequency = _FREQUENCIES[every[2]] + (f";INTERVAL={interval}" if interval > 1 else "")
    else:
        raise ValueError(f"'{text}' is not a repeat rule this program understands: use {EXAMPLES}")
    if not on:
        return f"FREQ={frequency}"
    return f"FREQ={frequency};{_on_part(on, frequency.split(';')[0])}"
