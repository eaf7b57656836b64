"""`coop db`: where the database is, backups and schema upgrades."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coopprogram.cli.context import current
from coopprogram.cli.output import group, OutputFile, say

app = group("The database itself: its location, backups and upgrades.")


@app.command("path")
def db_path() -> None:
    """Print where the program database is (a file path, or a URL without its password).

    Example: coop db path
    """
    from coopprogram.config import display_location

    say(display_location(current.url))


@app.command("backup")
def db_backup(output: OutputFile = None) -> None:
    """Back up the database with SQLite's online backup (safe while others use it). The copy is private (0600).

    Default: a dated file in the `backups` folder beside the database, where the last 10 are kept.

    Example: coop db backup -o sei-2022-01-15.db
    """
    from coopprogram.services.setup import backup

    path = backup(current.url, destination=output)
    say(f"Backed up the database to {path}")


@app.command("check")
def db_check() -> None:
    """Check the database: SQLite's integrity and foreign keys, and the program's own rules (invoice totals, numbering, caps...).

    Example: coop db check
    """
    from coopprogram.cli.context import database
    from coopprogram.services.checks import check_database

    with database(write=False) as db:
        report = check_database(db)
    for problem in report.problems:
        typer.echo(f"Problem: {problem}", err=True)
    if not report.ok:
        raise typer.Exit(1)
    say(f"No problems found ({len(report.checks)} checks: {'; '.join(report.checks)}).")


@app.command("restore")
def db_restore(file: Annotated[Path, typer.Argument(metavar="FILE", help="A backup made by `coop db backup`.", dir_okay=False)]) -> None:
    """Put a backup back. The file is checked first and the current database is backed up before it is replaced.

    Example: coop db restore backups/coop-20220115-180000-manual.db
    """
    from coopprogram.services.setup import restore

    result = restore(current.url, source=file)
    if result.backup:
        say(f"Backed up the database as it was to {result.backup}")
    say(f"Restored {result.restored_from}" + (" and brought it up to date." if result.upgraded else "."))


@app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database's schema up to this version of coop, after a backup.

    Example: coop db upgrade
    """
    from coopprogram.services.setup import upgrade

    result = upgrade(current.url)
    if not result.upgraded:
        say(f"The database is already up to date (schema {result.revision}); nothing was changed.")
        return
    if result.backup:
        say(f"Backed up the database to {result.backup}")
    say(f"Upgraded the database to schema {result.revision}.")
