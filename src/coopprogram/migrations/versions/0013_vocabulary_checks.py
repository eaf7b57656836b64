"""one vocabulary: each status and kind column held to its values by a CHECK constraint

The values are those of coopprogram.vocab when this was written; a word added to a vocabulary
later comes with a migration that widens its constraint. On SQLite each table is rebuilt
(batch mode), on PostgreSQL the constraint is added in place; a stored value outside its
vocabulary stops the upgrade, which then leaves the database as it was.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# (table, constraint, condition): named as the models' naming convention names them.
CHECKS = [
    ("coop", "ck_coop_kind", "kind IN ('worker', 'producer', 'consumer', 'housing', 'multi-stakeholder')"),
    ("coop", "ck_coop_stage", "stage IN ('existing', 'budding')"),
    ("milestone", "ck_milestone_status", "status IN ('planned', 'in-progress', 'done', 'blocked')"),
    ("programsession", "ck_programsession_status", "status IN ('planned', 'held', 'cancelled')"),
    (
        "agendaitem",
        "ck_agendaitem_kind",
        "kind IN ('opening', 'discussion', 'decision', 'presentation', 'break', 'closing')",
    ),
    ("decision", "ck_decision_electorate", "electorate IN ('cohort', 'coops', 'members')"),
    ("invitation", "ck_invitation_attendance", "attendance IN ('invited', 'attended', 'absent', 'excused')"),
    ("invoice", "ck_invoice_kind", "kind IN ('invoice', 'credit-note')"),
    ("invoice", "ck_invoice_status", "status IN ('draft', 'issued', 'paid', 'void')"),
    (
        "message",
        "ck_message_kind",
        "kind IN ('invitation', 'update', 'cancellation', 'reminder', 'follow-up', 'consent-reminder')",
    ),
    ("message", "ck_message_status", "status IN ('pending', 'sent', 'by-hand', 'superseded')"),
    (
        "decisionversion",
        "ck_decisionversion_status",
        "status IN ('draft', 'circulating', 'adopted', 'superseded', 'withdrawn', 'replaced')",
    ),
    ("decisioncomment", "ck_decisioncomment_status", "status IN ('open', 'incorporated', 'declined')"),
    ("decisionresponse", "ck_decisionresponse_decision", "decision IN ('endorse', 'stand-aside', 'block')"),
]


def upgrade() -> None:
    for table in dict.fromkeys(table for table, _, _ in CHECKS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _, name, condition in (check for check in CHECKS if check[0] == table):
                batch_op.create_check_constraint(op.f(name), condition)


def downgrade() -> None:
    for table in dict.fromkeys(table for table, _, _ in reversed(CHECKS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _, name, _ in (check for check in CHECKS if check[0] == table):
                batch_op.drop_constraint(op.f(name), type_="check")
