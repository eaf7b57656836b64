"""The events the calendar commands keep between runs, what each calendar is made of (read without
its events), and the SEQUENCE marks of what is sent. The database renews a session's event token
whenever anything its event is written from changes (migration 0018): an event kept under the
session, its rendering and that token is still the session's while the token holds.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable, Sequence
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
    of the same session in the same rendering; one made at a token its session no longer has is
    not kept. Given the renderings now in use (a publish knows
    them all), and when the store holds more than they need, drop the events kept in other
    renderings or at tokens their sessions no longer have."""
    from sqlalchemy import delete, func

    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert

    table, sessions = RenderedEvent.__table__, ProgramSession.__table__
    db.flush()
    connection = db.connection()
    # Only events still their sessions' (a slower run's older event never replaces a newer one), in
    # key order, so two runs keeping the same events at once take their row locks alike.
    current = dict(connection.execute(select(sessions.c.id, sessions.c.event_token)).all())
    rows = [
        {"session_id": session_id, "rendering": rendering, "token": token, "ics": ics}
        for session_id, rendering, token, ics in sorted(events)
        if current.get(session_id) == token
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
    if (
        connection.execute(select(func.count()).select_from(table)).scalar_one()
        > len(renderings_in_use) * len(current) + BATCH
    ):
        its_token = select(sessions.c.event_token).where(sessions.c.id == table.c.session_id).scalar_subquery()
        stale = table.c.rendering.not_in(renderings_in_use) | table.c.token.is_distinct_from(its_token)
        connection.execute(delete(table).where(stale))


def mark_sending(
    db: Session, *, phase: str | None = None, coop: str | None = None, session_ids: Collection[int] | None = None
) -> None:
    """Record that the sessions a calendar is about to carry (the whole program's, one phase's,
    one co-op's feed, or `session_ids`) go out at their present SEQUENCE (checked by `coop db check`).

    Done before the calendar is read, in its own write: a change made after it raises the
    SEQUENCE (a change raises it once what it had was sent), so whatever the calendar then reads
    goes out under a SEQUENCE no other content of the event had. A calendar that then fails to go
    out leaves marks ahead, which only makes its next change rise. The update time is left alone:
    sending is not a change of the event, and the next export must give the same bytes.
    """
    from sqlalchemy import update

    from coopprogram.services.coops import get_coop
    from coopprogram.services.phases import get_phase

    table = ProgramSession.__table__
    chosen = [table.c.exported_sequence < table.c.sequence]
    if phase is not None:
        chosen.append(table.c.phase_id == get_phase(db, phase).id)
    if coop is not None:
        coop_id = get_coop(db, coop).id
        invited = select(Invitation.session_id).where(Invitation.coop_id == coop_id)
        withdrawn = select(WithdrawnInvitation.session_id).where(WithdrawnInvitation.coop_id == coop_id)
        chosen.append(table.c.id.in_(invited) | table.c.id.in_(withdrawn))
    if session_ids is not None:
        chosen.append(table.c.id.in_(list(session_ids)))
    db.flush()  # written past the ORM: its pending changes go first
    db.connection().execute(
        update(table).where(*chosen).values(exported_sequence=table.c.sequence, updated_at=table.c.updated_at)
    )
    for found in list(db.identity_map.values()):  # loaded sessions must not keep the old mark
        if isinstance(found, ProgramSession):
            db.expire(found, ["exported_sequence"])
