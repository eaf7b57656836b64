"""`coop --help` and shell completion load no database or document library (DESIGN.md section 3)."""

import gc
import os
import subprocess
import sys

import pytest

from coopprogram.cli import main

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "icalendar", "typst", "dateutil", "babel")


def _imported(args: list[str], env: dict[str, str] | None = None) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coopprogram", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )
    modules = {
        line.split("|")[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    return modules, result


def test_help_imports_no_heavy_library() -> None:
    modules, result = _imported(["--help"])
    assert result.returncode == 0 and "coops" in result.stdout
    assert "typer" in modules
    assert not modules & set(HEAVY)


def test_completion_imports_no_heavy_library() -> None:
    modules, result = _imported([], {"_COOP_COMPLETE": "complete_bash", "COMP_WORDS": "coop mile", "COMP_CWORD": "1"})
    assert result.stdout.split() == ["milestones"]
    assert not modules & set(HEAVY)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("coops show ca", ["casa-limpia"]),
        ("coops edit v", ["voces"]),
        ("invoices show SEI-2021", ["SEI-2021-001", "SEI-2021-002"]),
        ("invoices pay SEI-2022", ["SEI-2022-003"]),
        ("budget --phase ", ["1", "2"]),
        ("sessions show 1", ["1", *(str(n) for n in range(10, 20))]),  # the demo has sessions 1 to 21
        ("unity tally ", ["1", "2", "3"]),
        ("hours log 1 Prep --category v", ["visioning"]),
        ("phases show ", ["1", "2"]),
    ],
)
def test_completion_offers_the_programs_values_without_a_database_library(demo_url, isolate, words, expected) -> None:
    # Values come from the file through the standard sqlite3 module: still no SQLAlchemy.
    line = f"coop --db {isolate} {words}"
    modules, result = _imported(
        [],
        {
            "_COOP_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(line.split()) - (0 if line.endswith(" ") else 1)),
        },
    )
    assert sorted(result.stdout.split()) == expected, result.stderr[-500:]
    assert not modules & set(HEAVY)


def test_completion_functions_list_values_with_their_descriptions(demo_url, isolate) -> None:
    import typer
    from typer.main import get_command

    from coopprogram.cli import app, complete

    ctx = typer.Context(get_command(app))
    ctx.params = {"db_location": demo_url}
    if demo_url.startswith("sqlite"):
        assert ("casa-limpia", "Casa Limpia Cleaning Cooperative") in complete.coop_slugs(ctx, "")
        # The day and time in the program's time zone (stored in UTC: 22:00 the same day).
        assert complete.session_ids(ctx, "14") == [("14", "2021-11-04 18:00 Visioning session 1: our histories")]
        assert complete.versions(ctx, "") == [("3", "circulating"), ("2", "draft"), ("1", "draft")]
        assert [value for value, _ in complete.categories(ctx, "")][:2] == ["calendar", "communication"]
    else:  # a server database completes no values: connecting on every Tab would be slow
        assert complete.session_ids(ctx, "") == []


def test_status_loads_only_what_it_shows(demo_url) -> None:
    # The dashboard is run many times a day: no table library, no report, no documents.
    modules, result = _imported(["status", "--as-of", "2022-01-15"], {"COOP_DB": demo_url})
    assert result.returncode == 0 and "Overdue milestones:" in result.stdout
    assert "sqlmodel" in modules
    assert not modules & {"rich", "icalendar", "typst", "alembic", "dateutil"}
    full = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "coopprogram.services.report" not in full and "coopprogram.services.budget" not in full


# Runs a command in a fresh interpreter, as the shell does, then prints the tables it declared.
DECLARED = """
import atexit, sys
from coopprogram.cli import main

def declared():
    from sqlmodel import SQLModel
    print("declared:", " ".join(sorted(SQLModel.metadata.tables)))

atexit.register(declared)
sys.argv = ["coop", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(
    ("args", "not_declared"),
    [
        (
            ["status", "--as-of", "2022-01-15"],
            {"message", "material", "agendaitem", "actionitem", "versiontranslation", "auditentry"},
        ),
        (["hours", "log", "0:15", "Notes", "--date", "2022-01-14", "--yes"], {"message", "material", "decision"}),
    ],
)
def test_a_command_declares_only_the_tables_of_its_domains(demo_url, args, not_declared) -> None:
    # Declaring a table costs start-up time (tens of them would cost more than the command's work).
    result = subprocess.run(
        [sys.executable, "-c", DECLARED, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COOP_DB": demo_url},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-1000:]
    declared = set(result.stdout.split("declared:")[-1].split())
    assert {"program", "phase", "timeentry"} <= declared
    assert not declared & not_declared


def test_the_collector_waits_for_start_up_then_resumes(monkeypatch, demo_url) -> None:
    import typer

    from coopprogram import cli
    from coopprogram.cli.context import Application, database

    seen = {}

    def command(prog_name: str) -> None:
        seen["during start-up"] = gc.isenabled()
        run = typer.Context(typer.core.TyperCommand("coop"), obj=Application(db_option=demo_url))
        with run, database(write=False):
            seen["once the database is open"] = gc.isenabled()
            seen["frozen"] = gc.get_freeze_count()

    monkeypatch.setattr(cli, "app", command)
    try:
        cli.main()
    finally:
        gc.unfreeze()
    assert seen["during start-up"] is False and seen["once the database is open"] is True and seen["frozen"] > 0
    assert gc.isenabled()


def test_the_collector_pause_ends_with_a_command_that_opens_no_database(monkeypatch) -> None:
    monkeypatch.setattr(sys, "argv", ["coop", "--version"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 0 and gc.isenabled()
