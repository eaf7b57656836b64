"""Reading the audit trail: who changed what, when, filtered by day and by kind of record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session, select

from coopprogram.errors import InvalidInput
from coopprogram.models import AuditEntry

# What a person types -> the tables behind it.
ENTITIES = {
    "program": ["program", "phase", "category", "sessionkind"],
    "coop": ["coop"],
    "milestone": ["milestone"],
    "hours": ["timeentry", "timer"],
    "contract": ["contract", "contractamendment"],
    "invoice": ["invoice", "invoiceline"],
    "session": ["programsession", "sessionseries", "invitation", "agendaitem"],
    "action": ["actionitem"],
    "unity": ["decisionversion", "decisioncomment", "decisionresponse", "decision", "decisionvoter"],
    "decision": ["decision", "decisionversion", "decisioncomment", "decisionresponse", "decisionvoter"],
}


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    command: str
    action: str
    entity: str
    entity_id: int | None
    changes: dict[str, Any]


def list_audit(
    db: Session, *, since: date | None = None, entity: str | None = None, entity_id: int | None = None, limit: int = 500
) -> list[AuditView]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if since is not None:
        query = query.where(AuditEntry.at >= datetime.combine(since, time.min, tzinfo=UTC))
    if entity is not None:
        tables = ENTITIES.get(entity.strip().lower())
        if tables is None:
            raise InvalidInput(f"'{entity}' is not a kind of record: use one of {', '.join(ENTITIES)}.")
        query = query.where(AuditEntry.entity.in_(tables[:1] if entity_id is not None else tables))
    elif entity_id is not None:
        raise InvalidInput("--id needs --entity: say which kind of record, e.g. --entity invoice --id 2.")
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    rows = db.exec(query.limit(limit)).all()
    # Fields in name order on either database (PostgreSQL's JSONB keeps its own key order).
    return [
        AuditView(r.id, r.at, r.actor, r.command, r.action, r.entity, r.entity_id, dict(sorted(r.changes.items())))
        for r in reversed(rows)
    ]
