"""The database tables (SQLModel) and the fixed vocabularies of the program. No logic.

Minutes and cents are integers; timestamps are aware UTC; work days are dates.
Vocabularies are stored as their string values so the same schema runs on any database.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from coopprogram.units import utc_now


class CoopKind(StrEnum):
    WORKER = "worker"
    PRODUCER = "producer"
    CONSUMER = "consumer"
    HOUSING = "housing"
    MULTI_STAKEHOLDER = "multi-stakeholder"


class CoopStage(StrEnum):
    EXISTING = "existing"
    BUDDING = "budding"


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    BLOCKED = "blocked"


class Program(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    organization: str
    short_name: str
    cohort: str = ""
    timezone: str = "America/New_York"
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class Phase(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("program_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id")
    number: int
    name: str
    starts_on: date
    ends_on: date
    focus: str = ""
    updated_at: datetime = Field(default_factory=utc_now)


class Contract(SQLModel, table=True):
    """The consultant's engagement for one phase: an hour cap and a rate inside a band."""

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", unique=True)
    consultant: str
    hour_cap_minutes: int
    rate_cents: int
    rate_min_cents: int
    rate_max_cents: int
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class Coop(SQLModel, table=True):
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
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class Milestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", index=True)
    title: str
    description: str = ""
    due_on: date = Field(index=True)
    status: str = Field(default=MilestoneStatus.PLANNED.value, index=True)
    started_on: date | None = None
    done_on: date | None = None
    blocked_reason: str = ""
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
