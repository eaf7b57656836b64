"""`coop config`: per-user settings in a TOML file in the config folder, checked when set; the
command line and the environment win over the file."""

import json
import os
import stat
import tomllib
from pathlib import Path

import pytest


def test_path_is_in_the_config_folder(coop, tmp_path: Path) -> None:
    assert coop("config", "path").stdout.strip() == str(tmp_path / "home" / "config" / "coopprogram" / "config.toml")


@pytest.mark.sqlite_only
def test_database_from_the_file_unless_the_environment_or_db_says_otherwise(coop, tmp_path: Path, monkeypatch) -> None:
    chosen = tmp_path / "programs" / "sei.db"
    monkeypatch.delenv("COOP_DB")
    assert coop("config", "set", "database", str(chosen)).exit_code == 0
    config = tmp_path / "home" / "config" / "coopprogram" / "config.toml"
    assert tomllib.loads(config.read_text())["database"] == str(chosen)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert coop("init").exit_code == 0
    assert chosen.is_file()
    assert coop("db", "path").stdout.strip() == str(chosen)
    monkeypatch.setenv("COOP_DB", str(tmp_path / "other.db"))
    assert coop("db", "path").stdout.strip() == str(tmp_path / "other.db")
    assert coop("--db", str(tmp_path / "third.db"), "db", "path").stdout.strip() == str(tmp_path / "third.db")
    shown = json.loads(coop("config", "show", "--json").stdout)
    assert {row["key"]: row["source"] for row in shown} == {
        "database": "from COOP_DB",
        "user": "default",
        "outbox": "default",
        "smtp_url": "not set",
        "language": "default",
    }
    # The outbox by default: beside the database in force; English unless a language is set.
    assert {row["key"]: row["value"] for row in shown}["outbox"] == str(tmp_path / "outbox")
    assert {row["key"]: row["value"] for row in shown}["language"] == "en"
    monkeypatch.delenv("COOP_DB")
    assert coop("config", "unset", "database").stdout.strip() == "Removed database from the config file."
    assert coop("db", "path").stdout.strip() == str(tmp_path / "home" / "data" / "coopprogram" / "coop.db")


def test_user_names_the_audit_trail(coop, db_url) -> None:
    assert coop("config", "set", "user", "  Marisol   (consultant) ").stdout.startswith(
        "Set user to Marisol (consultant) in "
    )
    assert coop("coops", "add", "Roxbury Print Collective", "--kind", "worker", "--stage", "budding").exit_code == 0
    [entry] = json.loads(coop("audit", "--entity", "coop", "--json").stdout)
    assert entry["actor"] == "Marisol (consultant)"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "colour",
            "blue",
            "There is no setting 'colour': the settings are database, user, outbox, smtp_url, language.",
        ),
        ("user", "", "The user name must be 1 to 100 printable characters"),
        ("user", "x" * 101, "The user name must be 1 to 100 printable characters"),
        ("database", "postgresql+psycopg://ana:secret@db.example.org/sei", "Leave the password out of the config file"),
        (
            "database",
            "postgresql+psycopg://db.example.org/sei?password=secret",
            "Leave the password out of the config file",
        ),
        (
            "smtp_url",
            "smtp://coop:secret@mail.example.org:587",
            "Leave the password out of the config file: set COOP_SMTP_PASSWORD",
        ),
        ("smtp_url", "ftp://coop@mail.example.org", "'ftp://coop@mail.example.org' is not a mail server address"),
        (
            "smtp_url",
            "smtp://coop@mail.example.org:99999",
            "'smtp://coop@mail.example.org:99999' has a port that is not a number",
        ),
        ("smtp_url", " ", "Give the mail server's address"),
        ("outbox", "", "The outbox cannot be empty"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(coop, tmp_path: Path, key, value, message) -> None:
    result = coop("config", "set", key, value)
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {message}")
    assert "secret" not in result.stderr
    assert not (tmp_path / "home" / "config" / "coopprogram" / "config.toml").exists()


def test_a_broken_file_is_named(coop, tmp_path: Path) -> None:
    config = tmp_path / "home" / "config" / "coopprogram" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("database = \n")
    result = coop("config", "show")
    assert result.exit_code == 1
    assert (
        result.stderr.startswith(f"Error: The config file {config} cannot be read")
        and "fix it or remove it" in result.stderr
    )
    assert os.path.exists(config)


def test_a_mail_server_given_in_the_environment_is_shown_without_its_password(coop, monkeypatch) -> None:
    monkeypatch.setenv("COOP_SMTP_URL", "smtp://coop:pw-secret@mail.example.org:587")
    assert coop("config", "set", "user", "Marisol").exit_code == 0
    shown = coop("config", "show")
    assert "smtp_url  smtp://coop:***@mail.example.org:587  (from COOP_SMTP_URL)" in shown.stdout
    assert "user      Marisol  (from the config file)" in shown.stdout
    assert "pw-secret" not in shown.stdout + coop("config", "show", "--json").stdout


def test_an_outbox_that_is_a_file_is_refused(coop, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    result = coop("config", "set", "outbox", str(tmp_path / "notes.txt"))
    assert result.exit_code == 1 and result.stderr.startswith(
        f"Error: {tmp_path / 'notes.txt'} is a file, not a folder"
    )
