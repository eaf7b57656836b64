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
from coopprogram.models import Coop
from coopprogram.services.calendar import (
    CalendarView,
    calendar_view,
    coop_feed,
    feed_order,
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
    view: CalendarView
    languages: tuple[str, ...] = ()  # the co-op's languages: its feed is written in the first one coop has


@dataclass(frozen=True)
class Publication:
    program: Feed
    coops: list[Feed]
    links_file: str  # the page listing every co-op's link: for the organizer, under a secret name too
    manifest_file: str  # what the folder holds, each feed's fingerprint: under the same secret name

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


def publication(db: Session) -> Publication:
    """Every feed to publish (secrets made for those that have none); the sessions are marked as sent."""
    program = get_program(db)
    if not program.feed_secret:
        program.feed_secret = _new_secret()
        db.add(program)
    whole = calendar_view(db, refresh_minutes=REFRESH_MINUTES)
    if not whole.sessions and not whole.milestones:
        raise InvalidInput("There is nothing to publish yet: schedule sessions with `coop sessions add` first.")
    whole = calendar_with_titles(db, whole)  # a co-op's feed may be in another language
    invited, withdrawn = invitation_uids(db)
    order = feed_order(whole)
    feeds = []
    for coop in db.exec(select(Coop).order_by(Coop.slug)).all():
        if not coop.feed_secret:
            coop.feed_secret = _new_secret()
            db.add(coop)
        view = coop_feed(
            whole, coop_name=coop.name, invited=invited[coop.id], withdrawn=withdrawn[coop.id], order=order
        )
        feeds.append(
            Feed(
                f"{coop.slug}-{coop.feed_secret}.ics",
                coop.name,
                coop.slug,
                view,
                tuple(filter(None, coop.languages.split(","))),
            )
        )
    mark_exported(db, whole)
    db.flush()
    return Publication(
        Feed(f"program-{program.feed_secret}.ics", whole.name, "", whole),
        feeds,
        f"links-{program.feed_secret}.html",
        f"manifest-{program.feed_secret}.json",
    )
