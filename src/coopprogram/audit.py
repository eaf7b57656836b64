"""The audit trail: every insert, update and delete a unit of work flushes is written, in the
same transaction, as an AuditEntry with who, when, which command, and the changed fields'
values before and after. Personal contact details are marked changed, never copied.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from coopprogram.models import AuditEntry, Coop, Program
from coopprogram.units import utc_now

ACTOR_VAR = "COOP_USER"
# Contact details, and the secret names of published calendars (the audit must not hand them out).
MASKED = {(Coop.__tablename__, name) for name in ("contact_name", "contact_email", "contact_phone", "feed_secret")} | {
    (Program.__tablename__, "feed_secret")
}
SKIPPED_FIELDS = {"updated_at", "created_at"}
_COMMAND_KEY = "coop_command"
CHANGES_KEY = "coop_changes"  # (action, table, id) of every record the unit of work changed


def actor() -> str:
    """The configured name (COOP_USER, else `user` in the config file), else the operating-system user."""
    from coopprogram.userconfig import read_config

    configured = os.environ.get(ACTOR_VAR, "").strip() or read_config().get("user", "")
    if configured:
        return configured[:100]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value


LONGEST_VALUE = 300


def _value(table: str, field: str, value: Any) -> Any:
    if (table, field) in MASKED:
        return "(set)" if value else "(empty)"
    if isinstance(value, (dict, list)):  # a JSON column (an invoice's snapshot): recorded as its text
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, str) and len(value) > LONGEST_VALUE:  # a snapshot, notes, a draft's text
        return value[:LONGEST_VALUE] + f"… ({len(value)} characters)"
    return _plain(value)


def _changes(obj: Any, action: str) -> dict[str, Any]:
    state = inspect(obj)
    table = obj.__tablename__
    changes: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        name = attribute.key
        if name in SKIPPED_FIELDS or name == "id":
            continue
        history = state.attrs[name].history
        if action == "update":
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
            changes[name] = [_value(table, name, before), _value(table, name, after)]
        elif action == "create":
            value = getattr(obj, name)
            if value not in (None, "", 0, False):
                changes[name] = _value(table, name, value)
        else:
            changes[name] = _value(table, name, getattr(obj, name))
    return changes


def _after_flush(session: Session, _context: Any) -> None:
    command = session.info.get(_COMMAND_KEY, "")
    who, when = actor(), utc_now()
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if isinstance(obj, AuditEntry) or not hasattr(obj, "__tablename__"):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append(
                {
                    "at": when,
                    "actor": who,
                    "command": command,
                    "action": action,
                    "entity": obj.__tablename__,
                    "entity_id": getattr(obj, "id", None),
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEntry), rows)
        session.info.setdefault(CHANGES_KEY, []).extend(
            (row["action"], row["entity"], row["entity_id"]) for row in rows
        )


SHOWN_CHANGES = 5


def describe_changes(changes: list[tuple[str, str, int | None]]) -> str:
    """`created timeentry 42`: what a committed command changed, for a message that must say so."""
    unique = list(dict.fromkeys(changes))
    unique.sort(key=lambda change: ("create", "update", "delete").index(change[0]))
    words = {"create": "created", "update": "updated", "delete": "removed"}
    shown = [f"{words[action]} {entity} {entity_id}" for action, entity, entity_id in unique[:SHOWN_CHANGES]]
    more = len(unique) - SHOWN_CHANGES
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def watch(session: Session, *, command: str = "") -> None:
    """Record every change this session flushes."""
    session.info[_COMMAND_KEY] = command
    event.listen(session, "after_flush", _after_flush)
