"""The .ics export read back by an independent parser (vobject), the same bytes twice,
SEQUENCE and DTSTAMP after a change, no contact details, and the import round trip."""

from datetime import UTC, date, datetime

import vobject
from sqlmodel import select

from coopprogram.exporters.ics import render_ics
from coopprogram.i18n import language
from coopprogram.models import ProgramSession
from coopprogram.services import calendar, calendar_import, sessions
from coopprogram.services.calendar_store import mark_sending
from coopprogram.units import parse_local_datetime

NOW = datetime(2022, 8, 31, tzinfo=UTC)


def _export(url, lang: str = "en", **kwargs) -> bytes:
    from coopprogram.db import unit_of_work

    with unit_of_work(url, write=False) as db:
        return render_ics(calendar.calendar_view(db, **kwargs), lang=language(lang))


def _events(data: bytes) -> dict[str, object]:
    parsed = vobject.readOne(data.decode("utf-8"), validate=True)
    return {event.uid.value: event for event in parsed.vevent_list}


def test_demo_calendar_parses_and_is_stable(demo_url) -> None:
    first = _export(demo_url)
    assert first == _export(demo_url)
    events = _events(first)
    assert len(events) == 21 + 14
    text = first.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:America/New_York" in text
    assert "@casalimpia" not in text and "978-555" not in text  # no contact details
    assert "ATTENDEE" not in text


def test_session_event_fields(demo_url) -> None:
    from coopprogram.db import unit_of_work

    with unit_of_work(demo_url, write=False) as db:
        view = next(s for s in sessions.list_sessions(db, now=NOW) if s.title.startswith("Visioning session 1"))
    event = _events(_export(demo_url))[view.uid]
    assert event.dtstart.value == datetime(2021, 11, 4, 18, 0, tzinfo=event.dtstart.value.tzinfo)
    assert event.dtstart.value.utcoffset().total_seconds() == -4 * 3600
    assert event.dtend.value - event.dtstart.value == (view.ends_local - view.starts_local)
    assert (
        event.status.value == "CONFIRMED" and event.sequence.value == "1"
    )  # its agenda was written after it was scheduled
    assert "18:00 Welcome and community agreements (Marisol Okafor-Reyes)" in event.description.value
    assert "Join online: https://meet.example.org/sei-visioning" in event.description.value


def test_cancelled_and_milestones(demo_url) -> None:
    events = _events(_export(demo_url)).values()
    cancelled = [e for e in events if "status" in e.contents and e.status.value == "CANCELLED"]
    assert [e.dtstart.value.date() for e in cancelled] == [date(2021, 12, 28)]
    milestones = [e for e in events if e.summary.value.startswith("Milestone due")]
    assert len(milestones) == 14
    for event in milestones:
        assert not isinstance(event.dtstart.value, datetime)
        assert (event.dtend.value - event.dtstart.value).days == 1
    assert not [
        e for e in _events(_export(demo_url, milestones=False)).values() if e.summary.value.startswith("Milestone")
    ]


def test_reschedule_raises_sequence_and_dtstamp(demo_url) -> None:
    from coopprogram.db import unit_of_work

    before = _events(_export(demo_url))
    with unit_of_work(demo_url, write=True) as db:
        view = next(s for s in sessions.list_sessions(db, now=NOW) if s.title.startswith("Strategy session 1"))
        sessions.reschedule_session(db, session_id=view.id, start=parse_local_datetime("2022-03-10 18:00"), now=NOW)
        changed_at = db.get(
            ProgramSession, view.id
        ).updated_at  # the session's update time, set by the database's onupdate
    after = _events(_export(demo_url))
    assert set(after) == set(before)
    moved, old = after[view.uid], before[view.uid]
    assert int(moved.sequence.value) == int(old.sequence.value) + 1
    # DTSTAMP is the update time in whole UTC seconds: exactly the moment of the change.
    assert moved.dtstamp.value == changed_at.astimezone(UTC).replace(microsecond=0)
    assert old.dtstamp.value == view.updated_at.astimezone(UTC).replace(microsecond=0)
    assert moved.dtstart.value.date() == date(2022, 3, 10)


def test_one_coops_feed(demo_url) -> None:
    from collections import Counter

    def titles(slug: str) -> Counter:
        return Counter(
            event.summary.value for event in _events(_export(demo_url, coop=slug, milestones=False)).values()
        )

    # Casa Limpia, in the cohort from the start: every session open to the co-ops; the
    # working-group calls invite none of them.
    assert titles("casa-limpia") == Counter(
        {
            "Visioning session 1: our histories": 1,
            "Visioning session 2: our needs": 1,
            "Visioning session 3: the economy we want": 1,
            "Points of unity workshop": 3,
            "Strategy session 1: what the program does": 1,
            "Strategy session 2: resources and roles": 1,
        }
    )
    # SunShare joined on 2021-11-15: not invited to the first visioning session (2021-11-04).
    assert titles("sunshare-solar") == titles("casa-limpia") - Counter({"Visioning session 1: our histories": 1})


def test_import_round_trip_updates_instead_of_duplicating(demo_url) -> None:
    from coopprogram.db import unit_of_work

    exported = _export(demo_url, milestones=False)
    with unit_of_work(demo_url, write=True) as db:
        report = calendar_import.import_calendar(db, data=exported)
    assert report.count("unchanged") == 21 and report.count("added") == 0
    moved = exported.replace(
        b"DTSTART;TZID=America/New_York:20220303T180000", b"DTSTART;TZID=America/New_York:20220303T183000"
    )
    with unit_of_work(demo_url, write=True) as db:
        report = calendar_import.import_calendar(db, data=moved)
        assert report.count("updated") == 1
        assert len(sessions.list_sessions(db, now=NOW)) == 21


def test_import_expands_recurrences_and_reports_outside(demo_url) -> None:
    from coopprogram.db import unit_of_work

    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:tech-hours@example.org\r\nDTSTAMP:20220101T000000Z\r\nSUMMARY:TA office hours\r\n"
        b"DTSTART;TZID=America/New_York:20220801T120000\r\nDTEND;TZID=America/New_York:20220801T130000\r\n"
        b"RRULE:FREQ=WEEKLY;BYDAY=MO\r\nEXDATE;TZID=America/New_York:20220815T120000\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:later@example.org\r\nDTSTAMP:20220101T000000Z\r\nSUMMARY:After the pilot\r\n"
        b"DTSTART:20221001T160000Z\r\nDTEND:20221001T170000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with unit_of_work(demo_url, write=True) as db:
        report = calendar_import.import_calendar(db, data=ics, kind="technical-assistance")
    added = [e.starts[:10] for e in report.events if e.action == "added"]
    assert added == ["2022-08-01", "2022-08-08", "2022-08-22", "2022-08-29"]
    assert [(e.title, e.action) for e in report.events if e.action == "outside"] == [("After the pilot", "outside")]
    with unit_of_work(demo_url, write=True) as db:
        again = calendar_import.import_calendar(db, data=ics, kind="technical-assistance")
    assert again.count("added") == 0 and again.count("unchanged") == 4


def test_imported_session_belongs_to_the_phase_of_its_local_day(demo_url) -> None:
    from coopprogram.db import unit_of_work

    # 21:00 in Boston on 2022-03-31, Phase I's last day, is already 2022-04-01 in UTC.
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:late-call@example.org\r\nDTSTAMP:20220101T000000Z\r\nSUMMARY:Late call\r\n"
        b"DTSTART:20220401T010000Z\r\nDTEND:20220401T020000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with unit_of_work(demo_url, write=True) as db:
        report = calendar_import.import_calendar(db, data=ics)
        assert [(e.starts, e.action) for e in report.events] == [("2022-03-31 21:00", "added")]
        [late] = [view for view in sessions.list_sessions(db, now=NOW) if view.title == "Late call"]
        assert late.phase_number == 1


def test_unreadable_file_is_refused(demo_url, unchanged) -> None:
    import pytest

    from coopprogram.db import unit_of_work
    from coopprogram.errors import InvalidInput

    with (
        unchanged(demo_url),
        pytest.raises(InvalidInput, match="not a calendar"),
        unit_of_work(demo_url, write=True) as db,
    ):
        calendar_import.import_calendar(db, data=b"this is not a calendar")


def test_coop_taken_off_a_session_sees_it_cancelled(demo_url) -> None:
    from coopprogram.db import unit_of_work

    with unit_of_work(demo_url, write=True) as db:
        view = next(s for s in sessions.list_sessions(db, now=NOW) if s.title.startswith("Strategy session 2"))
    before = _events(_export(demo_url, coop="casa-limpia"))[view.uid]
    with unit_of_work(demo_url, write=True) as db:
        others = ",".join(i.slug for i in view.invitees if i.slug != "casa-limpia")
        sessions.edit_session(db, session_id=view.id, now=NOW, invite=others)
    feed = _export(demo_url, coop="casa-limpia")
    event = _events(feed)[view.uid]
    assert event.status.value == "CANCELLED" and event.summary.value == f"Cancelled: {view.title}"
    assert event.description.value.splitlines()[0] == "CANCELLED: Casa Limpia Cleaning Cooperative is no longer invited"
    assert int(event.sequence.value) > int(before.sequence.value)
    # In the co-op's language, the reason too (not the English sentence inside a Spanish event).
    spanish = _events(_export(demo_url, lang="es", coop="casa-limpia"))[view.uid]
    assert (
        spanish.description.value.splitlines()[0]
        == "CANCELADA: Se retiró la invitación a Casa Limpia Cleaning Cooperative"
    )
    portuguese = _events(_export(demo_url, lang="pt", coop="casa-limpia"))[view.uid]
    assert (
        portuguese.description.value.splitlines()[0]
        == "CANCELADA: O convite a Casa Limpia Cleaning Cooperative foi retirado"
    )
    assert "Casa Limpia" in vobject.readOne(feed.decode()).x_wr_calname.value
    assert _events(_export(demo_url, coop="voces"))[view.uid].status.value == "CONFIRMED"  # still invited
    with unit_of_work(demo_url, write=True) as db:  # invited again: the event comes back
        sessions.edit_session(db, session_id=view.id, now=NOW, invite=others + ",casa-limpia")
    assert _events(_export(demo_url, coop="casa-limpia"))[view.uid].status.value == "CONFIRMED"


def test_coop_feed_leaves_milestones_out_unless_asked(demo_url) -> None:
    def milestones(**kwargs) -> int:
        return sum(
            1
            for e in _events(_export(demo_url, coop="casa-limpia", **kwargs)).values()
            if e.summary.value.startswith("Milestone")
        )

    assert milestones() == 0 and milestones(milestones=True) == 14


def test_title_facilitator_and_agenda_changes_raise_sequence(demo_url) -> None:
    from coopprogram.db import unit_of_work
    from coopprogram.services import agenda

    def sequence(uid: str) -> int:
        return int(_events(_export(demo_url))[uid].sequence.value)

    with unit_of_work(demo_url, write=True) as db:
        view = next(s for s in sessions.list_sessions(db, now=NOW) if s.title.startswith("Strategy session 2"))
        mark_sending(db)
    start = sequence(view.uid)
    for change in ({"title": "Strategy 2"}, {"facilitator": "Dana"}):
        with unit_of_work(demo_url, write=True) as db:
            sessions.edit_session(db, session_id=view.id, now=NOW, **change)
    assert sequence(view.uid) == start + 2
    with unit_of_work(demo_url, write=True) as db:
        mark_sending(db)
        agenda.add_item(db, session_id=view.id, title="Check-in", minutes=10)
    assert sequence(view.uid) == start + 3
    assert "Check-in" in _events(_export(demo_url))[view.uid].description.value


def _whole_calendar_by_icalendar(view: calendar.CalendarView) -> bytes:
    """The same calendar built the plain way, one icalendar Calendar with `add()` and one
    `to_ical()`: what the feeds, composed from events rendered once and shared, must equal."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event, vDuration

    from coopprogram.exporters.ics import PRODID, _end, session_description
    from coopprogram.exporters.vtimezone import vtimezone

    zone = ZoneInfo(view.timezone)
    whole = Calendar()
    for name, value in (
        ("prodid", PRODID),
        ("version", "2.0"),
        ("calscale", "GREGORIAN"),
        ("method", "PUBLISH"),
        ("x-wr-calname", view.name),
        ("x-wr-timezone", view.timezone),
    ):
        whole.add(name, value)
    if view.refresh_minutes:
        whole.add("refresh-interval", timedelta(minutes=view.refresh_minutes), parameters={"VALUE": "DURATION"})
        whole.add("x-published-ttl", vDuration(timedelta(minutes=view.refresh_minutes)))  # an X- name: its type given
    whole.add_component(vtimezone(view.timezone, view.first_day.year, view.last_day.year + 1))
    for item in view.sessions:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp.replace(microsecond=0))
        event.add("sequence", item.sequence)
        event.add("summary", f"Cancelled: {item.title}" if item.cancelled else item.title)
        event.add("dtstart", item.starts_at.astimezone(zone))
        event.add("dtend", _end(item.ends_at, zone))
        if item.location:
            event.add("location", item.location)
        if item.link:
            event.add("url", item.link)
        event.add("description", session_description(item))
        event.add("categories", [item.kind_name])
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        whole.add_component(event)
    for item in view.milestones:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp.replace(microsecond=0))
        event.add("sequence", item.sequence)
        event.add("summary", f"Milestone due: {item.title}" + (" (done)" if item.done else ""))
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("description", f"{item.phase_name} milestone")
        event.add("transp", "TRANSPARENT")
        whole.add_component(event)
    return whole.to_ical()


def test_published_feeds_are_byte_for_byte_what_icalendar_writes(demo_url) -> None:
    """Every feed of a publish, put together from events rendered now and again from the events
    kept, is what icalendar writes for the whole calendar read at once."""
    from coopprogram.calendar_assembly import PublishedCalendars
    from coopprogram.db import unit_of_work
    from coopprogram.exporters.ics import render_events
    from coopprogram.i18n import ENGLISH
    from coopprogram.services.calendar_publish import REFRESH_MINUTES, publication
    from coopprogram.services.calendar_store import keep_events

    with unit_of_work(demo_url, write=True) as db:
        view = next(s for s in sessions.list_sessions(db, now=NOW) if s.title.startswith("Strategy session 2"))
        others = ",".join(i.slug for i in view.invitees if i.slug != "casa-limpia")
        sessions.edit_session(db, session_id=view.id, now=NOW, invite=others)  # Casa Limpia's feed shows it cancelled
        sessions.edit_session(
            db,
            session_id=view.id,
            now=NOW,
            location="Casa del Pueblo, 2º piso",
            link="https://meet.example.org/a?b=1;c=2",
        )
        published = publication(db)
    with unit_of_work(demo_url, write=False) as db:
        whole = calendar.calendar_view(db, refresh_minutes=REFRESH_MINUTES)
        views = {"": whole} | {
            feed.coop_slug: calendar.calendar_view(db, coop=feed.coop_slug, refresh_minutes=REFRESH_MINUTES)
            for feed in published.coops
        }
        calendars = PublishedCalendars(db, published)
        feeds = {feed.coop_slug: calendars.render(feed, ENGLISH) for feed in published.feeds}
    assert len(feeds) == 1 + 13 and b"Cancelled: Strategy session 2" in feeds["casa-limpia"]
    assert len(calendars.assembly.fresh) == len(whole.sessions)  # each event rendered once, for every feed
    for slug, data in feeds.items():
        assert data == _whole_calendar_by_icalendar(views[slug]), slug
    with unit_of_work(demo_url, write=True) as db:
        keep_events(db, calendars.assembly.fresh)
    with unit_of_work(demo_url, write=False) as db:
        kept = PublishedCalendars(db, published)
        assert {feed.coop_slug: kept.render(feed, ENGLISH) for feed in published.feeds} == feeds
    assert kept.assembly.fresh == []  # every event as kept
    # Each event the CalDAV sync sends is that event of the whole calendar, under the same head.
    event = next(e for e in whole.sessions if e.location.startswith("Casa del Pueblo"))
    alone = render_events(whole)[event.uid]
    assert alone.count(b"BEGIN:VEVENT") == 1 and _event_block(alone) == _event_block(
        _whole_calendar_by_icalendar(whole), event.uid
    )


def _event_block(data: bytes, uid: str | None = None) -> bytes:
    blocks = [b"BEGIN:VEVENT" + part.split(b"END:VEVENT")[0] for part in data.split(b"BEGIN:VEVENT")[1:]]
    return next(block for block in blocks if uid is None or f"UID:{uid}".encode() in block)


def test_a_change_made_while_an_export_is_put_together_goes_out_under_a_new_sequence(demo_url) -> None:
    """The sequences a calendar carries are recorded before it is read: an agenda changed while
    the file is put together (an agenda change raises the SEQUENCE only once the old one was sent)
    goes out next time under a higher SEQUENCE, never under the one the file already carries."""
    from icalendar import Calendar

    from coopprogram.calendar_assembly import calendar_file
    from coopprogram.db import unit_of_work
    from coopprogram.i18n import document_language
    from coopprogram.services import agenda

    def sequences(data: bytes) -> dict[str, int]:
        return {str(e["UID"]): int(e["SEQUENCE"]) for e in Calendar.from_ical(data).walk("VEVENT")}

    with unit_of_work(demo_url, write=True) as db:  # every session changed since it was last sent
        for view in sessions.list_sessions(db, now=NOW):
            if view.status == "planned":
                sessions.edit_session(db, session_id=view.id, now=NOW, location=f"Room {view.id}")
    english = document_language(None)
    with unit_of_work(demo_url, write=True) as db:
        mark_sending(db, coop="casa-limpia")
    with unit_of_work(demo_url, write=False) as db:
        first = calendar_file(db, coop="casa-limpia", lang=english)
        marks = {s.uid: s.exported_sequence for s in db.exec(select(ProgramSession)).all()}
    sent = sequences(first.data)
    assert all(marks[uid] == sequence for uid, sequence in sent.items())  # recorded before it was read
    with unit_of_work(demo_url, write=True) as db:  # someone edits an agenda meanwhile
        changed = next(
            s
            for s in sessions.list_sessions(db, now=NOW)
            if s.uid in sent and agenda.agenda_for(db, session_id=s.id).items
        )
        item = agenda.agenda_for(db, session_id=changed.id).items[0]
        agenda.edit_item(db, item_id=item.id, title="Edited while exporting")
    with unit_of_work(demo_url, write=True) as db:
        mark_sending(db, coop="casa-limpia")
    with unit_of_work(demo_url, write=False) as db:
        second = calendar_file(db, coop="casa-limpia", lang=english)
    again = sequences(second.data)
    [event] = [e for e in Calendar.from_ical(second.data).walk("VEVENT") if str(e["UID"]) == changed.uid]
    assert again[changed.uid] == sent[changed.uid] + 1 and "Edited while exporting" in str(event["DESCRIPTION"])
    assert {uid: n for uid, n in again.items() if uid != changed.uid} == {
        uid: n for uid, n in sent.items() if uid != changed.uid
    }
