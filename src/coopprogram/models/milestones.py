"""The milestones of each phase."""

from datetime import date, datetime

from sqlmodel import Field

from coopprogram.models.base import Table, held_to
from coopprogram.units import utc_now
from coopprogram.vocab import MilestoneStatus


class Milestone(Table, table=True):
    __table_args__ = (held_to("status", MilestoneStatus),)

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", index=True)
    title: str
    description: str = ""
    due_on: date = Field(index=True)
    status: str = Field(default=MilestoneStatus.PLANNED.value, index=True)
    calendar_sequence: int = 0  # raised when its title, date or status changes
    started_on: date | None = None
    done_on: date | None = None
    blocked_on: date | None = None  # cleared when work starts again
    blocked_reason: str = ""
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})
