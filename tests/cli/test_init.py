"""`coop init`: creation with private modes, safe re-runs, --force with a backup, the demo, and
clear refusals for missing or foreign files."""

from pathlib import Path

import pytest

from coopprogram.config import resolve_database

from ..conftest import file_mode, row_count

pytestmark = pytest.mark.sqlite_only  # files, modes and SQLite backups; the server side is in test_postgres.py


def test_init_creates_a_private_database(coop, isolate: Path) -> None:
    result = coop("init")
    assert result.exit_code == 0, result.stderr
    assert file_mode(isolate) == 0o600
    assert file_mode(isolate.parent) == 0o700
    assert (
        row_count(isolate, "program") == 1 and row_count(isolate, "phase") == 2 and row_count(isolate, "contract") == 1
    )
    assert row_count(isolate, "coop") == 0


def test_init_twice_keeps_the_data(coop, isolate: Path, unchanged) -> None:
    assert coop("init", "--demo").exit_code == 0
    with unchanged(resolve_database(None)):
        again = coop("init")
        assert again.exit_code == 0
        assert "already set up" in again.stdout
        demo_again = coop("init", "--demo")
    assert "coop init --demo --force" in demo_again.stdout
    assert row_count(isolate, "coop") == 13


def test_force_takes_a_backup_then_starts_over(coop, isolate: Path) -> None:
    coop("init", "--demo")
    coop("coops", "add", "Extra Co-op", "--kind", "worker")
    result = coop("init", "--force")
    assert result.exit_code == 0, result.stderr
    backups = list((isolate.parent / "backups").glob("coop-*-before-init.db"))
    assert len(backups) == 1 and file_mode(backups[0]) == 0o600
    assert row_count(backups[0], "coop") == 14
    assert row_count(isolate, "coop") == 0


def test_demo_loads_the_sample_program(coop, isolate: Path) -> None:
    result = coop("init", "--demo")
    assert "13 co-ops, 14 milestones" in result.stdout
    assert row_count(isolate, "milestone") == 14


def test_commands_before_init_say_what_to_do(coop, isolate: Path) -> None:
    result = coop("coops", "list")
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"Error: No coop database at {isolate}. Run `coop init` to create it (or `coop init --demo` for the sample program)."
    )
    assert not isolate.exists()


def test_a_foreign_file_is_refused_and_left_alone(coop, isolate: Path) -> None:
    isolate.parent.mkdir(parents=True)
    isolate.write_bytes(b"this is a spreadsheet, not a database" * 100)
    before = isolate.read_bytes()
    result = coop("coops", "list")
    assert result.exit_code == 1
    assert "is not a coop database" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert isolate.read_bytes() == before
