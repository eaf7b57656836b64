"""invoices a treasurer pays: the consultant's profile, amendments' effective dates, the
billing increment, each line's logged minutes, and payments as their own rows

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultantprofile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("tax_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("payment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("undone_on", sa.Date(), nullable=True),
        sa.Column("undo_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_invoice_id"), ["invoice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_paid_on"), ["paid_on"], unique=False)

    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(sa.Column("billing_increment_minutes", sa.Integer(), nullable=False, server_default="6"))
    with op.batch_alter_table("invoiceline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logged_minutes", sa.Integer(), nullable=True))
    with op.batch_alter_table("contractamendment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effective_on", sa.Date(), nullable=True))

    # Existing facts carried over: an amendment was in force from the day it was made, a line
    # billed the entry's own minutes, a paid invoice was paid in full on its paid day, and the
    # payee is the first contract's consultant until the profile is set.
    op.execute("UPDATE contractamendment SET effective_on = made_on")
    op.execute("UPDATE invoiceline SET logged_minutes = minutes WHERE time_entry_id IS NOT NULL")
    op.execute(
        "INSERT INTO payment (invoice_id, amount_cents, paid_on, note, undo_reason, created_at) "
        "SELECT id, total_cents, paid_on, '', '', updated_at FROM invoice WHERE status = 'paid' AND paid_on IS NOT NULL"
    )
    op.execute(
        "INSERT INTO consultantprofile (name, address, email, phone, tax_id, payment, updated_at) "
        "SELECT contract.consultant, contract.consultant_address, '', '', '', '', contract.updated_at FROM contract "
        "JOIN phase ON phase.id = contract.phase_id WHERE phase.number = (SELECT MIN(p.number) FROM phase p JOIN contract c ON c.phase_id = p.id)"
    )
    with op.batch_alter_table("contractamendment", schema=None) as batch_op:
        batch_op.alter_column("effective_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("contractamendment", schema=None) as batch_op:
        batch_op.drop_column("effective_on")
    with op.batch_alter_table("invoiceline", schema=None) as batch_op:
        batch_op.drop_column("logged_minutes")
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("billing_increment_minutes")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_paid_on"))
        batch_op.drop_index(batch_op.f("ix_payment_invoice_id"))
    op.drop_table("payment")
    op.drop_table("consultantprofile")
