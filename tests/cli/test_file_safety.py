"""Every file coop touches, tried as an attacker and as an unlucky user would: restored files
that carry their own SQL, folder names with `#`, `?` and `%`, backups pruned, restores that fail
half-way, `-o` targets that exist or are links, other applications' files, and secrets in messages.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC
from pathlib import Path

import pytest

from coopprogram.config import sqlite_url

# What a crafted backup carried in the reports behind issue 17: a trigger that copies every
# contact into a calendar-visible field, one that wipes the audit trail, a view, a stray table.
CRAFTED = {
    "trigger": "CREATE TRIGGER leak AFTER INSERT ON programsession BEGIN "
    "UPDATE programsession SET location = (SELECT group_concat(contact_email) FROM coop) WHERE id = new.id; END",
    "wipe": "CREATE TRIGGER wipe AFTER UPDATE ON invoice BEGIN DELETE FROM auditentry; END",
    "view": "CREATE VIEW spy AS SELECT contact_email, contact_phone FROM coop",
    "table": "CREATE TABLE exfil (value TEXT)",
    "index": "CREATE INDEX ix_coop_email ON coop (contact_email)",
}


def _execute(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _rows(path: Path, query: str) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


# --- 1. a restored (or initialized, or copied) file carries only coop's own schema -----------


@pytest.mark.sqlite_only
@pytest.mark.parametrize("kind", sorted(CRAFTED))
def test_restore_refuses_a_backup_that_carries_its_own_sql(
    coop, demo_url, tmp_path: Path, unchanged, kind: str
) -> None:
    crafted = tmp_path / "crafted.db"
    assert coop("db", "backup", "-o", str(crafted)).exit_code == 0
    _execute(crafted, CRAFTED[kind])
    with unchanged(demo_url):
        refused = coop("db", "restore", str(crafted))
    assert refused.exit_code == 1
    assert "did not create" in refused.stderr and "nothing was changed" in refused.stderr, refused.stderr
    assert not (tmp_path / "data" / "backups").exists() or not list(
        (tmp_path / "data" / "backups").glob("*before-restore*")
    )


@pytest.mark.sqlite_only
def test_init_and_copy_refuse_a_coop_file_with_a_trigger(coop, demo_url, isolate: Path, tmp_path: Path) -> None:
    _execute(isolate, CRAFTED["wipe"])
    init = coop("init")
    assert init.exit_code == 1 and "trigger wipe" in init.stderr
    target = tmp_path / "target.db"
    assert coop("--db", str(target), "init").exit_code == 0
    _execute(target, CRAFTED["trigger"])
    copied = coop("--db", sqlite_url(tmp_path / "clean.db"), "init")
    assert copied.exit_code == 0
    refused = coop("--db", str(tmp_path / "clean.db"), "db", "copy", "--to", str(target), "--replace")
    assert refused.exit_code == 1 and "trigger leak" in refused.stderr
    assert ("leak",) in _rows(target, "SELECT name FROM sqlite_master WHERE type = 'trigger'")  # left as it was


def test_db_check_reports_what_coop_did_not_create(coop, demo_url) -> None:
    from sqlalchemy import create_engine, text

    assert coop("db", "check").exit_code == 0
    engine = create_engine(demo_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE VIEW spy AS SELECT contact_email FROM coop"))
        connection.execute(text("CREATE TABLE exfil (value TEXT)"))
    engine.dispose()
    checked = coop("db", "check")
    assert checked.exit_code == 1
    assert (
        "view spy that coop did not create" in checked.stderr
        and "table exfil that coop did not create" in checked.stderr
    )


@pytest.mark.sqlite_only
def test_db_check_reports_a_trigger(coop, demo_url, isolate: Path) -> None:
    _execute(isolate, CRAFTED["trigger"])
    checked = coop("db", "check")
    assert checked.exit_code == 1 and "trigger leak that coop did not create" in checked.stderr


# --- 2. folder names with #, ? and % -------------------------------------------------------

PATH_SHAPES = ["SEI #2", "a%41", "why?"]  # the three of the issue; tests/stress/test_files.py tries many more


@pytest.mark.sqlite_only
@pytest.mark.parametrize("folder", PATH_SHAPES)
def test_paths_with_url_characters_are_the_real_files(coop, tmp_path: Path, folder: str) -> None:
    home = tmp_path / folder
    database = home / "coop.db"
    assert coop("--db", str(database), "init").exit_code == 0
    assert database.is_file() and stat.S_IMODE(database.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]  # nothing written anywhere else
    assert coop("--db", str(database), "coops", "add", "Casa Limpia", "--kind", "worker").exit_code == 0
    assert coop("--db", str(database), "db", "path").stdout.strip() == str(database)
    backup = coop("--db", str(database), "db", "backup")
    assert backup.exit_code == 0, backup.stderr
    [made] = (home / "backups").glob("coop-*-manual.db")
    assert _rows(made, "SELECT slug FROM coop") == [("casa-limpia",)]
    forced = coop("--db", str(database), "init", "--force")
    assert forced.exit_code == 0
    [kept] = (home / "backups").glob("coop-*-before-init.db")
    assert _rows(kept, "SELECT slug FROM coop") == [("casa-limpia",)]
    assert coop("--db", str(database), "db", "restore", str(kept)).exit_code == 0
    assert _rows(database, "SELECT slug FROM coop") == [("casa-limpia",)]


# --- 3. backups: only this database's own automatic ones are pruned ------------------------


@pytest.mark.sqlite_only
def test_pruning_spares_other_databases_and_hand_named_files(coop, demo_url, isolate: Path) -> None:
    from coopprogram.db import KEEP_BACKUPS

    folder = isolate.parent / "backups"
    folder.mkdir(mode=0o700)
    others = ["coop-2021-20210101-000000-manual.db", "coop-20200101-000000-manual.db", "keep-me-forever.db"]
    for name in others:
        (folder / name).write_bytes(b"precious")
    made = []
    for _ in range(KEEP_BACKUPS + 2):
        result = coop("db", "backup")
        assert result.exit_code == 0
        made.append(result.stdout.split(" to ")[-1].strip())
    names = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    assert set(others) <= names
    assert {Path(m).name for m in made[-KEEP_BACKUPS:]} <= names and len(names) == len(others) + KEEP_BACKUPS


@pytest.mark.sqlite_only
def test_restoring_the_oldest_kept_backup(coop, demo_url, isolate: Path, monkeypatch) -> None:
    from datetime import datetime, timedelta

    from coopprogram import units
    from coopprogram.db import KEEP_BACKUPS

    ticks = iter(range(10_000))  # each backup a minute after the last, so names sort by age
    monkeypatch.setattr(units, "utc_now", lambda: datetime(2022, 1, 15, tzinfo=UTC) + timedelta(minutes=next(ticks)))
    made = [coop("db", "backup").stdout.split(" to ")[-1].strip() for _ in range(KEEP_BACKUPS)]
    oldest = Path(made[0])
    coop("coops", "add", "After The Backups", "--kind", "worker")
    restored = coop("db", "restore", str(oldest))
    assert restored.exit_code == 0, restored.stderr
    assert oldest.is_file()
    assert "after-the-backups" not in coop("coops", "list").stdout


# --- 4. a restore is all or nothing, and says so truly --------------------------------------


def _older_backup(coop, tmp_path: Path) -> Path:
    """A real backup made at the schema before this one, by the migrations' own downgrade."""
    from alembic import command
    from alembic.config import Config

    from coopprogram.db import MIGRATIONS_DIR, make_engine

    older = tmp_path / "older.db"
    assert coop("db", "backup", "-o", str(older)).exit_code == 0
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(sqlite_url(older))
    with engine.connect() as connection:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        with connection.begin():
            config.attributes["connection"] = connection
            command.downgrade(config, "-1")
    engine.dispose()
    return older


@pytest.mark.sqlite_only
def test_a_restore_whose_upgrade_fails_changes_nothing(coop, demo_url, tmp_path: Path, unchanged, monkeypatch) -> None:
    from coopprogram import db as database
    from coopprogram.errors import DatabaseProblem

    older = _older_backup(coop, tmp_path)
    coop("coops", "add", "Kept Through The Failure", "--kind", "worker")

    real_upgrade = database.upgrade_schema

    def failing_upgrade(url: str, **options: str) -> None:
        if "reference.db" in url:  # the scratch schema coop compares files with
            return real_upgrade(url, **options)
        raise DatabaseProblem("Could not write to the disk (disk I/O error).")

    with monkeypatch.context() as patched, unchanged(demo_url):
        patched.setattr(database, "upgrade_schema", failing_upgrade)
        refused = coop("db", "restore", str(older))
    assert refused.exit_code == 1 and "was not changed" in refused.stderr, refused.stderr
    assert coop("coops", "show", "kept-through-the-failure").exit_code == 0
    restored = coop("db", "restore", str(older))
    assert restored.exit_code == 0 and "brought it up to date" in restored.stdout
    assert coop("db", "check").exit_code == 0


# --- 5. files written with -o ---------------------------------------------------------------


@pytest.mark.sqlite_only
def test_an_existing_output_is_replaced_only_with_force(coop, demo_url, tmp_path: Path) -> None:
    target = tmp_path / "cohort.csv"
    target.write_text("mine\n")
    os.chmod(target, 0o644)
    refused = coop("coops", "export", "--include-contacts", "-o", str(target))
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert target.read_text() == "mine\n"
    assert coop("coops", "export", "--include-contacts", "-o", str(target), "--force").exit_code == 0
    assert target.read_text().startswith("slug,") and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


@pytest.mark.sqlite_only
def test_contacts_are_never_written_through_a_link(coop, demo_url, tmp_path: Path) -> None:
    victim = tmp_path / "someone-elses.txt"
    victim.write_text("theirs\n")
    os.chmod(victim, 0o666)
    link = tmp_path / "cohort.csv"
    link.symlink_to(victim)
    for extra in ([], ["--force"]):
        refused = coop("coops", "export", "--include-contacts", "-o", str(link), *extra)
        assert refused.exit_code == 1 and "symbolic link" in refused.stderr
    assert victim.read_text() == "theirs\n" and link.is_symlink()


@pytest.mark.sqlite_only
def test_a_copy_into_an_existing_world_readable_file_is_made_private(coop, demo_url, tmp_path: Path) -> None:
    target = tmp_path / "shared.db"
    target.touch()
    os.chmod(target, 0o644)
    assert coop("db", "copy", "--to", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _rows(target, "SELECT count(*) FROM coop") == [(13,)]


@pytest.mark.sqlite_only
def test_another_applications_sqlite_file_is_refused(coop, demo_url, tmp_path: Path) -> None:
    browser = tmp_path / "places.sqlite"
    _execute(browser, "CREATE TABLE moz_places (url TEXT)", "INSERT INTO moz_places VALUES ('https://example.org')")
    before = browser.read_bytes()
    for args in (("--db", str(browser), "init"), ("db", "copy", "--to", str(browser))):
        refused = coop(*args)
        assert refused.exit_code == 1 and "another application" in refused.stderr, refused.stderr
    assert browser.read_bytes() == before


# --- 7. no parameters and no password in any message ----------------------------------------


@pytest.mark.sqlite_only
def test_a_copy_collision_never_prints_the_rows(coop, demo_url, tmp_path: Path) -> None:
    target = tmp_path / "half.db"
    assert coop("--db", str(target), "init").exit_code == 0
    assert coop("--db", str(target), "coops", "add", "Squatter", "--kind", "worker").exit_code == 0
    tables = [name for (name,) in _rows(target, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    _execute(
        target, "PRAGMA foreign_keys=OFF", *(f"DELETE FROM {t}" for t in tables if t not in {"coop", "alembic_version"})
    )
    refused = coop("db", "copy", "--to", str(target))
    assert refused.exit_code == 1
    emails = [
        email
        for (email,) in _rows(Path(demo_url.removeprefix("sqlite:///")), "SELECT contact_email FROM coop")
        if email
    ]
    assert emails and not any(email in refused.stderr for email in emails)
    assert "parameters" not in refused.stderr and "INSERT" not in refused.stderr


SECRET_URLS = [
    "postgresql+psycopg://sei:s3cr@t@127.0.0.1:9/coop",
    "postgresql+psycopg://sei@127.0.0.1:9/coop?password=s3cr@t",
    "postgresql+psycopg://sei:s3cr%40t@127.0.0.1:9/coop?sslpassword=s3cr@t",
]


@pytest.mark.parametrize("url", SECRET_URLS)
def test_passwords_are_never_printed(coop, url: str) -> None:
    shown = coop("--db", url, "db", "path")
    assert shown.exit_code == 0 and "127.0.0.1:9/coop" in shown.stdout
    failed = coop("--db", url, "coops", "list")
    copied = coop("db", "copy", "--to", url)
    for text in (shown.stdout, failed.stderr, copied.stderr, copied.stdout):
        assert "s3cr" not in text and "t@127" not in text and "%40t" not in text, text
    assert failed.exit_code == 1 and failed.stderr.startswith("Error: ")


def test_the_masking_function() -> None:
    from coopprogram.config import mask_url
    from coopprogram.errors import plain_cause

    assert (
        mask_url("postgresql://u:p@ss@h:5/db?password=x&sslmode=require")
        == "postgresql://u:***@h:5/db?password=***&sslmode=require"
    )
    assert mask_url("https://cal.example.org/dav/?token=abc") == "https://cal.example.org/dav/?token=***"

    class Driver(Exception):
        pass

    class Wrapped(Exception):
        orig = Driver("duplicate key\nDETAIL: Key (email)=(ana@example.org) exists")

    assert plain_cause(Wrapped("[SQL: INSERT] [parameters: ('ana@example.org',)]")) == "duplicate key"
    assert (
        plain_cause(Exception("could not reach postgresql://u:pw@h/db [parameters: (1,)]"))
        == "could not reach postgresql://u:***@h/db"
    )


def test_files_written_side_by_side_are_each_whole_and_a_failure_is_raised(tmp_path: Path) -> None:
    from coopprogram.errors import Conflict
    from coopprogram.files import write_files

    (tmp_path / "b.ics").mkdir()  # not a file: refused, while the others are written
    targets = {tmp_path / f"{name}.ics": name.encode() * 100_000 for name in ("a", "b", "c", "d")}
    with pytest.raises(Conflict, match=r"b\.ics is not a regular file"):
        write_files(targets, replace=True)
    for name in ("a", "c", "d"):
        path = tmp_path / f"{name}.ics"
        assert path.read_bytes() == name.encode() * 100_000 and stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ics", "b.ics", "c.ics", "d.ics"]  # no temporary file left
