"""Every test runs on its own database in a temporary folder, with colour off and a fixed
terminal width. `coop(...)` runs the command line in-process; `db_url` is an initialized
database; `session` opens a unit of work on it for service tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopprogram.cli import app


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "data" / "coop.db"
    monkeypatch.setenv("COOP_DB", str(database))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
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
def demo_url(isolate: Path, demo_template: Path) -> str:
    """This test's own copy of the sample program, at COOP_DB."""
    import sqlite3

    from coopprogram.config import resolve_database
    from coopprogram.db import create_private_file

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
    """Every row of every table, as SQL text: equal dumps mean nothing changed."""
    import sqlite3

    from coopprogram.config import sqlite_path

    connection = sqlite3.connect(sqlite_path(url))
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


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
