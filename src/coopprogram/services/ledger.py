"""A co-op's ledger: every round it could answer with its response, reason and date, and the
sessions it attended, so a facilitator can answer "what has our co-op agreed to?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from coopprogram.models import (
    Attendance,
    Decision,
    DecisionResponse,
    DecisionVersion,
    DecisionVoter,
    DraftStatus,
    Electorate,
    Invitation,
    ProgramSession,
)
from coopprogram.services.coops import get_coop
from coopprogram.services.program import get_program
from coopprogram.units import utc_to_local


@dataclass(frozen=True)
class LedgerDecision:
    decision_id: int
    title: str
    version: int
    status: str  # the round's: circulating, adopted, withdrawn, replaced, superseded
    circulated_on: date
    response: str  # endorse, stand-aside, block, or "" (not answered)
    reason: str
    responded_on: date | None


@dataclass(frozen=True)
class LedgerSession:
    id: int
    day: date  # in the program's time zone
    title: str


@dataclass(frozen=True)
class LedgerView:
    coop: str
    slug: str
    decisions: list[LedgerDecision]
    sessions: list[LedgerSession]


def ledger(db: Session, *, slug: str) -> LedgerView:
    coop = get_coop(db, slug)
    named_on = set(db.exec(select(DecisionVoter.decision_id).where(DecisionVoter.coop_id == coop.id)).all())
    answers = {
        r.version_id: r
        for r in db.exec(
            select(DecisionResponse).where(DecisionResponse.coop_id == coop.id, DecisionResponse.current.is_(True))
        ).all()
    }
    rows = db.exec(
        select(DecisionVersion, Decision)
        .join(Decision, Decision.id == DecisionVersion.decision_id)
        .where(DecisionVersion.status != DraftStatus.DRAFT)
        .order_by(DecisionVersion.circulated_on, Decision.id, DecisionVersion.version)
    ).all()
    decisions = []
    for version, decision in rows:
        could_answer = decision.electorate == Electorate.COHORT or decision.id in named_on
        answer = answers.get(version.id)
        if could_answer or answer is not None:
            decisions.append(
                LedgerDecision(
                    decision.id,
                    decision.title,
                    version.version,
                    version.status,
                    version.circulated_on,
                    answer.decision if answer else "",
                    answer.reason if answer else "",
                    answer.responded_on if answer else None,
                )
            )
    zone = get_program(db).timezone
    attended = db.exec(
        select(ProgramSession)
        .join(Invitation, Invitation.session_id == ProgramSession.id)
        .where(Invitation.coop_id == coop.id, Invitation.attendance == Attendance.ATTENDED)
        .order_by(ProgramSession.starts_at)
    ).all()
    return LedgerView(
        coop=coop.name,
        slug=coop.slug,
        decisions=decisions,
        sessions=[LedgerSession(s.id, utc_to_local(s.starts_at, zone).date(), s.title) for s in attended],
    )
