"""Every timed event of an export read by three calendar clients' parsers (ical.js, which is
Thunderbird's; vobject; icalendar), each start and end compared with the instant stored for
the session (zoneinfo's reading of the time the organizer typed): the demo program, and a
program running into later years with sessions on the days the clocks change.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import vobject
from icalendar import Calendar

from coopprogram.exporters.ics import render_ics
from coopprogram.services import calendar, phases, sessions
from coopprogram.units import utc_to_local

ROOT = Path(__file__).resolve().parents[2]
ICALJS = ROOT / "tests" / "clients" / "icaljs_instants.mjs"
NOW = datetime(2030, 1, 1, tzinfo=UTC)


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())


def _stored(url: str) -> tuple[bytes, dict[str, tuple[int, int]]]:
    from coopprogram.db import unit_of_work

    with unit_of_work(url, write=False) as db:
        view = calendar.calendar_view(db)
    expected = {e.uid: (_unix(e.starts_at), _unix(e.ends_at)) for e in view.sessions}
    return render_ics(view), expected


def read_with_icaljs(data: bytes) -> dict[str, tuple[int, int]]:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: ical.js (Thunderbird's parser) cannot run here")
    if not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.fail("ical.js is not installed: run `make install` (it runs `npm ci`)")
    done = subprocess.run(["node", str(ICALJS)], input=data, capture_output=True, check=True, timeout=60)
    return {uid: tuple(pair) for uid, pair in json.loads(done.stdout).items()}


def read_with_vobject(data: bytes) -> dict[str, tuple[int, int]]:
    parsed = vobject.readOne(data.decode("utf-8"), validate=True)
    found = {}
    for event in parsed.vevent_list:
        if isinstance(event.dtstart.value, datetime):
            start = event.dtstart.value
            end = event.dtend.value if "dtend" in event.contents else start + event.duration.value
            found[event.uid.value] = (_unix(start), _unix(end))
    return found


def read_with_icalendar(data: bytes) -> dict[str, tuple[int, int]]:
    found = {}
    for event in Calendar.from_ical(data).walk("VEVENT"):
        if isinstance(event.start, datetime):
            found[str(event["UID"])] = (_unix(event.start), _unix(event.end))
    return found


READERS = [read_with_icaljs, read_with_vobject, read_with_icalendar]


def _assert_clients_agree(url: str, reader) -> None:
    data, expected = _stored(url)
    assert expected
    read = reader(data)
    wrong = {uid: (read.get(uid), want) for uid, want in expected.items() if read.get(uid) != want}
    assert not wrong, f"{len(wrong)} of {len(expected)} events read at the wrong instant: {list(wrong.values())[:3]}"


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__.removeprefix("read_with_"))
def test_demo_events_read_at_their_instants(demo_url: str, reader) -> None:
    _assert_clients_agree(demo_url, reader)


@pytest.fixture
def later_years_url(db_url: str) -> str:
    """A program whose second phase runs to the end of 2027, with a session every month at 18:00,
    one each side of every clock change, and one ending in the repeated November hour."""
    from coopprogram.db import unit_of_work

    with unit_of_work(db_url, write=True) as db:
        phases.edit_phase(db, reference="II", ends_on=date(2027, 12, 31))
        sessions.add_session(
            db,
            title="Monthly call",
            kind="working-group",
            start=datetime(2021, 10, 5, 18, 0),
            minutes=90,
            now=NOW,
            repeat="FREQ=MONTHLY;BYDAY=1TU",
            until=date(2027, 12, 31),
            invite="none",
        )
        for year in range(2022, 2028):
            for day in (_sunday(year, 3, 2), _sunday(year, 11, 1)):
                for local in (
                    datetime.combine(day - timedelta(days=1), datetime.min.time()).replace(hour=23, minute=30),
                    datetime.combine(day, datetime.min.time()).replace(hour=3, minute=30),
                ):
                    sessions.add_session(
                        db,
                        title=f"Edge {local:%Y-%m-%d %H:%M}",
                        kind="working-group",
                        start=local,
                        minutes=60,
                        now=NOW,
                        invite="none",
                    )
            # 00:30 for two hours on the night the clocks go back: ends at 01:30 the second time.
            sessions.add_session(
                db,
                title=f"Night {year}",
                kind="working-group",
                start=datetime.combine(_sunday(year, 11, 1), datetime.min.time()).replace(minute=30),
                minutes=120,
                now=NOW,
                invite="none",
            )
    return db_url


def _sunday(year: int, month: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__.removeprefix("read_with_"))
def test_later_years_read_at_their_instants(later_years_url: str, reader) -> None:
    _assert_clients_agree(later_years_url, reader)


def test_session_in_repeated_hour_keeps_its_length_and_prints_its_end(later_years_url: str, coop) -> None:
    from coopprogram.db import unit_of_work

    with unit_of_work(later_years_url, write=False) as db:
        night = next(s for s in sessions.list_sessions(db, now=NOW) if s.title == "Night 2025")
    assert night.minutes == 120 and utc_to_local(night.starts_at, "America/New_York") == datetime(2025, 11, 2, 0, 30)
    data, _ = _stored(later_years_url)
    read = read_with_icalendar(data)[night.uid]
    assert read[1] - read[0] == 120 * 60
    shown = coop("sessions", "show", str(night.id))
    assert "00:30 EDT–01:30 EST" in shown.stdout


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__.removeprefix("read_with_"))
def test_a_co_ops_published_feed_is_read_at_its_sessions_instants(demo_url: str, coop, tmp_path: Path, reader) -> None:
    """The file a co-op subscribes to (its own sessions, in its language), as `coop calendar publish`
    writes it: each event read where the sessions service puts that session, and no other event."""
    from coopprogram.db import unit_of_work

    assert coop("coops", "edit", "casa-limpia", "--languages", "es").exit_code == 0
    folder = tmp_path / "www"
    assert coop("calendar", "publish", str(folder)).exit_code == 0
    (feed,) = folder.glob("casa-limpia-*.ics")
    with unit_of_work(demo_url, write=False) as db:
        invited = {
            s.uid: (_unix(s.starts_at), _unix(s.starts_at + timedelta(minutes=s.minutes)))
            for s in sessions.list_sessions(db, now=NOW)
            if any(i.slug == "casa-limpia" for i in s.invitees)
        }
    assert len(invited) > 3
    assert reader(feed.read_bytes()) == invited
