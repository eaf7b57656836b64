"""`coop messages`: the messages that go to the co-ops between meetings, composed into the
private outbox folder (beside the database, or the `outbox` setting) as .eml and a .txt for
WhatsApp/SMS, listed without contact details, shown whole, and sent over SMTP."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer

from coopprogram.cli.context import application, database
from coopprogram.cli.output import (
    AsOf,
    JsonFlag,
    LangOption,
    dash,
    emit_json,
    group,
    now,
    say,
    session_option,
    show_table,
    warn,
)
from coopprogram.cli.shared import outbox, write_outbox
from coopprogram.vocab import MessageStatus

app = group("Messages to the co-ops: invitations, updates, reminders, follow-ups; compose, list, show, send.")

MessageId = Annotated[int, typer.Argument(metavar="ID", help="The message's number (`coop messages list`).")]


def summary(composed: list) -> str:
    counts = Counter(message.kind for message in composed)
    return ", ".join(f"{count} {kind}" for kind, count in counts.items())


@app.command("compose")
def messages_compose(as_of: AsOf = None, lang: LangOption = None) -> None:
    """Compose every message that is due and not composed yet: invitations to new sessions, updates
    when one moved, cancellations, reminders before a session (`coop program set reminder-days N`),
    follow-ups with the minutes of closed sessions, and reminders to co-ops that have not answered
    a circulating version of the points of unity. Safe to run again: nothing is composed twice.

    Each message is written in the first of its co-op's languages that coop has (`coop coops
    edit SLUG --languages es,en`), else in English or the configured `language`; --lang writes
    them all in one language.

    Example: coop messages compose
    """
    from coopprogram.services.messages import compose_due
    from coopprogram.services.sessions import end_of

    with database(write=True) as db:
        composed = compose_due(db, now=end_of(db, as_of) if as_of else now())
        write_outbox(composed, lang)
    if not composed:
        say("No message is due; nothing was composed.")
        return
    say(f"Composed {len(composed)} message(s) in {outbox()}: {summary(composed)}.")
    by_hand = [m.recipient.coop_name for m in composed if not m.recipient.email]
    if by_hand:
        warn(
            f"{len(by_hand)} co-op(s) have no email address ({', '.join(sorted(set(by_hand)))}): send their .txt by WhatsApp or SMS."
        )
    from coopprogram.userconfig import setting

    say(
        "Send them with `coop messages send`."
        if setting("smtp_url")
        else "Send them with `coop messages send --smtp smtp://user@host:587` (or set it once: `coop config set smtp_url URL`)."
    )


@app.command("list")
def messages_list(
    status: Annotated[
        MessageStatus | None, typer.Option(case_sensitive=False, help="Only the messages in this state.")
    ] = None,
    session: Annotated[int | None, session_option("Only the messages about this session.")] = None,
    json: JsonFlag = False,
) -> None:
    """List the recorded messages: what, to which co-op, composed and sent when (no addresses).

    Example: coop messages list --status pending
    """
    from coopprogram.services.messages import list_messages

    with database(write=False) as db:
        views = list_messages(db, status=status, session_id=session)
    if json:
        emit_json(views)
        return
    show_table(
        ("Id", "Kind", "Co-op", "About", "Status", "Composed", "Sent"),
        views,
        lambda v: (
            v.id,
            v.kind,
            v.coop,
            v.about,
            v.status + (" (failed once)" if v.error and v.status == MessageStatus.PENDING else ""),
            f"{v.composed_at:%Y-%m-%d}",
            f"{v.sent_at:%Y-%m-%d %H:%M}" if v.sent_at else dash(None),
        ),
        empty="No messages yet. Compose the ones due with `coop messages compose`.",
    )


@app.command("show")
def messages_show(message_id: MessageId, json: JsonFlag = False) -> None:
    """Show one message whole, as the co-op receives it (its address included), and where its files are.

    Example: coop messages show 12
    """
    from email import message_from_bytes, policy

    from coopprogram.cli.output import read_bytes
    from coopprogram.services.messages import get_message

    with database(write=False) as db:
        view = get_message(db, message_id)
    path = outbox() / view.file_name
    email = message_from_bytes(read_bytes(path), policy=policy.default)
    body = email.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    attachments = [
        (part.get_filename(), part.get_content_type(), part.get_param("method")) for part in email.iter_attachments()
    ]
    if json:
        emit_json(
            {
                "message": view,
                "headers": {name: str(value) for name, value in email.items()},
                "text": text,
                "attachments": [{"file": f, "type": t, "method": m} for f, t, m in attachments],
                "eml": str(path),
                "txt": str(path.with_suffix(".txt")),
            }
        )
        return
    for name in ("From", "To", "Subject", "Date", "Message-ID"):
        if email[name]:
            say(f"{name}: {email[name]}")
    say(f"Status: {view.status}" + (f", sent {view.sent_at:%Y-%m-%d %H:%M} UTC" if view.sent_at else ""))
    if view.error:
        say(f"Last attempt failed: {view.error}")
    for filename, content_type, method in attachments:
        say(f"Attached: {filename} ({content_type}" + (f", {method}" if method else "") + ")")
    say("")
    say(text.rstrip())
    say("")
    say(f"Email: {path}")
    say(f"For WhatsApp or SMS: {path.with_suffix('.txt')}")


@app.command("send")
def messages_send(
    smtp: Annotated[
        str | None,
        typer.Option(
            "--smtp",
            metavar="URL",
            help="The mail server: smtp://user@host:587 (STARTTLS) or smtps://user@host:465 (SSL). Default: COOP_SMTP_URL, "
            "else smtp_url in `coop config`. The password: in the URL, COOP_SMTP_PASSWORD or ~/.netrc.",
        ),
    ] = None,
) -> None:
    """Send every pending message over SMTP, each marked sent as soon as the server takes it.
    After a crash or a network error, run it again: it sends only what did not go.

    The password comes from the URL, COOP_SMTP_PASSWORD or ~/.netrc; it is never stored or printed.

    Example: coop messages send --smtp smtp://coop@mail.example.org:587
    """
    from coopprogram.services.mailer import send_outbox, smtp_server

    server = smtp_server(smtp)
    report = send_outbox(application().url, server=server, outbox=outbox())
    if report.stale:
        say(
            f"Set aside {report.stale} message(s) that no longer hold (the session changed, or the co-op answered or left); "
            "`coop messages compose` writes what is due now."
        )
    if not report.sent and not report.failed:
        say("No message is waiting to be sent.")
        return
    say(f"Sent {len(report.sent)} message(s) through {server.shown}.")
    for message_id, why in report.failed:
        warn(f"Message {message_id} did not go: {why}")
    if report.stopped:
        typer.echo(
            f"Error: stopped early ({report.stopped}). What went is recorded; run `coop messages send` again to send the rest.",
            err=True,
        )
        raise typer.Exit(1)
