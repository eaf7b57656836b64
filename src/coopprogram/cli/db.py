"""`coop db`: where the database is, backups and schema upgrades."""

from __future__ import annotations

from typing import Annotated

import typer

from coopprogram.cli.context import current
from coopprogram.cli.output import OutputFile, say

app = typer.Typer(help="The database itself: its location, backups and upgrades.", no_args_is_help=True)


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

    Default: a dated file in the `backups` folder beside the database.

    Example: coop db backup -o sei-2022-01-15.db
    """
    from coopprogram.services.setup import backup

    path = backup(current.url, destination=output)
    say(f"Backed up the database to {path}")


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
