"""Shell completion of values: co-op slugs, session ids with their titles, invoice references,
points-of-unity versions, decisions, phases, hour categories and session kinds.

Completion runs on every Tab, so it reads the SQLite file directly with the standard `sqlite3`
module, read-only, and never imports SQLAlchemy or SQLModel. A database on a server completes
no values (connecting to it on every Tab would be slow); commands and options still complete.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import typer

Completions = list[tuple[str, str]]


def _database_file(ctx: typer.Context) -> Path | None:
    from coopprogram.config import ENV_VAR, default_database_path

    root = ctx.find_root()
    target = (root.params or {}).get("db_location") or os.environ.get(ENV_VAR) or str(default_database_path())
    if "://" in target:
        return Path(target.removeprefix("sqlite:///")) if target.startswith("sqlite:///") else None
    return Path(target).expanduser()


def _rows(ctx: typer.Context, query: str) -> list[tuple[str, str]]:
    """(value, description) pairs from the program's database; none when it cannot be read."""
    path = _database_file(ctx)
    if path is None or not path.is_file():
        return []
    try:
        # A file URI, so that a folder named "SEI #2" or "100%" is read as the path it is.
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=0.5)
        try:
            return [(str(value), str(description or "")) for value, description in connection.execute(query)]
        finally:
            connection.close()
    except sqlite3.Error:
        return []


def _completer(query: str) -> Callable[[typer.Context, str], Completions]:
    def complete(ctx: typer.Context, incomplete: str) -> Completions:
        return [(value, help_text) for value, help_text in _rows(ctx, query) if value.startswith(incomplete)]

    return complete


coop_slugs = _completer("SELECT slug, name FROM coop WHERE archived_on IS NULL ORDER BY slug")


def session_ids(ctx: typer.Context, incomplete: str) -> Completions:
    """The latest sessions first, each with its day and time in the program's time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    rows = _rows(ctx, "SELECT timezone, '' FROM program")
    zone = ZoneInfo(rows[0][0]) if rows else UTC
    sessions = _rows(ctx, "SELECT id, starts_at || '|' || title FROM programsession ORDER BY starts_at DESC, id DESC LIMIT 200")
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
phases = _completer("SELECT number, name FROM phase ORDER BY number")
categories = _completer("SELECT slug, name FROM category ORDER BY slug")
session_kinds = _completer("SELECT slug, name FROM sessionkind ORDER BY slug")
