"""The published calendars (`coop calendar publish`): the whole program's feed and one feed per
co-op, each under a file name with a secret part kept in the database (rotatable), so a link
cannot be guessed from a co-op's name. All feeds come from one read of the sessions.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from coopprogram.errors import InvalidInput
from coopprogram.models import Coop, Program, RenderedEvent
from coopprogram.services.calendar import (
    CalendarView,
    calendar_name,
    calendar_view,
    coop_feed,
    feed_order,
    has_events,
    invitation_uids,
    mark_exported,
)
from coopprogram.services.coops import get_coop
from coopprogram.services.program import get_program
from coopprogram.services.translations import calendar_with_titles

REFRESH_MINUTES = 60  # REFRESH-INTERVAL and X-PUBLISHED-TTL: clients that honour them look hourly
# The files a publish writes: `program-<secret>.ics`, `<slug>-<secret>.ics`, `links-<secret>.html`,
# and the record of what the folder holds, `manifest-<secret>.json` (see publish_folder).
PUBLISHED_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{32}\.(?:ics|html|json)$")


@dataclass(frozen=True)
class Feed:
    file_name: str
    title: str
    coop_slug: str  # "" for the whole program's feed
    languages: tuple[str, ...] = ()  # the co-op's languages: its feed is written in the first one coop has
    view: CalendarView | None = None  # what the feed shows: read only when the calendar changed (see publication)


@dataclass(frozen=True)
class Publication:
    program: Feed
    coops: list[Feed]
    links_file: str  # the page listing every co-op's link: for the organizer, under a secret name too
    manifest_file: str  # what the folder holds, each feed's fingerprint: under the same secret name
    calendar_token: str  # the program's calendar token when it was read (migration 0016): "" when unknown
    refresh_minutes: int = REFRESH_MINUTES

    @property
    def feeds(self) -> list[Feed]:
        return [self.program, *self.coops]


def _new_secret() -> str:
    return secrets.token_hex(16)


def rotate_secrets(db: Session, *, slug: str) -> list[str]:
    """New secret names for one co-op's feed (`slug`), or for every feed and the links page (`all`);
    the old links stop working at the next publish. The co-ops whose link changed."""
    if slug == "all":
        program = get_program(db)
        program.feed_secret = _new_secret()
        db.add(program)
        coops = list(db.exec(select(Coop).order_by(Coop.slug)).all())
    else:
        coops = [get_coop(db, slug)]
    for coop in coops:
        coop.feed_secret = _new_secret()
        db.add(coop)
    db.flush()
    return [coop.slug for coop in coops]


def calendar_token(db: Session) -> str:
    """The program's calendar token: replaced by the database's triggers whenever anything the
    feeds are made of changes (read past the ORM, whose copy of the program row may be older)."""
    db.flush()
    return db.connection().execute(select(Program.calendar_token)).scalar_one()


def publication(db: Session, *, views: bool = True) -> Publication:
    """Every feed to publish (secrets made for those that have none), with the calendar token it
    is made at. With `views`, each feed's calendar too (the sessions are then marked as sent);
    without, only the names, enough to tell whether a published folder is still current."""
    program = get_program(db)
    if not program.feed_secret:
        program.feed_secret = _new_secret()
        db.add(program)
    coops = list(db.exec(select(Coop).order_by(Coop.slug)).all())
    for coop in coops:
        if not coop.feed_secret:
            coop.feed_secret = _new_secret()
            db.add(coop)
    whole = calendar_view(db, refresh_minutes=REFRESH_MINUTES) if views else None
    anything = bool(whole.sessions or whole.milestones) if whole is not None else has_events(db)
    if not anything:
        raise InvalidInput("There is nothing to publish yet: schedule sessions with `coop sessions add` first.")
    coop_views: dict[int, CalendarView | None] = dict.fromkeys((coop.id for coop in coops), None)
    if whole is not None:
        whole = calendar_with_titles(db, whole)  # a co-op's feed may be in another language
        invited, withdrawn = invitation_uids(db)
        order = feed_order(whole)
        coop_views = {
            coop.id: coop_feed(
                whole, coop_name=coop.name, invited=invited[coop.id], withdrawn=withdrawn[coop.id], order=order
            )
            for coop in coops
        }
        mark_exported(db, whole)
    token = calendar_token(db)  # after the secrets made above, which change it
    return Publication(
        Feed(f"program-{program.feed_secret}.ics", calendar_name(program), "", view=whole),
        [
            Feed(
                f"{coop.slug}-{coop.feed_secret}.ics",
                coop.name,
                coop.slug,
                tuple(filter(None, coop.languages.split(","))),
                coop_views[coop.id],
            )
            for coop in coops
        ],
        f"links-{program.feed_secret}.html",
        f"manifest-{program.feed_secret}.json",
        token,
    )


def stored_events(db: Session) -> dict[str, bytes]:
    """The events earlier publishes rendered, by their key (exporters.ics.EventCache.stored_key)."""
    db.flush()
    return {key: bytes(ics) for key, ics in db.connection().execute(select(RenderedEvent.key, RenderedEvent.ics))}


def keep_events(db: Session, fresh: dict[str, bytes], *, used: set[str]) -> None:
    """Keep the events this publish rendered for the next one (one kept already, by a publish
    running at the same time, is left as it is); when the store holds more than twice what the
    program now needs, drop the events no feed uses any more."""
    from sqlalchemy import delete, func

    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert

    table = RenderedEvent.__table__
    db.flush()
    connection = db.connection()
    rows = [{"key": key, "ics": ics} for key, ics in fresh.items()]  # none when every event was kept
    for start in range(0, len(rows), 1000):
        connection.execute(insert(table).on_conflict_do_nothing(), rows[start : start + 1000])
    if connection.execute(select(func.count()).select_from(table)).scalar_one() > 2 * len(used) + 1000:
        unused = [key for (key,) in connection.execute(select(table.c.key)) if key not in used]
        for start in range(0, len(unused), 1000):
            connection.execute(delete(table).where(table.c.key.in_(unused[start : start + 1000])))
