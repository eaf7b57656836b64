"""The program's calendar token (migration 0016) and the sessions' event tokens (0018): the
database's triggers give them a new value whenever a row the published feeds (or a session's
event) are made of is inserted, changed or deleted, by any writer; recording what a calendar was
sent (the exported mark) leaves both alone. The events kept at a token, and the store dropping what
no feed uses. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from coopprogram.db import unit_of_work
from coopprogram.models import Phase, ProgramSession, SessionKind
from coopprogram.services.calendar_publish import calendar_token
from coopprogram.services.calendar_store import mark_sending

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
        mark_sending(db)  # raises the exported marks of every session
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


# One raw statement per kind of change to what session 14's event is written from.
EVENT_CHANGES = {
    "the session": "UPDATE programsession SET title = 'Renamed by hand' WHERE id = 14",
    "the session and its mark at once": "UPDATE programsession SET title = 'Renamed by hand', "
    "exported_sequence = exported_sequence + 1, sequence = sequence + 1 WHERE id = 14",
    "an agenda item added": "INSERT INTO agendaitem (session_id, position, title, minutes, lead, kind) "
    "VALUES (14, 9, 'Closing circle', 10, '', 'discussion')",
    "an agenda item changed": "UPDATE agendaitem SET title = 'Renamed item' WHERE id = (SELECT min(id) FROM agendaitem WHERE session_id = 14)",
    "an agenda item removed": "DELETE FROM agendaitem WHERE id = (SELECT max(id) FROM agendaitem WHERE session_id = 14)",
    "its kind renamed": "UPDATE sessionkind SET name = 'Retreat' WHERE id = (SELECT kind_id FROM programsession WHERE id = 14)",
    "its title translated": "INSERT INTO titletranslation (session_id, lang, title) VALUES (14, 'es', 'Retiro')",
    "an item's title translated": "INSERT INTO titletranslation (agenda_item_id, lang, title) "
    "SELECT min(id), 'es', 'Círculo' FROM agendaitem WHERE session_id = 14",
}


def _event_tokens(url: str) -> dict[int, str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return dict(connection.execute(text("SELECT id, event_token FROM programsession")).all())
    finally:
        engine.dispose()


def _execute(url: str, statement: str) -> int:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            return connection.execute(text(statement)).rowcount
    finally:
        engine.dispose()


@pytest.mark.parametrize("change", sorted(EVENT_CHANGES))
def test_a_change_to_what_an_event_is_written_from_gives_its_session_a_new_event_token(
    demo_url: str, change: str
) -> None:
    before, calendar_before = _event_tokens(demo_url), _token(demo_url)
    assert all(len(token) == 32 for token in before.values()) and len(set(before.values())) == len(before)
    assert _execute(demo_url, EVENT_CHANGES[change]) >= 1
    after = _event_tokens(demo_url)
    changed = {session for session in before if after[session] != before[session]}
    if change == "its kind renamed":  # every session of that kind
        with unit_of_work(demo_url, write=False) as db:
            kind = db.get(ProgramSession, 14).kind_id
            assert changed == {s.id for s in db.exec(select(ProgramSession).where(ProgramSession.kind_id == kind))}
    else:
        assert changed == {14}
    assert len(after[14]) == 32 and _token(demo_url) != calendar_before


def test_a_session_counts_as_changed_by_every_column_but_its_mark_and_token(db_url: str) -> None:
    """The triggers on a session's update (its event token, the program's calendar token) name
    every column but the exported mark and the event token: a column added to the table must be
    named in them too."""
    from coopprogram.models import ProgramSession

    columns = set(ProgramSession.__table__.columns.keys()) - {"exported_sequence", "event_token"}
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                query = "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = :name"
            else:
                query = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"
            for name in ("event_changed_programsession_update", "calendar_changed_programsession_update"):
                definition = connection.execute(text(query), {"name": name}).scalar_one()
                named = set(re.findall(r"\bold\.(\w+)", definition, re.IGNORECASE))
                assert named == columns, (name, columns ^ named)
    finally:
        engine.dispose()


def test_a_new_session_gets_an_event_token_and_its_mark_or_token_alone_changes_nothing(demo_url: str) -> None:
    _execute(
        demo_url,
        "INSERT INTO programsession (uid, kind_id, phase_id, title, starts_at, minutes, location, link, facilitator, "
        "status, cancel_reason, notes, sequence, exported_sequence, decisions, created_at, updated_at) "
        "SELECT 'new-by-hand', kind_id, phase_id, 'By hand', starts_at, minutes, '', '', '', 'planned', '', '', 0, 0, '', "
        "created_at, updated_at FROM programsession WHERE id = 14",
    )
    tokens, calendar_before = _event_tokens(demo_url), _token(demo_url)
    new = max(tokens)
    assert len(tokens[new]) == 32 and tokens[new] not in {t for s, t in tokens.items() if s != new}
    _execute(demo_url, f"UPDATE programsession SET exported_sequence = 5 WHERE id = {new}")
    assert _event_tokens(demo_url) == tokens and _token(demo_url) == calendar_before
    _execute(demo_url, f"UPDATE programsession SET event_token = 'set-by-hand' WHERE id = {new}")
    assert _event_tokens(demo_url) == tokens | {new: "set-by-hand"} and _token(demo_url) == calendar_before


def test_kept_events_are_the_sessions_until_they_change_and_the_store_drops_what_is_unused(db_url: str) -> None:
    from coopprogram.services.calendar_store import keep_events, kept_events

    with unit_of_work(db_url, write=True) as db:
        kind = db.exec(select(SessionKind)).first()
        phase = db.exec(select(Phase)).first()
        for n in range(2):
            db.add(
                ProgramSession(
                    uid=f"s{n}",
                    kind_id=kind.id,
                    phase_id=phase.id,
                    title=f"Session {n}",
                    starts_at=datetime(2021, 10, 5 + n, 22, tzinfo=UTC),
                    minutes=90,
                )
            )
    tokens = _event_tokens(db_url)
    first, second = sorted(tokens)
    with unit_of_work(db_url, write=True) as db:
        keep_events(db, [(first, "en", tokens[first], b"first"), (second, "en", tokens[second], b"second")])
        keep_events(db, [(first, "es", tokens[first], b"primero"), (second, "en", "an old token", b"stale")])
    with unit_of_work(db_url, write=False) as db:
        # An event made at an older token (by a slower run) never replaces the one kept at the current token.
        assert kept_events(db, rendering="en") == {first: b"first", second: b"second"}
        assert kept_events(db, rendering="es") == {first: b"primero"}
    _execute(db_url, f"UPDATE programsession SET title = 'Renamed' WHERE id = {first}")
    with unit_of_work(db_url, write=False) as db:
        assert kept_events(db, rendering="en") == {second: b"second"} and kept_events(db, rendering="es") == {}
    tokens = _event_tokens(db_url)
    many = [(first, f"r{n:04d}", tokens[first], b"x") for n in range(1_100)]
    with unit_of_work(db_url, write=True) as db:
        keep_events(db, many)
        keep_events(db, [(first, "en", tokens[first], b"first again")], renderings_in_use={"en", "es"})
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            left = connection.execute(text("SELECT session_id, rendering, ics FROM renderedevent")).all()
    finally:
        engine.dispose()
    # Other renderings, and events kept at tokens their sessions no longer have, dropped.
    assert sorted(left) == [(first, "en", b"first again"), (second, "en", b"second")]
    with unit_of_work(db_url, write=True) as db:  # coop's own connections enforce foreign keys
        db.connection().execute(text(f"DELETE FROM programsession WHERE id = {first}"))
    assert _execute(db_url, f"DELETE FROM renderedevent WHERE session_id = {first}") == 0  # gone with its session
