"""`coop status`: the one-screen dashboard through the command line."""

import json


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
