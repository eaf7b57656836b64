"""languages: co-ops' preferred languages, translations of a version's text pinned to that text,
and translated titles of sessions and agenda items

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("languages", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
    op.create_table(
        "versiontranslation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["decisionversion.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "lang"),
    )
    with op.batch_alter_table("versiontranslation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_versiontranslation_version_id"), ["version_id"], unique=False)
    op.create_table(
        "titletranslation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agendaitem.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programsession.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "agenda_item_id", "lang"),
    )
    with op.batch_alter_table("titletranslation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_titletranslation_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_titletranslation_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("titletranslation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_titletranslation_session_id"))
        batch_op.drop_index(batch_op.f("ix_titletranslation_agenda_item_id"))
    op.drop_table("titletranslation")
    with op.batch_alter_table("versiontranslation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_versiontranslation_version_id"))
    op.drop_table("versiontranslation")
    with op.batch_alter_table("coop", schema=None) as batch_op:
        batch_op.drop_column("languages")
