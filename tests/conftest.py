"""Every test runs on its own database, with colour off and a fixed terminal width.
`coop(...)` runs the command line in-process; `db_url` is an initialized database;
`session` opens a unit of work on it for service tests.

The suite runs on SQLite (a file per test in a temporary folder) and, when
COOP_TEST_DATABASE_URL names a PostgreSQL server, on a fresh database made on that server
for the run, emptied before each test. Tests about SQLite files are marked `sqlite_only`;
tests that need a server, `postgres_only`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopprogram.cli import app

SERVER = os.environ.get("COOP_TEST_DATABASE_URL", "")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about SQLite files (modes, backups, disk faults): not run on a server")
    config.addinivalue_line("markers", "postgres_only: needs a PostgreSQL server (COOP_TEST_DATABASE_URL)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    unwanted = "sqlite_only" if SERVER else "postgres_only"
    kept = [item for item in items if unwanted not in item.keywords]
    dropped = [item for item in items if unwanted in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def server_url() -> Iterator[str | None]:
    """A fresh database on the server for this run (dropped at the end), or None on SQLite."""
    if not SERVER:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"coop_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_server_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server_url: str | None) -> Path:
    """The test's database: a file path on SQLite (returned), the run's server database otherwise."""
    database = tmp_path / "data" / "coop.db"
    if server_url:
        _empty_server_database(server_url)
    monkeypatch.setenv("COOP_DB", server_url or str(database))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    for variable in ("COOP_CONFIG", "COOP_USER"):
        monkeypatch.delenv(variable, raising=False)
    from coopprogram.cli import output

    monkeypatch.setattr(output, "_console", None)
    return database


@pytest.fixture
def coop():
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Run:
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def db_url(isolate: Path) -> str:
    from coopprogram.config import resolve_database
    from coopprogram.services.setup import initialize

    url = resolve_database(None)
    initialize(url, demo=False, force=False)
    return url


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample program, built once per test run (`coop init --demo` is tested on its own)."""
    from coopprogram.services.setup import initialize

    path = tmp_path_factory.mktemp("demo-template") / "coop.db"
    initialize(f"sqlite:///{path}", demo=True, force=False)
    return path


@pytest.fixture
def demo_url(isolate: Path, demo_template: Path, server_url: str | None) -> str:
    """This test's own copy of the sample program, at COOP_DB."""
    import sqlite3

    from coopprogram.config import resolve_database
    from coopprogram.db import create_private_file

    if server_url:
        from coopprogram.services.transfer import copy_database

        copy_database(f"sqlite:///{demo_template}", server_url)
        return server_url
    create_private_file(isolate)
    source, target = sqlite3.connect(demo_template), sqlite3.connect(isolate)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return resolve_database(None)


@pytest.fixture
def session(db_url: str):
    """A writing unit of work on an initialized database; use it as a context manager."""
    from coopprogram.db import unit_of_work

    def open_session(write: bool = True):
        return unit_of_work(db_url, write=write)

    return open_session


def database_dump(url: str) -> str:
    """Every row of every table, in key order: equal dumps mean nothing changed."""
    from sqlalchemy import select
    from sqlmodel import SQLModel

    from coopprogram.db import make_engine

    engine = make_engine(url)
    lines = []
    try:
        with engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
                lines += [f"{table.name}: {tuple(row)!r}" for row in rows]
    finally:
        engine.dispose()
    return "\n".join(lines)


@pytest.fixture
def unchanged():
    """`with unchanged(url): ...` asserts the block leaves the database exactly as it was."""
    from contextlib import contextmanager

    @contextmanager
    def check(url: str) -> Iterator[None]:
        before = database_dump(url)
        yield
        assert database_dump(url) == before

    return check
