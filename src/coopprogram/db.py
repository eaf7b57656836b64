"""The database: engine and connection settings, the unit of work, the schema check,
creation with private file modes, online backups and Alembic upgrades.

Every command runs in one unit of work: one transaction, committed once at the end,
rolled back on any error. On SQLite a writing unit begins IMMEDIATE so that a
read-then-write never fails half-way because another terminal wrote first.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from coopprogram.config import display_location, readonly_file_uri, sqlite_path, sqlite_url
from coopprogram.errors import Conflict, CoopError, DatabaseProblem, Deadlock, plain_cause
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
    return [ids[start : start + SQL_PARAMETERS] for start in range(0, len(ids), SQL_PARAMETERS)]


def make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    if sqlite_path(url) is None:
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: object) -> None:
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
    def _begin(connection: Connection) -> None:
        immediate = connection.info.get(_WRITE_KEY, True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def error_code(error: BaseException) -> str:
    """The driver's class of an error: SQLite's result code by name (SQLITE_BUSY, SQLITE_READONLY_DBMOVED...)
    or PostgreSQL's SQLSTATE (40P01...); "" when the driver gives none."""
    driver_error = getattr(error, "orig", None) or error
    return getattr(driver_error, "sqlite_errorname", None) or getattr(driver_error, "sqlstate", None) or ""


def _in(code: str, *classes: str) -> bool:
    """Whether the code is one of the classes: SQLite's extended codes (SQLITE_IOERR_WRITE) fall
    under their primary one (SQLITE_IOERR)."""
    return any(code == name or code.startswith(name + "_") for name in classes)


def translate(error: Exception, url: str) -> CoopError:
    """A driver's error as a message a person can act on, with nothing it was writing in it. The
    kind of problem comes from the driver's code, not from the words of its message."""
    cause = plain_cause(error)  # the driver's words: no SQL, no parameters, no password
    code = error_code(error)
    where = display_location(url)
    if code == "40P01":  # deadlock_detected
        return Deadlock(
            "The database server stopped this command because another command was waiting on the same "
            "records (a deadlock); nothing was changed. Run the command again."
        )
    if code == "23503":  # foreign_key_violation: a row another command removed meanwhile, on a server
        return Conflict(
            "Another command changed the same records at the same moment; nothing was changed. Run the command again."
        )
    if _in(code, "SQLITE_BUSY", "SQLITE_LOCKED", "55P03"):  # 55P03: lock_not_available
        return DatabaseProblem(
            "Another coop command is writing to the database right now; nothing was changed. "
            "Run the command again in a moment."
        )
    # SQLite reports a missing table with its generic SQLITE_ERROR: only its words tell it apart.
    if _in(code, "SQLITE_NOTADB", "SQLITE_CORRUPT", "42P01") or (code == "SQLITE_ERROR" and "no such table" in cause):
        return DatabaseProblem(
            f"{where} is not a coop database or is damaged; nothing was changed. "
            "Point --db at the right file, or use one of your backups."
        )
    if _in(code, "SQLITE_READONLY", "25006"):  # 25006: read_only_sql_transaction
        return DatabaseProblem(f"{where} is read-only; nothing was changed. Check the file's permissions.")
    if _in(code, "SQLITE_FULL", "SQLITE_IOERR", "53100", "58030"):  # disk_full, io_error
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
        raise translate(error, url) from None
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
            f"No coop database at {where}. Run `coop init` to create it (or `coop init --demo` for the sample program)."
        )
    if state is SchemaState.BEHIND:
        raise DatabaseProblem(
            f"The database at {where} was made by an older coop. Run `coop db upgrade` (it takes a backup first)."
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
            bound = connection
            if not write and connection.dialect.name == "postgresql":
                # One snapshot for every query of a reading command, as SQLite's read transaction
                # gives: a calendar or a report never mixes rows from before and after another's write.
                bound = connection.execution_options(isolation_level="REPEATABLE READ")
            with Session(bind=bound, expire_on_commit=False, autoflush=True) as db:
                if write:  # the audit trail and its table are loaded only by a command that writes
                    from coopprogram.audit import watch

                    watch(db, command=command)
                yield db
                if write:
                    db.commit()
            # A reading unit ends when the connection closes: its transaction is rolled back
            # there, without expiring what was read.
    except DBAPIError as error:
        raise translate(error, url) from None
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


def claim_sqlite_file(path: Path) -> None:
    """Make an existing file fit to hold the program before anything is written to it: never
    through a symbolic link, never another application's SQLite file (or not SQLite at all),
    and 0600 before the first row with contact details lands in it."""
    if path.is_symlink():
        raise Conflict(
            f"{path} is a symbolic link; coop keeps contact details only in a file it owns. Name the file itself."
        )
    if not path.exists():
        return
    if not path.is_file():
        raise Conflict(f"{path} is not a regular file; choose a file name for the database.")
    objects = _objects_in(path)
    revision = _revision_in(path)
    if objects and revision is None:
        raise Conflict(
            f"{path} is a SQLite file of another application (it holds {len(objects)} tables and other objects that "
            "coop did not create); nothing was written. Choose a new file name."
        )
    if revision is not None and revision in _known_revisions():
        refuse_unexpected_objects(path, revision, what="nothing was changed")
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


def _objects_in(path: Path) -> set[tuple[str, str, str]]:
    """(type, name, definition) of every schema object in a SQLite file, but SQLite's own
    bookkeeping; refused when the file is not a readable SQLite database."""
    try:
        connection = sqlite3.connect(readonly_file_uri(path), uri=True)
        try:
            rows = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise DatabaseProblem(
            f"{path} is not a SQLite database that coop can read ({error}); nothing was changed."
        ) from None
    return {(kind, name, _definition(sql)) for kind, name, sql in rows if not _internal(kind, name, sql)}


def _internal(kind: str, name: str, sql: str | None) -> bool:
    # Only what SQLite makes by itself: an index behind a UNIQUE constraint (it has no SQL)
    # and its statistics and AUTOINCREMENT tables. A trigger or view is never internal.
    return (kind == "index" and sql is None) or (
        kind == "table" and name in {"sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}
    )


def _definition(sql: str | None) -> str:
    """A definition compared by meaning: spacing and quoting aside, and a table's columns and
    constraints as a set (batch migrations rebuild tables with their foreign keys in any order,
    and may write a literal default in parentheses: DEFAULT ('') is DEFAULT '')."""
    text = re.sub(r"DEFAULT \(('[^']*'|-?[0-9.]+)\)", r"DEFAULT \1", " ".join((sql or "").replace('"', "").split()))
    head, opening, body = text.partition("(")
    if not head.upper().startswith("CREATE TABLE") or not opening:
        return text
    parts, depth, current = [], 0, ""
    for character in body.rstrip().removesuffix(")"):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += character
    return f"{head}({', '.join(sorted([*parts, current.strip()]))})"


@functools.cache
def _expected_objects(revision: str) -> frozenset[tuple[str, str, str]]:
    """The schema objects the migrations create up to `revision`: built once per process in a
    scratch database, so the comparison can never drift from the migrations themselves."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "reference.db"
        upgrade_schema(sqlite_url(scratch), revision=revision)
        return frozenset(_objects_in(scratch))


def unexpected_objects(path: Path, revision: str = HEAD_REVISION) -> list[str]:
    """Every trigger, view, table or index in a SQLite file that coop's migrations (up to
    `revision`) did not create, or whose definition differs from theirs; one line each."""
    expected = {(kind, name): sql for kind, name, sql in _expected_objects(revision)}
    found = {(kind, name): sql for kind, name, sql in _objects_in(path)}
    problems = [
        f"{kind} {name} that coop did not create"
        if (kind, name) not in expected
        else f"{kind} {name} whose definition coop did not write"
        for (kind, name), sql in sorted(found.items())
        if expected.get((kind, name)) != sql
    ]
    problems += [f"{kind} {name} is missing" for kind, name in sorted(set(expected) - set(found))]
    return problems


# The functions coop's triggers run on PostgreSQL, and their bodies: the calendar token (migration
# 0016) and the sessions' event tokens (0018). A trigger is coop's only when it runs one of these,
# and a function only while its body is the one coop wrote.
_NEW_TOKEN = "md5(random()::text || clock_timestamp()::text)"
TRIGGER_FUNCTIONS = {
    "coop_calendar_changed": f" BEGIN UPDATE program SET calendar_token = {_NEW_TOKEN}; RETURN NULL; END ",
    "coop_event_changed": (
        f" BEGIN IF TG_TABLE_NAME = 'programsession' THEN UPDATE programsession SET event_token = {_NEW_TOKEN} "
        "WHERE (id = NEW.id) OR (id = OLD.id); "
        f"ELSIF TG_TABLE_NAME = 'agendaitem' THEN UPDATE programsession SET event_token = {_NEW_TOKEN} "
        "WHERE (id = NEW.session_id) OR (id = OLD.session_id); "
        f"ELSIF TG_TABLE_NAME = 'titletranslation' THEN UPDATE programsession SET event_token = {_NEW_TOKEN} "
        "WHERE (id = NEW.session_id OR id IN (SELECT session_id FROM agendaitem WHERE id = NEW.agenda_item_id)) "
        "OR (id = OLD.session_id OR id IN (SELECT session_id FROM agendaitem WHERE id = OLD.agenda_item_id)); "
        f"ELSIF TG_TABLE_NAME = 'sessionkind' THEN UPDATE programsession SET event_token = {_NEW_TOKEN} "
        "WHERE (kind_id = NEW.id) OR (kind_id = OLD.id); END IF; RETURN NULL; END "
    ),
}


def server_unexpected_objects(connection: Connection) -> list[str]:
    """The same check on PostgreSQL: triggers, views and tables in the schema that the migrations
    did not create (coop creates tables, and triggers that run only its token functions, whose
    bodies must be the ones it wrote)."""
    from sqlalchemy import bindparam, text

    from coopprogram.models import load_all

    ours = set(load_all().tables) | {"alembic_version"}
    rows = connection.execute(
        text(
            "SELECT 'table', table_name, '' FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
            "UNION ALL SELECT 'view', table_name, '' FROM information_schema.views "
            "WHERE table_schema = current_schema() "
            "UNION ALL SELECT 'trigger', t.tgname, p.proname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
            "UNION ALL SELECT 'function', p.proname, p.prosrc FROM pg_proc p "
            "WHERE p.pronamespace = current_schema()::regnamespace AND p.proname IN :functions"
        ).bindparams(bindparam("functions", expanding=True)),
        {"functions": list(TRIGGER_FUNCTIONS)},
    ).all()

    def coop_made(kind: str, name: str, detail: str) -> bool:
        if kind == "table":
            return name in ours
        if kind == "trigger":
            return detail in TRIGGER_FUNCTIONS
        if kind == "function":
            return detail == TRIGGER_FUNCTIONS[name]
        return False

    return [
        f"{kind} {name} whose definition coop did not write"
        if kind == "function"
        else f"{kind} {name} that coop did not create"
        for kind, name, detail in sorted(rows)
        if not coop_made(kind, name, detail)
    ]


def refuse_unexpected_objects(path: Path, revision: str = HEAD_REVISION, *, what: str) -> None:
    problems = unexpected_objects(path, revision)
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise DatabaseProblem(
            f"{path} holds database objects coop did not create ({shown}); they could run hidden code in every "
            f"command, so {what}. Use another backup, or ask for help to recover it."
        )


def create_database(url: str) -> None:
    """A new, empty database at the head schema. The SQLite file is created 0600; an existing
    file is used only when it is empty or already coop's, with nothing coop did not create."""
    path = sqlite_path(url)
    if path is not None:
        claim_sqlite_file(path)
        if not path.exists():
            create_private_file(path)
    upgrade_schema(url)


def _revision_in(path: Path) -> str | None:
    connection = sqlite3.connect(readonly_file_uri(path), uri=True)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except (sqlite3.Error, TypeError):  # no such table, or no row in it
        return None
    finally:
        connection.close()


def upgrade_schema(url: str, *, revision: str = "head") -> None:
    """Run Alembic's migrations up to `revision`, in one transaction."""
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
                driver = connection.connection.driver_connection
                assert driver is not None  # an open connection has its driver's
                driver.execute("PRAGMA foreign_keys=OFF")
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Two people upgrading one server at once: the second waits, then finds it done.
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK})")
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
    except DBAPIError as error:
        raise translate(error, url) from None
    finally:
        engine.dispose()


def backup_sqlite(url: str, destination: Path) -> Path:
    """A consistent copy through SQLite's online backup API (never a file copy), 0600 from its
    first byte, written beside `destination` and renamed into place only when complete."""
    from coopprogram.files import write_through_temporary

    source_path = sqlite_path(url)
    if source_path is None:
        raise DatabaseProblem(
            "`coop db backup` copies SQLite files; for a server database use its own dump tool (pg_dump)."
        )
    if not source_path.exists():
        raise DatabaseProblem(f"No database at {source_path} to back up. Run `coop init` first.")
    if os.path.lexists(destination):
        raise DatabaseProblem(f"{destination} already exists; nothing was written. Choose another file name.")
    make_private_directory(destination.parent)

    def fill(temporary: Path) -> None:
        copy_sqlite(source_path, temporary, url=url)

    write_through_temporary(destination, fill, replace=False, private=True)
    return destination


def copy_sqlite(source: Path, target: Path, *, url: str) -> None:
    """Every page of `source` into `target` in one step of SQLite's backup API: the target
    changes whole (one transaction) or not at all."""
    source_connection = sqlite3.connect(readonly_file_uri(source), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    target_connection = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        source_connection.backup(target_connection)
    except sqlite3.Error as error:
        raise translate(error, url) from None
    finally:
        target_connection.close()
        source_connection.close()


KEEP_BACKUPS = 10


def _backup_folder(path: Path) -> Path:
    return path.parent / "backups"


def _manifest(path: Path) -> Path:
    """The list of the automatic backups this database's commands made, one file name a line:
    pruning deletes only these, never another database's backups or a file someone named."""
    return _backup_folder(path) / f".{path.name}.automatic-backups"


def _recorded(path: Path) -> list[str]:
    try:
        lines = _manifest(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return list(dict.fromkeys(line for line in lines if line and "/" not in line))


def record_backup(url: str, made: Path) -> None:
    """Add an automatic backup to this database's list (after it is complete)."""
    path = sqlite_path(url)
    assert path is not None
    _write_manifest(path, [*_recorded(path), made.name])


def _write_manifest(path: Path, names: list[str]) -> None:
    from coopprogram.files import write_file

    write_file(_manifest(path), "".join(f"{name}\n" for name in names).encode("utf-8"), replace=True, private=True)


def prune_backups(url: str, *, keep: int = KEEP_BACKUPS, spare: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` of this database's own automatic backups (never `spare`,
    the file being restored); returns what went."""
    path = sqlite_path(url)
    if path is None:
        return []
    folder = _backup_folder(path)
    recorded = [name for name in _recorded(path) if (folder / name).is_file() and not (folder / name).is_symlink()]
    spared = spare.name if spare is not None and spare.parent.resolve() == folder.resolve() else None
    candidates = [name for name in recorded if name != spared]
    doomed = candidates[: max(0, len(candidates) - keep)]
    for name in doomed:
        (folder / name).unlink(missing_ok=True)
    if doomed or len(recorded) != len(_recorded(path)):
        _write_manifest(path, [name for name in recorded if name not in doomed])
    return [folder / name for name in doomed]


def inspect_backup(file: Path) -> str:
    """The schema revision of a file that is a sound coop database, holding only what coop's
    migrations create; refused otherwise, untouched."""
    if not file.is_file():
        raise DatabaseProblem(f"There is no file {file}.")
    try:
        connection = sqlite3.connect(readonly_file_uri(file), uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = (
                connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
                if "alembic_version" in tables
                else None
            )
            has_program = "program" in tables and connection.execute("SELECT count(*) FROM program").fetchone()[0] == 1
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise DatabaseProblem(
            f"{file} is not a coop database that can be read ({error}); nothing was changed."
        ) from None
    if result != "ok":
        raise DatabaseProblem(f"{file} is damaged (SQLite says: {result}); nothing was changed. Try an older backup.")
    if revision is None or not has_program:
        raise DatabaseProblem(f"{file} is not a coop program database; nothing was changed.")
    if revision not in _known_revisions():
        raise DatabaseProblem(
            f"{file} was made by a newer coop (schema {revision}); upgrade coopprogram to restore it."
        )
    refuse_unexpected_objects(file, revision, what="it was not restored and nothing was changed")
    return revision


def copy_into(source: Path, url: str) -> None:
    """Replace the database's content with the file's, through SQLite's backup API: the target
    keeps its place and its private mode, other connections see the new content, and a failure
    part-way leaves it as it was (the copy is one transaction)."""
    target_path = sqlite_path(url)
    assert target_path is not None
    copy_sqlite(source, target_path, url=url)


def automatic_backup_path(url: str, reason: str) -> Path:
    """`backups/coop-YYYYMMDD-HHMMSS-<reason>.db` beside the database, never an existing name."""
    from coopprogram.units import utc_now

    path = sqlite_path(url)
    assert path is not None
    folder = _backup_folder(path)
    make_private_directory(folder)
    stamp = utc_now().strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{path.stem}-{stamp}-{reason}.db"
    counter = 2
    while os.path.lexists(candidate):
        candidate = folder / f"{path.stem}-{stamp}-{reason}-{counter}.db"
        counter += 1
    return candidate


def remove_sqlite_files(url_or_path: str | Path) -> None:
    path = url_or_path if isinstance(url_or_path, Path) else sqlite_path(url_or_path)
    assert path is not None
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
