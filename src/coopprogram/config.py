"""Where the database lives: `--db`, else `COOP_DB`, else the `database` of your config file
(`coop config`), else a file in the user data directory.

Resolved at call time, never at import, so tests and scripts can point anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "COOP_DB"
APP_NAME = "coopprogram"
DB_FILENAME = "coop.db"


def default_database_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / DB_FILENAME


def resolve_database(option: str | None) -> str:
    """The database the command uses, as a SQLAlchemy URL."""
    from coopprogram.userconfig import read_config

    target = option or os.environ.get(ENV_VAR) or read_config().get("database") or str(default_database_path())
    if "://" in target:
        return target
    return "sqlite:///" + str(Path(target).expanduser().absolute())


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for any other database."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///"))
    return None


def display_location(url: str) -> str:
    """Where the database is, for messages: the file path, or the URL without its password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
