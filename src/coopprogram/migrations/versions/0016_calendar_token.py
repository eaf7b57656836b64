"""The calendar's change token: any change to what the calendars are made of gives the program a new one

`program.calendar_token` is replaced by a random value whenever a row that the published feeds
are made of is inserted, changed or deleted: the program, its phases, co-ops, milestones,
session kinds, sessions, invitations, agenda items and title translations. The database's own
triggers keep it, so every writer is covered (the commands, a bulk load, another tool). Only a
session's exported mark (what a calendar was last sent) leaves it alone. `coop calendar publish`
records the token it published; when the token is the same, nothing a feed shows has changed.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-22
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# Every table a published feed is read from.
TABLES = (
    "program",
    "phase",
    "coop",
    "milestone",
    "sessionkind",
    "programsession",
    "invitation",
    "withdrawninvitation",
    "agendaitem",
    "titletranslation",
)
# Updates that leave the token alone: the program's own token, a session's exported mark.
UNCHANGED_ON_UPDATE = {"program": "calendar_token", "programsession": "exported_sequence"}


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("calendar_token", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
    if _postgresql():
        op.execute("UPDATE program SET calendar_token = md5(random()::text || clock_timestamp()::text)")
        op.execute(
            "CREATE FUNCTION coop_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "UPDATE program SET calendar_token = md5(random()::text || clock_timestamp()::text); "
            "RETURN NULL; END $$"
        )
        for table in TABLES:
            kept = UNCHANGED_ON_UPDATE.get(table)
            if kept:  # per row, so an update of the kept column alone does not count
                op.execute(
                    f"CREATE TRIGGER calendar_changed_{table}_update AFTER UPDATE ON {table} FOR EACH ROW "
                    f"WHEN (OLD.{kept} IS NOT DISTINCT FROM NEW.{kept}) EXECUTE FUNCTION coop_calendar_changed()"
                )
            events = "INSERT OR DELETE" if kept else "INSERT OR UPDATE OR DELETE"
            op.execute(  # once per statement: a bulk load of 600,000 invitations changes the token once
                f"CREATE TRIGGER calendar_changed_{table} AFTER {events} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION coop_calendar_changed()"
            )
        return
    new_token = "UPDATE program SET calendar_token = lower(hex(randomblob(16)));"
    op.execute(new_token)
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            kept = UNCHANGED_ON_UPDATE.get(table) if event == "UPDATE" else None
            when = f" WHEN OLD.{kept} IS NEW.{kept}" if kept else ""
            op.execute(
                f"CREATE TRIGGER calendar_changed_{table}_{event.lower()} AFTER {event} ON {table}{when} "
                f"BEGIN {new_token} END"
            )


def downgrade() -> None:
    if _postgresql():
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS calendar_changed_{table} ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS calendar_changed_{table}_update ON {table}")
        op.execute("DROP FUNCTION coop_calendar_changed()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER calendar_changed_{table}_{event}")
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("calendar_token")
