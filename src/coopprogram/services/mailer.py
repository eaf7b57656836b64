"""Sending the outbox over SMTP (smtplib; STARTTLS or SSL). The server comes from `--smtp URL`,
COOP_SMTP_URL or `smtp_url` in the config file (smtp://user@host:587, smtps://user@host:465); the
password from that URL, COOP_SMTP_PASSWORD or ~/.netrc, never stored and never printed. Each message is marked sent
in its own transaction the moment the server accepts it, so a run cut short by a crash or a
network error is simply run again: it sends only what did not go.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coopprogram.config import split_smtp_url
from coopprogram.db import unit_of_work
from coopprogram.errors import CoopError, InvalidInput
from coopprogram.services.messages import mark_failed, mark_sent, pending_messages, supersede_stale
from coopprogram.units import utc_now

if TYPE_CHECKING:
    import smtplib

URL_VAR = "COOP_SMTP_URL"
PASSWORD_VAR = "COOP_SMTP_PASSWORD"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
TIMEOUT_SECONDS = 30
COMMAND = "coop messages send"


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    shown: str  # the URL without its password, for messages


def smtp_server(option: str | None) -> SmtpServer:
    """The server to send through: `--smtp`, else COOP_SMTP_URL, else `smtp_url` in the config file."""
    from coopprogram.userconfig import setting

    text = (option or setting("smtp_url") or "").strip()
    if not text:
        raise InvalidInput(
            f"Say which mail server sends: --smtp smtp://user@mail.example.org:587 (or set {URL_VAR}, "
            "or `coop config set smtp_url smtp://user@mail.example.org:587`)."
        )
    address = split_smtp_url(text)
    user, password = address.user, address.password or os.environ.get(PASSWORD_VAR, "")
    if not password:
        user, password = _netrc(address.host, user)
    return SmtpServer(address.scheme, address.host, address.port, user, password, address.shown)


def _netrc(host: str, user: str) -> tuple[str, str]:
    import netrc

    try:
        found = netrc.netrc().authenticators(host)
    except (OSError, netrc.NetrcParseError):  # no ~/.netrc, or one that cannot be read: no password
        return user, ""
    if found is None or (user and found[0] and found[0] != user):
        return user, ""
    return user or found[0] or "", found[2] or ""


def _connect(server: SmtpServer) -> smtplib.SMTP:
    import smtplib
    import ssl

    if server.user and not server.password:
        raise InvalidInput(f"No password for {server.shown}: set {PASSWORD_VAR}, or add the server to ~/.netrc.")
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if server.scheme == "smtps":
            client = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            elif server.host not in LOOPBACK:  # a relay on this machine may speak plainly; nothing else may
                client.quit()
                raise CoopError(
                    f"{server.shown} does not offer STARTTLS, so the password and messages would travel unencrypted; "
                    "nothing was sent. Use smtps://host:465 or a server that offers STARTTLS."
                )
        if server.user:
            client.login(server.user, server.password)
    except smtplib.SMTPAuthenticationError:
        raise CoopError(
            f"{server.shown} refused the user name or password; nothing was sent. Check them and run the command again."
        ) from None
    except (OSError, smtplib.SMTPException) as error:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise CoopError(
            f"Could not reach the mail server {server.shown} ({reason}); nothing was sent. "
            "Check the address and port, then run the command again."
        ) from None
    return client


@dataclass(frozen=True)
class SendReport:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)  # message, why (without the address)
    stopped: str = ""  # why the run stopped before the end, if it did
    stale: int = 0  # pending messages set aside because they no longer said what is true


def _addresses(data: bytes) -> tuple[str, str]:
    from email import message_from_bytes, policy

    email = message_from_bytes(data, policy=policy.default)
    to = email["To"].addresses[0].addr_spec if email["To"] else ""
    return email["From"].addresses[0].addr_spec, to


def send_outbox(url: str, *, server: SmtpServer, outbox: Path) -> SendReport:
    """Send every pending message, one transaction each; stop at the first connection failure
    or "try again later" (the rest would meet the same)."""
    import smtplib

    with unit_of_work(url, write=True, command=COMMAND) as db:
        stale = supersede_stale(db, now=utc_now())
        pending = pending_messages(db)
    sent: list[int] = []
    failed: list[tuple[int, str]] = []
    stopped = ""
    if not pending:
        return SendReport(stale=stale)
    client = _connect(server)
    try:
        for message in pending:
            try:
                data = (outbox / message.file_name).read_bytes()
            except OSError as error:
                failed.append((message.id, f"its file {message.file_name} could not be read ({error.strerror})"))
                continue
            sender, to = _addresses(data)
            try:
                client.sendmail(sender, [to], data)
            except (OSError, smtplib.SMTPException) as error:
                why = _masked(error, to)
                _record_failure(url, message.id, why)
                failed.append((message.id, why))
                permanent = (
                    isinstance(error, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused))
                    and _code(error) >= 500
                )
                if not permanent:
                    stopped = why
                    break
                continue
            with unit_of_work(url, write=True, command=COMMAND) as db:
                mark_sent(db, message_id=message.id, at=utc_now())
            sent.append(message.id)
    finally:
        with contextlib.suppress(
            OSError, smtplib.SMTPException
        ):  # the connection is already gone; what was sent is recorded
            client.quit()
    return SendReport(sent, failed, stopped, stale)


def _code(error: Exception) -> int:
    """The server's reply code; for refused recipients, the first one's."""
    if hasattr(error, "smtp_code"):
        return error.smtp_code
    return min(code for code, _ in error.recipients.values())


def _masked(error: Exception, address: str) -> str:
    """The server's answer as it wrote it ("550 5.1.1 ... User unknown"), without the co-op's address."""
    import smtplib

    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, reply = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, reply = error.smtp_code, error.smtp_error
    else:
        code, reply = 0, b""
    if code:
        said = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        text = f"the server answered {code} {said}"
    else:
        text = str(error) or type(error).__name__
    return text.replace(address, "(the co-op's address)") if address else text


def _record_failure(url: str, message_id: int, why: str) -> None:
    with unit_of_work(url, write=True, command=COMMAND) as db:
        mark_failed(db, message_id=message_id, error=why)
