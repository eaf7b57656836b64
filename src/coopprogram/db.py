"""The database: engine and connection settings, the unit of work, the schema check,
creation with private file modes, online backups and Alembic upgrades.

Every command runs in one unit of work: one transaction, committed once at the end,
rolled back on any error. On SQLite a writing unit begins IMMEDIATE so that a
read-then-write never fails half-way because another terminal wrote first.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from coopprogram.config import display_location, sqlite_path
from coopprogram.errors import DatabaseProblem
from coopprogram.migrations import HEAD_REVISION

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 15_000
UPGRADE_LOCK = 7_024_911  # the advisory lock key that serializes `coop db upgrade` on PostgreSQL
_WRITE_KEY = "coop_write"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaState(Enum):
    MISSING = "missing"  # no file (SQLite) or no tables
    CURRENT = "current"
    BEHIND = "behind"  # made by an older coop: `coop db upgrade`
    AHEAD = "ahead"  # made by a newer coop


SQL_PARAMETERS = 900  # below SQLite's limit on bound parameters in one statement


def in_chunks(ids: list[int]) -> list[list[int]]:
    """Ids in slices small enough for one `IN (...)` each."""
    return [ids[start:start + SQL_PARAMETERS] for start in range(0, len(ids), SQL_PARAMETERS)]


def make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    if sqlite_path(url) is None:
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):  # noqa: ANN001 - SQLAlchemy's hook signature
        # The driver must not open transactions on its own: the "begin" hook below does.
        dbapi_connection.isolation_level = None
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
            "synchronous=FULL",
        ):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(connection):  # noqa: ANN001
        immediate = connection.info.get(_WRITE_KEY, True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _translate(error: Exception, url: str) -> DatabaseProblem:
    cause = str(getattr(error, "orig", None) or error)  # the driver's words, without SQLAlchemy's links
    text = cause.lower()
    where = display_location(url)
    if "locked" in text or "busy" in text:
        return DatabaseProblem(
            "Another coop command is writing to the database right now; nothing was changed. "
            "Run the command again in a moment."
        )
    if "not a database" in text or "malformed" in text or "no such table" in text:
        return DatabaseProblem(
            f"{where} is not a coop database or is damaged; nothing was changed. "
            "Point --db at the right file, or use one of your backups."
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseProblem(f"{where} is read-only; nothing was changed. Check the file's permissions.")
    if "disk" in text and ("full" in text or "i/o" in text):
        return DatabaseProblem(
            f"Could not write to the disk holding {where} ({cause}): it may be full or failing. "
            "Nothing was changed; free some space or check the disk, then run the command again."
        )
    return DatabaseProblem(f"The database at {where} could not be used ({cause}). Nothing was changed.")


def stored_revision(connection: Connection) -> str | None:
    """The schema revision, or None when the database has no coop tables yet. One plain query:
    reflection would cost an import and more queries on every command."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as error:
        if "alembic_version" not in str(error.orig):  # not "no such table": a real problem
            raise
        connection.rollback()  # PostgreSQL refuses more statements in a failed transaction
        return None


def schema_state(url: str) -> SchemaState:
    from sqlalchemy.exc import DBAPIError

    path = sqlite_path(url)
    if path is not None and not path.exists():
        return SchemaState.MISSING
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.info[_WRITE_KEY] = False
            revision = stored_revision(connection)
    except DBAPIError as error:
        raise _translate(error, url) from None
    finally:
        engine.dispose()
    return _state_of(revision)


def _known_revisions() -> set[str]:
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py")}


def require_current_schema(url: str) -> None:
    _refuse_unless_current(schema_state(url), url)


def _state_of(revision: str | None) -> SchemaState:
    if revision is None:
        return SchemaState.MISSING
    if revision == HEAD_REVISION:
        return SchemaState.CURRENT
    return SchemaState.BEHIND if revision in _known_revisions() else SchemaState.AHEAD


def _refuse_unless_current(state: SchemaState, url: str) -> None:
    where = display_location(url)
    if state is SchemaState.MISSING:
        raise DatabaseProblem(
            f"No coop database at {where}. Run `coop init` to create it "
            "(or `coop init --demo` for the sample program)."
        )
    if state is SchemaState.BEHIND:
        raise DatabaseProblem(
            f"The database at {where} was made by an older coop. "
            "Run `coop db upgrade` (it takes a backup first)."
        )
    if state is SchemaState.AHEAD:
        raise DatabaseProblem(
            f"The database at {where} was made by a newer coop than this one. Upgrade coopprogram to use it."
        )


@contextmanager
def unit_of_work(url: str, *, write: bool, command: str = "") -> Iterator[Session]:
    """One transaction for one command: committed at the end when `write` (every change it makes
    recorded in the audit trail, in the same transaction), else ended unwritten."""
    from sqlalchemy.exc import DBAPIError
    from sqlmodel import Session

    from coopprogram.audit import watch

    path = sqlite_path(url)
    if path is not None and not path.exists():  # never let SQLite create an empty file here
        _refuse_unless_current(SchemaState.MISSING, url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            # The schema check runs on the command's own connection (one engine, one connect),
            # in a short read transaction of its own, ended before the unit of work begins.
            connection.info[_WRITE_KEY] = False
            revision = stored_revision(connection)
            connection.rollback()
            _refuse_unless_current(_state_of(revision), url)
            connection.info[_WRITE_KEY] = write
            with Session(bind=connection, expire_on_commit=False, autoflush=True) as db:
                if write:
                    watch(db, command=command)
                yield db
                if write:
                    db.commit()
            # A reading unit ends when the connection closes: its transaction is rolled back
            # there, without expiring what was read.
    except DBAPIError as error:
        raise _translate(error, url) from None
    finally:
        engine.dispose()


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only, in a directory only they can enter."""
    make_private_directory(path.parent)
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(descriptor)


def make_private_directory(directory: Path) -> None:
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
        os.chmod(directory, 0o700)


def create_database(url: str) -> None:
    """A new, empty database at the head schema. The SQLite file is created 0600."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        create_private_file(path)
    upgrade_schema(url)


def upgrade_schema(url: str) -> None:
    """Run Alembic's migrations up to head, in one transaction."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy.exc import DBAPIError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if sqlite_path(url) is not None:
                # Batch migrations rebuild tables; SQLite forbids switching this inside a transaction.
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Two people upgrading one server at once: the second waits, then finds it done.
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK})")
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
    except DBAPIError as error:
        raise _translate(error, url) from None
    finally:
        engine.dispose()


def backup_sqlite(url: str, destination: Path) -> Path:
    """A consistent copy through SQLite's online backup API (never a file copy), mode 0600."""
    source_path = sqlite_path(url)
    if source_path is None:
        raise DatabaseProblem(
            "`coop db backup` copies SQLite files; for a server database use its own dump tool (pg_dump)."
        )
    if not source_path.exists():
        raise DatabaseProblem(f"No database at {source_path} to back up. Run `coop init` first.")
    if destination.exists():
        raise DatabaseProblem(f"{destination} already exists; nothing was written. Choose another file name.")
    create_private_file(destination)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    except sqlite3.Error as error:
        target.close()
        destination.unlink(missing_ok=True)
        raise _translate(error, url) from None
    finally:
        target.close()
        source.close()
    return destination


KEEP_BACKUPS = 10


def prune_backups(url: str, *, keep: int = KEEP_BACKUPS) -> list[Path]:
    """Delete all but the newest `keep` automatic backups in the backups folder; returns what went."""
    path = sqlite_path(url)
    folder = path.parent / "backups"
    if path is None or not folder.is_dir():
        return []
    automatic = sorted(folder.glob(f"{path.stem}-[0-9]*-*.db"), key=lambda p: p.name)
    doomed = automatic[: max(0, len(automatic) - keep)]
    for old in doomed:
        old.unlink(missing_ok=True)
    return doomed


def inspect_backup(file: Path) -> str:
    """The schema revision of a file that is a sound coop database; refused otherwise, untouched."""
    if not file.is_file():
        raise DatabaseProblem(f"There is no file {file}.")
    try:
        connection = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] if "alembic_version" in tables else None
            has_program = "program" in tables and connection.execute("SELECT count(*) FROM program").fetchone()[0] == 1
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise DatabaseProblem(f"{file} is not a coop database that can be read ({error}); nothing was changed.") from None
    if result != "ok":
        raise DatabaseProblem(f"{file} is damaged (SQLite says: {result}); nothing was changed. Try an older backup.")
    if revision is None or not has_program:
        raise DatabaseProblem(f"{file} is not a coop program database; nothing was changed.")
    if revision not in _known_revisions():
        raise DatabaseProblem(f"{file} was made by a newer coop (schema {revision}); upgrade coopprogram to restore it.")
    return revision


def copy_into(source: Path, url: str) -> None:
    """Replace the database's content with the file's, through SQLite's backup API: the target
    keeps its place and its private mode, and other connections see the new content."""
    target_path = sqlite_path(url)
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        source_connection.backup(target)
    except sqlite3.Error as error:
        raise _translate(error, url) from None
    finally:
        target.close()
        source_connection.close()


def automatic_backup_path(url: str, reason: str) -> Path:
    """`backups/coop-YYYYMMDD-HHMMSS-<reason>.db` beside the database, never an existing name."""
    from coopprogram.units import utc_now

    path = sqlite_path(url)
    assert path is not None
    folder = path.parent / "backups"
    make_private_directory(folder)
    stamp = utc_now().strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{path.stem}-{stamp}-{reason}.db"
    counter = 2
    while candidate.exists():
        candidate = folder / f"{path.stem}-{stamp}-{reason}-{counter}.db"
        counter += 1
    return candidate


def remove_sqlite_files(url: str) -> None:
    path = sqlite_path(url)
    assert path is not None
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
