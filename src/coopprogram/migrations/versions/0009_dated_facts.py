"""dated facts: when a session was cancelled or closed, when a milestone was blocked

Views as of a past day go by these dates. Existing rows take them from the audit trail (the
day, in the program's time zone, the change was recorded); a row the trail does not cover
takes the day it was last changed, the latest day the fact can have happened.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# (table, date column, the status the change set)
DATED = (
    ("programsession", "cancelled_on", "cancelled"),
    ("programsession", "held_on", "held"),
    ("milestone", "blocked_on", "blocked"),
)


def upgrade() -> None:
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blocked_on", sa.Date(), nullable=True))
    with op.batch_alter_table("programsession", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("held_on", sa.Date(), nullable=True))
    _fill_from_audit(op.get_bind())


def _instant(value: object) -> datetime:
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _fill_from_audit(connection: sa.engine.Connection) -> None:
    from zoneinfo import ZoneInfo

    zone_name = connection.execute(sa.text("SELECT timezone FROM program ORDER BY id")).scalar()
    zone = ZoneInfo(zone_name or "America/New_York")
    for table, column, status in DATED:
        rows = connection.execute(
            sa.text(f"SELECT id, updated_at FROM {table} WHERE status = :status"), {"status": status}
        ).all()
        if not rows:
            continue
        recorded: dict[int, date] = {}
        trail = connection.execute(
            sa.text(
                "SELECT entity_id, at, changes FROM auditentry WHERE entity = :table AND action IN ('create', 'update') ORDER BY id"
            ),
            {"table": table},
        )
        for entity_id, at, changes in trail:
            value = json.loads(changes).get("status")
            now_status = value[1] if isinstance(value, list) else value
            if now_status == status:  # the latest change to this status wins
                recorded[entity_id] = _instant(at).astimezone(zone).date()
        for row_id, updated_at in rows:
            day = recorded.get(row_id) or _instant(updated_at).astimezone(zone).date()
            connection.execute(
                sa.text(f"UPDATE {table} SET {column} = :day WHERE id = :id"), {"day": day, "id": row_id}
            )


def downgrade() -> None:
    with op.batch_alter_table("programsession", schema=None) as batch_op:
        batch_op.drop_column("held_on")
        batch_op.drop_column("cancelled_on")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_column("blocked_on")
