"""Every test runs on its own database, with colour off and a fixed terminal width.
`coop(...)` runs the command line in-process; `db_url` is an initialized database;
`session` opens a unit of work on it for service tests.

The suite runs on SQLite (a file per test in a temporary folder) and, when
COOP_TEST_DATABASE_URL names a PostgreSQL server, on databases made on that server for the run:
one emptied before each test, and one copy of each template database, put back to the
template's rows before each test that asks for it. Tests about SQLite files are marked
`sqlite_only`; tests that need a server, `postgres_only`.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coopprogram.cli import app

SERVER = os.environ.get("COOP_TEST_DATABASE_URL", "")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: about SQLite files (modes, backups, disk faults): not run on a server"
    )
    config.addinivalue_line("markers", "postgres_only: needs a PostgreSQL server (COOP_TEST_DATABASE_URL)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    unwanted = "sqlite_only" if SERVER else "postgres_only"
    kept = [item for item in items if unwanted not in item.keywords]
    dropped = [item for item in items if unwanted in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


# The structure of a PostgreSQL database, as one digest: every object made after initdb (an oid
# from 16384 on) with its own oid, name and definition, and the database's own settings. Two
# databases with the same digest have the same tables, columns, defaults, constraints, indexes,
# triggers, functions, views, sequences and types, made as one and the same objects: a copy of a
# template has the template's digest until something changes its schema.
STRUCTURE = r"""
SELECT md5(string_agg(line, E'\n' ORDER BY line)) FROM (
  SELECT concat_ws(' ', 'database', datdba, encoding, datcollate, datctype, datallowconn, datconnlimit,
      dattablespace, datacl::text)
    FROM pg_database WHERE datname = current_database()
  UNION ALL SELECT concat_ws(' ', 'setting', setrole, setconfig::text) FROM pg_db_role_setting
    WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL SELECT concat_ws(' ', 'schema', oid, nspname, nspowner, nspacl::text) FROM pg_namespace WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'relation', oid, relnamespace, relname, relkind, relpersistence, relowner,
      relacl::text, relrowsecurity, relforcerowsecurity, reloptions::text, relreplident, relhastriggers, relhasrules,
      relchecks, reltoastrelid, relam, reloftype, relispartition, reltype)
    FROM pg_class WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'column', attrelid, attnum, attname, atttypid, atttypmod, attnotnull, attisdropped,
      attidentity, attgenerated, atthasdef, atthasmissing, attmissingval::text, attcollation, attstorage,
      attcompression, attoptions::text, attacl::text, attndims)
    FROM pg_attribute WHERE attrelid >= 16384 AND attnum > 0
  UNION ALL SELECT concat_ws(' ', 'default', oid, adrelid, adnum, pg_get_expr(adbin, adrelid)) FROM pg_attrdef
  UNION ALL SELECT concat_ws(' ', 'constraint', oid, conname, connamespace, conrelid, contypid, condeferrable,
      condeferred, convalidated, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'index', indexrelid, indisunique, indisvalid, indisready, indislive,
      indisclustered, indisreplident, indimmediate, pg_get_indexdef(indexrelid))
    FROM pg_index WHERE indexrelid >= 16384
  UNION ALL SELECT concat_ws(' ', 'trigger', oid, tgrelid, tgname, tgenabled, tgisinternal, pg_get_triggerdef(oid))
    FROM pg_trigger WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'routine', oid, pronamespace, proname, prokind, proowner, proacl::text, prolang,
      prorettype, pg_get_function_identity_arguments(oid), prosrc, probin, provolatile, proisstrict, prosecdef,
      proleakproof, proparallel, proconfig::text)
    FROM pg_proc WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'rule', oid, ev_class, rulename, ev_type, ev_enabled, pg_get_ruledef(oid))
    FROM pg_rewrite WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'type', oid, typnamespace, typname, typtype, typowner, typacl::text, typrelid,
      typbasetype, typnotnull, typdefault)
    FROM pg_type WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'label', oid, enumtypid, enumsortorder, enumlabel) FROM pg_enum
  UNION ALL SELECT concat_ws(' ', 'sequence', seqrelid, seqtypid, seqstart, seqincrement, seqmax, seqmin, seqcache,
      seqcycle)
    FROM pg_sequence
  UNION ALL SELECT concat_ws(' ', 'dependency', classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype)
    FROM pg_depend WHERE objid >= 16384 OR refobjid >= 16384
  UNION ALL SELECT concat_ws(' ', 'policy', oid, polrelid, polname, polcmd, polpermissive, polroles::text,
      pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid))
    FROM pg_policy
  UNION ALL SELECT concat_ws(' ', 'event trigger', oid, evtname, evtevent, evtowner, evtfoid, evtenabled,
      evttags::text)
    FROM pg_event_trigger
  UNION ALL SELECT concat_ws(' ', 'extension', oid, extname, extversion, extconfig::text) FROM pg_extension
  UNION ALL SELECT concat_ws(' ', 'default privileges', oid, defaclrole, defaclnamespace, defaclobjtype,
      defaclacl::text)
    FROM pg_default_acl
  UNION ALL SELECT concat_ws(' ', 'comment', classoid, objoid, objsubid, description) FROM pg_description
    WHERE objoid >= 16384
  UNION ALL SELECT concat_ws(' ', 'inheritance', inhrelid, inhparent, inhseqno) FROM pg_inherits
  UNION ALL SELECT concat_ws(' ', 'large object', oid) FROM pg_largeobject_metadata
  UNION ALL SELECT concat_ws(' ', 'statistics', oid, stxrelid, stxname, stxkeys::text, stxkind::text)
    FROM pg_statistic_ext
  UNION ALL SELECT concat_ws(' ', 'publication', oid, pubname) FROM pg_publication
  UNION ALL SELECT concat_ws(' ', 'operator', oid) FROM pg_operator WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'cast', oid) FROM pg_cast WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'collation', oid) FROM pg_collation WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'conversion', oid) FROM pg_conversion WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'operator class', oid) FROM pg_opclass WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'operator family', oid) FROM pg_opfamily WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'access method', oid) FROM pg_am WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'language', oid) FROM pg_language WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'text search configuration', oid) FROM pg_ts_config WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'text search dictionary', oid) FROM pg_ts_dict WHERE oid >= 16384
  UNION ALL SELECT concat_ws(' ', 'foreign data wrapper', oid) FROM pg_foreign_data_wrapper
  UNION ALL SELECT concat_ws(' ', 'foreign server', oid) FROM pg_foreign_server
  UNION ALL SELECT concat_ws(' ', 'transform', oid) FROM pg_transform
) AS structure (line)
"""


@dataclass(frozen=True)
class Snapshot:
    """What a copy of a template database holds, read from a new copy: its structure's digest,
    every table's rows (PostgreSQL's binary COPY, in the order they lie on disk) and where every
    sequence stands."""

    structure: str
    tables: list[tuple[str, str, bytes]]  # (table, its columns, its rows)
    sequences: list[tuple[str, int, bool]]  # (sequence, last_value, is_called)


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _snapshot(url: str) -> Snapshot | None:
    """The snapshot of a database, or None when it holds what rows alone cannot put back
    (materialized views, partitioned or foreign tables): its copies are then always made anew."""
    import psycopg

    with psycopg.connect(_libpq(url)) as connection:
        if connection.execute("SELECT 1 FROM pg_class WHERE oid >= 16384 AND relkind IN ('m', 'p', 'f')").fetchone():
            return None
        structure = connection.execute(STRUCTURE).fetchone()[0]
        columns = connection.execute(
            "SELECT c.oid::regclass::text, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) "
            "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
            "WHERE c.oid >= 16384 AND c.relkind = 'r' AND c.relpersistence <> 't' "
            "AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' "
            "GROUP BY c.oid ORDER BY 1"
        ).fetchall()
        tables = []
        with connection.cursor() as cursor:
            for table, names in columns:
                with cursor.copy(f"COPY (SELECT {names} FROM {table} ORDER BY ctid) TO STDOUT (FORMAT BINARY)") as copy:
                    tables.append((table, names, b"".join(bytes(block) for block in copy)))
        sequences = []
        for (sequence,) in connection.execute(
            "SELECT oid::regclass::text FROM pg_class WHERE oid >= 16384 AND relkind = 'S' ORDER BY 1"
        ).fetchall():
            last_value, called = connection.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone()
            sequences.append((sequence, last_value, called))
    return Snapshot(structure, tables, sequences)


def _put_back(url: str, snapshot: Snapshot) -> bool:
    """Put a copy of a template back to the template's rows and sequences, in place: True when
    done; False when its structure is no longer the template's (a test changed its schema) or it
    could not be done, and the copy must be made anew.

    Every table is emptied and vacuumed down to no page at all before the rows go back in the
    order they had, so every test finds the same tables laid out the same way, whatever the tests
    before it wrote or rolled back (TRUNCATE would do the same, but it rebuilds every index and
    waits for the disk once per index)."""
    import psycopg

    tables = [table for table, _, _ in snapshot.tables]
    try:
        with psycopg.connect(_libpq(url), autocommit=True) as connection:
            connection.execute("SET synchronous_commit = off")  # a scratch database: no wait for the disk
            connection.execute("SET lock_timeout = '10s'")
            # As DROP DATABASE ... WITH (FORCE) does: no connection of an earlier test stays.
            connection.execute(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            with connection.transaction():
                if connection.execute(STRUCTURE).fetchone()[0] != snapshot.structure:
                    return False
                # The rows go and come back as they were: no trigger fires (foreign keys are checked by
                # triggers, and the calendar and event tokens stay the template's).
                connection.execute("SET LOCAL session_replication_role = replica")
                for table in tables:
                    connection.execute(f"DELETE FROM {table}")
            connection.execute(f"VACUUM {', '.join(tables)}")
            emptied = connection.execute(
                "SELECT bool_and(pg_relation_size(c.oid) = 0 AND (c.reltoastrelid = 0 OR "
                "pg_relation_size(c.reltoastrelid) = 0)) FROM pg_class c WHERE c.oid = ANY(%s::regclass[])",
                (tables,),
            ).fetchone()[0]
            if not emptied:
                return False
            with connection.transaction(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                for table, names, rows in snapshot.tables:
                    with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                        copy.write(rows)
                for sequence, last_value, called in snapshot.sequences:
                    cursor.execute("SELECT setval(%s::regclass, %s, %s)", (sequence, last_value, called))
    except psycopg.errors.InsufficientPrivilege:
        raise
    except psycopg.Error:
        return False
    return True


@dataclass(frozen=True)
class Server:
    """The run's databases on the server: one emptied for each test that needs an empty database,
    template databases built once per run, and one copy of each template for the tests that start
    from it. PostgreSQL copies a small database in a fraction of the time the migrations and the
    sample program take to build it; putting the template's rows back into the copy takes a
    fraction of that, and no checkpoint (DROP DATABASE forces one), so a copy is made anew only
    when a test changed its schema."""

    url: str
    name: str
    admin: Any  # an AUTOCOMMIT engine on the server's maintenance database
    snapshots: dict[str, Snapshot | None] = field(default_factory=dict)  # by template database

    def database_url(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).set(database=database).render_as_string(hide_password=False)

    def template_url(self, suffix: str) -> str:
        return self.database_url(f"{self.name}_{suffix}")

    def create(self, database: str, *, template: str | None = None) -> None:
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else "")))

    def copy_of(self, template: str) -> str:
        """The URL of this test's copy of a template database (`<template>_copy`), equal to the template."""
        copy = f"{template}_copy"
        url = self.database_url(copy)
        snapshot = self.snapshots.get(template)
        if snapshot is not None and self._put_back(template, url, snapshot):
            return url
        self.create(copy, template=template)
        if template not in self.snapshots:
            self.snapshots[template] = _snapshot(url)
        snapshot = self.snapshots[template]
        if snapshot is not None:  # laid out as every later test will find it
            self._put_back(template, url, snapshot)
        return url

    def _put_back(self, template: str, url: str, snapshot: Snapshot) -> bool:
        import psycopg

        try:
            return _put_back(url, snapshot)
        except psycopg.errors.InsufficientPrivilege:
            # A role that may not turn triggers off (session_replication_role): every copy made anew.
            self.snapshots[template] = None
            return False

    def seal(self, database: str) -> None:
        """No connection may stay open on a template database."""
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"), {"name": database}
            )

    def drop(self, database: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def server() -> Iterator[Server | None]:
    """The run's databases on the server (dropped at the end), or None on SQLite."""
    if not SERVER:
        yield None
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"coop_test_{uuid.uuid4().hex[:10]}"
    found = Server(
        make_url(SERVER).set(database=name).render_as_string(hide_password=False),
        name,
        create_engine(SERVER, isolation_level="AUTOCOMMIT"),
    )
    found.create(name)
    try:
        yield found
    finally:
        for database in (name, f"{name}_initialized", f"{name}_demo"):
            found.drop(f"{database}_copy")
            found.drop(database)
        found.admin.dispose()


@pytest.fixture(scope="session")
def server_url(server: Server | None) -> str | None:
    """The URL of the run's empty database on the server (the same name for the whole run, emptied
    before each test that does not start from a template), or None on SQLite."""
    return server.url if server else None


def _empty_server_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def isolate(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server_url: str | None
) -> Path:
    """The test's database: a file path on SQLite (returned), the run's server database otherwise
    (a test that starts from a template gets the template's copy instead: `db_url`, `demo_url`)."""
    database = tmp_path / "data" / "coop.db"
    if server_url and not {"db_url", "demo_url"} & set(request.fixturenames):
        _empty_server_database(server_url)
    monkeypatch.setenv("COOP_DB", server_url or str(database))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    for variable in ("COOP_CONFIG", "COOP_USER", "COOP_LANG", "COOP_OUTBOX", "COOP_SMTP_URL", "COOP_SMTP_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    from coopprogram.cli import output

    monkeypatch.setattr(output, "_console", None)
    return database


@pytest.fixture
def coop():
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Run:
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def _copy_sqlite(template: Path, target: Path) -> None:
    import sqlite3

    from coopprogram.db import create_private_file

    create_private_file(target)
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()


@pytest.fixture(scope="session")
def initialized_template(tmp_path_factory: pytest.TempPathFactory, server: Server | None) -> str:
    """A new program's database (`coop init`), built once per run: a SQLite file, or a template
    database on the server. `coop init` itself is tested on its own."""
    from coopprogram.services.setup import initialize

    if server:
        name = f"{server.name}_initialized"
        server.create(name)
        initialize(server.template_url("initialized"), demo=False, force=False)
        server.seal(name)
        return name
    path = tmp_path_factory.mktemp("initialized-template") / "coop.db"
    initialize(f"sqlite:///{path}", demo=False, force=False)
    return str(path)


def _one_start(request: pytest.FixtureRequest) -> None:
    if {"db_url", "demo_url"} <= set(request.fixturenames):
        raise pytest.UsageError(f"{request.node.nodeid} asks for both db_url and demo_url: a test starts from one")


@pytest.fixture
def db_url(
    request: pytest.FixtureRequest,
    isolate: Path,
    initialized_template: str,
    server: Server | None,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    from coopprogram.config import resolve_database

    _one_start(request)
    if server:
        url = server.copy_of(initialized_template)
        monkeypatch.setenv("COOP_DB", url)
        return url
    _copy_sqlite(Path(initialized_template), isolate)
    return resolve_database(None)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample program, built once per test run (`coop init --demo` is tested on its own)."""
    from coopprogram.services.setup import initialize

    path = tmp_path_factory.mktemp("demo-template") / "coop.db"
    initialize(f"sqlite:///{path}", demo=True, force=False)
    return path


@pytest.fixture(scope="session")
def server_demo_template(demo_template: Path, server: Server | None) -> str | None:
    """The sample program as a template database on the server, copied from the SQLite one once."""
    if not server:
        return None
    from coopprogram.services.transfer import copy_database

    name = f"{server.name}_demo"
    server.create(name)
    copy_database(f"sqlite:///{demo_template}", server.template_url("demo"))
    server.seal(name)
    return name


@pytest.fixture
def demo_url(
    request: pytest.FixtureRequest,
    isolate: Path,
    demo_template: Path,
    server: Server | None,
    server_demo_template: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """This test's own copy of the sample program, at COOP_DB."""
    from coopprogram.config import resolve_database

    _one_start(request)
    if server and server_demo_template:
        url = server.copy_of(server_demo_template)
        monkeypatch.setenv("COOP_DB", url)
        return url
    _copy_sqlite(demo_template, isolate)
    return resolve_database(None)


@pytest.fixture
def session(db_url: str):
    """A writing unit of work on an initialized database; use it as a context manager."""
    from coopprogram.db import unit_of_work

    def open_session(write: bool = True):
        return unit_of_work(db_url, write=write)

    return open_session


def file_mode(path: Path) -> int:
    """A file's permission bits (0o600 for a private file)."""
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def row_count(path: Path, table: str) -> int:
    """The rows of a table in a SQLite file, read behind coop's back."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()


def _canonical(value: object) -> object:
    """A JSON column's document with its keys sorted: PostgreSQL's JSONB keeps objects in its own
    key order, which is no part of the data."""
    import json

    return json.dumps(value, sort_keys=True) if isinstance(value, dict) else value


@functools.lru_cache(maxsize=8)
def _dump_engine(url: str) -> Any:
    """The engine the dumps of one database go through: its statements compiled once, not at every
    dump (a test comparing dumps before and after each of many commands spent most of its time
    compiling the same SELECTs again)."""
    from coopprogram.db import make_engine

    return make_engine(url)


def database_dump(url: str) -> str:
    """Every row of every table, in key order: equal dumps mean nothing changed."""
    from sqlalchemy import select

    from coopprogram.models import load_all

    engine = _dump_engine(url)
    lines = []
    try:
        with engine.connect() as connection:
            for table in load_all().sorted_tables:
                rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
                lines += [f"{table.name}: {tuple(_canonical(value) for value in row)!r}" for row in rows]
    finally:
        engine.dispose()  # no connection stays open between dumps
    return "\n".join(lines)


@pytest.fixture
def unchanged():
    """`with unchanged(url): ...` asserts the block leaves the database exactly as it was."""
    from contextlib import contextmanager

    @contextmanager
    def check(url: str) -> Iterator[None]:
        before = database_dump(url)
        yield
        assert database_dump(url) == before

    return check
