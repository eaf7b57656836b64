"""Strict parsing of hours, dates, months and money: the forms a person may type, and nothing else."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopprogram import units


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("2.5", 150),
        ("2:30", 150),
        ("2h30m", 150),
        ("2h", 120),
        ("45m", 45),
        (".25", 15),
        ("0:01", 1),
        ("24", 1440),
        ("1.0084", 61),
        # The forms people type in other time trackers.
        ("1.5h", 90),
        ("1h30", 90),
        ("1 h 30", 90),
        ("1H30M", 90),
        ("90 min", 90),
        ("30min", 30),
        ("2 hours", 120),
        ("1 hr 15 mins", 75),
        ("1,5", 90),
        ("0,25", 15),
        ("1,5h", 90),
        ("90 minutes", 90),
        (".5h", 30),
    ],
)
def test_hours_forms(text: str, minutes: int) -> None:
    assert units.parse_hours(text) == minutes


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0",
        "0:00",
        "-1",
        "24:01",
        "25",
        "two",
        "nan",
        "inf",
        "1e2",
        "２",
        "٣",
        "2h70",
        "1:5",
        "h",
        "m",
        "2.5.1",
        # Ambiguous or contradictory: refused, never guessed.
        "1,500",
        "1,5,0",
        "1.5h30",
        "1h 1h",
        "90",
        "1m30",
        "2 days",
        "1,",
        ",5",
        "min",
        "0 min",
    ],
)
def test_hours_refused(text: str) -> None:
    with pytest.raises(ValueError):
        units.parse_hours(text)


def test_decimal_hours_round_half_up_to_the_minute() -> None:
    # 1.00833 h = 60.4998 min -> 60; 0.025 h = 1.5 min -> 2 (half up)
    assert units.parse_hours("1.00833") == 60
    assert units.parse_hours("0.025") == 2


@given(st.integers(min_value=1, max_value=24 * 60))
def test_clock_form_round_trips(minutes: int) -> None:
    assert units.parse_hours(units.format_minutes(minutes)) == minutes


@given(st.text(max_size=12))
def test_parse_hours_never_raises_anything_but_value_error(text: str) -> None:
    try:
        minutes = units.parse_hours(text)
    except ValueError:
        return
    assert 0 < minutes <= 24 * 60


def test_dates() -> None:
    today = date(2022, 1, 15)
    assert units.parse_date("2022-01-15") == today
    assert units.parse_date("today", today=today) == today
    assert units.parse_date("yesterday", today=today) == date(2022, 1, 14)
    for bad in ["2022-02-30", "2022-1-5", "01/15/2022", "next week", "2022-13-01", ""]:
        with pytest.raises(ValueError):
            units.parse_date(bad, today=today)


def test_month_and_money() -> None:
    assert units.parse_month("2021-11") == (2021, 11)
    with pytest.raises(ValueError):
        units.parse_month("2021-13")
    assert units.parse_money("65") == 6500
    assert units.parse_money("$62.5") == 6250
    assert units.parse_money("62.05") == 6205
    for bad in ["-5", "1,000", "6.505", "nan", ""]:
        with pytest.raises(ValueError):
            units.parse_money(bad)


def test_formatting() -> None:
    assert units.format_money(123456) == "$1,234.56"
    assert units.format_money(-5) == "-$0.05"
    assert units.format_minutes(150) == "2:30"
    assert units.format_hours_decimal(50) == "0.83"
    assert units.format_percent(107, 182) == "59%"
    assert units.round_half_up(Decimal("2.5")) == 3


def test_a_fraction_of_a_minute_that_rounds_to_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no time"):
        units.parse_hours("0.008")  # 0.48 minutes


def test_spreadsheet_quoting_round_trips_the_tricky_cases() -> None:
    from coopprogram.spreadsheet import neutralize, restore

    for value, written in [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("'=", "''="),
        ("''+1", "'''+1"),
        ("'hello", "'hello"),
        ("-", "'-"),
        ("ok", "ok"),
    ]:
        assert neutralize(value) == written
        assert restore(written) == value
