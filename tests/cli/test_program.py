"""`coop program` (and the phases it is divided in) through the command line."""

import json
from datetime import date

from sqlmodel import select

from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.models import Phase, Program


def test_program_and_phases(coop, db_url) -> None:
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
