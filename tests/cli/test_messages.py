"""Messages to the co-ops, sent to a real SMTP server (aiosmtpd on 127.0.0.1) and read back with
the `email` parser: headers, the attached calendar's METHOD and UID, the one ATTENDEE, no
message to a co-op that already answered, no duplicate after an interrupted send, and no
contact detail in lists or the audit trail."""

from __future__ import annotations

import socket
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from icalendar import Calendar

COOPS = {
    "casa-limpia": ("Rosa Dávila", "rosa@casalimpia.example.org"),
    "voces": ("Ana Pereira", "ana@voces.example.org"),
    "tierra-viva": ("Jean Baptiste", "jean@tierraviva.example.org"),
}
AS_OF = "2022-01-10"


class Recorder:
    """The SMTP server's handler: keeps every message it accepted; can answer "try again later"
    to the n-th message, as a server under load or a dropped link does."""

    def __init__(self) -> None:
        self.received: list = []
        self.refuse_number: int | None = None
        self.refuse_address: str | None = None  # refused for good, the server naming it in its reply
        self.seen = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse_address:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == self.refuse_number:
            return "451 Requested action aborted: local error in processing"
        self.received.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    recorder.url = f"smtp://127.0.0.1:{controller.port}"
    yield recorder
    controller.stop()


@pytest.fixture
def program(coop, db_url):
    assert coop("program", "set", "mail-from", "SEI Co-op Working Group <coop@sei.example.org>").exit_code == 0
    for slug, (name, email) in COOPS.items():
        result = coop(
            "coops",
            "add",
            slug.replace("-", " ").title(),
            "--kind",
            "worker",
            "--slug",
            slug,
            "--contact-name",
            name,
            "--contact-email",
            email,
            "--joined",
            "2021-10-01",
        )
        assert result.exit_code == 0, result.stderr
    result = coop(
        "sessions",
        "add",
        "Points of unity workshop",
        "--kind",
        "unity",
        "--start",
        "2022-01-20 18:00",
        "--minutes",
        "120",
    )
    assert result.exit_code == 0, result.stderr
    return db_url


def _calendar(message):
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def _session_uid(db_url, session_id=1):
    from coopprogram.db import unit_of_work
    from coopprogram.models import ProgramSession

    with unit_of_work(db_url, write=False) as db:
        return db.get(ProgramSession, session_id).uid


def test_invitations_arrive_as_itip_requests_one_per_co_op(coop, program, smtp) -> None:
    composed = coop("messages", "compose", "--as-of", AS_OF)
    assert composed.exit_code == 0, composed.stderr
    assert "3 invitation" in composed.stdout
    sent = coop("messages", "send", "--smtp", smtp.url)
    assert sent.exit_code == 0, sent.stderr
    assert "Sent 3 message(s)" in sent.stdout
    assert sorted(rcpt for rcpts, _ in smtp.received for rcpt in rcpts) == sorted(email for _, email in COOPS.values())
    uid = _session_uid(program)
    for rcpts, message in smtp.received:
        assert message["From"].addresses[0].addr_spec == "coop@sei.example.org"
        assert message["Subject"] == "Invitation: Points of unity workshop, Thu Jan 20, 2022, 18:00"
        assert message["Message-ID"].endswith("@sei.example.org>")
        method, calendar = _calendar(message)
        assert method == "REQUEST" and calendar["METHOD"] == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert str(event["UID"]) == uid and event["SEQUENCE"] == 0
        # The one attendee is this co-op's point person: no other co-op's address travels with it.
        assert str(event["ATTENDEE"]) == f"mailto:{rcpts[0]}"
        assert str(event["ORGANIZER"]) == "mailto:coop@sei.example.org"
        # The instant a calendar client reads: 18:00 in the program's zone (New York) is 23:00 UTC.
        assert event.decoded("DTSTART").astimezone(UTC) == datetime(2022, 1, 20, 23, 0, tzinfo=UTC)
        assert event.decoded("DTEND").astimezone(UTC) == datetime(2022, 1, 21, 1, 0, tzinfo=UTC)
        # Addressed to this co-op by name: its point person and the co-op itself.
        [(slug, (name, _))] = [(slug, contact) for slug, contact in COOPS.items() if contact[1] == rcpts[0]]
        text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        assert text.startswith(f"Hello {name},\n")
        assert f"invites {slug.replace('-', ' ').title()} to Points of unity workshop." in text
    # Sending again sends nothing; composing again composes nothing.
    assert "No message is waiting" in coop("messages", "send", "--smtp", smtp.url).stdout
    assert "nothing was composed" in coop("messages", "compose", "--as-of", AS_OF).stdout
    assert len(smtp.received) == 3


def test_moving_then_cancelling_sends_an_update_then_a_cancellation(coop, program, smtp) -> None:
    coop("messages", "compose", "--as-of", AS_OF)
    coop("messages", "send", "--smtp", smtp.url)
    assert coop("sessions", "reschedule", "1", "--start", "2022-01-27 18:00").exit_code == 0
    assert "3 update" in coop("messages", "compose", "--as-of", AS_OF).stdout
    coop("sessions", "cancel", "1", "--reason", "Snow storm", "--on", AS_OF)
    assert "3 cancellation" in coop("messages", "compose", "--as-of", AS_OF).stdout
    # The update was never sent before the cancellation: it is superseded, not sent late.
    sent = coop("messages", "send", "--smtp", smtp.url)
    assert "Sent 3 message(s)" in sent.stdout
    cancellations = smtp.received[3:]
    assert all(m["Subject"].startswith("Cancelled: ") for _, m in cancellations)
    for _, message in cancellations:
        method, calendar = _calendar(message)
        [event] = calendar.walk("VEVENT")
        assert (method, calendar["METHOD"], str(event["STATUS"])) == ("CANCEL", "CANCEL", "CANCELLED")
        assert str(event["UID"]) == _session_uid(program) and event["SEQUENCE"] == 2
        assert "Snow storm" in message.get_body(preferencelist=("plain",)).get_content()
    assert Counter(v["status"] for v in _json_list(coop)) == {"sent": 6, "superseded": 3}


def test_an_agenda_changed_after_an_update_went_out_sends_another_update(coop, program, smtp) -> None:
    """A calendar attached to a message is recorded as sent when the message is composed: an agenda
    item added afterwards raises the session's SEQUENCE (an agenda change raises it only once the
    current one was sent), so the co-ops' calendars take the new agenda as an update."""
    coop("messages", "compose", "--as-of", AS_OF)
    coop("messages", "send", "--smtp", smtp.url)
    assert coop("sessions", "reschedule", "1", "--start", "2022-01-27 18:00").exit_code == 0
    assert "3 update" in coop("messages", "compose", "--as-of", AS_OF).stdout
    coop("messages", "send", "--smtp", smtp.url)
    assert coop("agenda", "add", "1", "Check-in circle", "--minutes", "10").exit_code == 0
    assert "3 update" in coop("messages", "compose", "--as-of", AS_OF).stdout
    coop("messages", "send", "--smtp", smtp.url)
    sequences = []
    for _, message in smtp.received[3:]:
        [event] = _calendar(message)[1].walk("VEVENT")
        sequences.append(event["SEQUENCE"])
        if event["SEQUENCE"] == 2:
            assert "Check-in circle" in str(event["DESCRIPTION"])
    assert sorted(sequences) == [1, 1, 1, 2, 2, 2]


def test_a_title_with_a_backslash_reaches_the_co_ops_calendars_as_typed(coop, program, smtp) -> None:
    title = "Taller: C:\\Nuevo\\notas; sala 2"
    assert coop("sessions", "edit", "1", "--title", title).exit_code == 0
    coop("messages", "compose", "--as-of", AS_OF)
    coop("messages", "send", "--smtp", smtp.url)
    for _, message in smtp.received:
        [event] = _calendar(message)[1].walk("VEVENT")
        assert str(event["SUMMARY"]) == title


def _json_list(coop):
    import json

    return json.loads(coop("messages", "list", "--json").stdout)


def test_a_moved_session_before_anything_went_gets_one_fresh_invitation(coop, program, smtp) -> None:
    coop("messages", "compose", "--as-of", AS_OF)
    coop("sessions", "reschedule", "1", "--start", "2022-01-27 18:00")
    assert "3 invitation" in coop("messages", "compose", "--as-of", AS_OF).stdout
    coop("messages", "send", "--smtp", smtp.url)
    assert len(smtp.received) == 3
    for _, message in smtp.received:
        _, calendar = _calendar(message)
        [event] = calendar.walk("VEVENT")
        assert event["SEQUENCE"] == 1 and event.decoded("DTSTART").day == 27


def test_reminders_go_the_set_number_of_days_before(coop, program, smtp) -> None:
    coop("messages", "compose", "--as-of", AS_OF)
    assert (
        "nothing was composed" in coop("messages", "compose", "--as-of", "2022-01-16").stdout
    )  # 4 days before: not yet
    assert coop("program", "set", "reminder-days", "5").exit_code == 0
    assert "3 reminder" in coop("messages", "compose", "--as-of", "2022-01-16").stdout
    coop("messages", "send", "--smtp", smtp.url)
    reminders = [m for _, m in smtp.received if m["Subject"].startswith("Reminder: ")]
    assert len(reminders) == 3 and all(not list(m.iter_attachments()) for m in reminders)


def test_consent_reminder_goes_only_to_co_ops_that_have_not_answered(coop, program, smtp, tmp_path) -> None:
    draft = tmp_path / "v1.md"
    draft.write_text(
        "We hold these in common.\n\n1. Dignity at work.\n2. Democracy in the workplace.\n", encoding="utf-8"
    )
    assert coop("unity", "new", "--file", str(draft)).exit_code == 0
    assert coop("unity", "circulate", "1", "--deadline", "2022-01-14", "--on", "2022-01-03").exit_code == 0
    assert coop("unity", "respond", "1", "voces", "endorse", "--on", "2022-01-05").exit_code == 0
    assert coop("unity", "respond", "1", "casa-limpia", "stand-aside", "--on", "2022-01-06").exit_code == 0
    coop("messages", "compose", "--as-of", "2022-01-05")  # the invitations; the deadline is not near yet
    coop("messages", "send", "--smtp", smtp.url)
    smtp.received.clear()
    composed = coop("messages", "compose", "--as-of", "2022-01-13")
    assert "1 consent-reminder" in composed.stdout
    coop("messages", "send", "--smtp", smtp.url)
    [(rcpts, message)] = smtp.received
    assert rcpts == ["jean@tierraviva.example.org"]
    assert message["Subject"] == "Your decision on the points of unity, version 1"
    assert "2022-01-14" in message.get_body(preferencelist=("plain",)).get_content()


def test_a_consent_reminder_is_not_sent_once_the_co_op_has_answered(coop, program, smtp, tmp_path) -> None:
    draft = tmp_path / "v1.md"
    draft.write_text("We hold these in common.\n\n1. Dignity at work.\n", encoding="utf-8")
    coop("unity", "new", "--file", str(draft))
    coop("unity", "circulate", "1", "--deadline", "2022-01-14", "--on", "2022-01-03")
    coop("unity", "respond", "1", "voces", "endorse", "--on", "2022-01-05")
    assert "2 consent-reminder" in coop("messages", "compose", "--as-of", "2022-01-13").stdout
    # Tierra Viva answers before the reminders go out: its reminder must not reach it.
    coop("unity", "respond", "1", "tierra-viva", "endorse", "--on", "2022-01-13")
    sent = coop("messages", "send", "--smtp", smtp.url)
    assert "Set aside 1 message(s)" in sent.stdout, sent.stderr
    reminded = [rcpts[0] for rcpts, m in smtp.received if m["Subject"].startswith("Your decision")]
    assert reminded == ["rosa@casalimpia.example.org"]


def test_an_interrupted_send_resumes_without_duplicates(coop, program, smtp) -> None:
    coop("messages", "compose", "--as-of", AS_OF)
    smtp.refuse_number = 2
    first = coop("messages", "send", "--smtp", smtp.url)
    assert first.exit_code == 1
    assert "run `coop messages send` again" in first.stderr
    assert "ana@" not in first.stderr + first.stdout and "rosa@" not in first.stderr + first.stdout
    assert len(smtp.received) == 1
    statuses = Counter(v["status"] for v in _json_list(coop))
    assert statuses == {"sent": 1, "pending": 2}
    second = coop("messages", "send", "--smtp", smtp.url)
    assert second.exit_code == 0, second.stderr
    ids = Counter(str(message["Message-ID"]) for _, message in smtp.received)
    assert len(ids) == 3 and set(ids.values()) == {1}


def test_a_refused_address_is_skipped_and_never_shown(coop, program, smtp) -> None:
    coop("messages", "compose", "--as-of", AS_OF)
    smtp.refuse_address = "ana@voces.example.org"
    result = coop("messages", "send", "--smtp", smtp.url)
    # A permanent refusal (5xx) does not stop the run: the other two co-ops get theirs.
    assert sorted(rcpts[0] for rcpts, _ in smtp.received) == [
        "jean@tierraviva.example.org",
        "rosa@casalimpia.example.org",
    ]
    assert "Sent 2 message(s)" in result.stdout
    assert result.stderr == (
        "Warning: Message 3 did not go: the server answered 550 "
        "5.1.1 <(the co-op's address)>: Recipient address rejected: User unknown\n"
    )
    shown = result.stdout + result.stderr + coop("messages", "list", "--json").stdout + coop("audit").stdout
    assert "ana@voces.example.org" not in shown
    assert Counter(v["status"] for v in _json_list(coop)) == {"sent": 2, "pending": 1}


def test_an_unreachable_server_sends_nothing_and_says_so(coop, program) -> None:
    coop("messages", "compose", "--as-of", AS_OF)
    result = coop("messages", "send", "--smtp", f"smtp://coop:s3cret@127.0.0.1:{_free_port()}")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Could not reach the mail server smtp://coop:***@127.0.0.1")
    assert "s3cret" not in result.stderr
    assert Counter(v["status"] for v in _json_list(coop)) == {"pending": 3}


def test_a_user_without_a_password_is_refused_before_connecting(coop, program, monkeypatch) -> None:
    coop("messages", "compose", "--as-of", AS_OF)
    monkeypatch.delenv("COOP_SMTP_PASSWORD", raising=False)
    monkeypatch.setenv("COOP_SMTP_URL", "smtp://coop@127.0.0.1:1")
    result = coop("messages", "send")
    assert result.exit_code == 1 and "No password for smtp://coop@127.0.0.1:1" in result.stderr


def test_password_from_netrc_logs_in(coop, program, tmp_path) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logins = []

    def authenticate(server, session, envelope, mechanism, data):
        logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"from-netrc")

    recorder = Recorder()
    controller = Controller(
        recorder, hostname="127.0.0.1", port=_free_port(), authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        netrc = tmp_path / "home" / ".netrc"
        netrc.parent.mkdir(parents=True, exist_ok=True)
        netrc.write_text("machine 127.0.0.1 login coop password from-netrc\n", encoding="utf-8")
        netrc.chmod(0o600)
        coop("messages", "compose", "--as-of", AS_OF)
        result = coop("messages", "send", "--smtp", f"smtp://coop@127.0.0.1:{controller.port}")
    finally:
        controller.stop()
    assert result.exit_code == 0, result.stderr
    assert logins == [("coop", "from-netrc")] and len(recorder.received) == 3


def test_contacts_stay_out_of_lists_and_the_audit_trail_but_show_has_them(coop, program) -> None:
    from coopprogram.config import files_folder

    coop("messages", "compose", "--as-of", AS_OF)
    listing = coop("messages", "list").stdout + coop("messages", "list", "--json").stdout
    audit = coop("audit").stdout
    for name, email in COOPS.values():
        assert email not in listing and name not in listing
        assert email not in audit
    shown = coop("messages", "show", "1")
    assert shown.exit_code == 0
    assert "To: Rosa Dávila <rosa@casalimpia.example.org>" in shown.stdout
    assert "Attached: invite.ics (text/calendar, REQUEST)" in shown.stdout
    outbox = files_folder(program, "outbox")
    assert oct(outbox.stat().st_mode & 0o777) == "0o700"
    files = sorted(outbox.iterdir())
    assert len(files) == 6 and {f.suffix for f in files} == {".eml", ".txt"}
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)


def test_compose_without_a_sender_says_how_to_set_one(coop, db_url) -> None:
    result = coop("messages", "compose")
    assert result.exit_code == 1
    assert "coop program set mail-from" in result.stderr


def test_follow_up_carries_the_minutes_and_only_that_co_ops_action_items(coop, program, smtp, monkeypatch) -> None:
    from datetime import datetime

    from coopprogram.cli import output

    # The session is closed the evening it ran, as the consultant would.
    monkeypatch.setattr(output, "now", lambda: datetime(2022, 1, 21, 2, 0, tzinfo=UTC))
    import coopprogram.cli.sessions as sessions_cli

    monkeypatch.setattr(sessions_cli, "now", output.now)
    assert coop("sessions", "attend", "1", "casa-limpia", "voces", "--absent", "tierra-viva").exit_code == 0
    assert (
        coop(
            "actions",
            "add",
            "Share the bookkeeping questions",
            "--owner",
            "Ana",
            "--due",
            "2022-01-28",
            "--session",
            "1",
            "--coop",
            "voces",
        ).exit_code
        == 0
    )
    assert (
        coop(
            "actions",
            "add",
            "Book the hall for February",
            "--owner",
            "Rosa",
            "--due",
            "2022-01-31",
            "--session",
            "1",
            "--coop",
            "casa-limpia",
        ).exit_code
        == 0
    )
    closed = coop("sessions", "close", "1", "--decision", "Circulate version 1 on February 1")
    assert closed.exit_code == 0, closed.stderr
    assert "3 follow-up" in coop("messages", "compose", "--as-of", "2022-01-21").stdout
    coop("messages", "send", "--smtp", smtp.url)
    follow_ups = {
        rcpts[0]: m.get_body(preferencelist=("plain",)).get_content()
        for rcpts, m in smtp.received
        if m["Subject"] == "Minutes: Points of unity workshop"
    }
    assert len(follow_ups) == 3
    to_voces = follow_ups["ana@voces.example.org"]
    assert "1. Circulate version 1 on February 1" in to_voces
    assert "- Attended: Casa Limpia, Voces" in to_voces and "- Absent: Tierra Viva" in to_voces
    your_part = to_voces.split("Your co-op's action items:")[1]
    assert "Share the bookkeeping questions — Ana, due 2022-01-28" in your_part
    assert "Book the hall" not in your_part
    assert "Your co-op has no open action items." in follow_ups["jean@tierraviva.example.org"]
    for body in follow_ups.values():
        assert "@" not in body.split("## Attendance")[1].split("## Decisions")[0]  # names only, never contacts


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, which the client is told to trust (SSL_CERT_FILE)."""
    import subprocess

    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.mark.parametrize("scheme", ["smtp", "smtps"])
def test_starttls_and_ssl_with_a_password_from_the_environment(coop, program, certificate, monkeypatch, scheme) -> None:
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder, logins = Recorder(), []

    def authenticate(server, session, envelope, mechanism, data):
        logins.append(
            (data.login.decode(), data.password.decode(), server.transport.get_extra_info("ssl_object") is not None)
        )
        return AuthResult(success=True)

    # Implicit TLS is invisible to aiosmtpd's AUTH check, which looks for STARTTLS; the transport shows it.
    tls = (
        {"tls_context": context, "require_starttls": True}
        if scheme == "smtp"
        else {"ssl_context": context, "auth_require_tls": False}
    )
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port(), authenticator=authenticate, **tls)
    controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.setenv("COOP_SMTP_PASSWORD", "from-the-environment")
    try:
        coop("messages", "compose", "--as-of", AS_OF)
        result = coop("messages", "send", "--smtp", f"{scheme}://coop@127.0.0.1:{controller.port}")
    finally:
        controller.stop()
    assert result.exit_code == 0, result.stderr
    assert logins == [("coop", "from-the-environment", True)]
    assert len(recorder.received) == 3
    assert "from-the-environment" not in result.stdout + result.stderr


def test_a_co_op_without_an_email_gets_its_text_by_hand_and_is_not_sent(coop, program, smtp) -> None:
    from coopprogram.config import files_folder

    coop("coops", "add", "Pan y Rosas", "--kind", "worker", "--slug", "pan-y-rosas", "--contact-phone", "617-555-0199")
    coop("sessions", "edit", "1", "--invite", "all")
    composed = coop("messages", "compose", "--as-of", AS_OF)
    assert "1 co-op(s) have no email address (Pan y Rosas): send their .txt by WhatsApp or SMS" in composed.stderr
    [by_hand] = [v for v in _json_list(coop) if v["status"] == "by-hand"]
    text = (files_folder(program, "outbox") / by_hand["file_name"]).with_suffix(".txt").read_text(encoding="utf-8")
    assert text.startswith(
        "SEI Movement Co-op Program pilot: Invitation: Points of unity workshop, Thu Jan 20, 2022, 18:00\n"
    )
    assert "Sent 3 message(s)" in coop("messages", "send", "--smtp", smtp.url).stdout
    assert len(smtp.received) == 3


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://coop:pw-1@mail.example.org", "Error: 'ftp://coop:***@mail.example.org' is not a mail server address"),
        ("coop:pw-1@mail.example.org", "Error: 'coop:***@mail.example.org' is not a mail server address"),
        (
            "smtp://coop:pw-1@mail.example.org:99999",
            "Error: 'smtp://coop:***@mail.example.org:99999' has a port that is not a number",
        ),
    ],
)
def test_a_wrong_server_address_is_refused_without_showing_the_password(coop, program, url, message) -> None:
    coop("messages", "compose", "--as-of", AS_OF)
    result = coop("messages", "send", "--smtp", url)
    assert result.exit_code == 1
    assert result.stderr.startswith(message) and "pw-1" not in result.stderr


def test_the_mail_server_of_the_config_file_sends_and_the_environment_and_smtp_win(
    coop, program, smtp, monkeypatch
) -> None:
    second = Recorder()
    from aiosmtpd.controller import Controller

    controller = Controller(second, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        assert coop("config", "set", "smtp_url", smtp.url).exit_code == 0
        composed = coop("messages", "compose", "--as-of", AS_OF).stdout
        assert "3 invitation" in composed and "Send them with `coop messages send`." in composed
        # COOP_SMTP_URL wins over the file: a server that is not there, so nothing goes.
        monkeypatch.setenv("COOP_SMTP_URL", "smtp://127.0.0.1:1")
        refused = coop("messages", "send")
        assert refused.exit_code == 1 and "Could not reach the mail server smtp://127.0.0.1:1" in refused.stderr
        assert smtp.received == []
        # Without it, the file's server sends.
        monkeypatch.delenv("COOP_SMTP_URL")
        sent = coop("messages", "send")
        assert sent.exit_code == 0, sent.stderr
        assert f"Sent 3 message(s) through {smtp.url}." in sent.stdout and len(smtp.received) == 3
        # --smtp wins over the file.
        assert coop("sessions", "reschedule", "1", "--start", "2022-01-27 18:00").exit_code == 0
        assert "3 update" in coop("messages", "compose", "--as-of", AS_OF).stdout
        assert coop("messages", "send", "--smtp", f"smtp://127.0.0.1:{controller.port}").exit_code == 0
    finally:
        controller.stop()
    assert len(smtp.received) == 3
    assert (
        sorted(m["Subject"] for _, m in second.received)
        == ["Changed: Points of unity workshop, now Thu Jan 27, 2022, 18:00"] * 3
    )
    assert "smtp_url  " + smtp.url + "  (from the config file)" in coop("config", "show").stdout


def test_messages_are_composed_into_the_outbox_of_the_config_file(coop, program, tmp_path, monkeypatch) -> None:
    chosen = tmp_path / "shared" / "sei-outbox"
    assert coop("config", "set", "outbox", str(chosen)).exit_code == 0
    composed = coop("messages", "compose", "--as-of", AS_OF)
    assert f"Composed 3 message(s) in {chosen}:" in composed.stdout
    assert len(list(chosen.glob("*.eml"))) == 3 and len(list(chosen.glob("*.txt"))) == 3
    assert f"Email: {chosen}" in coop("messages", "show", "1").stdout
    # COOP_OUTBOX wins over the file: the message is looked for there.
    monkeypatch.setenv("COOP_OUTBOX", str(tmp_path / "elsewhere"))
    assert coop("messages", "show", "1").stderr.startswith(f"Error: {tmp_path / 'elsewhere'}/")
