"""The migrations build exactly the schema the models describe, on the run's database (a
SQLite file, or the PostgreSQL server), and HEAD_REVISION is Alembic's head."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
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
    path = sqlite_path(blank_url)
    if path is not None:
        create_private_file(path)
    config = _alembic()
    engine = make_engine(blank_url)
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("INSERT INTO program (id, name, organization, short_name, cohort, timezone, created_at, updated_at) "
                                "VALUES (1, 'P', 'O', 'SEI', '', 'America/New_York', '2021-10-01', '2021-10-01')"))
        connection.execute(text("INSERT INTO phase (program_id, number, name, starts_on, ends_on, focus, updated_at) VALUES "
                                "(1, 1, 'Phase I', '2021-10-01', '2022-03-31', '', '2021-10-01'), "
                                "(1, 2, 'Phase II', '2022-04-01', '2022-08-31', '', '2021-10-01')"))
    engine.dispose()
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


def test_upgrading_to_0006_carries_payments_amendments_and_the_payee(demo_url) -> None:
    """The demo at 0005 (its payments only a paid_on date) comes back with one payment row per
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
        command.downgrade(config, "0005")
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
