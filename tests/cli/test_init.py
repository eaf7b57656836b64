"""`coop init` and `coop db`: creation with private modes, safe re-runs, --force with a
backup, online backups, upgrades, and clear refusals for missing or foreign files."""

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from coopprogram.config import resolve_database

from ..conftest import database_dump

pytestmark = pytest.mark.sqlite_only  # files, modes and SQLite backups; the server side is in test_postgres.py


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _count(path: Path, table: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()


def test_init_creates_a_private_database(coop, isolate: Path) -> None:
    result = coop("init")
    assert result.exit_code == 0, result.stderr
    assert _mode(isolate) == 0o600
    assert _mode(isolate.parent) == 0o700
    assert _count(isolate, "program") == 1 and _count(isolate, "phase") == 2 and _count(isolate, "contract") == 1
    assert _count(isolate, "coop") == 0


def test_init_twice_keeps_the_data(coop, isolate: Path, unchanged) -> None:
    assert coop("init", "--demo").exit_code == 0
    with unchanged(resolve_database(None)):
        again = coop("init")
        assert again.exit_code == 0
        assert "already set up" in again.stdout
        demo_again = coop("init", "--demo")
    assert "coop init --demo --force" in demo_again.stdout
    assert _count(isolate, "coop") == 13


def test_force_takes_a_backup_then_starts_over(coop, isolate: Path) -> None:
    coop("init", "--demo")
    coop("coops", "add", "Extra Co-op", "--kind", "worker")
    result = coop("init", "--force")
    assert result.exit_code == 0, result.stderr
    backups = list((isolate.parent / "backups").glob("coop-*-before-init.db"))
    assert len(backups) == 1 and _mode(backups[0]) == 0o600
    assert _count(backups[0], "coop") == 14
    assert _count(isolate, "coop") == 0


def test_demo_loads_the_sample_program(coop, isolate: Path) -> None:
    result = coop("init", "--demo")
    assert "13 co-ops, 14 milestones" in result.stdout
    assert _count(isolate, "milestone") == 14


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


def test_db_path_follows_the_option_and_the_environment(coop, isolate: Path, tmp_path: Path, monkeypatch) -> None:
    assert coop("db", "path").stdout.strip() == str(isolate)
    assert coop("--db", str(tmp_path / "other.db"), "db", "path").stdout.strip() == str(tmp_path / "other.db")
    monkeypatch.delenv("COOP_DB")
    assert coop("db", "path").stdout.strip().endswith(os.path.join("coopprogram", "coop.db"))


def test_backup_is_a_readable_private_copy(coop, isolate: Path, tmp_path: Path) -> None:
    coop("init", "--demo")
    target = tmp_path / "copy.db"
    result = coop("db", "backup", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert _mode(target) == 0o600 and _count(target, "coop") == 13
    refused = coop("db", "backup", "-o", str(target))
    assert refused.exit_code == 1 and "already exists" in refused.stderr
    default = coop("db", "backup")
    assert default.exit_code == 0
    assert len(list((isolate.parent / "backups").glob("coop-*-manual.db"))) == 1


def test_upgrade_when_current_changes_nothing(coop, unchanged) -> None:
    coop("init")
    with unchanged(resolve_database(None)):
        result = coop("db", "upgrade")
    assert result.exit_code == 0 and "already up to date" in result.stdout


def test_older_and_newer_schemas(coop, isolate: Path) -> None:
    coop("init", "--demo")
    connection = sqlite3.connect(isolate)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    newer = coop("coops", "list")
    assert newer.exit_code == 1 and "newer coop" in newer.stderr
    upgrade = coop("db", "upgrade")
    assert upgrade.exit_code == 1 and "newer coop" in upgrade.stderr


@pytest.mark.sqlite_only
def test_db_copy_file_to_file_is_lossless_and_refuses_a_program(coop, demo_template: Path, tmp_path: Path) -> None:
    """`coop db copy` between two SQLite files: every row, every table's count checked; a target
    that already holds a program is left alone unless --replace; ids go on after the copied rows."""
    target = tmp_path / "copy.db"
    copied = coop("--db", str(demo_template), "db", "copy", "--to", str(target))
    assert copied.exit_code == 0, copied.stderr
    assert "every table's count checked" in copied.stdout
    assert database_dump(f"sqlite:///{target}") == database_dump(f"sqlite:///{demo_template}")
    again = coop("--db", str(demo_template), "db", "copy", "--to", str(target))
    assert again.exit_code == 1 and "already holds a program" in again.stderr
    assert database_dump(f"sqlite:///{target}") == database_dump(f"sqlite:///{demo_template}")
    assert coop("--db", str(demo_template), "db", "copy", "--to", str(target), "--replace").exit_code == 0
    added = coop("--db", str(target), "coops", "add", "New After Copy", "--kind", "worker")
    assert added.exit_code == 0, added.stderr
    assert "New After Copy" in coop("--db", str(target), "coops", "list").stdout
