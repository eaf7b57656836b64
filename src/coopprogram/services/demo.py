"""The bundled sample program (`sample_data/`): a fictional cohort of thirteen co-ops and
the Phase I and II milestones, loaded through the same services a person uses."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from coopprogram.errors import InvalidInput
from coopprogram.models import MilestoneStatus
from coopprogram.services import milestones as milestone_service
from coopprogram.services.coops import import_coops
from coopprogram.services.program import load_program_file, setup_program
from coopprogram.units import parse_date

PROGRAM_FILE = "program.toml"
COOPS_FILE = "coops.csv"
MILESTONES_FILE = "milestones.csv"


@dataclass(frozen=True)
class DemoSummary:
    coops: int
    milestones: int


def sample_data_dir() -> Path:
    """Inside the installed package, or beside `src/` in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "sample_data", package.parent.parent / "sample_data"):
        if (candidate / PROGRAM_FILE).is_file():
            return candidate
    raise InvalidInput("The sample program's files are missing from this installation; reinstall coopprogram.")


def load_demo(db: Session, *, folder: Path) -> DemoSummary:
    setup_program(db, spec=load_program_file(folder / PROGRAM_FILE))
    report = import_coops(db, text=(folder / COOPS_FILE).read_text(encoding="utf-8"))
    if report.rejected:
        first = report.rejected[0]
        raise InvalidInput(f"{COOPS_FILE} line {first.line}: {first.detail}")
    with (folder / MILESTONES_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        _load_milestone(db, row)
    return DemoSummary(coops=report.count("added"), milestones=len(rows))


def _load_milestone(db: Session, row: dict[str, str]) -> None:
    due_on = parse_date(row["due_on"])
    view = milestone_service.add_milestone(
        db, title=row["title"], phase=row["phase"], due_on=due_on, description=row["description"], today=due_on
    )
    status = row["status"]
    if row["started_on"]:
        milestone_service.start_milestone(db, milestone_id=view.id, on=parse_date(row["started_on"]), today=due_on)
    if status == MilestoneStatus.DONE:
        milestone_service.finish_milestone(db, milestone_id=view.id, on=parse_date(row["done_on"]), today=due_on)
    elif status == MilestoneStatus.BLOCKED:
        milestone_service.block_milestone(db, milestone_id=view.id, reason=row["blocked_reason"], today=due_on)
