"""Event tokens: the database renews a session's token whenever its calendar event changes

`programsession.event_token` is replaced by a random value whenever anything the session's
calendar event is written from is inserted, changed or deleted: the session's row (but for its
exported mark), its agenda items, its kind's name, the translated titles of it and of its items.
The database's own triggers keep it, so every writer is covered, as for the program's calendar
token (0016). A session row whose token or exported mark alone changes is not a change of its
calendar; the program's calendar token trigger on sessions now says so by naming the other columns.

Each co-op's sessions are read from one index (`invitation (coop_id, session_id)`, which replaces
the index on `coop_id` alone), so every co-op's feed is known from the index without the table.

The rendered events are now kept by session: under the session, its rendering (language, time
zone, renderer) and the event token it was rendered at; a calendar is put together from those
whose token is still the session's. A cache: the old rows are dropped, nothing is lost.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# The sessions whose event a row of each table is part of, for that row as `{row}` (NEW or OLD).
SESSIONS_OF = {
    "programsession": "id = {row}.id",
    "agendaitem": "id = {row}.session_id",
    "titletranslation": "id = {row}.session_id OR id IN (SELECT session_id FROM agendaitem WHERE id = {row}.agenda_item_id)",
    "sessionkind": "kind_id = {row}.id",
}
# What changes a session's event in each table: a kind by its name only (a kind is added before its sessions).
EVENTS = {"sessionkind": ("UPDATE",)}
ROWS = {"INSERT": ("NEW",), "UPDATE": ("NEW", "OLD"), "DELETE": ("OLD",)}
# A session row changed: any column but its exported mark and its event token (a statement that
# changes one of those and another column too is a change). Every column of programsession as of
# this revision: a migration adding one must name it in these triggers too (test_calendar_token.py checks).
SESSION_COLUMNS = (
    "id",
    "uid",
    "series_id",
    "kind_id",
    "phase_id",
    "title",
    "starts_at",
    "minutes",
    "location",
    "link",
    "facilitator",
    "status",
    "cancel_reason",
    "notes",
    "headcount",
    "sequence",
    "created_at",
    "updated_at",
    "decisions",
    "closed_at",
    "cancelled_on",
    "held_on",
)
SESSION_CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in SESSION_COLUMNS)
# The program's calendar token trigger on a session's update (0016), before and after this revision.
EXPORTED_MARK_ONLY = "OLD.exported_sequence IS NOT DISTINCT FROM NEW.exported_sequence"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _sqlite(condition: str) -> str:
    return condition.replace("IS NOT DISTINCT FROM", "IS").replace("IS DISTINCT FROM", "IS NOT")


def _sessions(table: str, rows: tuple[str, ...]) -> str:
    return " OR ".join(f"({SESSIONS_OF[table].format(row=row)})" for row in rows)


def _calendar_token_on_sessions(when: str) -> None:
    if _postgresql():
        op.execute("DROP TRIGGER calendar_changed_programsession_update ON programsession")
        op.execute(
            "CREATE TRIGGER calendar_changed_programsession_update AFTER UPDATE ON programsession FOR EACH ROW "
            f"WHEN ({when}) EXECUTE FUNCTION coop_calendar_changed()"
        )
    else:
        op.execute("DROP TRIGGER calendar_changed_programsession_update")
        op.execute(
            f"CREATE TRIGGER calendar_changed_programsession_update AFTER UPDATE ON programsession WHEN {_sqlite(when)} "
            "BEGIN UPDATE program SET calendar_token = lower(hex(randomblob(16))); END"
        )


def _triggers() -> list[tuple[str, str, str]]:
    """(name, table, event) of every event token trigger: one per table and event, on both databases."""
    return [
        (f"event_changed_{table}_{event.lower()}", table, event)
        for table in SESSIONS_OF
        for event in EVENTS.get(table, ("INSERT", "UPDATE", "DELETE"))
    ]


def upgrade() -> None:
    with op.batch_alter_table("programsession", schema=None) as batch_op:  # a column added: no rebuild
        batch_op.add_column(
            sa.Column("event_token", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
    op.drop_table("renderedevent")
    op.create_table(
        "renderedevent",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("rendering", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ics", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["programsession.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "rendering"),
    )
    _calendar_token_on_sessions(SESSION_CHANGED)
    op.drop_index("ix_invitation_coop_id", table_name="invitation")
    op.create_index("ix_invitation_coop_id_session_id", "invitation", ["coop_id", "session_id"])
    if _postgresql():
        new_token = "md5(random()::text || clock_timestamp()::text)"
        op.execute(f"UPDATE programsession SET event_token = {new_token}")
        branches = " ELSIF ".join(
            f"TG_TABLE_NAME = '{table}' THEN UPDATE programsession SET event_token = {new_token} "
            f"WHERE {_sessions(table, ('NEW', 'OLD'))};"
            for table in SESSIONS_OF
        )
        op.execute(
            "CREATE FUNCTION coop_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {branches} END IF; RETURN NULL; END $$"
        )
        for name, table, event in _triggers():
            when = f"WHEN ({SESSION_CHANGED}) " if (table, event) == ("programsession", "UPDATE") else ""
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {when}EXECUTE FUNCTION coop_event_changed()"
            )
        return
    new_token = "lower(hex(randomblob(16)))"
    op.execute(f"UPDATE programsession SET event_token = {new_token}")
    for name, table, event in _triggers():
        when = f" WHEN {_sqlite(SESSION_CHANGED)}" if (table, event) == ("programsession", "UPDATE") else ""
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN "
            f"UPDATE programsession SET event_token = {new_token} WHERE {_sessions(table, ROWS[event])}; END"
        )


def downgrade() -> None:
    for name, table, _ in _triggers():
        op.execute(f"DROP TRIGGER {name} ON {table}" if _postgresql() else f"DROP TRIGGER {name}")
    if _postgresql():
        op.execute("DROP FUNCTION coop_event_changed()")
    _calendar_token_on_sessions(EXPORTED_MARK_ONLY)
    op.drop_index("ix_invitation_coop_id_session_id", table_name="invitation")
    op.create_index("ix_invitation_coop_id", "invitation", ["coop_id"])
    op.drop_table("renderedevent")
    op.create_table(
        "renderedevent",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ics", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    # Dropped in place: a rebuilt table (batch) would lose the calendar token triggers of 0016.
    op.drop_column("programsession", "event_token")
