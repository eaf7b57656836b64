"""`coop milestones` through the command line: the commands, and overdue milestones flagged."""

import json
from datetime import date

from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.models import Milestone


def _milestone(milestone_id: int) -> Milestone:
    with unit_of_work(resolve_database(None), write=False) as db:
        return db.get(Milestone, milestone_id)


def test_milestone_commands(coop, db_url) -> None:
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
