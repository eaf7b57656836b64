"""Creating a program's database, bringing it up to date, and starting over.

These work on the database as a whole (files, schema, backups) rather than inside one
command's transaction, so they take the database URL instead of a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coopprogram import db as database
from coopprogram.config import display_location, sqlite_path
from coopprogram.errors import Conflict, DatabaseProblem
from coopprogram.migrations import HEAD_REVISION
from coopprogram.services.demo import DemoSummary, load_demo, sample_data_dir
from coopprogram.services.program import DEFAULTS_FILE, has_program, load_program_file, setup_program


@dataclass(frozen=True)
class InitResult:
    created: bool  # False: the database was already set up and kept as it was
    upgraded: bool
    backup: Path | None
    demo: DemoSummary | None
    location: str


def _has_program(url: str) -> bool:
    with database.unit_of_work(url, write=False) as db:
        return has_program(db)


def initialize(url: str, *, demo: bool, force: bool) -> InitResult:
    """Create the database with the program's defaults (or the sample program).

    An existing database is kept as it is, only upgraded, unless `force`: then it is
    backed up and replaced. A setup that fails leaves no new file behind.
    """
    location = display_location(url)
    state = database.schema_state(url)
    backup: Path | None = None
    upgraded = False
    if state is database.SchemaState.AHEAD:
        database.require_current_schema(url)  # raises: made by a newer coop
    if state is not database.SchemaState.MISSING and not force:
        if state is database.SchemaState.BEHIND:
            backup = _backup(url, "before-upgrade")
            database.upgrade_schema(url)
            upgraded = True
        if _has_program(url):
            return InitResult(created=False, upgraded=upgraded, backup=backup, demo=None, location=location)
    elif state is not database.SchemaState.MISSING and force:
        if sqlite_path(url) is None:
            raise Conflict("--force starts over only on a SQLite file; on a server, create a new empty database instead.")
        backup = _backup(url, "before-init")
        database.remove_sqlite_files(url)
    path = sqlite_path(url)
    new_file = path is not None and not path.exists()
    try:
        database.create_database(url)
        with database.unit_of_work(url, write=True, command="coop init") as db:
            summary = load_demo(db, folder=sample_data_dir()) if demo else None
            if not demo:
                setup_program(db, spec=load_program_file(DEFAULTS_FILE))
    except BaseException:
        if new_file:
            database.remove_sqlite_files(url)
        raise
    return InitResult(created=True, upgraded=upgraded, backup=backup, demo=summary, location=location)


@dataclass(frozen=True)
class UpgradeResult:
    upgraded: bool
    backup: Path | None
    revision: str


def upgrade(url: str) -> UpgradeResult:
    """Migrate an older database to this coop's schema, after a backup."""
    state = database.schema_state(url)
    if state in (database.SchemaState.MISSING, database.SchemaState.AHEAD):
        database.require_current_schema(url)  # raises the message that fits
    if state is database.SchemaState.CURRENT:
        return UpgradeResult(upgraded=False, backup=None, revision=HEAD_REVISION)
    backup = _backup(url, "before-upgrade")
    database.upgrade_schema(url)
    return UpgradeResult(upgraded=True, backup=backup, revision=HEAD_REVISION)


def _backup(url: str, reason: str) -> Path | None:
    if sqlite_path(url) is None:
        return None
    made = database.backup_sqlite(url, database.automatic_backup_path(url, reason))
    database.prune_backups(url)
    return made


def backup(url: str, *, destination: Path | None) -> Path:
    """A consistent copy as a private SQLite file: SQLite's online backup for a file, a full
    `db copy` for a server database (restore it with `coop db copy --to` back to the server)."""
    if sqlite_path(url) is None:
        from coopprogram.config import default_database_path
        from coopprogram.services.transfer import copy_database
        from coopprogram.units import utc_now

        target = destination.expanduser().absolute() if destination else (
            default_database_path().parent / "backups" / f"server-{utc_now():%Y%m%d-%H%M%S}.db"
        )
        if target.exists():
            raise DatabaseProblem(f"{target} already exists; nothing was written. Choose another file name.")
        database.make_private_directory(target.parent)
        copy_database(url, "sqlite:///" + str(target))
        return target
    if destination is not None:
        return database.backup_sqlite(url, destination.expanduser().absolute())
    return _backup(url, "manual")


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    backup: Path | None
    upgraded: bool


def restore(url: str, *, source: Path) -> RestoreResult:
    """Put a backup back: checked first, the current database backed up, then replaced."""
    path = sqlite_path(url)
    if path is None:
        raise DatabaseProblem("`coop db restore` puts back SQLite backups; for a server database use its own restore tool.")
    source = source.expanduser().absolute()
    revision = database.inspect_backup(source)
    if path.exists() and source.samefile(path):
        raise DatabaseProblem(f"{source} is the database itself; choose a backup file.")
    backup = _backup(url, "before-restore") if path.exists() else None
    if not path.exists():
        database.create_private_file(path)
    database.copy_into(source, url)
    upgraded = revision != HEAD_REVISION
    if upgraded:
        database.upgrade_schema(url)
    return RestoreResult(restored_from=source, backup=backup, upgraded=upgraded)
