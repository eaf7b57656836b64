"""The published calendars (`coop calendar publish`): the whole program's feed and one feed per
co-op, each under a file name with a secret part kept in the database (rotatable), so a link
cannot be guessed from a co-op's name. What each feed holds is put together by calendar_assembly.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from coopprogram.errors import InvalidInput
from coopprogram.models import Coop, Program
from coopprogram.services.calendar import calendar_name, has_events
from coopprogram.services.coops import get_coop
from coopprogram.services.program import get_program

REFRESH_MINUTES = 60  # REFRESH-INTERVAL and X-PUBLISHED-TTL: clients that honour them look hourly
# The files a publish writes: `program-<secret>.ics`, `<slug>-<secret>.ics`, `links-<secret>.html`,
# and the record of what the folder holds, `manifest-<secret>.json` (see publish_folder).
PUBLISHED_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{32}\.(?:ics|html|json)$")


@dataclass(frozen=True)
class Feed:
    file_name: str
    title: str
    coop_slug: str  # "" for the whole program's feed
    coop_id: int = 0  # 0 for the whole program's feed
    languages: tuple[str, ...] = ()  # the co-op's languages: its feed is written in the first one coop has


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


def publication(db: Session) -> Publication:
    """Every feed to publish (secrets made for those that have none), with the calendar token it
    is made at: the names, enough to tell whether a published folder is still current."""
    program = get_program(db)
    if not program.feed_secret:
        program.feed_secret = _new_secret()
        db.add(program)
    coops = list(db.exec(select(Coop).order_by(Coop.slug)).all())
    for coop in coops:
        if not coop.feed_secret:
            coop.feed_secret = _new_secret()
            db.add(coop)
    if not has_events(db):
        raise InvalidInput("There is nothing to publish yet: schedule sessions with `coop sessions add` first.")
    token = calendar_token(db)  # after the secrets made above, which change it
    return Publication(
        Feed(f"program-{program.feed_secret}.ics", calendar_name(program), ""),
        [
            Feed(
                f"{coop.slug}-{coop.feed_secret}.ics",
                coop.name,
                coop.slug,
                coop.id,
                tuple(filter(None, coop.languages.split(","))),
            )
            for coop in coops
        ],
        f"links-{program.feed_secret}.html",
        f"manifest-{program.feed_secret}.json",
        token,
    )
