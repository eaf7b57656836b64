"""decisions by consent: the points of unity become one kind of decision; rounds that close

The three points-of-unity tables are copied row by row (same ids) into the decision tables,
under one decision of kind "points-of-unity", and the audit trail's entries follow them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

POINTS_OF_UNITY = "points-of-unity"
RENAMED = {"unitydraft": "decisionversion", "unitycomment": "decisioncomment", "unityresponse": "decisionresponse"}
VERSION_COLUMNS = (
    "version, based_on, text, status, deadline, circulated_on, adopted_on, superseded_on, created_at, updated_at"
)
COMMENT_COLUMNS = "coop_id, point, text, status, incorporated_in, decline_reason, created_at, updated_at"
RESPONSE_COLUMNS = "coop_id, decision, reason, responded_on, current, created_at"


def _text() -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString()


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    ]


def _create_tables() -> None:
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _text(), nullable=False),
        sa.Column("title", _text(), nullable=False),
        sa.Column("endorse_fraction", _text(), nullable=True),
        sa.Column("max_blocks", sa.Integer(), nullable=True),
        sa.Column("electorate", _text(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programsession.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["decision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_decision_kind"), "decision", ["kind"], unique=False)

    op.create_table(
        "decisionvoter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=True),
        sa.Column("member", _text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_decisionvoter_decision_id"), "decisionvoter", ["decision_id"], unique=False)

    op.create_table(
        "decisionversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=True),
        sa.Column("text", _text(), nullable=False),
        sa.Column("status", _text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("circulated_on", sa.Date(), nullable=True),
        sa.Column("adopted_on", sa.Date(), nullable=True),
        sa.Column("superseded_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", _text(), nullable=False),
        sa.Column("replaced_by", sa.Integer(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("decision_id", "version"),
    )
    op.create_index(op.f("ix_decisionversion_decision_id"), "decisionversion", ["decision_id"], unique=False)
    op.create_index(op.f("ix_decisionversion_status"), "decisionversion", ["status"], unique=False)

    op.create_table(
        "decisioncomment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=True),
        sa.Column("point", sa.Integer(), nullable=True),
        sa.Column("text", _text(), nullable=False),
        sa.Column("status", _text(), nullable=False),
        sa.Column("incorporated_in", sa.Integer(), nullable=True),
        sa.Column("decline_reason", _text(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["decisionversion.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_decisioncomment_version_id"), "decisioncomment", ["version_id"], unique=False)

    op.create_table(
        "decisionresponse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=True),
        sa.Column("member", _text(), nullable=False),
        sa.Column("decision", _text(), nullable=False),
        sa.Column("reason", _text(), nullable=False),
        sa.Column("share_reason", sa.Boolean(), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["decisionversion.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_decisionresponse_coop_id"), "decisionresponse", ["coop_id"], unique=False)
    op.create_index(op.f("ix_decisionresponse_version_id"), "decisionresponse", ["version_id"], unique=False)


def _restart_ids(tables: list[str]) -> None:
    """Rows were copied with their ids; a server's sequences must continue after them."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        op.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
            )
        )


def _follow_audit(renames: dict[str, str]) -> None:
    for old, new in renames.items():
        op.execute(sa.text("UPDATE auditentry SET entity = :new WHERE entity = :old").bindparams(new=new, old=old))


def upgrade() -> None:
    _create_tables()
    bind = op.get_bind()
    first = bind.execute(sa.text("SELECT MIN(created_at) FROM unitydraft")).scalar()
    if first is not None:
        bind.execute(
            sa.text(
                "INSERT INTO decision (id, kind, title, endorse_fraction, max_blocks, electorate, supersedes_id, session_id, created_at, updated_at) "
                "SELECT 1, :kind, 'Points of unity', NULL, NULL, 'cohort', NULL, NULL, MIN(created_at), MAX(updated_at) FROM unitydraft"
            ).bindparams(kind=POINTS_OF_UNITY)
        )
        bind.execute(
            sa.text(
                f"INSERT INTO decisionversion (id, decision_id, {VERSION_COLUMNS}, closed_on, close_reason, replaced_by) "
                f"SELECT id, 1, {VERSION_COLUMNS}, NULL, '', NULL FROM unitydraft"
            )
        )
        bind.execute(
            sa.text(
                f"INSERT INTO decisioncomment (id, version_id, {COMMENT_COLUMNS}) SELECT id, draft_id, {COMMENT_COLUMNS} FROM unitycomment"
            )
        )
        bind.execute(
            sa.text(
                f"INSERT INTO decisionresponse (id, version_id, member, share_reason, {RESPONSE_COLUMNS}) "
                f"SELECT id, draft_id, '', :no, {RESPONSE_COLUMNS} FROM unityresponse"
            ).bindparams(no=False)
        )
    _restart_ids(["decision", "decisionversion", "decisioncomment", "decisionresponse"])
    for table in ("unityresponse", "unitycomment", "unitydraft"):
        op.drop_table(table)  # their indexes go with them
    _follow_audit(RENAMED)


def downgrade() -> None:
    op.create_table(
        "unitydraft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=True),
        sa.Column("text", _text(), nullable=False),
        sa.Column("status", _text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("circulated_on", sa.Date(), nullable=True),
        sa.Column("adopted_on", sa.Date(), nullable=True),
        sa.Column("superseded_on", sa.Date(), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version"),
    )
    op.create_index(op.f("ix_unitydraft_status"), "unitydraft", ["status"], unique=False)
    op.create_table(
        "unitycomment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=True),
        sa.Column("point", sa.Integer(), nullable=True),
        sa.Column("text", _text(), nullable=False),
        sa.Column("status", _text(), nullable=False),
        sa.Column("incorporated_in", sa.Integer(), nullable=True),
        sa.Column("decline_reason", _text(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["unitydraft.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_unitycomment_draft_id"), "unitycomment", ["draft_id"], unique=False)
    op.create_table(
        "unityresponse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("decision", _text(), nullable=False),
        sa.Column("reason", _text(), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"],
            ["coop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["unitydraft.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_unityresponse_coop_id"), "unityresponse", ["coop_id"], unique=False)
    op.create_index(op.f("ix_unityresponse_draft_id"), "unityresponse", ["draft_id"], unique=False)
    # Only the points of unity had a place before; rounds closed without adoption read as superseded.
    bind = op.get_bind()
    pou = "SELECT id FROM decision WHERE kind = :kind"
    bind.execute(
        sa.text(
            f"INSERT INTO unitydraft (id, {VERSION_COLUMNS}) SELECT id, version, based_on, text, "
            "CASE WHEN status IN ('withdrawn', 'replaced') THEN 'superseded' ELSE status END, "
            f"deadline, circulated_on, adopted_on, COALESCE(superseded_on, closed_on), created_at, updated_at FROM decisionversion WHERE decision_id IN ({pou})"
        ).bindparams(kind=POINTS_OF_UNITY)
    )
    bind.execute(
        sa.text(
            f"INSERT INTO unitycomment (id, draft_id, {COMMENT_COLUMNS}) SELECT id, version_id, {COMMENT_COLUMNS} "
            "FROM decisioncomment WHERE version_id IN (SELECT id FROM unitydraft)"
        )
    )
    bind.execute(
        sa.text(
            f"INSERT INTO unityresponse (id, draft_id, {RESPONSE_COLUMNS}) SELECT id, version_id, {RESPONSE_COLUMNS} FROM decisionresponse "
            "WHERE version_id IN (SELECT id FROM unitydraft) AND coop_id IS NOT NULL"
        )
    )
    _restart_ids(["unitydraft", "unitycomment", "unityresponse"])
    for table in ("decisionresponse", "decisioncomment", "decisionversion", "decisionvoter", "decision"):
        op.drop_table(table)
    _follow_audit({new: old for old, new in RENAMED.items()})
