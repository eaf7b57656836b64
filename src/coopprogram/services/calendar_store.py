"""The events the calendar commands keep between runs, and what each calendar is made of, read
without reading its events.

Every session carries an event token that the database renews whenever anything its event is
written from changes (migration 0018). A rendered event is kept under its session, its rendering
(language, time zone, renderer: `exporters.ics.event_rendering`) and the token it was rendered
at: it is still the session's event while the session has that token. A calendar is then its
sessions' tokens in calendar order (a `Lineup`): whether a feed changed, and which events must be
rendered again, is known from the tokens alone.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from coopprogram.models import Invitation, ProgramSession, RenderedEvent, WithdrawnInvitation

BATCH = 1_000


@dataclass(frozen=True)
class Lineup:
    """Every session in calendar order (start, then id), as columns: at each place, the session,
    the event token its event is made at, and its SEQUENCE and phase."""

    session_ids: list[int]
    tokens: list[str]
    sequences: list[int]
    phase_ids: list[int]
    places: dict[int, int]  # session id -> place


@dataclass(frozen=True)
class Members:
    """The places of a co-op's feed: the sessions it is invited to, and those it was taken off
    (its feed shows them cancelled)."""

    invited: Sequence[int]  # in order: arrays of machine integers (600,000 places at ten times)
    withdrawn: Sequence[int]

    @property
    def places(self) -> Sequence[int]:
        return sorted([*self.invited, *self.withdrawn]) if self.withdrawn else self.invited


NO_MEMBERS = Members([], [])


def lineup(db: Session) -> Lineup:
    """Every session's place, event token, SEQUENCE and phase: one query, no title or agenda read."""
    db.flush()  # the rows are read past the ORM, which would otherwise flush pending changes first
    table = ProgramSession.__table__
    query = select(table.c.id, table.c.event_token, table.c.sequence, table.c.phase_id).order_by(
        table.c.starts_at, table.c.id
    )
    rows = db.connection().execute(query).all()
    session_ids, tokens, sequences, phase_ids = (
        (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [], [])
    )
    return Lineup(
        session_ids, tokens, sequences, phase_ids, {session: place for place, session in enumerate(session_ids)}
    )


def feed_members(db: Session, order: Lineup, *, coop_id: int | None = None) -> dict[int, Members]:
    """Each co-op's places (or only `coop_id`'s), by co-op id; a co-op invited to nothing has none."""
    from sqlalchemy import String, cast, func

    found: list[dict[int, array[int]]] = [{}, {}]  # invited, taken off: by co-op, the places in order
    db.flush()
    for table, places in ((Invitation.__table__, found[0]), (WithdrawnInvitation.__table__, found[1])):
        # One row per co-op, its sessions' ids joined in one string (the ten-times program has
        # 600,000 invitations), read from the (coop_id, session_id) index alone, and each id turned
        # into its place in C (map), not in a Python loop.
        sessions = func.aggregate_strings(cast(table.c.session_id, String), ",")
        query = select(table.c.coop_id, sessions).group_by(table.c.coop_id)
        if coop_id is not None:
            query = query.where(table.c.coop_id == coop_id)
        for coop, ids in db.connection().execute(query):
            places[coop] = array("l", sorted(map(order.places.__getitem__, map(int, ids.split(",")))))
    invited, withdrawn = found
    nothing = array("l")
    # Invited wins over taken off (coop keeps them apart; another writer may not).
    return {
        coop: Members(
            invited.get(coop, nothing),
            array("l", sorted(set(withdrawn[coop]).difference(invited.get(coop, nothing))))
            if coop in withdrawn
            else nothing,
        )
        for coop in invited.keys() | withdrawn.keys()
    }


def kept_events(db: Session, *, rendering: str) -> dict[int, bytes]:
    """The events kept in `rendering` that are still their sessions' (kept at the current token), by session id."""
    db.flush()
    kept, session = RenderedEvent.__table__, ProgramSession.__table__
    query = (
        select(kept.c.session_id, kept.c.ics)
        .join(session, (session.c.id == kept.c.session_id) & (session.c.event_token == kept.c.token))
        .where(kept.c.rendering == rendering)
    )
    return {session_id: bytes(ics) for session_id, ics in db.connection().execute(query)}


def keep_events(
    db: Session, events: Iterable[tuple[int, str, str, bytes]], *, renderings_in_use: set[str] | None = None
) -> None:
    """Keep rendered events, each (session id, rendering, token, bytes), replacing what was kept
    of the same session in the same rendering. Given the renderings now in use (a publish knows
    them all), and when the store holds more than they need, drop the events kept in other
    renderings or at tokens their sessions no longer have."""
    from sqlalchemy import delete, func

    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert

    table = RenderedEvent.__table__
    db.flush()
    connection = db.connection()
    # In key order, so two runs keeping the same events at once take their row locks alike.
    rows = [
        {"session_id": session_id, "rendering": rendering, "token": token, "ics": ics}
        for session_id, rendering, token, ics in sorted(events)
    ]
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.session_id, table.c.rendering],
        set_={"token": statement.excluded.token, "ics": statement.excluded.ics},
    )
    for start in range(0, len(rows), BATCH):
        connection.execute(statement, rows[start : start + BATCH])
    if renderings_in_use is None:
        return
    sessions = ProgramSession.__table__
    needed = len(renderings_in_use) * connection.execute(select(func.count()).select_from(sessions)).scalar_one()
    if connection.execute(select(func.count()).select_from(table)).scalar_one() > needed + BATCH:
        current = select(sessions.c.event_token).where(sessions.c.id == table.c.session_id).scalar_subquery()
        stale = table.c.rendering.not_in(renderings_in_use) | table.c.token.is_distinct_from(current)
        connection.execute(delete(table).where(stale))


def mark_sent(db: Session, sent: Iterable[tuple[int, str, int]]) -> None:
    """Remember the highest SEQUENCE each session was sent out with (checked by `coop db check`),
    from (session id, event token, SEQUENCE) as read when its event was made: a session whose
    token changed since is left as it is (what was sent is not what it now says).

    The update time is left alone: sending is not a change of the event, and the next export
    must give the same bytes. Only the sessions whose mark rises are written (none, when the
    same calendar was sent before).
    """
    from sqlalchemy import bindparam, update

    table = ProgramSession.__table__
    db.flush()  # the rows are read and written past the ORM: its pending changes go first
    connection = db.connection()
    marks = dict(connection.execute(select(table.c.id, table.c.exported_sequence)).all())
    rising = [
        {"sent_id": session_id, "sent_token": token, "sent_sequence": sequence}
        for session_id, token, sequence in sent
        if marks.get(session_id, sequence) < sequence
    ]
    if not rising:
        return
    connection.execute(
        update(table)
        .where(
            (table.c.id == bindparam("sent_id"))
            & (table.c.event_token == bindparam("sent_token"))
            & (table.c.exported_sequence < bindparam("sent_sequence"))
        )
        .values(exported_sequence=bindparam("sent_sequence"), updated_at=table.c.updated_at),
        rising,
    )
    for found in list(db.identity_map.values()):  # loaded sessions must not keep the old mark
        if isinstance(found, ProgramSession):
            db.expire(found, ["exported_sequence"])
