"""The migrations build exactly the schema the models describe, on the run's database (a
SQLite file, or the PostgreSQL server), and HEAD_REVISION is Alembic's head."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlmodel import SQLModel

import coopprogram.models  # noqa: F401
from coopprogram.config import resolve_database, sqlite_path
from coopprogram.db import MIGRATIONS_DIR, create_database, create_private_file, make_engine, stored_revision, upgrade_schema
from coopprogram.migrations import HEAD_REVISION


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
        assert compare_metadata(context, SQLModel.metadata) == []
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
        connection.execute(text("INSERT INTO program (id, name, organization, short_name, cohort, timezone, created_at, updated_at) "
                                "VALUES (1, 'P', 'O', 'SEI', '', 'America/New_York', '2021-10-01', '2021-10-01')"))
        connection.execute(text("INSERT INTO phase (program_id, number, name, starts_on, ends_on, focus, updated_at) VALUES "
                                "(1, 1, 'Phase I', '2021-10-01', '2022-03-31', '', '2021-10-01'), "
                                "(1, 2, 'Phase II', '2022-04-01', '2022-08-31', '', '2021-10-01')"))
    upgrade_schema(blank_url)
    engine = make_engine(blank_url)
    with engine.connect() as connection:
        slugs = connection.execute(text("SELECT slug FROM category ORDER BY position")).scalars().all()
        defaults = connection.execute(text(
            "SELECT phase.number, category.slug FROM phase JOIN category ON category.id = phase.default_category_id ORDER BY phase.number"
        )).all()
        program = connection.execute(text("SELECT invoice_pattern, payment_days, uid FROM program")).one()
        kinds = connection.execute(text("SELECT count(*) FROM sessionkind")).scalar()
    engine.dispose()
    assert slugs[:3] == ["visioning", "points-of-unity", "strategy"] and len(slugs) == 8
    assert [tuple(row) for row in defaults] == [(1, "visioning"), (2, "political-education")]
    assert tuple(program[:2]) == ("{prefix}-{year}-{seq:03d}", 30) and len(program[2]) == 36
    assert kinds == 7


UNITY_ROWS = {
    "unitydraft": (
        "id, version, based_on, text, status, deadline, circulated_on, adopted_on, superseded_on, created_at, updated_at",
        [(1, 1, None, "# P\n\n1. One.\n", "superseded", None, "2021-11-01", "2021-11-20", "2022-01-21", "2021-10-20 14:00:00", "2022-01-21 15:00:00"),
         (2, 2, 1, "# P\n\n1. One.\n2. Two.\n", "draft", None, None, None, None, "2021-12-01 09:30:00", "2021-12-02 09:30:00"),
         (5, 3, 2, "# P\n\n1. One.\n2. Two, reworded.\n", "circulating", "2022-01-28", "2022-01-12", None, None, "2022-01-10 12:00:00", "2022-01-12 12:00:00")],
    ),
    "unitycomment": (
        "id, draft_id, coop_id, point, text, status, incorporated_in, decline_reason, created_at, updated_at",
        [(1, 1, 1, 1, "Say who owns it", "incorporated", 2, "", "2021-11-02 10:00:00", "2021-12-01 10:00:00"),
         (3, 5, None, None, "Whole text: shorter please", "declined", None, "We kept it", "2022-01-13 10:00:00", "2022-01-14 10:00:00"),
         (4, 5, 2, 2, "Point 2?", "open", None, "", "2022-01-13 11:00:00", "2022-01-13 11:00:00")],
    ),
    "unityresponse": (
        "id, draft_id, coop_id, decision, reason, responded_on, current, created_at",
        [(1, 1, 1, "endorse", "", "2021-11-05", True, "2021-11-05 10:00:00"),
         (2, 5, 1, "block", "Point 2 leaves us out", "2022-01-13", False, "2022-01-13 10:00:00"),
         (7, 5, 1, "endorse", "Fixed in the meeting", "2022-01-14", True, "2022-01-14 10:00:00"),
         (8, 5, 2, "stand-aside", "Not our fight", "2022-01-14", True, "2022-01-14 11:00:00")],
    ),
}
COPIED_TO = {"unitydraft": ("decisionversion", "id, version, based_on, text, status, deadline, circulated_on, adopted_on, superseded_on, created_at, updated_at"),
             "unitycomment": ("decisioncomment", "id, version_id, coop_id, point, text, status, incorporated_in, decline_reason, created_at, updated_at"),
             "unityresponse": ("decisionresponse", "id, version_id, coop_id, decision, reason, responded_on, current, created_at")}


def test_points_of_unity_rows_are_copied_into_decisions_one_by_one(blank_url) -> None:
    """Every draft, comment and response of the points of unity, before 0006, is the same row
    (same id, same values) after it, under one decision; the audit trail follows the rows."""
    with _at_revision(blank_url, "0005") as connection:
        for n in (1, 2):
            connection.execute(text(
                "INSERT INTO coop (id, slug, name, kind, stage, sector, city, sponsor, focus_communities, contact_name, contact_email, "
                f"contact_phone, notes, created_at, updated_at) VALUES ({n}, 'c{n}', 'Coop {n}', 'worker', 'existing', '', '', '', '', '', '', '', '', "
                "'2021-10-01 00:00:00', '2021-10-01 00:00:00')"
            ))
        for table, (columns, rows) in UNITY_ROWS.items():
            marks = ", ".join(f":{name.strip()}" for name in columns.split(","))
            for row in rows:
                connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), dict(zip([c.strip() for c in columns.split(",")], row)))
        connection.execute(text("INSERT INTO auditentry (at, actor, command, action, entity, entity_id, changes) "
                                "VALUES ('2022-01-14 10:00:00', 'me', 'unity respond', 'create', 'unityresponse', 7, '{}')"))
        before = {table: [tuple(r) for r in connection.execute(text(f"SELECT {columns} FROM {table} ORDER BY id")).all()]
                  for table, (columns, _) in UNITY_ROWS.items()}
    upgrade_schema(blank_url)
    engine = make_engine(blank_url)
    with engine.connect() as connection, connection.begin():
        for table, (target, columns) in COPIED_TO.items():
            after = [tuple(r) for r in connection.execute(text(f"SELECT {columns} FROM {target} ORDER BY id")).all()]
            assert after == before[table], table
            assert len(after) == len(UNITY_ROWS[table][1])
        decisions = connection.execute(text("SELECT id, kind, title, electorate, endorse_fraction, max_blocks FROM decision")).all()
        assert [tuple(d) for d in decisions] == [(1, "points-of-unity", "Points of unity", "cohort", None, None)]
        owners = connection.execute(text("SELECT DISTINCT decision_id, closed_on, close_reason, replaced_by FROM decisionversion")).all()
        assert [tuple(o) for o in owners] == [(1, None, "", None)]
        shared = connection.execute(text("SELECT DISTINCT member, share_reason FROM decisionresponse")).all()
        assert [tuple(s) for s in shared] == [("", False)]
        assert connection.execute(text("SELECT entity, entity_id FROM auditentry")).one() == ("decisionresponse", 7)
        # New rows continue after the copied ids (on a server, its sequences were moved on).
        new_id = connection.execute(text(
            "INSERT INTO decisioncomment (version_id, coop_id, point, text, status, incorporated_in, decline_reason, created_at, updated_at) "
            "VALUES (5, NULL, NULL, 'x', 'open', NULL, '', '2022-01-15 00:00:00', '2022-01-15 00:00:00') RETURNING id"
        )).scalar()
        assert new_id == 5
    engine.dispose()


def test_upgrading_to_0007_carries_payments_amendments_and_the_payee(demo_url) -> None:
    """The demo at 0006 (its payments only a paid_on date) comes back with one payment row per
    paid invoice, amendments in force from the day they were made, and the contract's consultant
    as the payee."""
    config = _alembic()
    engine = make_engine(demo_url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":  # tables are rebuilt, as `coop db upgrade` does it
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        transaction = connection.begin()
        config.attributes["connection"] = connection
        connection.execute(text("INSERT INTO contractamendment (contract_id, made_on, effective_on, reason, old_cap_minutes, "
                                "new_cap_minutes, old_rate_cents, new_rate_cents, created_at) "
                                "VALUES (1, '2022-01-10', '2022-01-10', 'More hours', 6000, 7200, 6500, 6500, '2022-01-10')"))
        command.downgrade(config, "0006")
        command.upgrade(config, "head")
        transaction.commit()
    with engine.connect() as connection:
        payments = connection.execute(text(
            "SELECT invoice.number, payment.amount_cents, payment.paid_on FROM payment JOIN invoice ON invoice.id = payment.invoice_id "
            "ORDER BY payment.paid_on")).all()
        effective = connection.execute(text("SELECT made_on, effective_on FROM contractamendment")).all()
        payee = connection.execute(text("SELECT name, address FROM consultantprofile")).all()
        increment = connection.execute(text("SELECT billing_increment_minutes FROM program")).scalar()
    engine.dispose()
    assert [(number, cents, str(day)) for number, cents, day in payments] == [
        ("SEI-2021-001", 95875, "2021-11-19"), ("SEI-2021-002", 105625, "2021-12-22"),
    ]
    assert [(str(a), str(b)) for a, b in effective] == [("2022-01-10", "2022-01-10")]
    assert [tuple(row) for row in payee] == [(
        "Marisol Okafor-Reyes, Cooperative Movement Development Consultant",
        "48 Brookside Avenue, Boston, MA 02130 · marisol.okafor-reyes@example.org",
    )]
    assert increment == 6  # the column's default: the demo's own 15 is a setting made after the upgrade
