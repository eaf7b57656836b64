"""`coop actions`: who does what between meetings, by when."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import (
    AsOf,
    JsonFlag,
    coop_option,
    dash,
    emit_json,
    group,
    parse_count_option,
    parse_date_option,
    say,
    session_option,
    show_table,
    today,
)

app = group("Action items between meetings: add, list (overdue first), done.")


@app.command("add")
def actions_add(
    title: Annotated[str, typer.Argument(help="What will be done.")],
    owner: Annotated[str, typer.Option(help="Who does it.")] = "",
    due: Annotated[date | None, typer.Option(metavar="DATE", parser=parse_date_option, help="By when.")] = None,
    session: Annotated[int | None, session_option("The session it came from.")] = None,
    coop: Annotated[str | None, coop_option("The co-op that owns it: it is in that co-op's follow-up message.")] = None,
) -> None:
    """Add an action item (with --session it is in that session's minutes).

    Example: coop actions add "Send the draft to the Spanish interpreters" --owner Marisol --due 2022-01-07 --session 9 --coop voces
    """
    from coopprogram.services.actions import add_action

    with database(write=True) as db:
        view = add_action(db, title=title, today=today(), owner=owner, due_on=due, session_id=session, coop=coop)
    say(f"Added action {view.id}: {view.title}" + (f" (due {view.due_on})" if view.due_on else "") + ".")


@app.command("list")
def actions_list(
    open_only: Annotated[bool, typer.Option("--open", help="Only the ones not done.")] = False,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """List action items, overdue first.

    Example: coop actions list --open
    """
    from coopprogram.services.actions import list_actions

    with database(write=False) as db:
        views = list_actions(db, today=as_of or today(), open_only=open_only)
    if json:
        emit_json(views)
        return
    show_table(
        ("Id", "Action", "Owner", "Due", "Done"),
        views,
        lambda v: (
            v.id,
            v.title,
            dash(v.owner),
            f"{v.due_on} OVERDUE" if v.overdue else dash(v.due_on),
            dash(v.done_on),
        ),
        empty="No action items. Add one with `coop actions add TITLE --owner NAME --due DATE`.",
    )


@app.command("done")
def actions_done(
    action_id: Annotated[
        int, typer.Argument(metavar="ID", parser=parse_count_option, help="The action's number (`coop actions list`).")
    ],
    on: Annotated[
        date | None, typer.Option("--on", metavar="DATE", parser=parse_date_option, help="When. Default: today.")
    ] = None,
) -> None:
    """Mark an action item done.

    Example: coop actions done 4
    """
    from coopprogram.services.actions import finish_action

    with database(write=True) as db:
        view = finish_action(db, action_id=action_id, on=on or today(), today=today())
    say(f"Action {view.id} done on {view.done_on}.")
