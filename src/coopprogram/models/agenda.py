"""A session's agenda items, and the action items that follow meetings."""

from datetime import date, datetime

from sqlmodel import Field

from coopprogram.models.base import Table, held_to
from coopprogram.units import utc_now
from coopprogram.vocab import AgendaKind


class AgendaItem(Table, table=True):
    __table_args__ = (held_to("kind", AgendaKind),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="programsession.id", index=True)
    position: int
    title: str
    minutes: int
    lead: str = ""
    kind: str = AgendaKind.DISCUSSION.value


class ActionItem(Table, table=True):
    """Communication between meetings: something someone will do, by a date."""

    id: int | None = Field(default=None, primary_key=True)
    title: str
    owner: str = ""
    due_on: date | None = Field(default=None, index=True)
    session_id: int | None = Field(default=None, foreign_key="programsession.id")
    coop_id: int | None = Field(default=None, foreign_key="coop.id")  # the co-op that owns it, if one does
    done_on: date | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})
