"""JSON columns: an invoice's frozen snapshot and an audit entry's changes are JSON documents

On PostgreSQL the text is converted in place to JSONB; on SQLite the documents stay the same
text and each table is rebuilt (batch mode) with the column declared JSON. A draft's empty
snapshot becomes NULL (a draft has no frozen document).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-22
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString()


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _postgresql():
        op.alter_column("invoice", "snapshot", nullable=True)
        op.alter_column(
            "invoice", "snapshot", type_=JSONB(), existing_type=TEXT, postgresql_using="NULLIF(snapshot, '')::jsonb"
        )
        op.alter_column("auditentry", "changes", type_=JSONB(), existing_type=TEXT, postgresql_using="changes::jsonb")
        return
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.alter_column("snapshot", type_=sa.JSON(), existing_type=TEXT, nullable=True)
    op.execute("UPDATE invoice SET snapshot = NULL WHERE snapshot = ''")
    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.alter_column("changes", type_=sa.JSON(), existing_type=TEXT, existing_nullable=False)


def downgrade() -> None:
    if _postgresql():
        op.alter_column("auditentry", "changes", type_=TEXT, existing_type=JSONB(), postgresql_using="changes::text")
        op.alter_column("invoice", "snapshot", type_=TEXT, existing_type=JSONB(), postgresql_using="snapshot::text")
        op.execute("UPDATE invoice SET snapshot = '' WHERE snapshot IS NULL")
        op.alter_column("invoice", "snapshot", nullable=False)
        return
    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.alter_column("changes", type_=TEXT, existing_type=sa.JSON(), existing_nullable=False)
    op.execute("UPDATE invoice SET snapshot = '' WHERE snapshot IS NULL")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.alter_column("snapshot", type_=TEXT, existing_type=sa.JSON(), nullable=False)
