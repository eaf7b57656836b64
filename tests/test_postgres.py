"""The same coop on a PostgreSQL server: set-up, a lossless round trip file -> server -> file,
two people upgrading at once, and a password that is never printed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from coopprogram.config import resolve_database

from .conftest import database_dump


def test_password_is_never_printed(coop) -> None:
    url = "postgresql+psycopg://sei:s3cret-word@127.0.0.1:1/nowhere"
    assert coop("--db", url, "db", "path").stdout.strip() == "postgresql+psycopg://sei:***@127.0.0.1:1/nowhere"
    refused = coop("--db", url, "status")
    assert refused.exit_code == 1 and "s3cret-word" not in refused.stderr and "s3cret-word" not in refused.stdout


@pytest.mark.postgres_only
def test_init_on_a_server(coop) -> None:
    created = coop("init", "--demo")
    assert created.exit_code == 0, created.stderr
    assert "13 co-ops" in created.stdout
    assert "already set up" in coop("init").stdout
    forced = coop("init", "--force")
    assert forced.exit_code == 1 and "only on a SQLite file" in forced.stderr
    assert "Movement Co-op Program pilot" in coop("status", "--as-of", "2022-01-15").stdout


@pytest.mark.postgres_only
def test_round_trip_file_server_file_is_lossless(coop, demo_template: Path, tmp_path: Path, server_url: str) -> None:
    to_server = coop("--db", str(demo_template), "db", "copy", "--to", server_url)
    assert to_server.exit_code == 0, to_server.stderr
    assert "every table's count checked" in to_server.stdout
    back = tmp_path / "back.db"
    assert coop("--db", server_url, "db", "copy", "--to", str(back)).exit_code == 0
    assert database_dump(f"sqlite:///{back}") == database_dump(f"sqlite:///{demo_template}")
    again = coop("--db", str(demo_template), "db", "copy", "--to", server_url)
    assert again.exit_code == 1 and "already holds a program" in again.stderr
    assert coop("--db", str(demo_template), "db", "copy", "--to", server_url, "--replace").exit_code == 0
    added = coop(
        "--db", server_url, "coops", "add", "New After Copy", "--kind", "worker"
    )  # ids continue after the copied rows
    assert added.exit_code == 0, added.stderr


@pytest.mark.postgres_only
def test_two_people_upgrading_at_once(server_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from coopprogram.db import MIGRATIONS_DIR, make_engine
    from coopprogram.migrations import HEAD_REVISION

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(server_url)
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    engine.dispose()
    upgrades = [
        subprocess.Popen(
            [sys.executable, "-m", "coopprogram", "db", "upgrade"],
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [(u.wait(timeout=120), u.communicate()) for u in upgrades]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    engine = create_engine(resolve_database(None))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
    engine.dispose()
