"""`coop calendar sync` against a real CalDAV server (Radicale, started on 127.0.0.1 on a free
port for these tests and stopped after): the server's copy after add, reschedule, cancel and
a second sync; credentials from the URL, the environment or ~/.netrc, never printed."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "clients"))
from radicale_server import make_calendar
from radicale_server import radicale as running_radicale

USER, PASSWORD = "alice", "s3cret-pass"


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The server's base address and its storage folder."""
    folder = tmp_path_factory.mktemp("radicale")
    with running_radicale(folder, user=USER, password=PASSWORD) as base:
        yield base, folder / "storage"


@pytest.fixture
def calendar_url(radicale, request) -> str:
    """A new, empty calendar on the server for this test."""
    return make_calendar(radicale[0], user=USER, password=PASSWORD, name=request.node.name.replace("_", "-")[:40])


def server_copy(url: str) -> dict[str, object]:
    import caldav

    with caldav.DAVClient(url=url, username=USER, password=PASSWORD) as client:
        return {str(e.icalendar_component["UID"]): e.icalendar_component for e in client.calendar(url=url).get_events()}


def with_credentials(url: str) -> str:
    return url.replace("http://", f"http://{USER}:{PASSWORD}@")


def _session(demo_url: str, title: str):
    from coopprogram.db import unit_of_work
    from coopprogram.services import sessions

    with unit_of_work(demo_url, write=False) as db:
        return next(
            s for s in sessions.list_sessions(db, now=datetime(2022, 1, 1, tzinfo=UTC)) if s.title.startswith(title)
        )


def test_sync_creates_updates_cancels_and_never_duplicates(coop, demo_url, calendar_url, radicale) -> None:
    first = coop("calendar", "sync", with_credentials(calendar_url))
    assert first.exit_code == 0, first.stderr
    assert "21 created, 0 updated" in first.stdout and PASSWORD not in first.stdout + first.stderr
    stored = server_copy(calendar_url)
    strategy = _session(demo_url, "Strategy session 1")
    assert len(stored) == 21
    assert stored[strategy.uid].start == strategy.starts_at

    moved = coop("sessions", "reschedule", str(strategy.id), "--start", "2022-03-10 18:30")
    assert moved.exit_code == 0, moved.stderr
    walk = _session(demo_url, "Strategy session 2")
    assert coop("sessions", "cancel", str(walk.id), "--reason", "Snow").exit_code == 0
    second = coop("calendar", "sync", with_credentials(calendar_url))
    assert "0 created, 1 updated, 1 cancelled, 19 unchanged" in second.stdout
    stored = server_copy(calendar_url)
    assert len(stored) == 21
    assert stored[strategy.uid].start == datetime(2022, 3, 10, 23, 30, tzinfo=UTC)
    assert int(stored[strategy.uid]["SEQUENCE"]) == _session(demo_url, "Strategy session 1").sequence
    assert str(stored[walk.uid]["STATUS"]) == "CANCELLED" and str(stored[walk.uid]["SUMMARY"]).startswith("Cancelled: ")

    _, storage = radicale
    before = {path: path.stat().st_mtime_ns for path in storage.rglob("*.ics")}
    third = coop("calendar", "sync", with_credentials(calendar_url))
    assert "0 created, 0 updated, 0 cancelled, 21 unchanged" in third.stdout
    assert {path: path.stat().st_mtime_ns for path in storage.rglob("*.ics")} == before  # nothing was sent


def test_credentials_from_the_environment_and_netrc(coop, demo_url, calendar_url, monkeypatch) -> None:
    monkeypatch.setenv("COOP_CALDAV_USER", USER)
    monkeypatch.setenv("COOP_CALDAV_PASSWORD", PASSWORD)
    by_env = coop("calendar", "sync", calendar_url, "--coop", "casa-limpia")
    assert by_env.exit_code == 0, by_env.stderr
    assert len(server_copy(calendar_url)) == 8
    monkeypatch.delenv("COOP_CALDAV_USER")
    monkeypatch.delenv("COOP_CALDAV_PASSWORD")
    netrc = Path(os.environ["HOME"]) / ".netrc"
    netrc.parent.mkdir(parents=True, exist_ok=True)
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    by_netrc = coop("calendar", "sync", calendar_url, "--coop", "casa-limpia")
    assert by_netrc.exit_code == 0 and "8 unchanged" in by_netrc.stdout


def test_refusals_are_one_line_without_the_password(coop, demo_url, calendar_url) -> None:
    wrong = coop("calendar", "sync", calendar_url.replace("http://", f"http://{USER}:wrong-pass@"))
    assert wrong.exit_code == 1 and "refused access as alice" in wrong.stderr and "wrong-pass" not in wrong.stderr
    assert wrong.stderr.count("\n") == 1
    bad = coop("calendar", "sync", "ftp://alice:hidden@example.org/cal")
    assert bad.exit_code == 1 and "not a CalDAV calendar address" in bad.stderr and "hidden" not in bad.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    down = coop("calendar", "sync", f"http://{USER}:{PASSWORD}@127.0.0.1:{closed}/alice/x/")
    assert down.exit_code == 1 and "Could not reach" in down.stderr and PASSWORD not in down.stderr
