"""The meetings: their kinds, recurring series, the sessions themselves and the co-ops invited."""

from datetime import date, datetime

from sqlmodel import Field, Index, UniqueConstraint

from coopprogram.models.base import Table, held_to
from coopprogram.units import utc_now
from coopprogram.vocab import Attendance, SessionStatus


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
    __table_args__ = (held_to("status", SessionStatus),)

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
    # Replaced by the database's own triggers whenever anything this session's calendar event is
    # written from changes (migration 0018): an event kept at this token is still the session's.
    event_token: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # The minutes: what was decided (one decision a line), recorded when the session is closed.
    decisions: str = ""
    closed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class Invitation(Table, table=True):
    __table_args__ = (
        UniqueConstraint("session_id", "coop_id"),
        # By co-op, with the session: a co-op's sessions are read from the index alone (its calendar feed).
        Index("ix_invitation_coop_id_session_id", "coop_id", "session_id"),
        held_to("attendance", Attendance),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="programsession.id", index=True)
    coop_id: int = Field(foreign_key="coop.id")
    attendance: str = Attendance.INVITED.value


class WithdrawnInvitation(Table, table=True):
    """A co-op taken off a session's invitations: its calendar feed keeps the event, cancelled."""

    __table_args__ = (UniqueConstraint("session_id", "coop_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="programsession.id", index=True)
    coop_id: int = Field(foreign_key="coop.id", index=True)
    withdrawn_at: datetime = Field(default_factory=utc_now)
