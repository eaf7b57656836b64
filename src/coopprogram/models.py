"""The database tables (SQLModel) and the fixed vocabularies of the program. No logic.

Minutes and cents are integers; timestamps are aware UTC; work days are dates.
Vocabularies are stored as their string values so the same schema runs on any database.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import ConfigDict
from sqlalchemy import Index
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


class SessionStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class Attendance(StrEnum):
    INVITED = "invited"  # not recorded yet
    ATTENDED = "attended"
    ABSENT = "absent"
    EXCUSED = "excused"


class AgendaKind(StrEnum):
    OPENING = "opening"
    DISCUSSION = "discussion"
    DECISION = "decision"
    PRESENTATION = "presentation"
    BREAK = "break"
    CLOSING = "closing"


class DraftStatus(StrEnum):
    DRAFT = "draft"  # being written; text can change
    CIRCULATING = "circulating"  # frozen, sent round for decision
    ADOPTED = "adopted"  # locked: the cohort's points of unity
    SUPERSEDED = "superseded"  # replaced by a later adopted version


class Decision(StrEnum):
    ENDORSE = "endorse"
    STAND_ASIDE = "stand-aside"
    BLOCK = "block"


class CommentStatus(StrEnum):
    OPEN = "open"
    INCORPORATED = "incorporated"
    DECLINED = "declined"


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"
    VOID = "void"


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit-note"


class Table(SQLModel):
    """The base of every table. Pydantic builds a model's validators when one is first used,
    which a table never does (SQLModel does not validate table models): start-up is faster."""

    model_config = ConfigDict(defer_build=True)


class Program(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # The namespace of the program's calendar UIDs (milestones' are derived from it).
    uid: str = ""
    # The secret part of the whole program's published calendar and links page (`coop calendar publish`).
    feed_secret: str = ""
    name: str
    organization: str
    short_name: str
    cohort: str = ""
    timezone: str = "America/New_York"
    # Invoices: who is billed, the number pattern ({prefix}, {year}, {seq}) and the payment term.
    bill_to: str = ""
    invoice_pattern: str = "{prefix}-{year}-{seq:03d}"
    payment_days: int = 30
    # Adoption by consent: no more than `adoption_max_blocks` blocks, and endorsements from at
    # least `adoption_endorse_fraction` (e.g. "2/3") of the active co-ops.
    adoption_endorse_fraction: str = "2/3"
    adoption_max_blocks: int = 0
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


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
    updated_at: datetime = Field(default_factory=utc_now)


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
    updated_at: datetime = Field(default_factory=utc_now)


class Coop(Table, table=True):
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
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class Milestone(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", index=True)
    title: str
    description: str = ""
    due_on: date = Field(index=True)
    status: str = Field(default=MilestoneStatus.PLANNED.value, index=True)
    calendar_sequence: int = 0  # raised when its title, date or status changes
    started_on: date | None = None
    done_on: date | None = None
    blocked_reason: str = ""
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class ContractAmendment(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    made_on: date
    reason: str
    old_cap_minutes: int
    new_cap_minutes: int
    old_rate_cents: int
    new_rate_cents: int
    created_at: datetime = Field(default_factory=utc_now)


class TimeEntry(Table, table=True):
    # The cap check sums a contract's billable minutes on every log: read from the index alone.
    __table_args__ = (Index("ix_timeentry_cap", "contract_id", "billable", "minutes"),)

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
    # The draft or issued invoice that bills this entry; cleared when that invoice is voided.
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class Invoice(Table, table=True):
    """A monthly invoice or a credit note. Numbered only when issued; every printed figure is
    kept in `snapshot` (JSON) at that moment, so the document never changes afterwards."""

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    kind: str = InvoiceKind.INVOICE.value
    period: str  # YYYY-MM
    status: str = Field(default=InvoiceStatus.DRAFT.value, index=True)
    sequence: int | None = Field(default=None, unique=True)
    number: str | None = Field(default=None, unique=True)
    credit_for_id: int | None = Field(default=None, foreign_key="invoice.id")
    total_cents: int = 0
    total_minutes: int = 0
    issued_on: date | None = None
    due_on: date | None = None
    paid_on: date | None = None
    voided_on: date | None = None
    void_reason: str = ""
    snapshot: str = ""
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class InvoiceLine(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    time_entry_id: int | None = Field(default=None, foreign_key="timeentry.id")
    position: int
    worked_on: date
    description: str
    category: str
    minutes: int
    rate_cents: int
    amount_cents: int


class SessionKind(Table, table=True):
    """A kind of meeting (visioning, unity, strategy...), kept as program data; hours logged for
    a session of this kind go to `category_slug`."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    name: str
    category_slug: str = ""
    position: int = 0


class SessionSeries(Table, table=True):
    """A recurring meeting, expanded into single sessions that keep their own agenda and attendance."""

    id: int | None = Field(default=None, primary_key=True)
    rule: str  # the RRULE as typed, without UNTIL
    until: date
    created_at: datetime = Field(default_factory=utc_now)


class ProgramSession(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)  # the calendar UID, never changed
    series_id: int | None = Field(default=None, foreign_key="sessionseries.id", index=True)
    kind_id: int = Field(foreign_key="sessionkind.id")
    phase_id: int = Field(foreign_key="phase.id", index=True)
    title: str
    starts_at: datetime = Field(index=True)
    minutes: int
    location: str = ""
    link: str = ""
    facilitator: str = ""
    status: str = Field(default=SessionStatus.PLANNED.value, index=True)
    cancel_reason: str = ""
    notes: str = ""
    headcount: int | None = None
    sequence: int = 0  # the calendar SEQUENCE: raised when anything a calendar shows changes
    exported_sequence: int = 0  # the highest SEQUENCE a calendar export has sent out
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class Invitation(Table, table=True):
    __table_args__ = (UniqueConstraint("session_id", "coop_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="programsession.id", index=True)
    coop_id: int = Field(foreign_key="coop.id", index=True)
    attendance: str = Attendance.INVITED.value


class WithdrawnInvitation(Table, table=True):
    """A co-op taken off a session's invitations: its calendar feed keeps the event, cancelled."""

    __table_args__ = (UniqueConstraint("session_id", "coop_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="programsession.id", index=True)
    coop_id: int = Field(foreign_key="coop.id", index=True)
    withdrawn_at: datetime = Field(default_factory=utc_now)


class AgendaItem(Table, table=True):
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
    done_on: date | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class UnityDraft(Table, table=True):
    """One version of the points of unity: Markdown text (a preamble and a numbered list)."""

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(unique=True)
    based_on: int | None = None  # the version it started from
    text: str
    status: str = Field(default=DraftStatus.DRAFT.value, index=True)
    deadline: date | None = None
    circulated_on: date | None = None
    adopted_on: date | None = None
    superseded_on: date | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class UnityComment(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="unitydraft.id", index=True)
    coop_id: int | None = Field(default=None, foreign_key="coop.id")
    point: int | None = None  # None: about the whole text or the preamble
    text: str
    status: str = CommentStatus.OPEN.value
    incorporated_in: int | None = None  # the version that took it in
    decline_reason: str = ""
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class UnityResponse(Table, table=True):
    """A co-op's decision on a circulating version. A change adds a row and retires the old
    one, so the history of who decided what stays."""

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="unitydraft.id", index=True)
    coop_id: int = Field(foreign_key="coop.id", index=True)
    decision: str
    reason: str = ""
    responded_on: date
    current: bool = True
    created_at: datetime = Field(default_factory=utc_now)


class AuditEntry(Table, table=True):
    """One change to one record: who, when, through which command, and the fields' values
    before and after (JSON). Contact details are recorded as changed, never with their values."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, index=True)
    actor: str
    command: str = ""
    action: str  # create, update, delete
    entity: str = Field(index=True)
    entity_id: int | None = Field(default=None, index=True)
    changes: str = "{}"
