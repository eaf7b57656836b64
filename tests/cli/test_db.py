"""`coop db`: path, online backups, upgrades, copy, check, restore, and what a damaged, foreign,
read-only or full database does: a clear message, nothing overwritten."""

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coopprogram.config import resolve_database

from ..conftest import database_dump, file_mode, row_count


def _sql(url: str, statement: str) -> None:
    """Change the database behind coop's back, as a damaged file or a stray script would."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def test_db_check_on_a_sound_and_a_tampered_database(coop, demo_url) -> None:
    assert coop("db", "check").exit_code == 0
    _sql(demo_url, "UPDATE invoice SET total_cents = total_cents + 1 WHERE id = 2")
    _sql(demo_url, "UPDATE invoice SET sequence = 5, number = 'SEI-2022-005' WHERE id = 3")
    _sql(demo_url, "UPDATE decisionresponse SET current = true")
    _sql(demo_url, "UPDATE programsession SET exported_sequence = 4 WHERE id = 1")
    result = coop("db", "check")
    assert result.exit_code == 1
    problems = result.stderr.strip().splitlines()
    assert any("Invoice SEI-2021-002: its total $1,056.26" in p for p in problems)
    assert any("gaps or repeats" in p and "missing [3, 4]" in p for p in problems)
    assert any("co-op 6 has 2 current responses" in p for p in problems)
    assert any("Session 1: its calendar SEQUENCE 0 is below the 4" in p for p in problems)


@pytest.mark.sqlite_only
def test_restore_checks_first_and_backs_up(coop, demo_url, isolate: Path, tmp_path: Path, unchanged) -> None:
    saved = tmp_path / "saved.db"
    coop("db", "backup", "-o", str(saved))
    coop("coops", "add", "After The Backup", "--kind", "worker")
    with unchanged(demo_url):
        for bad, message in ((tmp_path / "nothing.db", "no file"), (Path(__file__), "not a coop database")):
            refused = coop("db", "restore", str(bad))
            assert refused.exit_code == 1 and message in refused.stderr, refused.stderr
    restored = coop("db", "restore", str(saved))
    assert restored.exit_code == 0 and "before-restore" in restored.stdout
    assert "after-the-backup" not in coop("coops", "list").stdout
    assert stat.S_IMODE(isolate.stat().st_mode) == 0o600
    [before] = list((isolate.parent / "backups").glob("coop-*-before-restore.db"))
    assert stat.S_IMODE(before.stat().st_mode) == 0o600
    assert coop("db", "restore", str(before)).exit_code == 0
    assert "After The Backup" in coop("coops", "list").stdout


@pytest.mark.sqlite_only
def test_backups_keep_the_last_ten(coop, demo_url, isolate: Path) -> None:
    from coopprogram.db import KEEP_BACKUPS

    made = [Path(coop("db", "backup").stdout.split(" to ")[-1].strip()) for _ in range(KEEP_BACKUPS + 1)]
    assert not made[0].exists() and all(m.is_file() for m in made[1:])


def _make_read_only(path: Path) -> list[str]:
    """Read-only for whoever runs the test; for root (who writes through any mode) the file is
    made immutable. Returns the command that undoes it."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        return ["chattr", "-i", str(path)]
    os.chmod(path, 0o444)
    return ["chmod", "600", str(path)]


@pytest.mark.sqlite_only
def test_read_only_database_is_refused_clearly(coop, demo_url, isolate: Path) -> None:
    before = isolate.read_bytes()
    command = [sys.executable, "-m", "coopprogram", "coops", "add", "Blocked Co-op", "--kind", "worker"]
    undo = _make_read_only(isolate)
    try:
        result = subprocess.run(
            command, env={**os.environ, "COOP_DB": str(isolate)}, capture_output=True, text=True, check=False
        )
    finally:
        subprocess.run(undo, check=True)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert isolate.read_bytes() == before


@pytest.mark.sqlite_only
def test_full_disk_is_refused_and_nothing_is_half_written(coop, demo_url, isolate: Path, tmp_path: Path) -> None:
    rows = "\n".join(f"big-{n},Big Co-op {n},worker,existing,{'x' * 1500}" for n in range(400))
    big = tmp_path / "big.csv"
    big.write_text("slug,name,kind,stage,notes\n" + rows + "\n", encoding="utf-8")
    limit = isolate.stat().st_size + 64 * 1024  # room for a little, not for 400 rows of notes
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from coopprogram.cli import main\n"
        f"sys.argv = ['coop', 'coops', 'import', {str(big)!r}]\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "COOP_DB": str(isolate)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1 and "Traceback" not in result.stderr
    assert "Could not write to the disk" in error_lines[0] and "Nothing was changed" in error_lines[0]
    assert "big-1" not in coop("coops", "list", "--all").stdout
    assert coop("db", "check").exit_code == 0


@pytest.mark.sqlite_only
def test_db_path_follows_the_option_and_the_environment(coop, isolate: Path, tmp_path: Path, monkeypatch) -> None:
    assert coop("db", "path").stdout.strip() == str(isolate)
    assert coop("--db", str(tmp_path / "other.db"), "db", "path").stdout.strip() == str(tmp_path / "other.db")
    monkeypatch.delenv("COOP_DB")
    assert coop("db", "path").stdout.strip().endswith(os.path.join("coopprogram", "coop.db"))


@pytest.mark.sqlite_only
def test_backup_is_a_readable_private_copy(coop, demo_url, isolate: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    result = coop("db", "backup", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert file_mode(target) == 0o600 and row_count(target, "coop") == 13
    refused = coop("db", "backup", "-o", str(target))
    assert refused.exit_code == 1 and "already exists" in refused.stderr
    default = coop("db", "backup")
    assert default.exit_code == 0
    assert len(list((isolate.parent / "backups").glob("coop-*-manual.db"))) == 1


@pytest.mark.sqlite_only
def test_upgrade_when_current_changes_nothing(coop, db_url, unchanged) -> None:
    with unchanged(resolve_database(None)):
        result = coop("db", "upgrade")
    assert result.exit_code == 0 and "already up to date" in result.stdout


@pytest.mark.sqlite_only
def test_older_and_newer_schemas(coop, demo_url, isolate: Path) -> None:
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
