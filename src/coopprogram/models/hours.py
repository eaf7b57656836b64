"""The consultant's hours: time entries and the running timer."""

from datetime import date, datetime, time

from sqlalchemy import Index
from sqlmodel import Field

from coopprogram.models.base import Table
from coopprogram.units import utc_now


class TimeEntry(Table, table=True):
    # The cap check sums a contract's billable minutes on every log: read from the index alone.
    # A contract's days (drafting a month, `db check`'s entries outside their phase): the second.
    __table_args__ = (
        Index("ix_timeentry_cap", "contract_id", "billable", "minutes"),
        Index("ix_timeentry_contract_day", "contract_id", "worked_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    worked_on: date = Field(index=True)
    minutes: int
    description: str
    category_id: int = Field(foreign_key="category.id")
    billable: bool = True
    session_id: int | None = Field(default=None, foreign_key="programsession.id")
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    coop_id: int | None = Field(default=None, foreign_key="coop.id")
    # The wall-clock times worked, in the program's time zone, when known (--from/--to, the timer).
    starts_at: time | None = None
    ends_at: time | None = None
    # The draft or issued invoice that bills this entry; cleared when that invoice is voided.
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class Timer(Table, table=True):
    """A running timer (`coop hours start`): one per person, named as in the audit trail, kept in
    the database so it survives a reboot and a shared server knows whose it is."""

    id: int | None = Field(default=None, primary_key=True)
    user: str = Field(unique=True)
    description: str
    started_at: datetime
    category_id: int | None = Field(default=None, foreign_key="category.id")
    session_id: int | None = Field(default=None, foreign_key="programsession.id")
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    coop_id: int | None = Field(default=None, foreign_key="coop.id")
    billable: bool = True
    created_at: datetime = Field(default_factory=utc_now)
