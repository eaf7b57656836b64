"""Issue 17 at length (`make stress`): crafted backups restored, folder names made of URL
characters, and writers racing on one PostgreSQL draft. Small in CI; COOP_STRESS=1 runs them long
and prints the counts the note reports."""

from __future__ import annotations

import importlib.util
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from .conftest import STRESS, scale


def _run_race():
    spec = importlib.util.spec_from_file_location(
        "postgres_races", Path(__file__).parents[1] / "cli" / "test_postgres_races.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run_race


EVENTS = ("INSERT", "UPDATE", "DELETE")


def crafted_statements(tables: list[str], columns: dict[str, list[str]]) -> list[str]:
    """Every kind of object a hostile backup can carry: a trigger on each table and event, views,
    stray tables and indexes, and a table whose definition was altered."""
    statements = [
        f"CREATE TRIGGER t_{table}_{event.lower()} AFTER {event} ON {table} BEGIN DELETE FROM auditentry; END"
        for table in tables
        for event in EVENTS
        if table != "auditentry"
    ]
    statements += [f"CREATE VIEW v_{table} AS SELECT * FROM {table}" for table in tables]
    statements += [f"CREATE INDEX ix_extra_{table} ON {table} ({columns[table][-1]})" for table in tables]
    statements += [f"ALTER TABLE {table} ADD COLUMN smuggled TEXT DEFAULT 'x'" for table in tables]
    statements += [
        "CREATE TABLE exfil (value TEXT)",
        "CREATE TEMP TRIGGER passing AFTER INSERT ON coop BEGIN SELECT 1; END",
    ]
    return statements


@pytest.mark.sqlite_only
def test_restores_of_crafted_files(coop, demo_url, tmp_path: Path, unchanged) -> None:
    clean = tmp_path / "clean.db"
    assert coop("db", "backup", "-o", str(clean)).exit_code == 0
    connection = sqlite3.connect(clean)
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        )
    ]
    columns = {table: [row[1] for row in connection.execute(f"PRAGMA table_info({table})")] for table in tables}
    connection.close()
    statements = crafted_statements(tables, columns)
    chosen = statements if STRESS else random.Random(17).sample(statements, 6)
    refused = harmless = 0
    with unchanged(demo_url):
        for n, statement in enumerate(chosen):
            crafted = tmp_path / f"crafted-{n}.db"
            shutil.copy(clean, crafted)
            connection = sqlite3.connect(crafted)
            connection.execute(statement)
            connection.commit()
            connection.close()
            result = coop("db", "restore", str(crafted))
            if "TEMP" in statement:  # a temporary trigger never reaches the file: the restore is clean
                assert result.exit_code == 0, result.stderr
                harmless += 1
                coop("db", "restore", str(clean))
                continue
            assert result.exit_code == 1 and "did not create" in result.stderr, (statement, result.stderr)
            refused += 1
        if harmless:
            assert coop("db", "restore", str(clean)).exit_code == 0
    print(f"\nrestores of crafted files: {len(chosen)} tried, {refused} refused, {harmless} harmless restored")


SHAPES = "#?%&=;@:+[]{}' \"!$,~é"


def path_shapes(count: int) -> list[str]:
    rng = random.Random(17)
    fixed = ["50% off", "x?mode=ro", "%2e%2e", "q?x=1&y=#2", "SEI #2", "a%41", "why?", "#", "%", "?", "sp ace"]
    made = [
        "".join(rng.choice(SHAPES + "ab") for _ in range(rng.randint(1, 12))).strip() or "%20" for _ in range(count)
    ]
    return list(dict.fromkeys(fixed + made))[:count]


@pytest.mark.sqlite_only
def test_path_shapes(coop, tmp_path: Path) -> None:
    shapes = path_shapes(scale(2, 60))
    for n, shape in enumerate(shapes):
        home = tmp_path / f"{n}" / shape
        database = home / "coop.db"
        assert coop("--db", str(database), "init").exit_code == 0, shape
        assert coop("--db", str(database), "coops", "add", "Casa Limpia", "--kind", "worker").exit_code == 0, shape
        made = coop("--db", str(database), "db", "backup")
        assert made.exit_code == 0, (shape, made.stderr)
        backup = Path(made.stdout.split(" to ")[-1].strip())
        assert backup.parent == home / "backups"
        connection = sqlite3.connect(backup)
        assert connection.execute("SELECT slug FROM coop").fetchall() == [("casa-limpia",)], shape
        connection.close()
        assert sorted(p.name for p in (tmp_path / f"{n}").iterdir()) == [shape]
    print(f"\npath shapes tried: {len(shapes)}")


@pytest.mark.postgres_only
def test_concurrent_postgres_writers(coop, demo_url) -> None:
    workers, rounds = scale(3, 8), scale(3, 25)
    tally = _run_race()(coop, workers=workers, rounds=rounds, entries=scale(6, workers * rounds // 2))
    print(
        f"\nconcurrent PostgreSQL writers: {workers} x {rounds + 1} operations: {tally['ok']} done, "
        f"{tally['refused']} refused with a reason, 0 lost, 0 raw errors"
    )
