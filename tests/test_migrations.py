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
