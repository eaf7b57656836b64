"""sessions, agendas, attendance, action items

A database that already holds a program gets the session kinds (as in defaults.toml at the
time of writing) and a calendar UID for the program.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import uuid

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessionkind",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("category_slug", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "sessionseries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "programsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("phase_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("facilitator", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("cancel_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kind_id"],
            ["sessionkind.id"],
        ),
        sa.ForeignKeyConstraint(
            ["phase_id"],
            ["phase.id"],
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["sessionseries.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    with op.batch_alter_table("programsession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programsession_phase_id"), ["phase_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programsession_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programsession_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_programsession_status"), ["status"], unique=False)

    op.create_table(
        "actionitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programsession.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actionitem_due_on"), ["due_on"], unique=False)

    op.create_table(
        "agendaitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("lead", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programsession.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agendaitem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agendaitem_session_id"), ["session_id"], unique=False)

    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("attendance", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
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
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_coop_id"), ["coop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitation_session_id"), ["session_id"], unique=False)

    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_sequence", sa.Integer(), nullable=False, server_default="0"))

    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""))

    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_timeentry_session_id_programsession", "programsession", ["session_id"], ["id"])

    _seed()


SESSION_KINDS = [
    ("visioning", "Visioning session", "visioning"),
    ("unity", "Points of unity workshop", "points-of-unity"),
    ("strategy", "Strategy session", "strategy"),
    ("working-group", "Working-group call", "communication"),
    ("political-education", "Political education", "political-education"),
    ("technical-assistance", "Technical assistance", "technical-assistance"),
    ("peer-learning", "Peer learning", ""),
]


def _seed() -> None:
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT count(*) FROM program")).scalar() == 0:
        return
    connection.execute(sa.text("UPDATE program SET uid = :uid WHERE uid = ''"), {"uid": str(uuid.uuid4())})
    kinds = sa.table(
        "sessionkind", sa.column("slug"), sa.column("name"), sa.column("category_slug"), sa.column("position")
    )
    op.bulk_insert(
        kinds,
        [
            {"slug": slug, "name": name, "category_slug": category, "position": position}
            for position, (slug, name, category) in enumerate(SESSION_KINDS, start=1)
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.drop_constraint("fk_timeentry_session_id_programsession", type_="foreignkey")

    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("uid")

    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_column("calendar_sequence")

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_session_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_coop_id"))

    op.drop_table("invitation")
    with op.batch_alter_table("agendaitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agendaitem_session_id"))

    op.drop_table("agendaitem")
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actionitem_due_on"))

    op.drop_table("actionitem")
    with op.batch_alter_table("programsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programsession_status"))
        batch_op.drop_index(batch_op.f("ix_programsession_starts_at"))
        batch_op.drop_index(batch_op.f("ix_programsession_series_id"))
        batch_op.drop_index(batch_op.f("ix_programsession_phase_id"))

    op.drop_table("programsession")
    op.drop_table("sessionseries")
    op.drop_table("sessionkind")
