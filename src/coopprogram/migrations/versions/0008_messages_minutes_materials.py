"""messages to the co-ops, minutes (decisions, closing), action items' co-op, materials

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mail_from", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("reminder_days", sa.Integer(), nullable=False, server_default="2"))

    with op.batch_alter_table("programsession", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("decisions", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coop_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_actionitem_coop_id_coop", "coop", ["coop_id"], ["id"])

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("draft_version", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("composed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programsession.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sa.UniqueConstraint("message_id"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_coop_id"), ["coop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_status"), ["status"], unique=False)

    op.create_table(
        "material",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("stored_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("phase_id", sa.Integer(), nullable=True),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programsession.id"],
        ),
        sa.ForeignKeyConstraint(
            ["phase_id"],
            ["phase.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("material", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_material_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    op.drop_table("material")
    op.drop_table("message")
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.drop_constraint("fk_actionitem_coop_id_coop", type_="foreignkey")
        batch_op.drop_column("coop_id")
    with op.batch_alter_table("programsession", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("decisions")
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("reminder_days")
        batch_op.drop_column("mail_from")
