"""points of unity: drafts, comments, responses, adoption rule

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unitydraft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("circulated_on", sa.Date(), nullable=True),
        sa.Column("adopted_on", sa.Date(), nullable=True),
        sa.Column("superseded_on", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version"),
    )
    with op.batch_alter_table("unitydraft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unitydraft_status"), ["status"], unique=False)

    op.create_table(
        "unitycomment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=True),
        sa.Column("point", sa.Integer(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("incorporated_in", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["unitydraft.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unitycomment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unitycomment_draft_id"), ["draft_id"], unique=False)

    op.create_table(
        "unityresponse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["unitydraft.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unityresponse", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unityresponse_coop_id"), ["coop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unityresponse_draft_id"), ["draft_id"], unique=False)

    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "adoption_endorse_fraction", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="2/3"
            )
        )
        batch_op.add_column(sa.Column("adoption_max_blocks", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("adoption_max_blocks")
        batch_op.drop_column("adoption_endorse_fraction")

    with op.batch_alter_table("unityresponse", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unityresponse_draft_id"))
        batch_op.drop_index(batch_op.f("ix_unityresponse_coop_id"))

    op.drop_table("unityresponse")
    with op.batch_alter_table("unitycomment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unitycomment_draft_id"))

    op.drop_table("unitycomment")
    with op.batch_alter_table("unitydraft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unitydraft_status"))

    op.drop_table("unitydraft")
