"""The per-user config file: `config.toml` in the platform's config folder (`coop config path`),
read with `tomllib`, written with `tomli-w` through a private temporary file and a rename.

Each key is checked when it is set, so a later command never fails on a stored value. What the
command line and the environment say wins over the file: `--db`, then `COOP_DB`, then the file's
`database`; `COOP_USER`, then the file's `user`; `--smtp`, then `COOP_SMTP_URL`, then `smtp_url`;
`COOP_LANG`, then the file's `language` (after --lang and a co-op's own language); each other key's
variable, then the file. Secrets (passwords) never go in this file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coopprogram.errors import InvalidInput

CONFIG_VAR = "COOP_CONFIG"  # another config file, for tests and for people with several programs
FILENAME = "config.toml"


@dataclass(frozen=True)
class Key:
    name: str
    help: str
    environment: str  # the variable that wins over the file
    check: Callable[[str], str]  # returns the value to store, or raises InvalidInput


def _database(value: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput("The database cannot be empty: give a SQLite file path or a database URL.")
    if "://" not in value:
        return str(Path(value).expanduser().absolute())
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.password or "password=" in parts.query.lower():
        raise InvalidInput(
            "Leave the password out of the config file: put it in ~/.pgpass (PostgreSQL) and give the URL without it."
        )
    return value


def _user(value: str) -> str:
    value = " ".join(value.split())
    if not value or len(value) > 100 or not value.isprintable():
        raise InvalidInput('The user name must be 1 to 100 printable characters, e.g. "Marisol (consultant)".')
    return value


def _folder(value: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput("The outbox cannot be empty: give a folder, e.g. ~/Documents/sei-outbox.")
    path = Path(value).expanduser().absolute()
    if path.exists() and not path.is_dir():
        raise InvalidInput(f"{path} is a file, not a folder: give the folder the messages are written to.")
    return str(path)


def _smtp_url(value: str) -> str:
    from coopprogram.config import split_smtp_url

    value = value.strip()
    if not value:
        raise InvalidInput(
            "Give the mail server's address, e.g. smtp://coop@mail.example.org:587 (or `coop config unset smtp_url`)."
        )
    if split_smtp_url(value).password:
        raise InvalidInput(
            "Leave the password out of the config file: set COOP_SMTP_PASSWORD or put it in ~/.netrc, and give the URL without it."
        )
    return value


def _language(value: str) -> str:
    from coopprogram.languages import check_language

    return check_language(value)


KEYS = {
    key.name: key
    for key in (
        Key(
            "database",
            "The program database (a SQLite file path or a database URL without its password).",
            "COOP_DB",
            _database,
        ),
        Key("user", "Your name in the audit trail (`coop audit`). Default: your login name.", "COOP_USER", _user),
        Key(
            "outbox",
            "The folder composed messages are written to. Default: `outbox` beside a SQLite database.",
            "COOP_OUTBOX",
            _folder,
        ),
        Key(
            "smtp_url",
            "The mail server `coop messages send` uses, without its password: smtp://user@host:587 or smtps://user@host:465.",
            "COOP_SMTP_URL",
            _smtp_url,
        ),
        Key(
            "language",
            "The language of documents when no --lang is given and no co-op's language applies: en, es or pt.",
            "COOP_LANG",
            _language,
        ),
    )
}


def config_path() -> Path:
    configured = os.environ.get(CONFIG_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_config_path

    return user_config_path("coopprogram", appauthor=False) / FILENAME


def read_config() -> dict[str, str]:
    """The file's settings (none when there is no file); a file that cannot be read is refused."""
    path = config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput(f"The config file {path} cannot be read ({error}); fix it or remove it.") from None
    return {name: str(value) for name, value in data.items() if name in KEYS}


def setting(name: str) -> str | None:
    """A setting as in force: the environment's value, else the file's, else None."""
    from_environment = os.environ.get(KEYS[name].environment, "").strip()
    return from_environment or read_config().get(name)


def _key(name: str) -> Key:
    if name not in KEYS:
        raise InvalidInput(f"There is no setting {name!r}: the settings are {', '.join(KEYS)}.")
    return KEYS[name]


def set_setting(name: str, value: str) -> str:
    """Check and store one setting; returns the value as stored."""
    stored = _key(name).check(value)
    _write({**read_config(), name: stored})
    return stored


def unset_setting(name: str) -> bool:
    """Remove one setting from the file; False when it was not set."""
    _key(name)
    settings = read_config()
    if name not in settings:
        return False
    del settings[name]
    _write(settings)
    return True


def _write(settings: dict[str, str]) -> None:
    import tempfile

    import tomli_w

    path = config_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")  # created 0600
    try:
        with os.fdopen(handle, "wb") as file:
            tomli_w.dump(dict(sorted(settings.items())), file)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
