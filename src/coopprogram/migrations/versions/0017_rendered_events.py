"""Rendered events: each session's calendar event as icalendar wrote it, by its fingerprint

A cache for `coop calendar publish`: an event whose fingerprint is found is not rendered again.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-22
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "renderedevent",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ics", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("renderedevent")
