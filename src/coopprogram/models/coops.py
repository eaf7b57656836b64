"""The co-ops of the cohort."""

from datetime import date, datetime

from sqlmodel import Field

from coopprogram.models.base import Table, held_to
from coopprogram.units import utc_now
from coopprogram.vocab import CoopKind, CoopStage


class Coop(Table, table=True):
    __table_args__ = (held_to("kind", CoopKind), held_to("stage", CoopStage))

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    name: str
    kind: str
    stage: str
    sector: str = ""
    city: str = ""
    sponsor: str = ""
    member_count: int | None = None
    focus_communities: str = ""
    joined_on: date | None = None
    # Personal data: shown by `coops show`, left out of lists, exports, calendars and reports.
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    notes: str = ""
    archived_on: date | None = None
    # The secret part of the co-op's published calendar file name (`coop calendar publish`); rotatable.
    feed_secret: str = ""
    # Its members' languages, most used first, as codes ("es,en"): documents meant for this co-op
    # are written in the first one the program has a catalog for.
    languages: str = ""
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})
