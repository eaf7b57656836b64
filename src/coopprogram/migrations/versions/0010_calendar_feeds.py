"""calendar feeds: secret file names for published feeds, and co-ops taken off a session

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("feed_secret", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("feed_secret", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
    op.create_table(
        "withdrawninvitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programsession.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "coop_id"),
    )
    with op.batch_alter_table("withdrawninvitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_withdrawninvitation_coop_id"), ["coop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_withdrawninvitation_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("withdrawninvitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withdrawninvitation_session_id"))
        batch_op.drop_index(batch_op.f("ix_withdrawninvitation_coop_id"))
    op.drop_table("withdrawninvitation")
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("feed_secret")
    with op.batch_alter_table("coop", schema=None) as batch_op:
        batch_op.drop_column("feed_secret")
