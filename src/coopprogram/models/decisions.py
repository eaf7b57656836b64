"""Decisions by consent: versions of their text, voters, comments and responses."""

from datetime import date, datetime

from sqlmodel import Field, UniqueConstraint

from coopprogram.models.base import Table, held_to
from coopprogram.units import utc_now
from coopprogram.vocab import CommentStatus, DraftStatus, Electorate, Stance


class Decision(Table, table=True):
    """Something the cohort or the working group decides by consent: the points of unity, the
    Phase II plan, the program calendar, how funds are shared. Its text is versioned."""

    __table_args__ = (held_to("electorate", Electorate),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)  # "points-of-unity" for the points of unity
    title: str
    # The adoption rule when it differs from the program's (None: the program's rule).
    endorse_fraction: str | None = None
    max_blocks: int | None = None
    electorate: str = Electorate.COHORT.value
    supersedes_id: int | None = Field(default=None, foreign_key="decision.id")
    session_id: int | None = Field(default=None, foreign_key="programsession.id")
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class DecisionVoter(Table, table=True):
    """One of those who decide, when a decision names them: a co-op or a working-group member."""

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", index=True)
    coop_id: int | None = Field(default=None, foreign_key="coop.id")
    member: str = ""


class DecisionVersion(Table, table=True):
    """One version of a decision's text (Markdown: a preamble and a numbered list) and its round."""

    __table_args__ = (UniqueConstraint("decision_id", "version"), held_to("status", DraftStatus))

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", index=True)
    version: int
    based_on: int | None = None  # the version it started from
    text: str
    status: str = Field(default=DraftStatus.DRAFT.value, index=True)
    deadline: date | None = None
    circulated_on: date | None = None
    adopted_on: date | None = None
    superseded_on: date | None = None
    # A round that ended without adoption: withdrawn (with the reason) or replaced by a later version.
    closed_on: date | None = None
    close_reason: str = ""
    replaced_by: int | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class DecisionComment(Table, table=True):
    __table_args__ = (held_to("status", CommentStatus),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="decisionversion.id", index=True)
    coop_id: int | None = Field(default=None, foreign_key="coop.id")
    point: int | None = None  # None: about the whole text or the preamble
    text: str
    status: str = CommentStatus.OPEN.value
    incorporated_in: int | None = None  # the version that took it in
    decline_reason: str = ""
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class DecisionResponse(Table, table=True):
    """A co-op's (or a working-group member's) decision on a circulating version. A change adds
    a row and retires the old one, so the history of who decided what stays."""

    __table_args__ = (held_to("decision", Stance),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="decisionversion.id", index=True)
    coop_id: int | None = Field(default=None, foreign_key="coop.id", index=True)
    member: str = ""
    decision: str
    reason: str = ""
    share_reason: bool = False  # the co-op agreed to print its reason on the sign-on page
    responded_on: date
    current: bool = True
    created_at: datetime = Field(default_factory=utc_now)
