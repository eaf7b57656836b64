"""Where the database lives: `--db`, else `COOP_DB`, else the `database` of your config file
(`coop config`), else a file in the user data directory; where the outbox and the mail server
are; and how a location is shown to a person (one masking rule for every URL printed).

Resolved at call time, never at import, so tests and scripts can point anywhere.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from coopprogram.errors import InvalidInput

ENV_VAR = "COOP_DB"
APP_NAME = "coopprogram"
DB_FILENAME = "coop.db"
HIDDEN = "***"
# Query parameters that carry a secret (`?password=...`, `?sslpassword=...`, `?token=...`).
_SECRET_PARAMETER = re.compile(r"pass|pwd|secret|token|key", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"]+")


def default_database_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / DB_FILENAME


def database_target(option: str | None) -> str:
    """The database as a person named it, in the order of precedence: `--db`, then the `database`
    setting (COOP_DB, else the config file), else the file in the user data directory."""
    from coopprogram.userconfig import setting

    return option or setting("database") or str(default_database_path())


def resolve_database(option: str | None) -> str:
    """The database the command uses, as a SQLAlchemy URL."""
    target = database_target(option)
    if "://" in target:
        return _normalized_server_url(target)
    return sqlite_url(Path(target).expanduser().absolute())


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file, its path escaped: a folder named `SEI #2`, `a%41` or
    `why?` names that folder, never a URL fragment, an escape or a query."""
    from sqlalchemy.engine import URL

    return URL.create("sqlite", database=str(path)).render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for any other database."""
    if not url.startswith("sqlite:///"):
        return None
    from sqlalchemy.engine import make_url

    return Path(make_url(url).database or "")


def readonly_file_uri(path: Path) -> str:
    """A `file:` URI that opens `path` read-only in sqlite3, whatever characters the path holds."""
    from urllib.parse import quote

    return f"file:{quote(str(path))}?mode=ro"


def _normalized_server_url(url: str) -> str:
    """A server URL whose password holds an unencoded `@` (`user:p@ss@host`) is read as people
    mean it: everything before the last `@` is the user and password."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    parts = urlsplit(url)
    if parts.netloc.count("@") < 2:
        return url
    from sqlalchemy.engine import URL

    return URL.create(
        parts.scheme,
        username=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        host=parts.hostname,
        port=parts.port,
        database=unquote(parts.path.lstrip("/")) or None,
        query=dict(parse_qsl(parts.query)),
    ).render_as_string(hide_password=False)


def mask_url(url: str) -> str:
    """A URL fit to print: its password (however written: `user:pw@`, an unencoded `@` inside it,
    `?password=...`) replaced by ***. The one masking rule: every URL shown passes here."""
    from urllib.parse import urlsplit, urlunsplit

    if "://" not in url:  # typed without a scheme (user:pw@host): still never shown
        credentials, at, rest = url.rpartition("@")
        return f"{credentials.split(':', 1)[0]}:{HIDDEN}@{rest}" if at and ":" in credentials else url
    try:
        parts = urlsplit(url)
    except ValueError:
        return HIDDEN
    userinfo, at, host = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        userinfo = f"{userinfo.split(':', 1)[0]}:{HIDDEN}"
    netloc = f"{userinfo}@{host}" if at else host
    query = "&".join(
        f"{name}={HIDDEN}" if sep and _SECRET_PARAMETER.search(name) else f"{name}{sep}{value}"
        for name, sep, value in (pair.partition("=") for pair in parts.query.split("&") if pair)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def mask_urls_in(text: str) -> str:
    """Free text (a driver's message) with every URL in it masked."""
    return _URL_IN_TEXT.sub(lambda match: mask_url(match.group(0)), text)


def display_location(url: str) -> str:
    """Where the database is, for messages: the file path, or the URL without its password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return mask_url(url)


FILES_VAR = "COOP_FILES"
SMTP_PORTS = {"smtp": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpAddress:
    scheme: str
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    shown: str  # without the password, for messages


def split_smtp_url(text: str) -> SmtpAddress:
    """A mail server's URL (smtp://user@host:587, smtps://user@host:465) in its parts; refused
    in words when it is not one. The password is whatever the URL holds (often nothing)."""
    from urllib.parse import unquote, urlsplit

    shown = mask_url(text)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise InvalidInput(f"'{shown}' has a port that is not a number from 1 to 65535.") from None
    if parts.scheme not in SMTP_PORTS or not parts.hostname:
        raise InvalidInput(
            f"'{shown}' is not a mail server address: use smtp://user@host:587 (STARTTLS) or smtps://user@host:465 (SSL)."
        )
    return SmtpAddress(
        parts.scheme,
        parts.hostname,
        port or SMTP_PORTS[parts.scheme],
        unquote(parts.username or ""),
        unquote(parts.password or ""),
        shown,
    )


def outbox_folder(url: str) -> Path:
    """Where composed messages are written: the `outbox` setting (COOP_OUTBOX, else the config
    file), else the `outbox` folder the program keeps beside the database (`files_folder`)."""
    from coopprogram.userconfig import setting

    configured = setting("outbox")
    return Path(configured).expanduser() if configured else files_folder(url, "outbox")


def files_folder(url: str, name: str) -> Path:
    """A private folder the program keeps files in (`outbox`, `materials`): beside a SQLite
    database, else in COOP_FILES or the user data folder (a server database has no folder)."""
    path = sqlite_path(url)
    base = (
        path.parent
        if path is not None
        else Path(os.environ.get(FILES_VAR) or default_database_path().parent).expanduser()
    )
    return base / name
