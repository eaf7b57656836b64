"""The migrations build exactly the schema the models describe, and HEAD_REVISION is Alembic's head."""

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import coopprogram.models  # noqa: F401
from coopprogram.db import MIGRATIONS_DIR, create_database, make_engine, stored_revision
from coopprogram.migrations import HEAD_REVISION


def test_head_revision_constant_matches_alembic() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD_REVISION]


def test_blank_database_upgraded_to_head_equals_the_models(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'blank.db'}"
    create_database(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert stored_revision(connection) == HEAD_REVISION
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_sqlite_runs_with_the_documented_settings(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'settings.db'}"
    create_database(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == 15000
    engine.dispose()


def test_upgrading_a_foundation_database_seeds_the_categories(tmp_path) -> None:
    from alembic import command
    from sqlalchemy import text

    from coopprogram.db import create_private_file, upgrade_schema

    url = f"sqlite:///{tmp_path / 'old.db'}"
    create_private_file(tmp_path / "old.db")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(url)
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("INSERT INTO program (id, name, organization, short_name, cohort, timezone, created_at, updated_at) "
                                "VALUES (1, 'P', 'O', 'SEI', '', 'America/New_York', '2021-10-01', '2021-10-01')"))
        connection.execute(text("INSERT INTO phase (program_id, number, name, starts_on, ends_on, focus, updated_at) VALUES "
                                "(1, 1, 'Phase I', '2021-10-01', '2022-03-31', '', '2021-10-01'), "
                                "(1, 2, 'Phase II', '2022-04-01', '2022-08-31', '', '2021-10-01')"))
    engine.dispose()
    upgrade_schema(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        slugs = connection.execute(text("SELECT slug FROM category ORDER BY position")).scalars().all()
        defaults = connection.execute(text(
            "SELECT phase.number, category.slug FROM phase JOIN category ON category.id = phase.default_category_id ORDER BY phase.number"
        )).all()
        program = connection.execute(text("SELECT invoice_pattern, payment_days FROM program")).one()
    engine.dispose()
    assert slugs[:3] == ["visioning", "points-of-unity", "strategy"] and len(slugs) == 8
    assert [tuple(row) for row in defaults] == [(1, "visioning"), (2, "political-education")]
    assert tuple(program) == ("{prefix}-{year}-{seq:03d}", 30)
