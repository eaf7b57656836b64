"""`coop` with its database time written down, for `make load`: the command runs as it always
does, and at its end one JSON line is appended to $COOP_LOAD_TRACE: the time it waited to begin
a write transaction (SQLite's BEGIN IMMEDIATE), spent in statements taking row locks (FOR UPDATE,
PostgreSQL), and in all other SQL, how long it held SQLite's write lock, beside its whole time."""

import json
import os
import runpy
import sys
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

started = time.perf_counter()
spent = {
    "begin_wait": 0.0,
    "row_locks": 0.0,
    "sql": 0.0,
    "write_held": 0.0,
    "statements": 0,
    "command": " ".join(sys.argv[1:3]),
}


@event.listens_for(Engine, "before_cursor_execute")
def _before(conn, cursor, statement, parameters, context, executemany):
    conn.info["load_started"] = time.perf_counter()


@event.listens_for(Engine, "after_cursor_execute")
def _after(conn, cursor, statement, parameters, context, executemany):
    seconds = time.perf_counter() - conn.info.pop("load_started", time.perf_counter())
    kind = "begin_wait" if statement.startswith("BEGIN") else "row_locks" if "FOR UPDATE" in statement else "sql"
    spent[kind] += seconds
    spent["statements"] += 1
    if statement == "BEGIN IMMEDIATE":
        conn.info["load_holding"] = time.perf_counter()


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end(conn):
    # How long this command held SQLite's write lock (BEGIN IMMEDIATE to its end): what the others waited for.
    if "load_holding" in conn.info:
        spent["write_held"] += time.perf_counter() - conn.info.pop("load_holding")


def _write() -> None:
    target = os.environ.get("COOP_LOAD_TRACE")
    if target:
        line = json.dumps({**spent, "wall": time.perf_counter() - started}) + "\n"
        descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line.encode())
        finally:
            os.close(descriptor)


sys.argv = ["coop", *sys.argv[1:]]
try:
    runpy.run_module("coopprogram", run_name="__main__")
finally:
    _write()
