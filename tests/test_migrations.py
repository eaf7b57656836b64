"""The migrations build exactly the schema the models describe, on the run's database (a
SQLite file, or the PostgreSQL server), and HEAD_REVISION is Alembic's head."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from coopprogram.config import resolve_database, sqlite_path
from coopprogram.db import (
    MIGRATIONS_DIR,
    create_database,
    create_private_file,
    make_engine,
    stored_revision,
    upgrade_schema,
)
from coopprogram.migrations import HEAD_REVISION
from coopprogram.models import load_all


@pytest.fixture
def blank_url(isolate) -> str:
    """An empty database of the run's kind: the (emptied) server database, or a new file."""
    return resolve_database(None)


def _alembic() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@contextmanager
def _at_revision(url: str, revision: str) -> Iterator[Connection]:
    """A new database migrated up to `revision`, open in a transaction for the test to fill."""
    path = sqlite_path(url)
    if path is not None:
        create_private_file(path)
    config = _alembic()
    engine = make_engine(url)
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        yield connection
    engine.dispose()


def test_head_revision_constant_matches_alembic() -> None:
    assert ScriptDirectory.from_config(_alembic()).get_heads() == [HEAD_REVISION]


def test_blank_database_upgraded_to_head_equals_the_models(blank_url) -> None:
    create_database(blank_url)
    engine = make_engine(blank_url)
    with engine.connect() as connection:
        assert stored_revision(connection) == HEAD_REVISION
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        assert compare_metadata(context, load_all()) == []
    engine.dispose()


@pytest.mark.sqlite_only
def test_sqlite_runs_with_the_documented_settings(blank_url) -> None:
    create_database(blank_url)
    engine = make_engine(blank_url)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == 15000
    engine.dispose()


def test_upgrading_a_foundation_database_seeds_the_categories(blank_url) -> None:
    with _at_revision(blank_url, "0001") as connection:
        connection.execute(
            text(
                "INSERT INTO program (id, name, organization, short_name, cohort, timezone, created_at, updated_at) "
                "VALUES (1, 'P', 'O', 'SEI', '', 'America/New_York', '2021-10-01', '2021-10-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO phase (program_id, number, name, starts_on, ends_on, focus, updated_at) VALUES "
                "(1, 1, 'Phase I', '2021-10-01', '2022-03-31', '', '2021-10-01'), "
                "(1, 2, 'Phase II', '2022-04-01', '2022-08-31', '', '2021-10-01')"
            )
        )
    upgrade_schema(blank_url)
    engine = make_engine(blank_url)
    with engine.connect() as connection:
        slugs = connection.execute(text("SELECT slug FROM category ORDER BY position")).scalars().all()
        defaults = connection.execute(
            text(
                "SELECT phase.number, category.slug FROM phase JOIN category ON category.id = phase.default_category_id ORDER BY phase.number"
            )
        ).all()
        program = connection.execute(text("SELECT invoice_pattern, payment_days, uid FROM program")).one()
        kinds = connection.execute(text("SELECT count(*) FROM sessionkind")).scalar()
    engine.dispose()
    assert slugs[:3] == ["visioning", "points-of-unity", "strategy"] and len(slugs) == 8
    assert [tuple(row) for row in defaults] == [(1, "visioning"), (2, "political-education")]
    assert tuple(program[:2]) == ("{prefix}-{year}-{seq:03d}", 30) and len(program[2]) == 36
    assert kinds == 7


def test_dated_facts_filled_from_the_audit_trail(blank_url) -> None:
    """0009 dates each cancelled or held session and blocked milestone by the audit entry that
    recorded the change (its day in the program's time zone), else by the day it last changed."""
    from datetime import date, datetime

    def utc(*parts: int) -> datetime:
        return datetime(*parts, tzinfo=UTC)

    with _at_revision(blank_url, "0005") as connection:
        connection.execute(
            text(
                "INSERT INTO program (id, name, organization, short_name, cohort, timezone, bill_to, invoice_pattern, payment_days, "
                "adoption_endorse_fraction, adoption_max_blocks, uid, created_at, updated_at) VALUES (1, 'P', 'O', 'SEI', '', "
                "'America/New_York', '', '{seq}', 30, '2/3', 0, 'u', :at, :at)"
            ),
            {"at": utc(2021, 10, 1)},
        )
        connection.execute(
            text(
                "INSERT INTO phase (id, program_id, number, name, starts_on, ends_on, focus, updated_at) "
                "VALUES (1, 1, 1, 'Phase I', :starts, :ends, '', :at)"
            ),
            {"starts": date(2021, 10, 1), "ends": date(2022, 3, 31), "at": utc(2021, 10, 1)},
        )
        connection.execute(
            text(
                "INSERT INTO sessionkind (id, slug, name, category_slug, position) VALUES (1, 'visioning', 'Visioning', '', 0)"
            )
        )
        kind = 1
        for session_id, status, updated in (
            (1, "cancelled", utc(2022, 1, 15, 12)),
            (2, "held", utc(2022, 1, 15, 12)),
            (3, "held", utc(2022, 1, 15, 12)),
            (4, "planned", utc(2022, 1, 15, 12)),
        ):
            connection.execute(
                text(
                    "INSERT INTO programsession (id, uid, kind_id, phase_id, title, starts_at, minutes, location, link, facilitator, status, cancel_reason, "
                    "notes, sequence, exported_sequence, created_at, updated_at) "
                    "VALUES (:id, :uid, :kind, 1, 'S', :starts, 60, '', '', '', :status, '', '', 0, 0, :at, :at)"
                ),
                {
                    "id": session_id,
                    "uid": f"s{session_id}",
                    "kind": kind,
                    "starts": utc(2021, 11, 4, 22),
                    "status": status,
                    "at": updated,
                },
            )
        connection.execute(
            text(
                "INSERT INTO milestone (id, phase_id, title, description, due_on, status, calendar_sequence, blocked_reason, created_at, updated_at) "
                "VALUES (1, 1, 'M', '', :due, 'blocked', 0, 'why', :at, :at)"
            ),
            {"due": date(2022, 1, 14), "at": utc(2022, 1, 15, 12)},
        )
        trail = [
            # cancelled at 18:30 in New York on 12-14 (23:30 UTC)
            ("programsession", 1, utc(2021, 12, 14, 23, 30), '{"status": ["planned", "cancelled"]}'),
            # closed at 22:00 in New York on 11-04: already 11-05 in UTC
            ("programsession", 2, utc(2021, 11, 5, 3), '{"notes": ["", "x"]}'),
            ("programsession", 2, utc(2021, 11, 5, 3), '{"status": ["planned", "held"]}'),
            (
                "milestone",
                1,
                utc(2022, 1, 10, 15),
                '{"status": ["in-progress", "blocked"], "blocked_reason": ["", "why"]}',
            ),
        ]
        for entity, entity_id, at, changes in trail:
            connection.execute(
                text(
                    "INSERT INTO auditentry (at, actor, command, action, entity, entity_id, changes) "
                    "VALUES (:at, 'me', 'coop', 'update', :entity, :id, :changes)"
                ),
                {"at": at, "entity": entity, "id": entity_id, "changes": changes},
            )
    upgrade_schema(blank_url)
    engine = make_engine(blank_url)
    with engine.connect() as connection:
        sessions = connection.execute(text("SELECT id, cancelled_on, held_on FROM programsession ORDER BY id")).all()
        blocked = connection.execute(text("SELECT blocked_on FROM milestone")).scalar()
    engine.dispose()

    def day(value: object) -> date | None:
        return None if value is None else (value if isinstance(value, date) else date.fromisoformat(str(value)))

    assert [(row[0], day(row[1]), day(row[2])) for row in sessions] == [
        (1, date(2021, 12, 14), None),
        (2, None, date(2021, 11, 4)),
        (3, None, date(2022, 1, 15)),  # no entry in the trail: the day it last changed
        (4, None, None),
    ]
    assert day(blocked) == date(2022, 1, 10)


def _downgrade(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        if sqlite_path(url) is not None:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        with connection.begin():
            config = _alembic()
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    engine.dispose()


def _invoice_exports(url: str, reference: str) -> dict[str, str]:
    from coopprogram.db import unit_of_work
    from coopprogram.exporters.csv import invoice_csv
    from coopprogram.exporters.json import render_json
    from coopprogram.exporters.markdown import invoice_markdown
    from coopprogram.services.invoices import document

    with unit_of_work(url, write=False) as db:
        invoice = document(db, reference)
    return {"md": invoice_markdown(invoice), "csv": invoice_csv(invoice), "json": render_json(invoice)}


def test_json_columns_keep_snapshots_and_the_audit_trail(demo_url) -> None:
    """0015 makes an invoice's snapshot and an audit entry's changes JSON columns: a database at
    0014 (both stored as JSON text) upgrades with every issued invoice printing the same bytes,
    every draft without a snapshot, the same audit changes, and `db check` reading the frozen
    totals inside the database."""
    import json

    from sqlmodel import select

    from coopprogram.db import unit_of_work
    from coopprogram.models import Invoice
    from coopprogram.services.audit import list_audit
    from coopprogram.services.checks import check_database
    from coopprogram.services.invoices import draft_month

    with unit_of_work(demo_url, write=True) as db:  # a draft beside the demo's issued invoices
        draft_month(db, period="2022-01")
    before = _invoice_exports(demo_url, "SEI-2021-002")
    with unit_of_work(demo_url, write=False) as db:
        snapshots = {i.id: i.snapshot for i in db.exec(select(Invoice)).all()}
        trail = [(view.id, view.changes) for view in list_audit(db, limit=100_000)]
    assert snapshots[2]["total_cents"] == 105625 and None in snapshots.values()
    assert any(changes.get("status") == ["draft", "issued"] for _, changes in trail)

    _downgrade(demo_url, "0014")
    engine = make_engine(demo_url)
    with engine.connect() as connection:
        assert stored_revision(connection) == "0014"
        stored = dict(connection.execute(text("SELECT id, snapshot FROM invoice")).all())
        changes = dict(connection.execute(text("SELECT id, changes FROM auditentry")).all())
    engine.dispose()
    assert all(isinstance(value, str) for value in [*stored.values(), *changes.values()])  # text at 0014
    assert {key: json.loads(value) if value else None for key, value in stored.items()} == snapshots
    assert [(key, json.loads(changes[key])) for key, _ in trail] == trail

    upgrade_schema(demo_url)
    assert _invoice_exports(demo_url, "SEI-2021-002") == before
    with unit_of_work(demo_url, write=True) as db:
        assert {i.id: i.snapshot for i in db.exec(select(Invoice)).all()} == snapshots
        assert [(view.id, view.changes) for view in list_audit(db, limit=100_000)] == trail
        assert check_database(db).problems == []
        issued = db.get(Invoice, 2)
        issued.snapshot = {**issued.snapshot, "total_cents": 1}
        db.add(issued)
        db.flush()
        problems = check_database(db).problems
    assert problems == [f"Invoice {issued.number}: the figures frozen when it was issued no longer match its total."]
