"""Summaries by week, co-op and session over a period, and the week's grid with the cap's pace:
the totals checked against the entries and by hand."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta


def _log(coop, *args: str) -> None:
    result = coop("hours", "log", *args)
    assert result.exit_code == 0, result.stderr


def test_week_grid_and_pace(coop, db_url) -> None:
    _log(coop, "2", "Visioning design", "--date", "2021-11-08")
    _log(coop, "30m", "Reminders", "--date", "2021-11-08", "--category", "communication")
    _log(coop, "1:15", "Agenda", "--date", "2021-11-10")
    _log(coop, "1", "Thank-you notes", "--date", "2021-11-14", "--category", "communication", "--non-billable")
    _log(coop, "3", "Earlier work", "--date", "2021-11-01")  # the week before: in the pace, not in the grid
    view = json.loads(coop("hours", "week", "2021-11-11", "--json").stdout)
    assert view["monday"] == "2021-11-08"
    assert view["categories"] == ["communication", "visioning"]
    assert view["minutes"] == {
        "2021-11-08": {"visioning": 120, "communication": 30},
        "2021-11-10": {"visioning": 75},
        "2021-11-14": {"communication": 60},
    }
    assert view["billable_minutes"] == 225
    # Phase I runs 182 days; by Sunday 2021-11-14, 45 have gone by: 6000 x 45 / 182 = 1483.5 -> 1484 minutes planned.
    assert view["pace"] == {
        "phase_name": "Phase I",
        "as_of": "2021-11-14",
        "used_minutes": 405,
        "cap_minutes": 6000,
        "elapsed_days": 45,
        "phase_days": 182,
        "planned_minutes": 1484,
        "pace_minutes": 405 - 1484,
    }
    text = coop("hours", "week", "2021-11-11").stdout
    lines = [line.split() for line in text.splitlines()]
    assert ["Mon", "2021-11-08", "0:30", "2:00", "2:30"] in lines
    assert ["Wed", "2021-11-10", "–", "1:15", "1:15"] in lines
    assert ["Total", "1:30", "3:15", "4:45"] in lines
    assert "Billable this week: 3:45 h; non-billable: 1:00 h." in text
    assert (
        "Phase I cap by 2021-11-14: 6:45 of 100:00 h used (7%); 25% of the phase gone by (day 45 of 182): 17:59 h behind an even pace."
        in text
    )


def test_week_outside_every_phase(coop, db_url) -> None:
    result = coop("hours", "week", "2023-05-03")
    assert result.exit_code == 0
    assert ["Total", "0:00"] in [line.split() for line in result.stdout.splitlines()]
    assert result.stdout.strip().endswith("The week is outside every phase: no cap to pace against.")


def test_summaries_by_week_coop_and_session_add_up_to_the_entries(coop, demo_url) -> None:
    entries = json.loads(coop("hours", "list", "--from", "2021-10-01", "--to", "2021-12-31", "--json").stdout)
    assert entries
    expected_weeks: dict[str, int] = defaultdict(int)
    expected_coops: dict[str, int] = defaultdict(int)
    for entry in entries:
        day = date.fromisoformat(entry["worked_on"])
        expected_weeks[(day - timedelta(days=day.weekday())).isoformat()] += entry["minutes"]
        expected_coops[entry["coop"] or "no co-op"] += entry["minutes"]
    weeks = json.loads(
        coop("hours", "summary", "--by", "week", "--from", "2021-10-01", "--to", "2021-12-31", "--json").stdout
    )
    assert {row["key"]: row["minutes"] for row in weeks} == expected_weeks
    assert [row["key"] for row in weeks] == sorted(expected_weeks)
    coops = json.loads(
        coop("hours", "summary", "--by", "coop", "--from", "2021-10-01", "--to", "2021-12-31", "--json").stdout
    )
    assert {row["key"]: row["minutes"] for row in coops} == expected_coops
    assert coops[-1]["key"] == "no co-op"
    _log(coop, "1:30", "Facilitated", "--date", "2021-11-09", "--session", "3")
    sessions = json.loads(
        coop("hours", "summary", "--by", "session", "--from", "2021-11-09", "--to", "2021-11-09", "--json").stdout
    )
    title = json.loads(coop("sessions", "show", "3", "--json").stdout)["session"]["title"]
    assert sessions[0] == {"key": f"3 {title}", "minutes": 90, "billable_minutes": 90, "entries": 1}
    refused = coop("hours", "summary", "--by", "day")
    assert refused.exit_code == 1
    assert (
        refused.stderr
        == "Error: 'day' is not a way to group hours: use one of category, week, month, phase, coop, session.\n"
    )
