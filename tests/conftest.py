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
from typing import Any

import pytest
from typer.testing import CliRunner

from coopprogram.cli import app

SERVER = os.environ.get("COOP_TEST_DATABASE_URL", "")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: about SQLite files (modes, backups, disk faults): not run on a server"
    )
    config.addinivalue_line("markers", "postgres_only: needs a PostgreSQL server (COOP_TEST_DATABASE_URL)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    unwanted = "sqlite_only" if SERVER else "postgres_only"
    kept = [item for item in items if unwanted not in item.keywords]
    dropped = [item for item in items if unwanted in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@dataclass(frozen=True)
class Server:
    """The run's database on the server, made again for each test that needs it: empty, or as a
    copy of a template database built once per run (PostgreSQL copies a small database in a
    fraction of the time the migrations and the sample program take to build it)."""

    url: str
    name: str
    admin: Any  # an AUTOCOMMIT engine on the server's maintenance database

    def template_url(self, suffix: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).set(database=f"{self.name}_{suffix}").render_as_string(hide_password=False)

    def create(self, database: str, *, template: str | None = None) -> None:
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else "")))

    def seal(self, database: str) -> None:
        """No connection may stay open on a template database."""
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"), {"name": database}
            )

    def drop(self, database: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def server() -> Iterator[Server | None]:
    """The run's databases on the server (dropped at the end), or None on SQLite."""
    if not SERVER:
        yield None
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"coop_test_{uuid.uuid4().hex[:10]}"
    found = Server(
        make_url(SERVER).set(database=name).render_as_string(hide_password=False),
        name,
        create_engine(SERVER, isolation_level="AUTOCOMMIT"),
    )
    found.create(name)
    try:
        yield found
    finally:
        for database in (name, f"{name}_initialized", f"{name}_demo"):
            found.drop(database)
        found.admin.dispose()


@pytest.fixture(scope="session")
def server_url(server: Server | None) -> str | None:
    """The test database's URL on the server (the same name for the whole run), or None on SQLite."""
    return server.url if server else None


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
    for variable in ("COOP_CONFIG", "COOP_USER", "COOP_LANG", "COOP_OUTBOX", "COOP_SMTP_URL", "COOP_SMTP_PASSWORD"):
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


def _copy_sqlite(template: Path, target: Path) -> None:
    import sqlite3

    from coopprogram.db import create_private_file

    create_private_file(target)
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()


@pytest.fixture(scope="session")
def initialized_template(tmp_path_factory: pytest.TempPathFactory, server: Server | None) -> str:
    """A new program's database (`coop init`), built once per run: a SQLite file, or a template
    database on the server. `coop init` itself is tested on its own."""
    from coopprogram.services.setup import initialize

    if server:
        name = f"{server.name}_initialized"
        server.create(name)
        initialize(server.template_url("initialized"), demo=False, force=False)
        server.seal(name)
        return name
    path = tmp_path_factory.mktemp("initialized-template") / "coop.db"
    initialize(f"sqlite:///{path}", demo=False, force=False)
    return str(path)


@pytest.fixture
def db_url(isolate: Path, initialized_template: str, server: Server | None) -> str:
    from coopprogram.config import resolve_database

    if server:
        server.create(server.name, template=initialized_template)
        return server.url
    _copy_sqlite(Path(initialized_template), isolate)
    return resolve_database(None)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample program, built once per test run (`coop init --demo` is tested on its own)."""
    from coopprogram.services.setup import initialize

    path = tmp_path_factory.mktemp("demo-template") / "coop.db"
    initialize(f"sqlite:///{path}", demo=True, force=False)
    return path


@pytest.fixture(scope="session")
def server_demo_template(demo_template: Path, server: Server | None) -> str | None:
    """The sample program as a template database on the server, copied from the SQLite one once."""
    if not server:
        return None
    from coopprogram.services.transfer import copy_database

    name = f"{server.name}_demo"
    server.create(name)
    copy_database(f"sqlite:///{demo_template}", server.template_url("demo"))
    server.seal(name)
    return name


@pytest.fixture
def demo_url(isolate: Path, demo_template: Path, server: Server | None, server_demo_template: str | None) -> str:
    """This test's own copy of the sample program, at COOP_DB."""
    from coopprogram.config import resolve_database

    if server:
        server.create(server.name, template=server_demo_template)
        return server.url
    _copy_sqlite(demo_template, isolate)
    return resolve_database(None)


@pytest.fixture
def session(db_url: str):
    """A writing unit of work on an initialized database; use it as a context manager."""
    from coopprogram.db import unit_of_work

    def open_session(write: bool = True):
        return unit_of_work(db_url, write=write)

    return open_session


def file_mode(path: Path) -> int:
    """A file's permission bits (0o600 for a private file)."""
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def row_count(path: Path, table: str) -> int:
    """The rows of a table in a SQLite file, read behind coop's back."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()


def _canonical(value: object) -> object:
    """A JSON column's document with its keys sorted: PostgreSQL's JSONB keeps objects in its own
    key order, which is no part of the data."""
    import json

    return json.dumps(value, sort_keys=True) if isinstance(value, dict) else value


def database_dump(url: str) -> str:
    """Every row of every table, in key order: equal dumps mean nothing changed."""
    from sqlalchemy import select

    from coopprogram.db import make_engine
    from coopprogram.models import load_all

    engine = make_engine(url)
    lines = []
    try:
        with engine.connect() as connection:
            for table in load_all().sorted_tables:
                rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
                lines += [f"{table.name}: {tuple(_canonical(value) for value in row)!r}" for row in rows]
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
