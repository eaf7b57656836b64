"""Creating a program's database, bringing it up to date, and starting over.

These work on the database as a whole (files, schema, backups) rather than inside one
command's transaction, so they take the database URL instead of a session.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from coopprogram import db as database
from coopprogram.config import display_location, sqlite_path, sqlite_url
from coopprogram.errors import Conflict, CoopError, DatabaseProblem
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
    path = sqlite_path(url)
    if path is not None:
        database.claim_sqlite_file(path)  # not another application's file, nothing coop did not create
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
            raise Conflict(
                "--force starts over only on a SQLite file; on a server, create a new empty database instead."
            )
        backup = _backup(url, "before-init")
        database.remove_sqlite_files(url)
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


def _backup(url: str, reason: str, *, prune: bool = True) -> Path | None:
    """An automatic backup, recorded as this database's own; the oldest ones beyond the kept
    number are deleted only once it is complete."""
    if sqlite_path(url) is None:
        return None
    made = database.backup_sqlite(url, database.automatic_backup_path(url, reason))
    database.record_backup(url, made)
    if prune:
        database.prune_backups(url)
    return made


def backup(url: str, *, destination: Path | None) -> Path:
    """A consistent copy as a private SQLite file: SQLite's online backup for a file, a full
    `db copy` for a server database (restore it with `coop db copy --to` back to the server)."""
    if sqlite_path(url) is None:
        from coopprogram.config import default_database_path
        from coopprogram.services.transfer import copy_database
        from coopprogram.units import utc_now

        target = (
            destination.expanduser().absolute()
            if destination
            else (default_database_path().parent / "backups" / f"server-{utc_now():%Y%m%d-%H%M%S}.db")
        )
        if os.path.lexists(target):
            raise DatabaseProblem(f"{target} already exists; nothing was written. Choose another file name.")
        database.make_private_directory(target.parent)
        copy_database(url, sqlite_url(target))
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
    """Put a backup back, all or nothing: the file is checked, copied beside the database and
    brought up to date there; only then is the database backed up and replaced, in one step.
    Old automatic backups are pruned last, and never the one just restored."""
    path = sqlite_path(url)
    if path is None:
        raise DatabaseProblem(
            "`coop db restore` puts back SQLite backups; for a server database use its own restore tool."
        )
    source = source.expanduser().absolute()
    revision = database.inspect_backup(source)
    if path.exists() and source.samefile(path):
        raise DatabaseProblem(f"{source} is the database itself; choose a backup file.")
    database.make_private_directory(path.parent)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".coop-restore-") as folder:
        staged = Path(folder) / path.name
        database.create_private_file(staged)
        database.copy_sqlite(source, staged, url=sqlite_url(staged))
        upgraded = revision != HEAD_REVISION
        try:
            if upgraded:
                database.upgrade_schema(sqlite_url(staged))
            database.refuse_unexpected_objects(staged, what="it was not restored")
        except CoopError as error:
            raise DatabaseProblem(
                f"{source} could not be brought up to this coop's schema ({error.message}); "
                "the database was not changed."
            ) from None
        backup = _backup(url, "before-restore", prune=False) if path.exists() else None
        new_file = not path.exists()
        if new_file:
            database.create_private_file(path)
        try:
            database.copy_into(staged, url)
        except BaseException:
            if new_file:
                database.remove_sqlite_files(path)
            raise
    database.prune_backups(url, spare=source)
    return RestoreResult(restored_from=source, backup=backup, upgraded=upgraded)
