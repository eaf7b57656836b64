"""Messages to the co-ops between meetings: which are due (invitations, updates, cancellations,
reminders, follow-ups with the minutes, consent-round reminders), each recorded once by what
it is for, and whether it went. The email itself, with the address, lives in the outbox file:
these rows and views never carry a contact detail except the one message being written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Coop, Invitation, Message, MessageKind, MessageStatus, ProgramSession, SessionStatus
from coopprogram.services.calendar import CalendarView, calendar_view
from coopprogram.services.calendar_store import mark_sending
from coopprogram.services.coops import active_coops_on
from coopprogram.services.program import get_program
from coopprogram.services.sessions import SessionView, session_views
from coopprogram.services.unity import unity_state
from coopprogram.units import utc_to_local
from coopprogram.vocab import DraftStatus, one_of

if TYPE_CHECKING:
    from coopprogram.services.minutes import MinutesView

CALENDAR_KINDS = {MessageKind.INVITATION, MessageKind.UPDATE}  # those that put the session in a calendar
DELIVERED = {MessageStatus.SENT, MessageStatus.BY_HAND}


@dataclass(frozen=True)
class Recipient:
    """The one place a co-op's contact details enter a view: the message written to it."""

    slug: str
    coop_name: str
    name: str
    email: str
    phone: str
    languages: tuple[
        str, ...
    ] = ()  # the co-op's languages, most used first: the message is written in the first one coop has


@dataclass(frozen=True)
class OutgoingMessage:
    """Everything the email exporter needs to write one message."""

    id: int
    kind: str
    message_id: str
    file_name: str
    composed_at: datetime
    sender: str
    program_name: str
    organization: str
    recipient: Recipient
    session: SessionView | None
    calendar: CalendarView | None  # the one session, for the attached invitation or cancellation
    minutes: MinutesView | None  # for a follow-up
    actions: list  # the co-op's open action items (ActionView), for a follow-up
    draft_version: int | None
    deadline: date | None

    @property
    def sender_name(self) -> str:
        from email.utils import parseaddr

        return parseaddr(self.sender)[0] or self.organization

    @property
    def sender_address(self) -> str:
        from email.utils import parseaddr

        return parseaddr(self.sender)[1]


@dataclass(frozen=True)
class MessageView:
    """A recorded message, as lists show it: what and to which co-op, never the address."""

    id: int
    kind: str
    coop: str
    coop_name: str
    session_id: int | None
    about: str
    status: str
    composed_at: datetime
    sent_at: datetime | None
    message_id: str
    file_name: str
    error: str


def _about(message: Message, titles: dict[int, str]) -> str:
    if message.session_id is not None:
        return titles.get(message.session_id, "")
    return f"Points of unity, version {message.draft_version}" if message.draft_version else ""


def _views(db: Session, messages: list[Message]) -> list[MessageView]:
    coops = {coop.id: coop for coop in db.exec(select(Coop)).all()}
    ids = {m.session_id for m in messages if m.session_id is not None}
    titles = (
        dict(db.exec(select(ProgramSession.id, ProgramSession.title).where(ProgramSession.id.in_(ids))).all())
        if ids
        else {}
    )
    return [
        MessageView(
            id=m.id,
            kind=m.kind,
            coop=coops[m.coop_id].slug,
            coop_name=coops[m.coop_id].name,
            session_id=m.session_id,
            about=_about(m, titles),
            status=m.status,
            composed_at=m.composed_at,
            sent_at=m.sent_at,
            message_id=m.message_id,
            file_name=m.file_name,
            error=m.error,
        )
        for m in messages
    ]


def list_messages(db: Session, *, status: str | None = None, session_id: int | None = None) -> list[MessageView]:
    query = select(Message).order_by(Message.id)
    if status is not None:
        query = query.where(Message.status == one_of(MessageStatus, status, what="a message status").value)
    if session_id is not None:
        query = query.where(Message.session_id == session_id)
    return _views(db, list(db.exec(query).all()))


def get_message(db: Session, message_id: int) -> MessageView:
    message = db.get(Message, message_id)
    if message is None:
        raise NotFound(f"There is no message {message_id}. `coop messages list` shows their numbers.")
    return _views(db, [message])[0]


# --- composing -------------------------------------------------------------------------------


def _sender(db: Session) -> str:
    sender = get_program(db).mail_from
    if not sender:
        raise InvalidInput(
            'Say who messages come from first: coop program set mail-from "SEI Co-op Working Group <coop@example.org>".'
        )
    return sender


def _domain(sender: str) -> str:
    from email.utils import parseaddr

    return parseaddr(sender)[1].rpartition("@")[2] or "coop.invalid"


@dataclass
class _Composer:
    db: Session
    now: datetime
    sender: str
    calendar: CalendarView
    known: set[str]  # the keys of every message composed before
    composed: list[tuple[Message, Coop, SessionView | None]]
    consent_deadline: date | None = None

    def add(
        self, kind: MessageKind, key: str, coop: Coop, *, session: SessionView | None = None, version: int | None = None
    ) -> None:
        if key in self.known:
            return
        self.known.add(key)
        token = uuid.uuid4().hex
        message = Message(
            key=key,
            kind=kind.value,
            coop_id=coop.id,
            session_id=session.id if session else None,
            draft_version=version,
            sequence=session.sequence if session else 0,
            message_id=f"<{token}@{_domain(self.sender)}>",
            file_name=f"{self.now:%Y%m%d}-{kind.value}-{coop.slug}-{token[:8]}.eml",
            status=(MessageStatus.PENDING if coop.contact_email else MessageStatus.BY_HAND).value,
            composed_at=self.now,
        )
        self.db.add(message)
        self.composed.append((message, coop, session))


def _supersede(db: Session, messages: list[Message]) -> None:
    for message in messages:
        if message.status == MessageStatus.PENDING:
            message.status = MessageStatus.SUPERSEDED.value
            db.add(message)


def compose_due(db: Session, *, now: datetime) -> list[OutgoingMessage]:
    """Compose every message due at `now` that was not composed before; the messages written."""
    program = get_program(db)
    known = set(db.exec(select(Message.key)).all())
    composer = _Composer(db, now, _sender(db), calendar_view(db, milestones=False), known, [])
    _session_messages(db, composer, reminder_days=program.reminder_days)
    _consent_reminders(db, composer, reminder_days=program.reminder_days)
    db.flush()
    # The sessions whose event goes out in an attached calendar, at the SEQUENCE read in this same
    # transaction: their next change must rise (calendar_store.mark_sending).
    attached = CALENDAR_KINDS | {MessageKind.CANCELLATION}
    mark_sending(db, session_ids={s.id for m, _, s in composer.composed if s is not None and m.kind in attached})
    return _outgoing(db, composer)


def _session_messages(db: Session, composer: _Composer, *, reminder_days: int) -> None:
    now = composer.now
    rows = db.exec(
        select(ProgramSession)
        .where((ProgramSession.starts_at > now) | (ProgramSession.closed_at.is_not(None)))
        .order_by(ProgramSession.starts_at)
    ).all()
    sessions = session_views(db, list(rows), now=now)
    closed = {row.id: row.closed_at for row in rows}
    ids = [view.id for view in sessions]
    invited: dict[int, list[Coop]] = {session_id: [] for session_id in ids}
    earlier: dict[tuple[int, int], list[Message]] = {}
    if ids:
        for invitation, coop in db.exec(
            select(Invitation, Coop).join(Coop).where(Invitation.session_id.in_(ids))
        ).all():
            if coop.archived_on is None:
                invited[invitation.session_id].append(coop)
        for message in db.exec(select(Message).where(Message.session_id.in_(ids)).order_by(Message.id)).all():
            earlier.setdefault((message.session_id, message.coop_id), []).append(message)
    for session in sessions:
        for coop in sorted(invited[session.id], key=lambda c: c.name):
            before = earlier.get((session.id, coop.id), [])
            if session.starts_at > now:
                _upcoming(composer, session, coop, before, reminder_days=reminder_days)
            elif closed[session.id] is not None and closed[session.id] <= now and session.status == SessionStatus.HELD:
                composer.add(MessageKind.FOLLOW_UP, f"follow-up/{session.uid}/{coop.id}", coop, session=session)


def _upcoming(
    composer: _Composer, session: SessionView, coop: Coop, before: list[Message], *, reminder_days: int
) -> None:
    in_calendar = [m for m in before if m.kind in CALENDAR_KINDS and m.status != MessageStatus.SUPERSEDED]
    delivered = [m for m in in_calendar if m.status in DELIVERED]
    if session.status == SessionStatus.CANCELLED:
        _supersede(composer.db, [m for m in before if m.kind != MessageKind.CANCELLATION])
        if delivered:
            composer.add(MessageKind.CANCELLATION, f"cancellation/{session.uid}/{coop.id}", coop, session=session)
        return
    if not in_calendar or max(m.sequence for m in in_calendar) < session.sequence:
        _supersede(composer.db, in_calendar)
        kind = MessageKind.UPDATE if delivered else MessageKind.INVITATION
        composer.add(kind, f"{kind.value}/{session.uid}/{session.sequence}/{coop.id}", coop, session=session)
        return  # an invitation or update written today says all a reminder would
    if session.starts_at - composer.now <= timedelta(days=reminder_days):
        composer.add(
            MessageKind.REMINDER, f"reminder/{session.uid}/{session.sequence}/{coop.id}", coop, session=session
        )


@dataclass(frozen=True)
class _ConsentRound:
    version: int
    deadline: date
    unanswered: list[str]  # slugs of the co-ops in the cohort that have not answered


def _consent_round(db: Session, today: date) -> _ConsentRound | None:
    """The circulating version of the points of unity and who has not answered it, as of the day:
    the one place messages ask the unity service."""
    state = unity_state(db, today)
    if state is None or state.status != DraftStatus.CIRCULATING or state.deadline is None or state.tally is None:
        return None
    answered = {r.coop for r in state.tally.endorsed + state.tally.stood_aside + state.tally.blocked}
    unanswered = [view.slug for view in active_coops_on(db, today) if view.slug not in answered]
    return _ConsentRound(state.version, state.deadline, unanswered)


def _today(db: Session, now: datetime) -> date:
    return utc_to_local(now, get_program(db).timezone).date()


def _consent_reminders(db: Session, composer: _Composer, *, reminder_days: int) -> None:
    """Only the co-ops in the cohort that have not answered the circulating version, in the days before its deadline."""
    today = _today(db, composer.now)
    round_ = _consent_round(db, today)
    if round_ is None or not round_.deadline - timedelta(days=reminder_days) <= today <= round_.deadline:
        return
    composer.consent_deadline = round_.deadline
    for slug in round_.unanswered:
        coop = db.exec(select(Coop).where(Coop.slug == slug)).one()
        composer.add(
            MessageKind.CONSENT_REMINDER, f"consent-reminder/{round_.version}/{coop.id}", coop, version=round_.version
        )


def supersede_stale(db: Session, *, now: datetime) -> int:
    """Before sending: a pending message that no longer says what is true is not sent (the session
    moved or was cancelled since, the co-op was uninvited or left, or it answered the consent
    round). How many were set aside."""
    pending = list(db.exec(select(Message).where(Message.status == MessageStatus.PENDING)).all())
    session_ids = {m.session_id for m in pending if m.session_id is not None}
    current = (
        {s.id: s for s in db.exec(select(ProgramSession).where(ProgramSession.id.in_(session_ids))).all()}
        if session_ids
        else {}
    )
    invited = (
        {
            tuple(row)
            for row in db.exec(
                select(Invitation.session_id, Invitation.coop_id).where(Invitation.session_id.in_(session_ids))
            )
        }
        if session_ids
        else set()
    )
    archived = set(db.exec(select(Coop.id).where(Coop.archived_on.is_not(None))).all())
    consent = [m for m in pending if m.kind == MessageKind.CONSENT_REMINDER]
    round_ = _consent_round(db, _today(db, now)) if consent else None
    still_unanswered = (
        {(round_.version, coop_id) for coop_id in db.exec(select(Coop.id).where(Coop.slug.in_(round_.unanswered)))}
        if round_
        else set()
    )
    stale = []
    for message in pending:
        if message.kind == MessageKind.CONSENT_REMINDER:
            if (message.draft_version, message.coop_id) not in still_unanswered:
                stale.append(message)
        elif message.coop_id in archived or (message.session_id, message.coop_id) not in invited:
            stale.append(message)
        elif message.kind in CALENDAR_KINDS | {MessageKind.REMINDER}:
            session = current[message.session_id]
            if session.status == SessionStatus.CANCELLED or session.sequence != message.sequence:
                stale.append(message)
    _supersede(db, stale)
    db.flush()
    return len(stale)


def _outgoing(db: Session, composer: _Composer) -> list[OutgoingMessage]:
    from coopprogram.services.actions import actions_of
    from coopprogram.services.minutes import minutes_view
    from coopprogram.services.translations import calendar_with_titles, minutes_with_titles, with_titles

    program = get_program(db)
    today = _today(db, composer.now)
    out = []
    calendars: dict[str, CalendarView] = {}  # one per session, shared by its messages
    # Sessions and agendas carry their translated titles: each message is written in its co-op's language.
    sessions = {s.id: s for _, _, s in composer.composed if s is not None}
    sessions = dict(zip(sessions, with_titles(db, sessions=list(sessions.values()))[0], strict=True))
    if composer.calendar is not None and composer.composed:
        composer.calendar = calendar_with_titles(db, composer.calendar)
    for message, coop, composed_session in composer.composed:
        session = sessions[composed_session.id] if composed_session is not None else None
        kind = MessageKind(message.kind)
        calendar = None
        if session is not None and kind in CALENDAR_KINDS | {MessageKind.CANCELLATION}:
            if session.uid not in calendars:
                calendars[session.uid] = replace(
                    composer.calendar, sessions=[e for e in composer.calendar.sessions if e.uid == session.uid]
                )
            calendar = calendars[session.uid]
        follow_up = kind == MessageKind.FOLLOW_UP
        out.append(
            OutgoingMessage(
                id=message.id,
                kind=message.kind,
                message_id=message.message_id,
                file_name=message.file_name,
                composed_at=message.composed_at,
                sender=composer.sender,
                program_name=f"{program.short_name} {program.name}",
                organization=program.organization,
                recipient=Recipient(
                    coop.slug,
                    coop.name,
                    coop.contact_name,
                    coop.contact_email,
                    coop.contact_phone,
                    tuple(coop.languages.split(",")) if coop.languages else (),
                ),
                session=session,
                calendar=calendar,
                minutes=minutes_with_titles(db, minutes_view(db, session_id=session.id, now=composer.now))
                if follow_up
                else None,
                actions=actions_of(db, coop_id=coop.id, today=today) if follow_up else [],
                draft_version=message.draft_version,
                deadline=composer.consent_deadline if message.draft_version else None,
            )
        )
    return out


# --- sending ---------------------------------------------------------------------------------


def pending_messages(db: Session) -> list[MessageView]:
    return list_messages(db, status=MessageStatus.PENDING.value)


def mark_sent(db: Session, *, message_id: int, at: datetime) -> None:
    message = db.get(Message, message_id)
    if message is None or message.status != MessageStatus.PENDING:
        raise Conflict(f"Message {message_id} is no longer waiting to be sent.")
    message.status, message.sent_at, message.error = MessageStatus.SENT.value, at, ""
    db.add(message)
    db.flush()


def mark_failed(db: Session, *, message_id: int, error: str) -> None:
    message = db.get(Message, message_id)
    if message is not None:
        message.error = error[:500]
        db.add(message)
        db.flush()
