"""The database tables (SQLModel). No logic.

Minutes and cents are integers; timestamps are aware UTC; work days are dates. The fixed
vocabularies (coopprogram.vocab) are stored as their string values, held to them by CHECK
constraints, so the same schema runs on any database.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel, UniqueConstraint

from coopprogram.units import utc_now
from coopprogram.vocab import (  # the vocabularies, re-exported: callers have long found them here
    AgendaKind,
    Attendance,
    CommentStatus,
    CoopKind,
    CoopStage,
    DraftStatus,
    Electorate,
    InvoiceKind,
    InvoiceStatus,
    MessageKind,
    MessageStatus,
    MilestoneStatus,
    SessionStatus,
    Stance,
    check_sql,
)

# A JSON document: text on SQLite (read with json_extract), JSONB on PostgreSQL (read with ->>).
# None is SQL NULL, not the JSON `null`, so "no document" is one thing in both databases.
# The PostgreSQL type is chosen when a PostgreSQL database is used: importing its dialect here
# would cost every command on SQLite some 50 ms of start-up.


class JSONDocument(TypeDecorator):
    impl = JSON(none_as_null=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(JSON(none_as_null=True))


JSON_DOCUMENT = JSONDocument()


# CHECK constraints are named ck_<table>_<column> (as migration 0013 made them), by the metadata's
# naming convention; indexes keep SQLModel's own (ix_<table>_<column>).
SQLModel.metadata.naming_convention = {"ix": "ix_%(column_0_label)s", "ck": "ck_%(table_name)s_%(constraint_name)s"}


def _held_to(column: str, vocabulary: type[StrEnum]) -> CheckConstraint:
    """The column may hold only the vocabulary's values: named ck_<table>_<column>."""
    return CheckConstraint(check_sql(column, vocabulary), name=column)


class Table(SQLModel):
    """The base of every table. Pydantic builds a model's validators when one is first used,
    which a table never does (SQLModel does not validate table models): start-up is faster."""

    model_config = {"defer_build": True}  # a ConfigDict; SQLModel types it as its own subclass of one


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


class Coop(Table, table=True):
    __table_args__ = (_held_to("kind", CoopKind), _held_to("stage", CoopStage))

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


class Milestone(Table, table=True):
    __table_args__ = (_held_to("status", MilestoneStatus),)

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


class ConsultantProfile(Table, table=True):
    """The payee printed on every invoice: one row, set with `coop consultant set`."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    tax_id: str = ""
    payment: str = ""  # how to pay: check payable to..., ACH details
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


class Invoice(Table, table=True):
    """A monthly invoice or a credit note. Numbered only when issued; every printed figure is
    kept in `snapshot` (a JSON document; none for a draft) at that moment, so the document never
    changes afterwards."""

    __table_args__ = (_held_to("kind", InvoiceKind), _held_to("status", InvoiceStatus))

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
    paid_on: date | None = None  # the day it was paid in full (its payments are Payment rows)
    voided_on: date | None = None
    void_reason: str = ""
    snapshot: dict[str, Any] | None = Field(default=None, sa_type=JSON_DOCUMENT)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class InvoiceLine(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    time_entry_id: int | None = Field(default=None, foreign_key="timeentry.id")
    position: int
    worked_on: date
    description: str
    category: str
    minutes: int  # the billed minutes: the entry's, rounded to the billing increment
    rate_cents: int
    amount_cents: int
    logged_minutes: int | None = None  # the entry's own minutes when it was billed


class Payment(Table, table=True):
    """Money received against an invoice. A payment recorded by mistake is undone, not deleted:
    `undone_on` and `undo_reason` keep the record."""

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount_cents: int
    paid_on: date = Field(index=True)
    note: str = ""
    undone_on: date | None = None
    undo_reason: str = ""
    created_at: datetime = Field(default_factory=utc_now)


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
    __table_args__ = (_held_to("status", SessionStatus),)

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
    # The local days it was cancelled and closed (marked held): what a view as of a past day goes by.
    cancelled_on: date | None = None
    held_on: date | None = None
    cancel_reason: str = ""
    notes: str = ""
    headcount: int | None = None
    sequence: int = 0  # the calendar SEQUENCE: raised when anything a calendar shows changes
    exported_sequence: int = 0  # the highest SEQUENCE a calendar export has sent out
    # The minutes: what was decided (one decision a line), recorded when the session is closed.
    decisions: str = ""
    closed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class Invitation(Table, table=True):
    __table_args__ = (UniqueConstraint("session_id", "coop_id"), _held_to("attendance", Attendance))

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
    __table_args__ = (_held_to("kind", AgendaKind),)

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


class Decision(Table, table=True):
    """Something the cohort or the working group decides by consent: the points of unity, the
    Phase II plan, the program calendar, how funds are shared. Its text is versioned."""

    __table_args__ = (_held_to("electorate", Electorate),)

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

    __table_args__ = (UniqueConstraint("decision_id", "version"), _held_to("status", DraftStatus))

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


class VersionTranslation(Table, table=True):
    """A version's text in another language, pinned to the text it translates (`source_hash`):
    out of date once that text changes."""

    __table_args__ = (UniqueConstraint("version_id", "lang"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="decisionversion.id", index=True)
    lang: str
    text: str
    source_hash: str  # sha256 of the version's text when the translation was stored
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class TitleTranslation(Table, table=True):
    """A session's or an agenda item's title in another language (exactly one of the two is set)."""

    __table_args__ = (UniqueConstraint("session_id", "agenda_item_id", "lang"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int | None = Field(default=None, foreign_key="programsession.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id", index=True)
    lang: str
    title: str


class DecisionComment(Table, table=True):
    __table_args__ = (_held_to("status", CommentStatus),)

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

    __table_args__ = (_held_to("decision", Stance),)

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


class Message(Table, table=True):
    """One message to one co-op. The email itself (with the address) is a file in the outbox;
    this row keeps what it is about and whether it went, never a contact detail."""

    __table_args__ = (_held_to("kind", MessageKind), _held_to("status", MessageStatus))

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # what it is for: composing the same message twice is refused
    kind: str = Field(index=True)
    coop_id: int = Field(foreign_key="coop.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="programsession.id", index=True)
    draft_version: int | None = None  # a consent-round reminder's version of the points of unity
    sequence: int = 0  # the session's calendar SEQUENCE the message carries
    message_id: str = Field(unique=True)  # the RFC 5322 Message-ID, <...@...>
    file_name: str  # the .eml in the outbox; the .txt for WhatsApp/SMS sits beside it
    status: str = Field(default=MessageStatus.PENDING.value, index=True)
    composed_at: datetime = Field(default_factory=utc_now)
    sent_at: datetime | None = None
    error: str = ""  # the last failed attempt, in words


class Material(Table, table=True):
    """A document of the program: a file kept in the private materials folder (by its SHA-256)
    or a link."""

    id: int | None = Field(default=None, primary_key=True)
    title: str
    file_name: str = ""  # the name it was added under; empty for a link
    stored_name: str = ""  # its name in the materials folder
    sha256: str = ""
    size: int = 0
    url: str = ""
    session_id: int | None = Field(default=None, foreign_key="programsession.id", index=True)
    phase_id: int | None = Field(default=None, foreign_key="phase.id")
    lang: str = "en"
    added_on: date
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class RenderedEvent(Table, table=True):
    """A session's calendar event as icalendar wrote it, kept under a fingerprint of everything it
    was written from (the event, its language's phrases, the time zone, the renderer's version), so
    a publish renders only the events that changed since. A cache: emptying it loses nothing."""

    key: str = Field(primary_key=True)
    ics: bytes


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
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_DOCUMENT, nullable=False)
