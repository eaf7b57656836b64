"""`coop config`: your own settings (the database, your name in the audit trail, the messages'
outbox and mail server), kept in a TOML file in your config folder; the command line and the
environment still win."""

from __future__ import annotations

from typing import Annotated

import typer

from coopprogram.cli import complete
from coopprogram.cli.context import application
from coopprogram.cli.output import JsonFlag, emit_json, group, say

app = group(
    "Your own settings: the database, your name in the audit trail, the messages' outbox and mail server (a file in your config folder)."
)

KeyArgument = Annotated[
    str,
    typer.Argument(
        metavar="KEY",
        autocompletion=complete.config_keys,
        help="database, user, outbox or smtp_url (`coop config show` lists them).",
    ),
]


@app.command("show")
def config_show(json: JsonFlag = False) -> None:
    """Show each setting: the value in force and where it comes from (environment, file, default).

    Example: coop config show
    """
    import os

    from coopprogram.userconfig import KEYS, read_config

    stored = read_config()
    rows = []
    for key in KEYS.values():
        from_environment = os.environ.get(key.environment, "").strip()
        if from_environment:
            value, source = from_environment, f"from {key.environment}"
        elif key.name in stored:
            value, source = stored[key.name], "from the config file"
        else:
            value = _default(key.name)
            source = "default" if value else "not set"
        rows.append({"key": key.name, "value": _shown(value), "source": source, "help": key.help})
    if json:
        emit_json(rows)
        return
    for row in rows:
        say(f"{row['key']:<9} {row['value'] or '-'}  ({row['source']})")


def _default(name: str) -> str:
    """What applies when a setting is set nowhere (empty: nothing does)."""
    import getpass

    from coopprogram.config import default_database_path, files_folder

    if name == "database":
        return str(default_database_path())
    if name == "user":
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return ""
    if name == "outbox":
        return str(files_folder(application().url, "outbox"))
    if name == "language":
        return "en"
    return ""


def _shown(value: str) -> str:
    """A value fit to print: a URL (the database's, the mail server's) without its password."""
    if "://" not in value and "@" not in value:
        return value
    from coopprogram.config import display_location, mask_url

    return display_location(value) if "://" in value else mask_url(value)


@app.command("set")
def config_set(key: KeyArgument, value: Annotated[str, typer.Argument(help="The new value.")]) -> None:
    """Set one of your settings in the config file.

    Example: coop config set user "Marisol (consultant)"
    """
    from coopprogram.userconfig import config_path, set_setting

    stored = set_setting(key, value)
    say(f"Set {key} to {_shown(stored)} in {config_path()}.")


@app.command("unset")
def config_unset(key: KeyArgument) -> None:
    """Remove one of your settings from the config file (its default applies again).

    Example: coop config unset database
    """
    from coopprogram.userconfig import unset_setting

    say(f"Removed {key} from the config file." if unset_setting(key) else f"{key} was not set in the config file.")


@app.command("path")
def config_path_command() -> None:
    """Print where your config file is (it may not exist yet).

    Example: coop config path
    """
    from coopprogram.userconfig import config_path

    say(str(config_path()))
