"""The one vocabulary: statuses and kinds as StrEnums (coopprogram.vocab), read leniently from what
a person types, offered as choices by the CLI, and held by the database with CHECK constraints."""

import subprocess
import sys

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from coopprogram.db import make_engine
from coopprogram.errors import InvalidInput
from coopprogram.models import load_all
from coopprogram.vocab import MilestoneStatus, Stance, one_of


def test_a_value_is_read_leniently_and_refused_with_the_choices() -> None:
    assert one_of(MilestoneStatus, " In progress ", what="a milestone status") is MilestoneStatus.IN_PROGRESS
    assert one_of(Stance, "stand_aside", what="a decision") is Stance.STAND_ASIDE
    with pytest.raises(InvalidInput) as refused:
        one_of(MilestoneStatus, "finished", what="a milestone status")
    assert (
        refused.value.message == "'finished' is not a milestone status: use one of planned, in-progress, done, blocked."
    )


def test_the_vocabularies_load_without_sqlmodel() -> None:
    script = "import sys, coopprogram.vocab; print(sorted(m for m in ('sqlmodel', 'sqlalchemy') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def _model_checks() -> dict[str, set[str]]:
    checks: dict[str, set[str]] = {}
    for table in load_all().sorted_tables:
        for constraint in table.constraints:
            if constraint.__class__.__name__ == "CheckConstraint":
                checks.setdefault(table.name, set()).add(constraint.name)  # named by the naming convention
    return checks


def test_the_migrated_database_has_the_models_checks(demo_url: str) -> None:
    engine = make_engine(demo_url)
    inspector = inspect(engine)
    stored = {table: {c["name"] for c in inspector.get_check_constraints(table)} for table in _model_checks()}
    engine.dispose()
    assert stored == _model_checks()
    assert stored["coop"] == {"ck_coop_kind", "ck_coop_stage"}
    assert stored["invoice"] == {"ck_invoice_kind", "ck_invoice_status"}


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE coop SET kind = 'collective' WHERE slug = 'casa-limpia'", "ck_coop_kind"),
        ("UPDATE milestone SET status = 'finished'", "ck_milestone_status"),
        ("UPDATE invoice SET status = 'lost'", "ck_invoice_status"),
        ("UPDATE programsession SET status = 'postponed'", "ck_programsession_status"),
    ],
)
def test_the_database_refuses_a_word_outside_the_vocabulary(demo_url: str, statement: str, constraint: str) -> None:
    engine = make_engine(demo_url)
    with engine.connect() as connection, pytest.raises(IntegrityError) as refused:
        connection.execute(text(statement))
    engine.dispose()
    assert constraint in str(refused.value)
