"""A driver's error becomes a message a person can act on, classed by the driver's own code
(SQLite's result-code name, PostgreSQL's SQLSTATE), never by the words of its message."""

import sqlite3
from pathlib import Path

import psycopg.errors
import pytest

from coopprogram.db import error_code, translate
from coopprogram.errors import Conflict, DatabaseProblem, Deadlock

URL = "sqlite:////srv/coop.db"


def _sqlite_error(tmp_path: Path, action: str) -> sqlite3.Error:
    path = tmp_path / "program.db"
    if action == "not a database":
        path.write_text("hello, this is not a database\n" * 200)
        statement, connection = "SELECT 1 FROM coop", sqlite3.connect(path)
    elif action == "busy":
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("CREATE TABLE coop (id INTEGER)")
        holder.execute("BEGIN IMMEDIATE")
        statement, connection = "INSERT INTO coop VALUES (1)", sqlite3.connect(path, timeout=0)
    else:  # read-only
        sqlite3.connect(path).execute("CREATE TABLE coop (id INTEGER)")
        statement, connection = "INSERT INTO coop VALUES (1)", sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as raised:
        connection.execute(statement)
    return raised.value


@pytest.mark.parametrize(
    ("action", "code", "words"),
    [
        ("not a database", "SQLITE_NOTADB", "is not a coop database or is damaged"),
        ("busy", "SQLITE_BUSY", "Another coop command is writing to the database right now"),
        ("read-only", "SQLITE_READONLY", "is read-only; nothing was changed"),
    ],
)
def test_sqlite_errors_by_their_code(tmp_path: Path, action: str, code: str, words: str) -> None:
    error = _sqlite_error(tmp_path, action)
    assert error_code(error) == code
    problem = translate(error, URL)
    assert isinstance(problem, DatabaseProblem) and words in problem.message


def test_a_disk_error_by_its_code_whatever_its_words() -> None:
    error = sqlite3.OperationalError("something went wrong")
    error.sqlite_errorname = "SQLITE_IOERR_WRITE"
    assert "it may be full or failing" in translate(error, URL).message


def test_server_errors_by_their_sqlstate() -> None:
    assert isinstance(translate(psycopg.errors.DeadlockDetected("boom"), URL), Deadlock)
    assert isinstance(translate(psycopg.errors.ForeignKeyViolation("boom"), URL), Conflict)
    assert "is read-only" in translate(psycopg.errors.ReadOnlySqlTransaction("boom"), URL).message
    # The words alone class nothing: a message that says "deadlock" is not one.
    assert not isinstance(translate(sqlite3.OperationalError("deadlock"), URL), Deadlock)
