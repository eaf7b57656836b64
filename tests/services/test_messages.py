"""Which messages are due: computed from the program's state, each composed once, to the
invited co-ops still in the cohort, superseded when the session changed before it went."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from coopprogram.models import Message
from coopprogram.services import messages, sessions
from coopprogram.services.coops import add_coop, archive_coop
from coopprogram.services.program import set_program_field
from coopprogram.units import parse_local_datetime


def _at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T23:59:00+00:00")


@pytest.fixture
def cohort(session):
    with session() as db:
        set_program_field(db, field="mail-from", value="SEI <coop@sei.example.org>")
        for slug in ("casa-limpia", "voces", "tierra-viva"):
            add_coop(
                db, name=slug.replace("-", " ").title(), kind="worker", slug=slug, contact_email=f"{slug}@example.org"
            )
        sessions.add_session(
            db,
            title="Workshop",
            kind="unity",
            start=parse_local_datetime("2022-01-20 18:00"),
            minutes=120,
            now=_at("2022-01-01"),
            invite="casa-limpia,voces",
        )
    return session


def _kinds(composed) -> list[tuple[str, str]]:
    return sorted((m.kind, m.recipient.slug) for m in composed)


def test_each_invited_co_op_once_and_only_the_invited(cohort) -> None:
    with cohort() as db:
        first = messages.compose_due(db, now=_at("2022-01-05"))
        again = messages.compose_due(db, now=_at("2022-01-06"))
    assert _kinds(first) == [("invitation", "casa-limpia"), ("invitation", "voces")]
    assert again == []


def test_a_co_op_invited_later_gets_its_own_invitation_and_an_archived_one_nothing(cohort) -> None:
    with cohort() as db:
        messages.compose_due(db, now=_at("2022-01-05"))
        sessions.edit_session(db, session_id=1, now=_at("2022-01-06"), invite="all")
        archive_coop(db, slug="voces", on=date(2022, 1, 6))
        sessions.reschedule_session(
            db, session_id=1, start=parse_local_datetime("2022-01-21 18:00"), now=_at("2022-01-06")
        )
        later = messages.compose_due(db, now=_at("2022-01-07"))
        assert messages.supersede_stale(db, now=_at("2022-01-07")) == 1  # the one to Voces, which left
        statuses = sorted((m.coop_id, m.status) for m in db.exec(select(Message)).all())
    # Nothing had gone yet: the moved session is a fresh invitation, the first ones superseded.
    assert _kinds(later) == [("invitation", "casa-limpia"), ("invitation", "tierra-viva")]
    assert statuses == [(1, "pending"), (1, "superseded"), (2, "superseded"), (3, "pending")]


def test_reminder_before_the_session_follow_up_only_once_closed(cohort) -> None:
    from coopprogram.services.minutes import close_session

    with cohort() as db:
        messages.compose_due(db, now=_at("2022-01-05"))
        assert messages.compose_due(db, now=_at("2022-01-17")) == []  # three days before: not yet
        assert _kinds(messages.compose_due(db, now=_at("2022-01-18"))) == [
            ("reminder", "casa-limpia"),
            ("reminder", "voces"),
        ]
        assert messages.compose_due(db, now=_at("2022-01-21")) == []  # held but not closed: no minutes to send
        close_session(db, session_id=1, now=_at("2022-01-21"), decisions=["Circulate version 1"])
        follow_ups = messages.compose_due(db, now=_at("2022-01-22"))
    assert _kinds(follow_ups) == [("follow-up", "casa-limpia"), ("follow-up", "voces")]
    assert follow_ups[0].minutes.decisions == ["Circulate version 1"]


def test_a_session_cancelled_before_anything_went_sends_nothing(cohort) -> None:
    with cohort() as db:
        messages.compose_due(db, now=_at("2022-01-05"))
        sessions.cancel_session(db, session_id=1, reason="Snow", now=_at("2022-01-06"))
        assert messages.compose_due(db, now=_at("2022-01-07")) == []
        assert {m.status for m in db.exec(select(Message)).all()} == {"superseded"}


def test_no_messages_without_a_sender(session) -> None:
    from coopprogram.errors import InvalidInput

    with session() as db, pytest.raises(InvalidInput, match="coop program set mail-from"):
        messages.compose_due(db, now=datetime(2022, 1, 5, tzinfo=UTC))
