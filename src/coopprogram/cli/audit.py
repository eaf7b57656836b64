"""`coop audit`: the history of every change, who made it and when."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import JsonFlag, emit_json, parse_count_option, parse_date_option, show_table

if TYPE_CHECKING:
    from coopprogram.services.audit import AuditView


def audit_command(
    since: Annotated[
        date | None, typer.Option(metavar="DATE", parser=parse_date_option, help="Only changes from this day on.")
    ] = None,
    entity: Annotated[
        str | None,
        typer.Option(help="program, coop, milestone, hours, contract, invoice, session, action, unity or decision."),
    ] = None,
    entity_id: Annotated[
        int | None,
        typer.Option(
            "--id", metavar="N", parser=parse_count_option, help="One record's whole history (with --entity)."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option(metavar="N", parser=parse_count_option, help="At most this many, the latest.")
    ] = 500,
    json: JsonFlag = False,
) -> None:
    """Who changed what and when: every change with the fields' values before and after. Contact details show only as changed.

    Example: coop audit --entity invoice --id 2
    """
    from coopprogram.services.audit import list_audit

    with database(write=False) as db:
        rows = list_audit(db, since=since, entity=entity, entity_id=entity_id, limit=limit)
    if json:
        emit_json(rows)
        return
    show_table(
        ("When (UTC)", "Who", "Command", "Change", "Fields"),
        rows,
        lambda row: (
            f"{row.at:%Y-%m-%d %H:%M:%S}",
            row.actor,
            row.command,
            f"{row.action} {row.entity} {row.entity_id or ''}".strip(),
            _fields(row),
        ),
        empty="No changes recorded for that.",
    )


def _fields(row: AuditView) -> str:
    return "; ".join(
        f"{name}: {value[0]} -> {value[1]}" if row.action == "update" else f"{name}: {value}"
        for name, value in row.changes.items()
    )
