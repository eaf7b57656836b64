"""What coop says after a failure must be true, and its work is bounded: a change committed
before printing failed is reported as saved (with its id); rules and files too big for a
program are refused before the write lock is taken; user text cannot restructure Markdown.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work


def _entries(description: str) -> list[int]:
    from sqlmodel import select

    from coopprogram.models import TimeEntry

    with unit_of_work(resolve_database(None), write=False) as db:
        return list(db.exec(select(TimeEntry.id).where(TimeEntry.description == description)).all())


def _coop_process(*args: str, stdout) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coopprogram", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_saved_change_is_reported_as_saved_when_printing_fails(coop, demo_url) -> None:
    with open("/dev/full", "w") as full:
        done = _coop_process("hours", "log", "1:30", "Printed to a full disk", "--date", "2022-01-14", stdout=full)
    [entry] = _entries("Printed to a full disk")
    assert done.returncode == 1
    assert (
        f"The change was saved (created timeentry {entry})" in done.stderr
        and "Do not run the command again" in done.stderr
    )
    assert "nothing was changed" not in done.stderr and "Traceback" not in done.stderr


def test_what_a_run_saved_is_its_own(coop, demo_url) -> None:
    # Each run has its own Application: a change saved by one command is never reported by the next.
    saved = coop("hours", "log", "1:30", "Saved by the first run", "--date", "2022-01-14")
    [entry] = _entries("Saved by the first run")
    assert saved.exit_code == 0
    refused = coop("hours", "remove", "999999")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: ") and "was saved" not in refused.stderr
    assert f"timeentry {entry}" not in refused.stderr


def test_a_closed_pipe_after_the_commit(coop, demo_url) -> None:
    reading, writing = os.pipe()
    os.close(reading)  # the reader is gone before coop prints
    try:
        done = _coop_process(
            "hours", "log", "45m", "Printed into a closed pipe", "--date", "2022-01-14", stdout=writing
        )
    finally:
        os.close(writing)
    [entry] = _entries("Printed into a closed pipe")
    assert done.returncode == 1 and f"created timeentry {entry}" in done.stderr, done.stderr
    assert "Exception ignored" not in done.stderr


# --- 9. bounded work, refused before the write lock -------------------------------------------


@pytest.fixture
def write_lock_held(demo_url, isolate: Path):
    """Another terminal holding the write lock: anything that waits for it would fail after the
    busy timeout with "another coop command is writing", not with its own refusal."""
    if not demo_url.startswith("sqlite"):
        yield
        return
    holder = sqlite3.connect(isolate, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # never happens: the iteration would run to year 9999
        "FREQ=MINUTELY",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=9",
    ],
)
def test_a_runaway_recurrence_rule_is_refused_before_the_write_lock(
    coop, write_lock_held, rule: str, monkeypatch
) -> None:
    monkeypatch.setattr("coopprogram.db.BUSY_TIMEOUT_MS", 300)  # a test that waited for the lock fails fast
    refused = coop(
        "sessions",
        "add",
        "Weekly call",
        "--kind",
        "check-in",
        "--start",
        "2022-02-01 18:00",
        "--minutes",
        "60",
        "--repeat",
        rule,
        "--until",
        "2022-08-31",
    )
    assert refused.exit_code in (1, 2) and "writing" not in refused.stderr, refused.stderr
    assert any(reason in refused.stderr for reason in ("takes too long", "more than once a day", "gives no session")), (
        refused.stderr
    )


@pytest.mark.parametrize("command", [("coops", "import"), ("calendar", "import"), ("unity", "new", "--file")])
def test_a_bottomless_file_is_refused_before_the_write_lock(
    coop, write_lock_held, command: tuple[str, ...], monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr("coopprogram.db.BUSY_TIMEOUT_MS", 300)
    refused = coop(*command, "/dev/zero")
    assert refused.exit_code == 1 and "is not a regular file (a folder or a device)" in refused.stderr, refused.stderr
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(6_000_000)  # a regular file over the 5 MB limit (sparse: costs no disk)
    refused = coop(*command, str(huge))
    assert refused.exit_code == 1 and "too large" in refused.stderr, refused.stderr


# --- 10. Markdown: user text never becomes structure ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "# Not a heading",
        "- not a list",
        "+ not a list",
        "1. not a list",
        "2) not a list",
        "---",
        "- - -",
        "***",
        "> not a quote",
        "    not code",
    ],
)
def test_user_text_at_the_start_of_a_line_stays_text(text: str) -> None:
    from markdown_it import MarkdownIt

    from coopprogram.exporters.markdown import escape

    html = MarkdownIt("commonmark").render(escape(text))
    assert html.startswith("<p>") and html.count("<p>") == 1, html
    for tag in ("<h", "<ul", "<ol", "<hr", "<blockquote", "<pre", "<code"):
        assert tag not in html, html


def test_a_points_of_unity_preamble_cannot_add_headings(coop, demo_url, tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    draft = tmp_path / "draft.md"
    draft.write_text(
        "# Our points\n\nWhy we wrote them.\n\n# A heading of my own\n\n---\n\n1. We share power\n", encoding="utf-8"
    )
    made = coop("unity", "new", "--file", str(draft))
    assert made.exit_code == 0, made.stderr
    version = made.stdout.split()[1]
    exported = coop("unity", "export", version)
    html = MarkdownIt("commonmark").render(exported.stdout)
    assert html.count("<h1>") == 1 and "<hr" not in html
