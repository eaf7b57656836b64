"""The program, its phases, the categories hours are logged against, and the consultant's contract per phase with its amendments."""

from datetime import date, datetime

from sqlmodel import Field, UniqueConstraint

from coopprogram.models.base import Table
from coopprogram.units import utc_now


class Program(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # The namespace of the program's calendar UIDs (milestones' are derived from it).
    uid: str = ""
    # The secret part of the whole program's published calendar and links page (`coop calendar publish`).
    feed_secret: str = ""
    # Replaced by the database's own triggers whenever anything the published calendars are made
    # of changes (migration 0016): a publish that finds the token it last wrote has nothing to do.
    calendar_token: str = Field(default="", sa_column_kwargs={"server_default": ""})
    name: str
    organization: str
    short_name: str
    cohort: str = ""
    timezone: str = "America/New_York"
    # Invoices: who is billed, the number pattern ({prefix}, {year}, {seq}) and the payment term.
    bill_to: str = ""
    invoice_pattern: str = "{prefix}-{year}-{seq:03d}"
    payment_days: int = 30
    # Billable entries are rounded to this many minutes when drafted (a multiple of 3 that
    # divides 60), so every line's hours print exactly and hours x rate = the printed amount.
    billing_increment_minutes: int = 6
    # Adoption by consent: no more than `adoption_max_blocks` blocks, and endorsements from at
    # least `adoption_endorse_fraction` (e.g. "2/3") of the active co-ops.
    adoption_endorse_fraction: str = "2/3"
    adoption_max_blocks: int = 0
    # Messages to the co-ops: who they come from, and how many days before a session the reminder goes.
    mail_from: str = ""
    reminder_days: int = 2
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class Phase(Table, table=True):
    __table_args__ = (UniqueConstraint("program_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id")
    number: int
    name: str
    starts_on: date
    ends_on: date
    focus: str = ""
    default_category_id: int | None = Field(default=None, foreign_key="category.id")
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class Category(Table, table=True):
    """A line of the scope of work that hours are logged against; phase_number None: every phase."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    name: str
    phase_number: int | None = None
    position: int = 0


class Contract(Table, table=True):
    """The consultant's engagement for one phase: an hour cap and a rate inside a band."""

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", unique=True)
    consultant: str
    consultant_address: str = ""
    hour_cap_minutes: int
    rate_cents: int
    rate_min_cents: int
    rate_max_cents: int
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class ContractAmendment(Table, table=True):
    """A change of cap or rate, agreed on `made_on` and in force for work from `effective_on`."""

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    made_on: date
    effective_on: date
    reason: str
    old_cap_minutes: int
    new_cap_minutes: int
    old_rate_cents: int
    new_rate_cents: int
    created_at: datetime = Field(default_factory=utc_now)
