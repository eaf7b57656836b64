"""Moving a whole program from one database to another (a SQLite file to a PostgreSQL server,
or back), losslessly: every row of every table, the audit trail included, copied in one
transaction on the target and counted on both sides before it is committed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from coopprogram import db as database
from coopprogram.config import display_location
from coopprogram.errors import Conflict, DatabaseProblem
from coopprogram.models import Program, ProgramSession, load_all

if TYPE_CHECKING:
    from sqlalchemy import Connection

BATCH = 1_000


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str
    counts: list[tuple[str, int]]  # table, rows copied (equal on both sides)


def _tables():
    return list(load_all().sorted_tables)


def copy_database(source_url: str, target_url: str, *, replace: bool = False) -> CopyResult:
    if database.schema_state(source_url) is not database.SchemaState.CURRENT:
        database.require_current_schema(source_url)
    if source_url == target_url:
        raise Conflict("The source and the target are the same database; name another one with --to.")
    database.create_database(target_url)  # a new SQLite file (0600) or the schema on an empty server database
    database.require_current_schema(target_url)
    source_engine, target_engine = database.make_engine(source_url), database.make_engine(target_url)
    counts: list[tuple[str, int]] = []
    try:
        with source_engine.connect() as source, target_engine.connect() as target, target.begin():
            if source.dialect.name == "postgresql":  # every table read at one moment, as SQLite's transaction gives
                source.execution_options(isolation_level="REPEATABLE READ")
            if target.execute(select(func.count()).select_from(Program.__table__)).scalar():
                if not replace:
                    raise Conflict(
                        f"{display_location(target_url)} already holds a program; nothing was copied. "
                        "Add --replace to overwrite it (take a backup of it first)."
                    )
                for table in reversed(_tables()):
                    target.execute(table.delete())
            for table in _tables():
                key = list(table.primary_key.columns)
                rows = source.execute(select(table).order_by(*key)).mappings()
                copied = 0
                while batch := rows.fetchmany(BATCH):
                    target.execute(insert(table), [dict(row) for row in batch])
                    copied += len(batch)
                counts.append((table.name, copied))
            # The rows inserted fired the target's calendar triggers (migrations 0016 and 0018); the copy
            # shows what the source shows, so it keeps the source's event tokens (the events kept stay
            # the sessions') and, last, its calendar token (a folder published from either stays current).
            _keep_tokens(source, target)
            for table in _tables():
                expected = source.execute(select(func.count()).select_from(table)).scalar()
                found = target.execute(select(func.count()).select_from(table)).scalar()
                if expected != found:
                    raise DatabaseProblem(
                        f"Copying {table.name} gave {found} rows instead of {expected}; nothing was copied."
                    )
            if target.dialect.name == "postgresql":
                _advance_sequences(target)
    except DBAPIError as error:  # the driver's words only: its parameters would be every co-op's contacts
        raise database.translate(error, target_url) from None
    finally:
        source_engine.dispose()
        target_engine.dispose()
    return CopyResult(display_location(source_url), display_location(target_url), counts)


def _keep_tokens(source: Connection, target: Connection) -> None:
    from sqlalchemy import bindparam

    sessions, program = ProgramSession.__table__, Program.__table__
    tokens = [
        {"copied_id": session_id, "copied_token": token}
        for session_id, token in source.execute(select(sessions.c.id, sessions.c.event_token))
    ]
    for start in range(0, len(tokens), BATCH):  # a token-only change: no trigger renews it
        target.execute(
            update(sessions)
            .where(sessions.c.id == bindparam("copied_id"))
            .values(event_token=bindparam("copied_token"), updated_at=sessions.c.updated_at),
            tokens[start : start + BATCH],
        )
    token = source.execute(select(program.c.calendar_token)).scalar()
    if token is not None:
        target.execute(update(program).values(calendar_token=token, updated_at=program.c.updated_at))


def _advance_sequences(connection: Connection) -> None:
    """Rows came with their ids: move each id sequence past them so new rows get fresh ids."""
    for table in _tables():
        if "id" in table.columns:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
