"""`coop db`: where the database is, backups and schema upgrades."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coopprogram.cli.context import application
from coopprogram.cli.output import OutputFile, group, say

app = group("The database itself: its location, backups and upgrades.")


@app.command("path")
def db_path() -> None:
    """Print where the program database is (a file path, or a URL without its password).

    Example: coop db path
    """
    from coopprogram.config import display_location

    say(display_location(application().url))


@app.command("backup")
def db_backup(output: OutputFile = None) -> None:
    """Back up the database into a private (0600) SQLite file, safe while others use it.

    A file is copied with SQLite's online backup; default: a dated file in the `backups` folder beside it, where
    the last 10 are kept. A server database is copied whole into a SQLite file (put it back with `coop db copy --to`).

    Example: coop db backup -o sei-2022-01-15.db
    """
    from coopprogram.services.setup import backup

    path = backup(application().url, destination=output)
    say(f"Backed up the database to {path}")
    _files_to_copy()


@app.command("copy")
def db_copy(
    to: Annotated[
        str,
        typer.Option(
            "--to", metavar="PATH|URL", help="The database to copy into: a SQLite file or a postgresql+psycopg:// URL."
        ),
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a target that already holds a program.")
    ] = False,
) -> None:
    """Copy the whole program, history included, into another database (a file to a server, or back); counts are verified.

    Example: coop db copy --to postgresql+psycopg://sei@db.example.org/coop
    """
    from coopprogram.config import resolve_database
    from coopprogram.services.transfer import copy_database

    result = copy_database(application().url, resolve_database(to), replace=replace)
    for table, rows in result.counts:
        say(f"{table:<20} {rows:>8}")
    say(
        f"Copied {sum(rows for _, rows in result.counts)} rows from {result.source} to {result.target}; every table's count checked."
    )
    _files_to_copy(resolve_database(to))


def _files_to_copy(target: str | None = None) -> None:
    """The materials and the outbox are files, not rows in the database: say what to copy."""
    from coopprogram.config import files_folder, outbox_folder

    for what, folder in (
        ("the materials' files", lambda url: files_folder(url, "materials")),
        ("the messages' emails", outbox_folder),
    ):
        source = folder(application().url)
        count = sum(1 for _ in source.iterdir()) if source.is_dir() else 0
        destination = folder(target) if target else None
        if count and source != destination:  # an outbox set in `coop config` serves both databases
            where = f" to {destination}" if destination else " with the backup"
            say(f"Also copy {source} ({count} files, {what}){where}: they are files, not rows in the database.")


@app.command("check")
def db_check() -> None:
    """Check the database: SQLite's integrity and foreign keys, any trigger, view or table coop did not create,
    and the program's own rules (invoice totals, numbering, caps...).

    Example: coop db check
    """
    from coopprogram.cli.context import database
    from coopprogram.cli.shared import materials_folder
    from coopprogram.services.checks import check_database

    with database(write=False) as db:
        report = check_database(db, materials_folder=materials_folder())
    for problem in report.problems:
        typer.echo(f"Problem: {problem}", err=True)
    if not report.ok:
        raise typer.Exit(1)
    say(f"No problems found ({len(report.checks)} checks: {'; '.join(report.checks)}).")


@app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A backup made by `coop db backup`.", dir_okay=False)],
) -> None:
    """Put a backup back, all or nothing. The file is checked first (a damaged file, or one carrying triggers,
    views or tables coop did not create, is refused), brought up to date beside the database, and swapped in only
    then, after a backup of the current database.

    Example: coop db restore backups/coop-20220115-180000-manual.db
    """
    from coopprogram.services.setup import restore

    result = restore(application().url, source=file)
    if result.backup:
        say(f"Backed up the database as it was to {result.backup}")
    say(f"Restored {result.restored_from}" + (" and brought it up to date." if result.upgraded else "."))


@app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database's schema up to this version of coop, after a backup.

    Example: coop db upgrade
    """
    from coopprogram.services.setup import upgrade

    result = upgrade(application().url)
    if not result.upgraded:
        say(f"The database is already up to date (schema {result.revision}); nothing was changed.")
        return
    if result.backup:
        say(f"Backed up the database to {result.backup}")
    say(f"Upgraded the database to schema {result.revision}.")
