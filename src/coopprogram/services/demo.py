"""The bundled sample program (`sample_data/`): a fictional cohort of thirteen co-ops, the
Phase I and II milestones, the consultant's hours from October 2021 and the October to
December invoices, loaded through the same services a person uses."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from coopprogram.errors import InvalidInput
from coopprogram.models import MilestoneStatus
from coopprogram.services import milestones as milestone_service
from coopprogram.services.coops import import_coops
from coopprogram.services.hours import log_time
from coopprogram.services.invoices import draft_month, issue_invoice, pay_invoice
from coopprogram.services.program import load_program_file, setup_program
from coopprogram.units import parse_date, parse_hours

PROGRAM_FILE = "program.toml"
COOPS_FILE = "coops.csv"
MILESTONES_FILE = "milestones.csv"
HOURS_FILE = "hours.csv"
INVOICES_FILE = "invoices.csv"


@dataclass(frozen=True)
class DemoSummary:
    coops: int
    milestones: int
    entries: int
    invoices: int


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
    milestones = _rows(folder / MILESTONES_FILE)
    for row in milestones:
        _load_milestone(db, row)
    entries = _rows(folder / HOURS_FILE)
    for row in entries:
        on = parse_date(row["date"])
        log_time(
            db, minutes=parse_hours(row["hours"]), description=row["description"], on=on, today=on,
            category=row["category"] or None, coop=row["coop"] or None, billable=row["billable"] == "yes",
        )
    invoices = _rows(folder / INVOICES_FILE)
    for row in invoices:
        for draft in draft_month(db, period=row["period"]):
            issued = issue_invoice(db, reference=str(draft.id), on=parse_date(row["issued_on"]))
            if row["paid_on"]:
                pay_invoice(db, reference=issued.number, on=parse_date(row["paid_on"]))
    return DemoSummary(coops=report.count("added"), milestones=len(milestones), entries=len(entries), invoices=len(invoices))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


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
