"""The program's calendar token (migration 0016): the database's triggers give it a new value
whenever a row the published feeds are made of is inserted, changed or deleted, by any writer;
recording what a calendar was sent (the exported mark) leaves it alone. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from coopprogram.db import unit_of_work
from coopprogram.services.calendar import export_view, mark_exported
from coopprogram.services.calendar_publish import calendar_token

# One raw statement per table a feed is read from, as another tool (or a bulk load) would write.
CHANGES = {
    "program": "UPDATE program SET timezone = 'America/Chicago'",
    "phase": "UPDATE phase SET ends_on = ends_on WHERE id = (SELECT min(id) FROM phase)",
    "coop": "UPDATE coop SET name = name || ' (renamed)' WHERE id = (SELECT min(id) FROM coop)",
    "milestone": "DELETE FROM milestone WHERE id = (SELECT max(id) FROM milestone)",
    "sessionkind": "UPDATE sessionkind SET name = 'Visioning circle' WHERE id = (SELECT min(id) FROM sessionkind)",
    "programsession": "UPDATE programsession SET title = 'Renamed by hand' WHERE id = 14",
    "invitation": "DELETE FROM invitation WHERE id = (SELECT max(id) FROM invitation)",
    "withdrawninvitation": "INSERT INTO withdrawninvitation (session_id, coop_id, withdrawn_at) "
    "SELECT session_id, coop_id, created_at FROM programsession JOIN invitation ON session_id = programsession.id "
    "WHERE invitation.id = (SELECT min(id) FROM invitation)",
    "agendaitem": "UPDATE agendaitem SET title = 'Renamed item' WHERE id = (SELECT min(id) FROM agendaitem)",
    "titletranslation": "INSERT INTO titletranslation (session_id, lang, title) VALUES (14, 'es', 'Retiro')",
}


def _token(url: str) -> str:
    with unit_of_work(url, write=False) as db:
        return calendar_token(db)


@pytest.mark.parametrize("table", sorted(CHANGES))
def test_any_change_to_what_feeds_show_gives_a_new_token(demo_url: str, table: str) -> None:
    before = _token(demo_url)
    assert len(before) == 32
    engine = create_engine(demo_url)
    try:
        with engine.begin() as connection:
            changed = connection.execute(text(CHANGES[table])).rowcount
    finally:
        engine.dispose()
    assert changed >= 1
    after = _token(demo_url)
    assert after != before and len(after) == 32


def test_recording_what_was_sent_keeps_the_token(demo_url: str) -> None:
    before = _token(demo_url)
    with unit_of_work(demo_url, write=True) as db:
        sent = export_view(db, english=True)
        mark_exported(db, sent.view)  # raises the exported marks of every session
        assert calendar_token(db) == before
    engine = create_engine(demo_url)
    try:
        with engine.connect() as connection:
            marked = connection.execute(text("SELECT count(*) FROM programsession WHERE exported_sequence > 0"))
            assert marked.scalar_one() > 0
    finally:
        engine.dispose()
    assert _token(demo_url) == before


def test_a_rolled_back_change_keeps_the_token(demo_url: str) -> None:
    before = _token(demo_url)
    engine = create_engine(demo_url)
    try:
        with engine.connect() as connection, connection.begin() as transaction:
            connection.execute(text(CHANGES["programsession"]))
            transaction.rollback()
    finally:
        engine.dispose()
    assert _token(demo_url) == before


def test_the_store_of_rendered_events_drops_what_no_feed_uses(db_url: str) -> None:
    from coopprogram.services.calendar_publish import keep_events, stored_events

    old = {f"{n:032x}": b"BEGIN:VEVENT\r\nEND:VEVENT\r\n" for n in range(1_100)}
    with unit_of_work(db_url, write=True) as db:
        keep_events(db, old, used=set(old))
    with unit_of_work(db_url, write=True) as db:
        assert stored_events(db) == old
        kept = {"f" * 32: b"BEGIN:VEVENT\r\nUID:new\r\nEND:VEVENT\r\n"}
        keep_events(db, kept | {f"{0:032x}": b"ignored: already kept"}, used={*kept, f"{0:032x}"})
    with unit_of_work(db_url, write=False) as db:
        assert stored_events(db) == kept | {f"{0:032x}": old[f"{0:032x}"]}  # more than twice the need: the rest dropped
