"""Imports that never undo newer work: SEQUENCE, held sessions, moved occurrences of a series,
bounded rules, per-event notes of every change, links, and one clear line for each bad shape."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from coopprogram.models import ProgramSession, SessionSeries
from coopprogram.services import calendar_import, sessions

NOW = datetime(2022, 8, 31, tzinfo=UTC)


def ics(*events: str) -> bytes:
    body = "".join(
        f"BEGIN:VEVENT\r\nDTSTAMP:20220101T000000Z\r\n{event.strip().replace(chr(10), chr(13) + chr(10))}\r\nEND:VEVENT\r\n"
        for event in events
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()


def run(url: str, data: bytes, **kwargs):
    from coopprogram.db import unit_of_work

    with unit_of_work(url, write=True) as db:
        return calendar_import.import_calendar(db, data=data, **kwargs)


def stored(url: str, uid: str | None = None, title: str | None = None) -> list[ProgramSession]:
    from coopprogram.db import unit_of_work

    with unit_of_work(url, write=False) as db:
        query = select(ProgramSession).order_by(ProgramSession.starts_at)
        query = query.where(ProgramSession.uid == uid) if uid else query.where(ProgramSession.title == title)
        found = list(db.exec(query).all())
        for row in found:
            db.expunge(row)
        return found


CALL = """UID:call@example.org
SEQUENCE:{seq}
SUMMARY:Budget call
DTSTART;TZID=America/New_York:{start}
DURATION:PT1H"""


def test_lower_sequence_is_skipped_and_reported(demo_url) -> None:
    run(demo_url, ics(CALL.format(seq=3, start="20220510T180000")))
    report = run(demo_url, ics(CALL.format(seq=2, start="20220511T180000")))
    assert [(e.action, "newer" in e.detail) for e in report.events] == [("skipped", True)]
    [call] = stored(demo_url, uid="call@example.org")
    assert call.starts_at == datetime(2022, 5, 10, 22, 0, tzinfo=UTC) and call.sequence == 3
    moved = run(demo_url, ics(CALL.format(seq=4, start="20220512T180000")))
    assert moved.events[0].action == "updated"
    assert stored(demo_url, uid="call@example.org")[0].sequence == 4


def test_held_session_is_not_moved_without_force(demo_url) -> None:
    from coopprogram.db import unit_of_work

    with unit_of_work(demo_url, write=True) as db:
        held = next(s for s in sessions.list_sessions(db, now=NOW) if s.status == "held")
    event = f"UID:{held.uid}\nSEQUENCE:{held.sequence + 5}\nSUMMARY:{held.title}\nSTATUS:CANCELLED\nDTSTART:20211104T220000Z\nDTEND:20211105T000000Z"
    report = run(demo_url, ics(event))
    assert report.events[0].action == "skipped" and "--force" in report.events[0].detail
    assert stored(demo_url, uid=held.uid)[0].status == "held"
    assert run(demo_url, ics(event), force=True).events[0].action == "updated"
    assert stored(demo_url, uid=held.uid)[0].status == "cancelled"


SERIES = """UID:office-hours@example.org
SUMMARY:TA office hours
DTSTART;TZID=America/New_York:20220502T120000
DTEND;TZID=America/New_York:20220502T130000
RRULE:FREQ=WEEKLY;COUNT=4"""
MOVED = """UID:office-hours@example.org
SEQUENCE:1
SUMMARY:TA office hours (moved)
RECURRENCE-ID;TZID=America/New_York:20220509T120000
DTSTART;TZID=America/New_York:20220510T150000
DTEND;TZID=America/New_York:20220510T160000"""


def test_moved_occurrence_updates_that_session_and_reimport_adds_no_series(demo_url) -> None:
    from coopprogram.db import unit_of_work

    def series_count() -> int:
        with unit_of_work(demo_url, write=False) as db:
            return db.exec(select(func.count(SessionSeries.id))).one()

    before = series_count()
    first = run(demo_url, ics(SERIES))
    assert [e.starts for e in first.events] == [
        "2022-05-02 12:00",
        "2022-05-09 12:00",
        "2022-05-16 12:00",
        "2022-05-23 12:00",
    ]
    second = run(demo_url, ics(SERIES, MOVED))
    assert [e.action for e in second.events] == ["unchanged", "updated", "unchanged", "unchanged"]
    rows = stored(demo_url, title="TA office hours") + stored(demo_url, title="TA office hours (moved)")
    assert len(rows) == 4
    moved = next(r for r in rows if r.title.endswith("(moved)"))
    assert moved.starts_at == datetime(2022, 5, 10, 19, 0, tzinfo=UTC)
    run(demo_url, ics(SERIES, MOVED))
    assert series_count() == before + 1
    assert len({r.series_id for r in rows}) == 1


@pytest.mark.parametrize(
    ("event", "words"),
    [
        (
            "UID:x\nSUMMARY:Every second\nDTSTART:20220502T120000Z\nDTEND:20220502T130000Z\nRRULE:FREQ=SECONDLY",
            "repeats within a day",
        ),
        (
            "UID:x\nSUMMARY:Every minute\nDTSTART:20220502T120000Z\nDTEND:20220502T130000Z\nRRULE:FREQ=MINUTELY;COUNT=100000000",
            "repeats within a day",
        ),
        (
            "UID:x\nSUMMARY:Daily forever\nDTSTART:20211001T120000Z\nDTEND:20211001T130000Z\nRRULE:FREQ=DAILY",
            "repeats 335 times",
        ),
        (
            "UID:x\nSUMMARY:Bad day\nDTSTART:20220502T120000Z\nDTEND:20220502T130000Z\nRRULE:FREQ=WEEKLY;BYDAY=XX",
            "its RRULE cannot be read ('FREQ=WEEKLY;BYDAY=XX')",
        ),
        (
            "UID:x\nSUMMARY:Day end\nDTSTART:20220502T120000Z\nDTEND;VALUE=DATE:20220503",
            "DTEND is a day without a time",
        ),
        (
            "UID:x\nSUMMARY:Day exdate\nDTSTART:20220502T120000Z\nDTEND:20220502T130000Z\nRRULE:FREQ=WEEKLY;COUNT=3\nEXDATE;VALUE=DATE:20220509",
            "EXDATE gives a day without a time",
        ),
        ("UID:x\nSUMMARY:All day\nDTSTART;VALUE=DATE:20220502", "all-day event is not a session"),
        (
            "UID:x\nSUMMARY:Bad length\nDTSTART:20220502T120000Z\nDURATION:bogus",
            "its DURATION cannot be read ('bogus')",
        ),
        ("UID:x\nSUMMARY:Backwards\nDTSTART:20220502T120000Z\nDURATION:-PT1H", "ends before it starts"),
        (
            "UID:x\nSUMMARY:Bad version\nDTSTART:20220502T120000Z\nDURATION:PT1H\nSEQUENCE:abc",
            "its SEQUENCE cannot be read",
        ),
    ],
)
def test_bad_shapes_give_one_clear_line(demo_url, event: str, words: str) -> None:
    report = run(demo_url, ics(event))
    assert [e.action for e in report.events] == ["skipped"]
    assert words in report.events[0].detail
    assert not stored(demo_url, uid="x")


def test_a_rule_that_never_matches_is_refused_in_a_moment(demo_url) -> None:
    import time

    # February 30th never comes: expanded to the year 9999 it took seconds of processor time.
    event = "UID:x\nSUMMARY:Never\nDTSTART:20220502T120000Z\nDTEND:20220502T130000Z\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"
    started = time.process_time()
    report = run(demo_url, ics(event))
    assert time.process_time() - started < 2.5
    assert [(e.action, e.detail) for e in report.events] == [
        (
            "skipped",
            "its repeat rule takes too long to work out (does it ever match a day?); correct it in the calendar it came from",
        )
    ]
    assert not stored(demo_url, uid="x")


def test_a_series_refused_half_way_leaves_no_session(demo_url) -> None:
    moved = MOVED.replace("SUMMARY:TA office hours (moved)", "SUMMARY:TA office hours (moved)\nLOCATION:Room\x07 4")
    report = run(demo_url, ics(SERIES, moved))
    assert [(e.action, "control characters" in e.detail) for e in report.events] == [("skipped", True)]
    assert not stored(demo_url, title="TA office hours")


def test_every_change_is_reported_per_event(demo_url) -> None:
    report = run(
        demo_url,
        ics(
            "UID:long\nSUMMARY:Retreat\nDTSTART:20220502T120000Z\nDTEND:20220503T120000Z",
            "UID:mars\nSUMMARY:Mars call\nDTSTART;TZID=Mars/Olympus:20220503T180000\nDURATION:PT1H",
            "UID:gap\nSUMMARY:Gap call\nDTSTART:20220313T023000\nDURATION:PT1H",
            "UID:link\nSUMMARY:Link call\nDTSTART:20220504T180000Z\nDURATION:PT1H\nURL:javascript:alert(1)",
        ),
    )
    notes = {e.title: e.notes for e in report.events}
    assert notes["Retreat"] == ("1440 minutes long: stored as 720",)
    assert notes["Mars call"] == ("time zone 'Mars/Olympus' is not known: read as America/New_York time",)
    assert notes["Gap call"] == ("2022-03-13 02:30 does not exist (the clocks jump forward): read as 03:30 EDT",)
    assert notes["Link call"] == ("its link is not an http(s) web address: left out",)
    assert stored(demo_url, uid="long")[0].minutes == 720
    assert stored(demo_url, uid="mars")[0].starts_at == datetime(2022, 5, 3, 22, 0, tzinfo=UTC)
    assert stored(demo_url, uid="link")[0].link == ""
    latin = ics("UID:latin\nSUMMARY:Reunión\nDTSTART:20220505T180000Z\nDURATION:PT1H").replace(
        "Reunión".encode(), "Reunión".encode("cp1252")
    )
    [event] = run(demo_url, latin).events
    assert event.title == "Reunión" and "not UTF-8" in event.notes[0]


def test_a_session_in_the_repeated_hour_survives_a_round_trip(db_url) -> None:
    from datetime import date

    from coopprogram.db import unit_of_work
    from coopprogram.exporters.ics import render_ics
    from coopprogram.services import calendar, phases

    with unit_of_work(db_url, write=True) as db:
        phases.edit_phase(db, reference="II", ends_on=date(2022, 12, 31))
        [night] = sessions.add_session(
            db,
            title="Night",
            kind="working-group",
            start=datetime(2022, 11, 6, 0, 30),
            minutes=120,
            now=NOW,
            invite="none",
        )
        data = render_ics(calendar.calendar_view(db))
    assert run(db_url, data).count("unchanged") == 1
    assert stored(db_url, uid=night.uid)[0].minutes == 120
