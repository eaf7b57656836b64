"""`coop milestones`, `coop status`, `coop program` and `coop phases` through the command line."""

import json
from datetime import date

from sqlmodel import select

from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.models import Milestone, Phase, Program


def _milestone(milestone_id: int) -> Milestone:
    with unit_of_work(resolve_database(None), write=False) as db:
        return db.get(Milestone, milestone_id)


def test_milestone_commands(coop) -> None:
    coop("init")
    added = coop("milestones", "add", "Points of unity adopted", "--phase", "I", "--due", "2022-02-28")
    assert added.exit_code == 0 and "Added milestone 1" in added.stdout
    assert coop("milestones", "start", "1", "--on", "2022-01-03").exit_code == 0
    assert coop("milestones", "block", "1", "--reason", "Waiting on two co-ops").exit_code == 0
    assert _milestone(1).blocked_reason == "Waiting on two co-ops"
    assert coop("milestones", "done", "1", "--on", "2022-02-25").exit_code == 0
    row = _milestone(1)
    assert (row.status, row.started_on, row.done_on) == ("done", date(2022, 1, 3), date(2022, 2, 25))
    again = coop("milestones", "done", "1")
    assert again.exit_code == 1 and "already done on 2022-02-25" in again.stderr
    assert coop("milestones", "edit", "1", "--title", "Points of unity adopted by consent").exit_code == 0
    assert _milestone(1).title == "Points of unity adopted by consent"


def test_milestone_list_flags_overdue(coop, demo_url) -> None:
    listing = coop("milestones", "list", "--phase", "I", "--as-of", "2022-01-15")
    assert listing.exit_code == 0
    lines = [line for line in listing.stdout.splitlines() if "OVERDUE" in line]
    assert len(lines) == 1 and "Point people and channels" in lines[0]
    data = json.loads(coop("milestones", "list", "--status", "done", "--json").stdout)
    assert [m["id"] for m in data] == [1, 2, 3, 4, 5]
    refused = coop("milestones", "add", "Late", "--phase", "II", "--due", "2022-09-15")
    assert refused.exit_code == 1 and "outside Phase II" in refused.stderr
    missing = coop("milestones", "block", "3")
    assert missing.exit_code == 2 and "--reason" in missing.stderr


def test_status_dashboard(coop, demo_url) -> None:
    result = coop("status", "--as-of", "2022-01-15")
    assert result.exit_code == 0, result.stderr
    assert "Phase I · 2021-10-01 to 2022-03-31 · day 107 of 182 (59%)" in result.stdout
    assert "Co-ops: 13 active (7 existing, 6 budding)" in result.stdout
    assert "Milestones (Phase I): 5 of 9 done · 0 in progress · 1 blocked · 1 overdue" in result.stdout
    assert "$65.00/h (band $50.00–$75.00)" in result.stdout
    assert "rosa@" not in result.stdout
    lines = result.stdout.splitlines()
    overdue = lines.index("Overdue milestones:")
    assert lines[overdue + 1].startswith(
        "  #6  2022-01-14  Point people and channels confirmed for every co-op (Phase I, blocked: "
    )
    assert lines[lines.index("Next due:") + 1 :] == [
        "  #7  2022-02-28  Points of unity adopted by consent (Phase I, planned)",
        "  #8  2022-03-18  Strategy sessions designed and held (Phase I, planned)",
        "  #9  2022-03-31  Phase II plan presented to the working group (Phase I, planned)",
    ]
    phase_two = coop("status", "--as-of", "2022-04-01").stdout
    assert "Earlier phases: 4 milestones never marked done" in phase_two and "Overdue milestones:" not in phase_two
    data = json.loads(coop("status", "--as-of", "2022-01-15", "--json").stdout)
    assert data["elapsed_days"] == 107 and data["coops_active"] == 13
    assert "Not started: Phase I begins on 2021-10-01." in coop("status", "--as-of", "2021-09-01").stdout
    assert "Ended: Phase II closed on 2022-08-31." in coop("status", "--as-of", "2023-01-01").stdout


def test_program_and_phases(coop) -> None:
    coop("init")
    assert "Solidarity Economy Initiative (SEI) Co-op Working Group" in coop("program", "show").stdout
    assert coop("program", "set", "cohort", "13 co-ops").exit_code == 0
    with unit_of_work(resolve_database(None), write=False) as db:
        assert db.exec(select(Program)).one().cohort == "13 co-ops"
    assert coop("program", "set", "timezone", "Nowhere/Town").exit_code == 1
    shown = coop("phases", "show", "I")
    assert "up to 100:00 hours at $60.00/hour (band $50.00–$75.00)" in shown.stdout
    assert coop("phases", "edit", "II", "--ends", "2022-09-30").exit_code == 0
    with unit_of_work(resolve_database(None), write=False) as db:
        assert db.exec(select(Phase).where(Phase.number == 2)).one().ends_on == date(2022, 9, 30)
    overlap = coop("phases", "edit", "I", "--ends", "2022-04-30")
    assert overlap.exit_code == 1 and "overlap" in overlap.stderr
    assert [p["name"] for p in json.loads(coop("phases", "list", "--json").stdout)] == ["Phase I", "Phase II"]


def test_status_names_at_most_ten_co_ops_not_reached(coop, db_url) -> None:
    for number in range(1, 13):
        assert coop("coops", "add", f"Co-op {number:02d}", "--kind", "worker", "--joined", "2021-10-01").exit_code == 0
    # one session open to all of them, held on 10-05, that none attended; by 12-15 they have been in the
    # cohort more than 60 days (co-ops that joined recently are not counted as not reached)
    assert (
        coop(
            "sessions", "add", "Kickoff", "--kind", "working-group", "--start", "2021-10-05 18:00", "--minutes", "60"
        ).exit_code
        == 0
    )
    assert coop("sessions", "held", "1", "--on", "2021-10-05").exit_code == 0
    assert "Not reached" not in coop("status", "--as-of", "2021-11-15").stdout
    shown = coop("status", "--as-of", "2021-12-15").stdout
    line = next(line for line in shown.splitlines() if line.startswith("Not reached in 60 days:"))
    assert line == (
        "Not reached in 60 days: Co-op 01, Co-op 02, Co-op 03, Co-op 04, Co-op 05, Co-op 06, Co-op 07, Co-op 08, "
        "Co-op 09, Co-op 10 and 2 more (`coop report` lists them)"
    )
