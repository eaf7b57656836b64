"""Repeat rules in words: each phrase becomes the RRULE that gives the meetings a person means,
checked by expanding it with python-dateutil from a real start."""

from datetime import datetime
from itertools import islice

import pytest
from dateutil.rrule import rrulestr

from coopprogram.repeat_words import rule_from_words

START = datetime(2022, 1, 4, 18, 0)  # a Tuesday


def _first(rule: str, count: int = 3) -> list[str]:
    return [f"{day:%Y-%m-%d %a}" for day in islice(rrulestr(rule, dtstart=START), count)]


@pytest.mark.parametrize(
    ("words", "rule", "dates"),
    [
        ("weekly", "FREQ=WEEKLY", ["2022-01-04 Tue", "2022-01-11 Tue", "2022-01-18 Tue"]),
        (
            "every 2 weeks on Tuesday",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
            ["2022-01-04 Tue", "2022-01-18 Tue", "2022-02-01 Tue"],
        ),
        (
            "Every other week on Thursdays",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            ["2022-01-06 Thu", "2022-01-20 Thu", "2022-02-03 Thu"],
        ),
        ("weekly on Mon and Wed", "FREQ=WEEKLY;BYDAY=MO,WE", ["2022-01-05 Wed", "2022-01-10 Mon", "2022-01-12 Wed"]),
        (
            "monthly on the third Thursday",
            "FREQ=MONTHLY;BYDAY=3TH",
            ["2022-01-20 Thu", "2022-02-17 Thu", "2022-03-17 Thu"],
        ),
        (
            "every month on the last Friday",
            "FREQ=MONTHLY;BYDAY=-1FR",
            ["2022-01-28 Fri", "2022-02-25 Fri", "2022-03-25 Fri"],
        ),
        ("monthly on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15", ["2022-01-15 Sat", "2022-02-15 Tue", "2022-03-15 Tue"]),
        ("every 3 months", "FREQ=MONTHLY;INTERVAL=3", ["2022-01-04 Tue", "2022-04-04 Mon", "2022-07-04 Mon"]),
        ("daily", "FREQ=DAILY", ["2022-01-04 Tue", "2022-01-05 Wed", "2022-01-06 Thu"]),
        ("biweekly", "FREQ=WEEKLY;INTERVAL=2", ["2022-01-04 Tue", "2022-01-18 Tue", "2022-02-01 Tue"]),
        ("FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU", ["2022-01-04 Tue", "2022-01-11 Tue", "2022-01-18 Tue"]),
        (
            "RRULE:freq=weekly;interval=2",
            "FREQ=WEEKLY;INTERVAL=2",
            ["2022-01-04 Tue", "2022-01-18 Tue", "2022-02-01 Tue"],
        ),
    ],
)
def test_words_become_the_meetings_meant(words: str, rule: str, dates: list[str]) -> None:
    assert rule_from_words(words) == rule
    assert _first(rule) == dates


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("sometimes", "is not a repeat rule this program understands"),
        ("every 2 fortnights", "is not a repeat rule this program understands"),
        ("weekly on Funday", "names no day of the week"),
        ("weekly on the third Thursday", "needs a monthly repeat"),
        ("monthly on Tuesday", "goes with a weekly repeat"),
        ("weekly on the 15th", "needs a monthly repeat and a day from 1 to 31"),
        ("monthly on the 32nd", "needs a monthly repeat and a day from 1 to 31"),
        ("every 0 weeks", "repeat every 1 to 52 weeks"),
        ("every 100 weeks", "repeat every 1 to 52 weeks"),
        ("every", "is not a repeat rule"),
        ("", "is not a repeat rule"),
    ],
)
def test_words_outside_the_grammar_are_refused_with_examples(words: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rule_from_words(words)
