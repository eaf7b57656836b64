"""timer and entry times: a running timer per person, and optional start and end times on entries

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_at", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("ends_at", sa.Time(), nullable=True))
    op.create_table(
        "timer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("coop_id", sa.Integer(), nullable=True),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
        ),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestone.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programsession.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user"),
    )


def downgrade() -> None:
    op.drop_table("timer")
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.drop_column("ends_at")
        batch_op.drop_column("starts_at")
