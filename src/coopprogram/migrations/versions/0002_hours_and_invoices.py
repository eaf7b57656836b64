"""hours, categories, contract amendments, invoices

A database that already holds a program gets the scope-of-work categories (the same
as defaults.toml at the time of writing) and each phase its default category.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("phase_number", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "contractamendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("old_cap_minutes", sa.Integer(), nullable=False),
        sa.Column("new_cap_minutes", sa.Integer(), nullable=False),
        sa.Column("old_rate_cents", sa.Integer(), nullable=False),
        sa.Column("new_rate_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contractamendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contractamendment_contract_id"), ["contract_id"], unique=False)

    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("credit_for_id", sa.Integer(), nullable=True),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("total_minutes", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("voided_on", sa.Date(), nullable=True),
        sa.Column("void_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("snapshot", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract.id"],
        ),
        sa.ForeignKeyConstraint(
            ["credit_for_id"],
            ["invoice.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("sequence"),
    )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_status"), ["status"], unique=False)

    op.create_table(
        "timeentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("worked_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("coop_id", sa.Integer(), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract.id"],
        ),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestone.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_timeentry_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_timeentry_invoice_id"), ["invoice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_timeentry_worked_on"), ["worked_on"], unique=False)

    op.create_table(
        "invoiceline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("time_entry_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("worked_on", sa.Date(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("rate_cents", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
        ),
        sa.ForeignKeyConstraint(
            ["time_entry_id"],
            ["timeentry.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("invoiceline", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoiceline_invoice_id"), ["invoice_id"], unique=False)

    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("consultant_address", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )

    with op.batch_alter_table("phase", schema=None) as batch_op:
        batch_op.add_column(sa.Column("default_category_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_phase_default_category_id_category", "category", ["default_category_id"], ["id"]
        )

    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bill_to", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column(
                "invoice_pattern",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="{prefix}-{year}-{seq:03d}",
            )
        )
        batch_op.add_column(sa.Column("payment_days", sa.Integer(), nullable=False, server_default="30"))

    _seed_categories()


CATEGORIES = [
    ("visioning", "Visioning sessions", None),
    ("points-of-unity", "Points of unity", None),
    ("strategy", "Strategy sessions", None),
    ("calendar", "Calendar and scheduling", None),
    ("communication", "Communication between meetings", None),
    ("documentation", "Documentation and materials", None),
    ("political-education", "Political education", 2),
    ("technical-assistance", "Technical assistance", 2),
]
PHASE_DEFAULTS = {1: "visioning", 2: "political-education"}


def _seed_categories() -> None:
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT count(*) FROM program")).scalar() == 0:
        return
    category = sa.table(
        "category", sa.column("slug"), sa.column("name"), sa.column("phase_number"), sa.column("position")
    )
    op.bulk_insert(
        category,
        [
            {"slug": slug, "name": name, "phase_number": phase, "position": position}
            for position, (slug, name, phase) in enumerate(CATEGORIES, start=1)
        ],
    )
    for number, slug in PHASE_DEFAULTS.items():
        connection.execute(
            sa.text(
                "UPDATE phase SET default_category_id = (SELECT id FROM category WHERE slug = :slug) WHERE number = :number"
            ),
            {"slug": slug, "number": number},
        )


def downgrade() -> None:
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("payment_days")
        batch_op.drop_column("invoice_pattern")
        batch_op.drop_column("bill_to")

    with op.batch_alter_table("phase", schema=None) as batch_op:
        batch_op.drop_constraint("fk_phase_default_category_id_category", type_="foreignkey")
        batch_op.drop_column("default_category_id")

    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_column("consultant_address")

    with op.batch_alter_table("invoiceline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoiceline_invoice_id"))

    op.drop_table("invoiceline")
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timeentry_worked_on"))
        batch_op.drop_index(batch_op.f("ix_timeentry_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_timeentry_contract_id"))

    op.drop_table("timeentry")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_status"))
        batch_op.drop_index(batch_op.f("ix_invoice_contract_id"))

    op.drop_table("invoice")
    with op.batch_alter_table("contractamendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contractamendment_contract_id"))

    op.drop_table("contractamendment")
    op.drop_table("category")
