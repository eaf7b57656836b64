"""`coop config`: your own settings (the database, your name in the audit trail), kept in a
TOML file in your config folder; the command line and the environment still win."""

from __future__ import annotations

from typing import Annotated

import typer

from coopprogram.cli.output import JsonFlag, emit_json, group, say

app = group("Your own settings: the database, your name in the audit trail (a file in your config folder).")

KeyArgument = Annotated[str, typer.Argument(metavar="KEY", help="database or user (`coop config show` lists them).")]


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
        source = f"from {key.environment}" if from_environment else "from the config file" if key.name in stored else "not set"
        rows.append({"key": key.name, "value": from_environment or stored.get(key.name, ""), "source": source, "help": key.help})
    if json:
        emit_json(rows)
        return
    for row in rows:
        masked = _shown(row["value"])
        say(f"{row['key']:<9} {masked or '-'}  ({row['source']})")


def _shown(value: str) -> str:
    if "://" not in value:
        return value
    from coopprogram.config import display_location

    return display_location(value)


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
