"""scale indexes: time entries by contract and day (drafting a month, the phase check of `db check`)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.create_index("ix_timeentry_contract_day", ["contract_id", "worked_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.drop_index("ix_timeentry_contract_day")
