"""Messages to the co-ops as RFC 5322 emails (the standard library's `email` package) with the
session's calendar attached as an iTIP request or cancellation, and the short plain text for
WhatsApp or SMS that sits beside each. The fixed words of each kind of message are in TEXTS,
written in the recipient co-op's language (the gettext catalogs of i18n).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from coopprogram.exporters.minutes import action_line, minutes_markdown, when
from coopprogram.i18n import ENGLISH, N_, Language

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from icalendar import Calendar

    from coopprogram.services.calendar import CalendarView
    from coopprogram.services.messages import OutgoingMessage
    from coopprogram.services.sessions import SessionView


@dataclass(frozen=True)
class Words:
    subject: str  # {title}, {when}, {program}, {version}
    opening: str  # {coop}, {organization}, {title}, {days}, {version}, {deadline}
    closing: str = ""


# The fixed text of every kind of message, in one place (to be translated as a whole).
TEXTS = {
    "invitation": Words(
        N_("Invitation: {title}, {when}"),
        N_("{organization} invites {coop} to {title}."),
        N_("The invitation is attached (invite.ics): open it to put the session in your calendar."),
    ),
    "update": Words(
        N_("Changed: {title}, now {when}"),
        N_("The session {title} has changed. Here are its details as they are now."),
        N_("The updated invitation is attached (invite.ics): opening it updates the session in your calendar."),
    ),
    "cancellation": Words(
        N_("Cancelled: {title}, {when}"),
        N_("The session {title} is cancelled."),
        N_("The cancellation is attached (cancel.ics): opening it removes the session from your calendar."),
    ),
    "reminder": Words(
        N_("Reminder: {title}, {when}"),
        N_("A reminder for {coop}: {title} is coming up."),
        N_("If no one from your co-op can come, please let us know."),
    ),
    "follow-up": Words(
        N_("Minutes: {title}"),
        N_("Thank you for being part of {title}. Here are the minutes, and what your co-op agreed to do."),
    ),
    "consent-reminder": Words(
        N_("Your decision on the points of unity, version {version}"),
        N_(
            "Version {version} of the points of unity is circulating, and we have not heard {coop}'s decision yet: "
            "endorse, stand aside or block. Please answer by {deadline}."
        ),
        N_("If your co-op has questions about the text, reply to this message."),
    ),
}
METHODS = {"invitation": "REQUEST", "update": "REQUEST", "cancellation": "CANCEL"}
GREETING = N_("Hello {name},")
YOUR_ACTIONS = N_("Your co-op's action items:")
NO_ACTIONS = N_("Your co-op has no open action items.")
AGENDA = N_("Agenda:")
WHERE, ONLINE, FACILITATOR, REASON = N_("Where: "), N_("Join online: "), N_("Facilitator: "), N_("Reason: ")


def _fields(message: OutgoingMessage, lang: Language) -> dict[str, str]:
    session = message.session
    return {
        # The subject keeps to ASCII punctuation: mail clients fold encoded words unevenly.
        "title": session.title_in(lang.code) if session else "",
        "when": lang.short_date_time(session.starts_local) if session else "",
        "coop": message.recipient.coop_name,
        "organization": message.organization,
        "program": message.program_name,
        "version": str(message.draft_version or ""),
        "deadline": lang.date(message.deadline) if message.deadline else lang("the deadline"),
    }


def subject(message: OutgoingMessage, lang: Language = ENGLISH) -> str:
    return lang(TEXTS[message.kind].subject).format(**_fields(message, lang))


def _session_lines(message: OutgoingMessage, session: SessionView, lang: Language) -> list[str]:
    lines = [when(session, lang)]
    lines += [
        lang(label) + value
        for label, value in ((WHERE, session.location), (ONLINE, session.link), (FACILITATOR, session.facilitator))
        if value
    ]
    if message.kind == "cancellation" and session.cancel_reason:
        lines.append(lang(REASON) + session.cancel_reason)
    return lines


def body(message: OutgoingMessage, lang: Language = ENGLISH) -> str:
    words, fields = TEXTS[message.kind], _fields(message, lang)
    out = [
        lang(GREETING).format(name=message.recipient.name or message.recipient.coop_name),
        "",
        lang(words.opening).format(**fields),
        "",
    ]
    if message.session is not None and message.kind != "follow-up":
        out += _session_lines(message, message.session, lang)
        agenda = message.calendar.sessions[0].agenda if message.calendar and message.calendar.sessions else []
        if agenda and message.kind != "cancellation":
            out += ["", lang(AGENDA)] + [f"{item.starts_local:%H:%M} {item.title_in(lang.code)}" for item in agenda]
        out.append("")
    if message.kind == "follow-up" and message.minutes is not None:
        out += [
            minutes_markdown(message.minutes, lang).rstrip(),
            "",
            lang(YOUR_ACTIONS) if message.actions else lang(NO_ACTIONS),
        ]
        out += [action_line(action, str, lang) for action in message.actions]
        out.append("")
    if words.closing:
        out += [lang(words.closing), ""]
    out += ["—", message.sender_name, message.program_name]
    return "\n".join(out) + "\n"


def short_text(message: OutgoingMessage, lang: Language = ENGLISH) -> str:
    """The message for WhatsApp or SMS: the subject and what to do, no attachment."""
    out = [f"{message.program_name}: {subject(message, lang)}"]
    if message.session is not None and message.kind != "follow-up":
        out += _session_lines(message, message.session, lang)[1:]
    elif message.kind == "consent-reminder":
        out.append(lang(TEXTS[message.kind].opening).format(**_fields(message, lang)))
    if message.kind == "follow-up" and message.actions:
        out += [lang(YOUR_ACTIONS)] + [action_line(action, str, lang) for action in message.actions]
    return "\n".join(out) + "\n"


TEXT_PROPERTIES = {"SUMMARY", "LOCATION", "DESCRIPTION"}


def itip_calendar(message: OutgoingMessage, calendar: Calendar | None = None, lang: Language = ENGLISH) -> bytes:
    """The session's calendar as the ics exporter writes it, made an iTIP request or cancellation
    (RFC 5546): METHOD, the organizer, and the co-op's point person as the one ATTENDEE.
    `calendar`: the session's calendar already read (messages about one session share it)."""
    from icalendar import vCalAddress, vText

    from coopprogram.exporters.ics import text_value

    if calendar is None:
        if message.calendar is None:
            raise ValueError(f"a {message.kind} message without its session's calendar")
        calendar = _session_calendar(message.calendar, lang)
    calendar["METHOD"] = vText(METHODS[message.kind])
    for event in calendar.walk("VEVENT"):
        for name in TEXT_PROPERTIES & event.keys():  # read back, then written as typed again (ics.text_value)
            event[name] = text_value(str(event[name]))
        organizer = vCalAddress(f"mailto:{message.sender_address}")
        organizer.params["CN"] = vText(message.sender_name)
        event["ORGANIZER"] = organizer
        event.pop("ATTENDEE", None)
        if message.recipient.email:
            attendee = vCalAddress(f"mailto:{message.recipient.email}")
            attendee.params.update(
                {
                    "CN": vText(message.recipient.name or message.recipient.coop_name),
                    "ROLE": "REQ-PARTICIPANT",
                    "PARTSTAT": "NEEDS-ACTION",
                    "RSVP": "TRUE",
                }
            )
            event["ATTENDEE"] = attendee
    return calendar.to_ical()


def _session_calendar(view: CalendarView, lang: Language = ENGLISH) -> Calendar:
    from icalendar import Calendar

    from coopprogram.exporters.ics import render_ics

    return Calendar.from_ical(render_ics(replace(view, milestones=[]), lang=lang))


def render_emails(messages: list[OutgoingMessage], languages: list[Language] | None = None) -> list[bytes]:
    """Each message as an email, in its language (English when none is given); a session's
    calendar is written once per language for all its messages."""
    calendars: dict[tuple, Calendar] = {}
    emails = []
    for message, lang in zip(messages, languages or [ENGLISH] * len(messages), strict=True):
        calendar = None
        if message.kind in METHODS and message.calendar is not None:
            event = message.calendar.sessions[0]
            key = (event.uid, event.sequence, message.kind, lang.code)
            if key not in calendars:
                calendars[key] = _session_calendar(message.calendar, lang)
            calendar = calendars[key]
        emails.append(render_email(message, calendar, lang))
    return emails


def render_email(message: OutgoingMessage, calendar: Calendar | None = None, lang: Language = ENGLISH) -> bytes:
    from email import policy
    from email.message import EmailMessage
    from email.utils import format_datetime, formataddr

    email = EmailMessage()
    email["From"] = message.sender
    if message.recipient.email:  # without one, the message goes by hand (WhatsApp, SMS) from its .txt
        email["To"] = formataddr((message.recipient.name or message.recipient.coop_name, message.recipient.email))
    email["Subject"] = subject(message, lang)
    email["Date"] = format_datetime(message.composed_at)
    email["Message-ID"] = message.message_id
    email.set_content(body(message, lang))
    if message.kind in METHODS and message.calendar is not None:
        method = METHODS[message.kind]
        email.add_attachment(
            itip_calendar(message, calendar, lang).decode("utf-8"),
            subtype="calendar",
            params={"method": method},
            filename="cancel.ics" if method == "CANCEL" else "invite.ics",
        )
    # CRLF line ends, as the wire and .eml readers expect; headers folded only past SMTP's own
    # limit, since some clients show a subject folded after "Subject:" with a leading space.
    return email.as_bytes(policy=policy.SMTP.clone(max_line_length=998))
