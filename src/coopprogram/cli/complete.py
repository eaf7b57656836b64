"""Shell completion of values: co-op slugs (also in comma-separated lists), session ids with
their titles, invoice references, versions, decisions, milestones, phases, hour categories,
session kinds and settings. The fixed words of the program (co-op kinds, statuses, stances)
are StrEnums in vocab.py, which Typer completes through their Choice type.

Completion runs on every Tab, so it reads the SQLite file directly with the standard `sqlite3`
module, read-only, and never imports SQLAlchemy or SQLModel. A database on a server completes
no values (connecting to it on every Tab would be slow); commands and options still complete.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import typer

Completions = list[tuple[str, str]]


def _database_file(ctx: typer.Context) -> Path | None:
    """The database the command would use (`config.database_target`), when it is a file."""
    from coopprogram.config import database_target
    from coopprogram.errors import CoopError

    try:
        target = database_target((ctx.find_root().params or {}).get("db_location"))
    except CoopError:  # a config file that cannot be read: the command will say so, not the Tab key
        return None
    if "://" in target:
        return Path(target.removeprefix("sqlite:///")) if target.startswith("sqlite:///") else None
    return Path(target).expanduser()


def _rows(ctx: typer.Context, query: str, parameters: tuple = ()) -> list[tuple[str, str]]:
    """(value, description) pairs from the program's database; none when it cannot be read."""
    path = _database_file(ctx)
    if path is None or not path.is_file():
        return []
    try:
        # A file URI, so that a folder named "SEI #2" or "100%" is read as the path it is.
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=0.5)
        try:
            return [
                (str(value), str(description or "")) for value, description in connection.execute(query, parameters)
            ]
        finally:
            connection.close()
    except sqlite3.Error:
        return []


def _completer(query: str) -> Callable[[typer.Context, str], Completions]:
    def complete(ctx: typer.Context, incomplete: str) -> Completions:
        return [(value, help_text) for value, help_text in _rows(ctx, query) if value.startswith(incomplete)]

    return complete


def _given(ctx: typer.Context) -> set[str]:
    """The values already typed for this command's repeatable parameters (`attend 16 voces <Tab>`)."""
    return {value for given in (ctx.params or {}).values() if isinstance(given, (list, tuple)) for value in given}


_active_coops = "SELECT slug, name FROM coop WHERE archived_on IS NULL ORDER BY slug"


def coop_slugs(ctx: typer.Context, incomplete: str) -> Completions:
    given = _given(ctx)
    return [
        (slug, name) for slug, name in _rows(ctx, _active_coops) if slug.startswith(incomplete) and slug not in given
    ]


def _slug_list(ctx: typer.Context, incomplete: str, words: tuple[str, ...]) -> Completions:
    """The word being typed in `SLUG,SLUG,...`: what is typed so far and one more co-op."""
    head, comma, last = incomplete.rpartition(",")
    taken = set(head.split(",")) if comma else set()
    offered = [(slug, name) for slug, name in _rows(ctx, _active_coops) if slug not in taken]
    if not comma:
        offered = [(word, "") for word in words] + offered
    return [(f"{head}{comma}{slug}", name) for slug, name in offered if slug.startswith(last)]


def coop_slug_lists(ctx: typer.Context, incomplete: str) -> Completions:
    return _slug_list(ctx, incomplete, ())


def invited_coops(ctx: typer.Context, incomplete: str) -> Completions:
    """`--invite`: all, none, or co-ops separated by commas."""
    return _slug_list(ctx, incomplete, ("all", "none"))


def coop_slugs_or_all(ctx: typer.Context, incomplete: str) -> Completions:
    return [(word, "") for word in ("all",) if word.startswith(incomplete)] + coop_slugs(ctx, incomplete)


def session_ids(ctx: typer.Context, incomplete: str) -> Completions:
    """The latest sessions first, each with its day and time in the program's time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    rows = _rows(ctx, "SELECT timezone, '' FROM program")
    zone = ZoneInfo(rows[0][0]) if rows else UTC
    sessions = _rows(
        ctx, "SELECT id, starts_at || '|' || title FROM programsession ORDER BY starts_at DESC, id DESC LIMIT 200"
    )
    completions = []
    for session_id, described in sessions:
        starts_at, title = described.split("|", 1)
        local = datetime.fromisoformat(starts_at).replace(tzinfo=UTC).astimezone(zone)
        if session_id.startswith(incomplete):
            completions.append((session_id, f"{local:%Y-%m-%d %H:%M} {title}"))
    return completions


invoice_refs = _completer(
    "SELECT coalesce(number, CAST(id AS TEXT)), period || ' ' || status FROM invoice ORDER BY id DESC LIMIT 200"
)
versions = _completer(
    "SELECT v.version, v.status FROM decisionversion v JOIN decision d ON d.id = v.decision_id "
    "WHERE d.kind = 'points-of-unity' ORDER BY v.version DESC"
)
decisions = _completer("SELECT id, title FROM decision ORDER BY id DESC")
decision_kinds = _completer("SELECT DISTINCT kind, '' FROM decision ORDER BY kind")
milestones = _completer("SELECT id, due_on || ' ' || title FROM milestone ORDER BY due_on, id")


def decision_versions(ctx: typer.Context, incomplete: str) -> Completions:
    """The versions of the decision named before (`decisions tally 2 --version <Tab>`)."""
    decision = (ctx.params or {}).get("decision")
    if decision is None:  # `tally 2 --version <Tab>`: the parser stopped at the option still missing its value
        decision = next((word for word in ctx.args if word.isdigit()), None)
    if decision is None:
        return []
    rows = _rows(
        ctx, "SELECT version, status FROM decisionversion WHERE decision_id = ? ORDER BY version DESC", (decision,)
    )
    return [(version, status) for version, status in rows if version.startswith(incomplete)]


phases = _completer("SELECT number, name FROM phase ORDER BY number")
categories = _completer("SELECT slug, name FROM category ORDER BY slug")
session_kinds = _completer("SELECT slug, name FROM sessionkind ORDER BY slug")


def config_keys(ctx: typer.Context, incomplete: str) -> Completions:
    from coopprogram.userconfig import KEYS

    return [(name, key.help) for name, key in KEYS.items() if name.startswith(incomplete)]
