"""audit trail, the exported calendar sequence, and an index for the cap check

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("command", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("changes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditentry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_auditentry_entity"), ["entity"], unique=False)
        batch_op.create_index(batch_op.f("ix_auditentry_entity_id"), ["entity_id"], unique=False)

    with op.batch_alter_table("programsession", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exported_sequence", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_timeentry_cap", "timeentry", ["contract_id", "billable", "minutes"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_timeentry_cap", table_name="timeentry")
    with op.batch_alter_table("programsession", schema=None) as batch_op:
        batch_op.drop_column("exported_sequence")

    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditentry_entity_id"))
        batch_op.drop_index(batch_op.f("ix_auditentry_entity"))
        batch_op.drop_index(batch_op.f("ix_auditentry_at"))

    op.drop_table("auditentry")
