"""The program's fixed vocabularies: statuses and kinds as StrEnums, and the one check that a
value typed by a person is one of them. Imports nothing heavy: the CLI offers these as choices
(and completes them) without loading SQLModel; models.py stores their values and the database
holds each column to its vocabulary with a CHECK constraint (migration 0013)."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from coopprogram.errors import InvalidInput


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
    WITHDRAWN = "withdrawn"  # its round ended without adoption, with a reason
    REPLACED = "replaced"  # its round ended when a revised version was circulated


class Stance(StrEnum):
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


class Electorate(StrEnum):
    COHORT = "cohort"  # every co-op in the cohort on the day
    COOPS = "coops"  # the co-ops named on the decision
    MEMBERS = "members"  # the working-group members named on the decision


class MessageKind(StrEnum):
    INVITATION = "invitation"
    UPDATE = "update"
    CANCELLATION = "cancellation"
    REMINDER = "reminder"
    FOLLOW_UP = "follow-up"
    CONSENT_REMINDER = "consent-reminder"


class MessageStatus(StrEnum):
    PENDING = "pending"  # composed, in the outbox, not sent yet
    SENT = "sent"
    BY_HAND = "by-hand"  # the co-op has no email address: its text goes by WhatsApp or SMS
    SUPERSEDED = "superseded"  # replaced before it went (the session moved or was cancelled)


_Word = TypeVar("_Word", bound=StrEnum)


def one_of(vocabulary: type[_Word], text: str, *, what: str) -> _Word:
    """The member `text` names, read leniently ("In progress", "in_progress" and "in-progress"
    are one); refused in words that list the choices."""
    cleaned = text.strip().lower().replace(" ", "-").replace("_", "-")
    try:
        return vocabulary(cleaned)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not {what}: use one of {', '.join(member.value for member in vocabulary)}."
        ) from None


def check_sql(column: str, vocabulary: type[StrEnum]) -> str:
    """The CHECK condition holding `column` to the vocabulary's values."""
    return f"{column} IN ({', '.join(repr(member.value) for member in vocabulary)})"
