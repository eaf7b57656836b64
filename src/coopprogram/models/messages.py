"""The messages to the co-ops (the emails themselves are files in the outbox)."""

from datetime import datetime

from sqlmodel import Field

from coopprogram.models.base import Table, held_to
from coopprogram.units import utc_now
from coopprogram.vocab import MessageKind, MessageStatus


class Message(Table, table=True):
    """One message to one co-op. The email itself (with the address) is a file in the outbox;
    this row keeps what it is about and whether it went, never a contact detail."""

    __table_args__ = (held_to("kind", MessageKind), held_to("status", MessageStatus))

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
