"""`coop calendar`: export and import; publish (secret per-co-op file names kept in the database,
refresh hints, the links page, re-publishing that rewrites only what changed, and rotation); sync
against a real CalDAV server (Radicale, started on 127.0.0.1 on a free port for these tests and
stopped after): the server's copy after add, reschedule, cancel and a second sync; credentials
from the URL, the environment or ~/.netrc, never printed."""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import vobject
from sqlmodel import select

from coopprogram.models import Coop, Program

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "clients"))
import json
import sys
from pathlib import Path

from radicale_server import make_calendar
from radicale_server import radicale as running_radicale

from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.services.checks import check_database

USER, PASSWORD = "alice", "s3cret-pass"


def _secrets(url: str) -> dict[str, str]:
    from coopprogram.db import unit_of_work

    with unit_of_work(url, write=False) as db:
        found = {coop.slug: coop.feed_secret for coop in db.exec(select(Coop)).all()}
        found[""] = db.exec(select(Program)).one().feed_secret
    return found


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in folder.iterdir()}


def test_publish_writes_secret_feeds_and_rewrites_only_what_changed(coop, demo_url, tmp_path: Path) -> None:
    folder = tmp_path / "www"
    first = coop("calendar", "publish", str(folder), "--base-url", "https://sei.example.org/cal")
    assert first.exit_code == 0, first.stderr
    secrets = _secrets(demo_url)
    assert all(re.fullmatch(r"[0-9a-f]{32}", secret) for secret in secrets.values())
    assert len(set(secrets.values())) == len(secrets)
    casa = folder / f"casa-limpia-{secrets['casa-limpia']}.ics"
    feed = vobject.readOne(casa.read_text())
    assert "Casa Limpia" in feed.x_wr_calname.value
    text = casa.read_text()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text and "X-PUBLISHED-TTL:PT1H" in text
    assert "Milestone" not in text
    links = (folder / f"links-{secrets['']}.html").read_text()
    assert f"https://sei.example.org/cal/casa-limpia-{secrets['casa-limpia']}.ics" in links
    assert f"webcal://sei.example.org/cal/voces-{secrets['voces']}.ics" in links
    assert (folder / "index.html").read_text().count("casa") == 0  # no listing of the secret names

    before = _snapshot(folder)
    again = coop("calendar", "publish", str(folder), "--base-url", "https://sei.example.org/cal")
    assert "0 written" in again.stdout and _snapshot(folder) == before

    coop("sessions", "cancel", "21", "--reason", "Snow")  # Strategy session 2: every co-op is invited
    from datetime import datetime

    from coopprogram.db import unit_of_work
    from coopprogram.services.sessions import show_session

    with unit_of_work(demo_url, write=False) as db:
        cancelled = show_session(db, session_id=21, now=datetime(2022, 1, 1, tzinfo=UTC))
    invited = {i.slug for i in cancelled.invitees}
    coop("calendar", "publish", str(folder), "--base-url", "https://sei.example.org/cal")
    after = _snapshot(folder)
    rewritten = {name for name in after if after[name] != before[name]}
    assert rewritten == {f"{slug}-{secrets[slug]}.ics" for slug in invited} | {
        f"program-{secrets['']}.ics",
        f"manifest-{secrets['']}.json",  # the fingerprints of the feeds rewritten
    }


def test_rotating_a_secret_replaces_the_file(coop, demo_url, tmp_path: Path) -> None:
    folder = tmp_path / "www"
    coop("calendar", "publish", str(folder))
    old = _secrets(demo_url)["voces"]
    rotated = coop("calendar", "publish", str(folder), "--rotate", "voces")
    assert rotated.exit_code == 0 and "New links for: voces" in rotated.stdout
    new = _secrets(demo_url)["voces"]
    assert new != old and (folder / f"voces-{new}.ics").exists() and not (folder / f"voces-{old}.ics").exists()
    refused = coop("calendar", "publish", str(folder), "--base-url", "ftp://example.org")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error:")


def test_rotating_every_secret_replaces_every_feed_and_the_links_page(coop, demo_url, tmp_path: Path) -> None:
    folder = tmp_path / "www"
    coop("calendar", "publish", str(folder))
    old = _secrets(demo_url)
    rotated = coop("calendar", "publish", str(folder), "--rotate", "all")
    assert rotated.exit_code == 0, rotated.stderr
    new = _secrets(demo_url)
    assert all(new[key] != old[key] for key in old)
    names = {path.name for path in folder.iterdir()}
    assert not any(secret in name for name in names for secret in old.values())  # every old link stops working
    assert names == {"index.html", f"links-{new['']}.html", f"program-{new['']}.ics", f"manifest-{new['']}.json"} | {
        f"{slug}-{new[slug]}.ics" for slug in new if slug
    }
    assert f"{len(old) + 2} old files removed" in rotated.stdout  # the feeds, the links page and the manifest


def test_publishing_again_renders_only_the_feeds_whose_content_changed(
    coop, demo_url, tmp_path: Path, monkeypatch
) -> None:
    """Nothing changed: no feed is put together, no calendar even read. One session's new title:
    only the feeds carrying it are put together and rewritten, with the new title, and only that
    session's event is rendered; a feed edited by hand is put together again."""
    import coopprogram.calendar_assembly as assembly

    rendered: list[str] = []  # the calendars put together, by name
    render = assembly.Assembly.render

    def counted(self, head, chosen, lang):
        rendered.append(head.name)
        return render(self, head, chosen, lang)

    monkeypatch.setattr(assembly.Assembly, "render", counted)
    events: list[str] = []  # the events rendered, by UID
    render_event = assembly.render_event
    monkeypatch.setattr(
        assembly, "render_event", lambda item, zone, lang: events.append(item.uid) or render_event(item, zone, lang)
    )
    folder = tmp_path / "www"
    assert coop("calendar", "publish", str(folder)).exit_code == 0
    secrets = _secrets(demo_url)
    assert len(rendered) == len(secrets)  # the program's feed and one per co-op
    before = _snapshot(folder)

    # Nothing changed: the calendar token is the one the folder was published at, so no calendar is even read.
    read: list[int] = []
    lineup = assembly.lineup
    monkeypatch.setattr(assembly, "lineup", lambda db: read.append(1) or lineup(db))
    rendered.clear()
    events.clear()
    again = coop("calendar", "publish", str(folder))
    assert rendered == [] and read == [] and events == [] and "0 written" in again.stdout
    assert _snapshot(folder) == before

    from coopprogram.db import unit_of_work
    from coopprogram.services.sessions import show_session

    with unit_of_work(demo_url, write=False) as db:
        session = show_session(db, session_id=14, now=datetime(2022, 1, 1, tzinfo=UTC))
    carrying = {f"{i.slug}-{secrets[i.slug]}.ics" for i in session.invitees} | {f"program-{secrets['']}.ics"}
    assert len(carrying) == 12 and len(secrets) == 14  # two co-ops' feeds do not carry it
    assert coop("sessions", "edit", "14", "--title", "Strategy retreat, renamed").exit_code == 0
    rendered.clear()
    changed = coop("calendar", "publish", str(folder))
    assert changed.exit_code == 0, changed.stderr
    assert read == [1]
    assert events == [session.uid]  # every other event as kept
    after = _snapshot(folder)
    rewritten = {name for name in after if after[name] != before[name]}
    assert rewritten == carrying | {f"manifest-{secrets['']}.json"}
    assert len(rendered) == len(carrying)
    for name in carrying:
        assert "SUMMARY:Strategy retreat\\, renamed" in (folder / name).read_text()
    for name in set(before) - rewritten - {"index.html", f"links-{secrets['']}.html", f"manifest-{secrets['']}.json"}:
        assert "Strategy retreat" not in (folder / name).read_text()

    # A feed changed by hand (or by a sync tool) is rendered again and put back.
    touched = folder / sorted(carrying)[0]
    good = touched.read_bytes()
    touched.write_bytes(good.replace(b"renamed", b"RENAMED"))
    rendered.clear()
    assert "1 written" in coop("calendar", "publish", str(folder)).stdout
    assert touched.read_bytes() == good and len(rendered) == 1


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


def test_calendar_export_file_and_import(coop, demo_url, tmp_path: Path) -> None:
    target = tmp_path / "sei.ics"
    result = coop("calendar", "export", "-o", str(target), "--phase", "I")
    assert result.exit_code == 0 and "21 sessions and 9 milestones" in result.stdout
    from typer.testing import CliRunner

    from coopprogram.cli import app

    printed = CliRunner().invoke(app, ["calendar", "export", "--phase", "I"]).stdout_bytes
    assert target.read_bytes() == printed and printed.count(b"\r\n") > 100
    imported = coop("calendar", "import", str(target))
    assert "0 added, 0 updated, 21 unchanged" in imported.stdout
    bad = tmp_path / "bad.ics"
    bad.write_text("hello", encoding="utf-8")
    refused = coop("calendar", "import", str(bad))
    assert refused.exit_code == 1 and "not a calendar" in refused.stderr


def test_calendar_import_lists_what_it_changed_and_held_needs_force(coop, demo_url, tmp_path: Path) -> None:
    exported = tmp_path / "sei.ics"
    coop("calendar", "export", "-o", str(exported))
    held = coop("sessions", "show", "14").stdout.splitlines()[0]  # Visioning session 1, held
    assert "held" in held
    text = exported.read_text().replace("America/New_York:20211104T", "America/New_York:20211105T")  # a day later
    text = text.replace("URL:https://meet.example.org/sei-visioning", "URL:file:///etc/passwd", 1)
    moved = tmp_path / "moved.ics"
    moved.write_text(text)
    refused = coop("calendar", "import", str(moved))
    assert refused.exit_code == 0
    line = next(row for row in refused.stdout.splitlines() if row.startswith("2021-11-05 18:00"))
    assert "skipped" in line and "--force" in line
    assert "    note: its link is not an http(s) web address: left out" in refused.stdout
    assert coop("sessions", "show", "14").stdout.splitlines()[0] == held
    forced = coop("calendar", "import", str(moved), "--force")
    assert "Fri 2021-11-05 18:00" in coop("sessions", "show", "14").stdout and "1 updated" in forced.stdout


def test_calendar_export_records_what_it_sent(coop, demo_url, tmp_path: Path) -> None:
    sessions = json.loads(coop("sessions", "list", "--json").stdout)
    session_id = str(sessions[0]["id"])
    coop("sessions", "edit", session_id, "--location", "Lawrence")
    assert coop("calendar", "export", "-o", str(tmp_path / "sei.ics")).exit_code == 0
    with unit_of_work(resolve_database(None), write=False) as db:
        from coopprogram.models import ProgramSession

        row = db.get(ProgramSession, int(session_id))
        assert (row.sequence, row.exported_sequence) == (1, 1)
        assert check_database(db).ok


def test_an_export_refused_for_its_file_changes_nothing(coop, demo_url, tmp_path: Path) -> None:
    """An existing file without --force, or a folder that is not there: one line, exit 1, and no
    session recorded as sent."""
    from sqlalchemy import create_engine, text

    def marks() -> list[tuple[int, int]]:
        engine = create_engine(demo_url)
        try:
            with engine.connect() as connection:
                return connection.execute(text("SELECT id, exported_sequence FROM programsession ORDER BY id")).all()
        finally:
            engine.dispose()

    assert coop("sessions", "edit", "14", "--location", "Lawrence").exit_code == 0  # a change not yet sent
    (tmp_path / "sei.ics").write_text("mine")
    before = marks()
    for target, words in ((tmp_path / "sei.ics", "already exists"), (tmp_path / "no" / "x.ics", "does not exist")):
        refused = coop("calendar", "export", "-o", str(target))
        assert refused.exit_code == 1 and words in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
        assert marks() == before
    assert (tmp_path / "sei.ics").read_text() == "mine"


def test_a_change_made_by_another_tool_is_published(coop, demo_url, tmp_path: Path) -> None:
    """The calendar token is kept by the database itself: a session renamed past coop (a script,
    a database client) still reaches every feed that carries it at the next publish."""
    from sqlalchemy import create_engine, text

    folder = tmp_path / "www"
    assert coop("calendar", "publish", str(folder)).exit_code == 0
    secrets = _secrets(demo_url)
    program_feed = folder / f"program-{secrets['']}.ics"
    assert "Renamed by hand" not in program_feed.read_text()
    engine = create_engine(demo_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE programsession SET title = 'Renamed by hand', sequence = sequence + 1 WHERE id = 21")
            )
    finally:
        engine.dispose()
    published = coop("calendar", "publish", str(folder))
    assert published.exit_code == 0, published.stderr
    assert "0 written" not in published.stdout
    feeds = list(folder.glob("*.ics"))
    assert len(feeds) == len(secrets)
    for feed in feeds:  # session 21 is in every co-op's feed
        assert "SUMMARY:Renamed by hand" in feed.read_text(), feed.name


@pytest.mark.postgres_only
def test_db_check_reports_a_changed_calendar_token_function(coop, demo_url) -> None:
    from sqlalchemy import create_engine, text

    assert coop("db", "check").exit_code == 0
    engine = create_engine(demo_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE OR REPLACE FUNCTION coop_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "DELETE FROM auditentry; RETURN NULL; END $$"
            )
        )
    engine.dispose()
    checked = coop("db", "check")
    assert checked.exit_code == 1
    assert "function coop_calendar_changed whose definition coop did not write" in checked.stderr


def _hold(folder: Path) -> int:
    """The folder locked as a publish writing it holds it (flock on the folder's descriptor)."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder, os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return descriptor


def test_a_second_publish_into_the_same_folder_waits_for_the_first(demo_url, tmp_path: Path) -> None:
    """Two publishes into one folder (a scheduled one and a person's) take turns: the second, a
    process of its own, says it waits and writes nothing while the first holds the folder, then
    publishes the whole program once the first is done."""
    import subprocess

    folder = tmp_path / "www"
    holder = _hold(folder)
    try:
        second = subprocess.Popen(
            [sys.executable, "-m", "coopprogram", "calendar", "publish", str(folder)],
            env=dict(os.environ),  # COOP_DB: this test's program
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        said = second.stderr.readline() if second.stderr else ""  # the process ends (EOF) if it never waits
        assert "Another `coop calendar publish` is writing to" in said and "waiting for it to finish" in said
        assert second.poll() is None and list(folder.iterdir()) == []  # nothing written while it waits
    finally:
        os.close(holder)  # the first publish is done
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    secrets = _secrets(demo_url)
    assert f"Published {len(secrets)} calendars" in out
    assert vobject.readOne((folder / f"casa-limpia-{secrets['casa-limpia']}.ics").read_text()).vevent_list


def test_a_publish_that_cannot_have_the_folder_gives_up_having_changed_nothing(
    coop, demo_url, tmp_path: Path, monkeypatch, unchanged
) -> None:
    from coopprogram import publish_folder

    monkeypatch.setattr(publish_folder, "LOCK_WAIT_SECONDS", 0.5)
    folder = tmp_path / "www"
    holder = _hold(folder)
    try:
        with unchanged(demo_url):  # not even the secrets --rotate would have renewed
            result = coop("calendar", "publish", str(folder), "--rotate", "all")
    finally:
        os.close(holder)
    assert result.exit_code == 1
    assert "waiting for it to finish" in result.stderr
    assert "has been writing to" in result.stderr and "Nothing was published" in result.stderr
    assert list(folder.iterdir()) == []


def test_a_refused_publish_leaves_no_folder_it_made(coop, demo_url, tmp_path: Path, unchanged) -> None:
    with unchanged(demo_url):
        result = coop("calendar", "publish", str(tmp_path / "new" / "calendars"), "--rotate", "no-such-coop")
    assert result.exit_code == 1 and "no-such-coop" in result.stderr
    assert not (tmp_path / "new").exists()


def test_events_rendered_once_are_kept_for_the_next_publish(coop, demo_url, tmp_path: Path, monkeypatch) -> None:
    """A publish keeps the events it rendered in the database: publishing to a new folder renders
    none, a changed session is the only event rendered again, and emptying the store loses nothing."""
    from sqlalchemy import create_engine, text

    import coopprogram.calendar_assembly as assembly

    rendered: list[str] = []
    render_event = assembly.render_event

    def counted(item, zone, lang):
        rendered.append(item.uid)
        return render_event(item, zone, lang)

    monkeypatch.setattr(assembly, "render_event", counted)
    engine = create_engine(demo_url)
    try:
        with engine.connect() as connection:
            sessions = connection.execute(text("SELECT count(*) FROM programsession")).scalar_one()
        assert coop("calendar", "publish", str(tmp_path / "a")).exit_code == 0
        assert len(rendered) == sessions  # each event once, however many feeds carry it

        rendered.clear()
        assert coop("calendar", "publish", str(tmp_path / "b")).exit_code == 0
        assert rendered == []
        assert _snapshot_bytes(tmp_path / "b") == _snapshot_bytes(tmp_path / "a")

        assert coop("sessions", "edit", "14", "--title", "Strategy retreat, renamed").exit_code == 0
        assert coop("calendar", "publish", str(tmp_path / "a")).exit_code == 0
        with engine.connect() as connection:
            [renamed] = connection.execute(text("SELECT uid FROM programsession WHERE id = 14")).one()
        assert rendered == [renamed]

        with engine.begin() as connection:
            connection.execute(text("DELETE FROM renderedevent"))
        rendered.clear()
        assert coop("calendar", "publish", str(tmp_path / "c")).exit_code == 0
        assert len(rendered) == sessions
        assert _snapshot_bytes(tmp_path / "c") == _snapshot_bytes(tmp_path / "a")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM renderedevent")).scalar_one() == sessions
    finally:
        engine.dispose()


def test_calendar_export_takes_the_events_kept_and_keeps_those_it_renders(
    coop, demo_url, tmp_path: Path, monkeypatch
) -> None:
    """An export after a publish renders no event; an export in another language renders the
    co-op's events once, and the next none. Each file is what icalendar writes for the calendar read whole."""
    import coopprogram.calendar_assembly as assembly
    from coopprogram.exporters.ics import render_ics
    from coopprogram.i18n import language
    from coopprogram.services.calendar import calendar_view
    from coopprogram.services.translations import calendar_with_titles

    rendered: list[str] = []
    render_event = assembly.render_event
    monkeypatch.setattr(
        assembly, "render_event", lambda item, zone, lang: rendered.append(item.uid) or render_event(item, zone, lang)
    )
    assert coop("calendar", "publish", str(tmp_path / "www")).exit_code == 0
    rendered.clear()
    assert coop("calendar", "export", "-o", str(tmp_path / "all.ics")).exit_code == 0
    assert rendered == []
    spanish = language("es")
    for attempt in range(2):
        rendered.clear()
        made = coop(
            "calendar", "export", "--coop", "casa-limpia", "--lang", "es", "-o", str(tmp_path / "es.ics"), "--force"
        )
        assert made.exit_code == 0, made.stderr
        with unit_of_work(demo_url, write=False) as db:
            view = calendar_view(db, coop="casa-limpia")
            assert (tmp_path / "es.ics").read_bytes() == render_ics(calendar_with_titles(db, view), lang=spanish)
        assert len(rendered) == (len(view.sessions) if attempt == 0 else 0)
    with unit_of_work(demo_url, write=False) as db:
        assert (tmp_path / "all.ics").read_bytes() == render_ics(calendar_view(db))


def _snapshot_bytes(folder: Path) -> dict[str, bytes]:
    """The feeds and pages of a published folder (the manifest records the files' times: left out)."""
    return {path.name: path.read_bytes() for path in folder.iterdir() if not path.name.startswith("manifest-")}
