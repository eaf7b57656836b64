"""`coop milestones`: each phase's milestones, their due dates and status."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import (
    AsOf,
    JsonFlag,
    dash,
    emit_json,
    group,
    milestone_argument,
    parse_date_option,
    phase_option,
    say,
    show_table,
    today,
)
from coopprogram.vocab import MilestoneStatus

app = group("Milestones per phase: due dates, status (planned, in-progress, done, blocked), overdue ones flagged.")

MilestoneId = Annotated[int, milestone_argument()]
On = Annotated[
    date | None,
    typer.Option("--on", metavar="DATE", parser=parse_date_option, help="The day it happened. Default: today."),
]


@app.command("list")
def milestones_list(
    phase: Annotated[str | None, phase_option("Only this phase: 1, 2, I or II.")] = None,
    status: Annotated[MilestoneStatus | None, typer.Option(case_sensitive=False, help="Only this status.")] = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """List milestones by phase and due date; overdue ones are flagged.

    Example: coop milestones list --phase I --status planned
    """
    from coopprogram.services.milestones import list_milestones

    with database(write=False) as db:
        views = list_milestones(db, today=as_of or today(), phase=phase, status=status)
    if json:
        emit_json(views)
        return
    show_table(
        ("Id", "Phase", "Milestone", "Due", "Status", "Done"),
        views,
        lambda m: (
            m.id,
            m.phase_name,
            m.title,
            f"{m.due_on} OVERDUE" if m.overdue else m.due_on,
            m.status + (f": {m.blocked_reason}" if m.blocked_reason else ""),
            dash(m.done_on),
        ),
        empty="No milestones match. Add one with `coop milestones add TITLE --phase I --due DATE`.",
    )


@app.command("show")
def milestones_show(milestone_id: MilestoneId, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Show one milestone.

    Example: coop milestones show 5
    """
    from coopprogram.services.milestones import show_milestone

    with database(write=False) as db:
        m = show_milestone(db, milestone_id=milestone_id, today=as_of or today())
    if json:
        emit_json(m)
        return
    say(f"{m.id}. {m.title} ({m.phase_name})")
    say(f"Due:     {m.due_on}{' (overdue)' if m.overdue else ''}")
    say(f"Status:  {m.status}{': ' + m.blocked_reason if m.blocked_reason else ''}")
    say(f"Started: {dash(m.started_on)}   Done: {dash(m.done_on)}")
    if m.description:
        say(m.description)


@app.command("add")
def milestones_add(
    title: Annotated[str, typer.Argument(help="What will be achieved.")],
    phase: Annotated[str, phase_option("The phase: 1, 2, I or II.")],
    due: Annotated[date, typer.Option(metavar="DATE", parser=parse_date_option, help="Due date, within the phase.")],
    description: Annotated[str, typer.Option(help="More detail.")] = "",
) -> None:
    """Add a milestone to a phase.

    Example: coop milestones add "Points of unity adopted" --phase I --due 2022-02-28
    """
    from coopprogram.services.milestones import add_milestone

    with database(write=True) as db:
        m = add_milestone(db, title=title, phase=phase, due_on=due, description=description, today=today())
    say(f"Added milestone {m.id}: {m.title} ({m.phase_name}, due {m.due_on}).")


@app.command("edit")
def milestones_edit(
    milestone_id: MilestoneId,
    title: Annotated[str | None, typer.Option(help="A new title.")] = None,
    phase: Annotated[str | None, phase_option("Move it to another phase.")] = None,
    due: Annotated[date | None, typer.Option(metavar="DATE", parser=parse_date_option, help="A new due date.")] = None,
    description: Annotated[str | None, typer.Option(help="A new description.")] = None,
) -> None:
    """Change a milestone's title, phase, due date or description.

    Example: coop milestones edit 7 --due 2022-03-11
    """
    from coopprogram.services.milestones import edit_milestone

    with database(write=True) as db:
        m = edit_milestone(
            db, milestone_id=milestone_id, today=today(), title=title, phase=phase, due_on=due, description=description
        )
    say(f"Updated milestone {m.id}: {m.title} ({m.phase_name}, due {m.due_on}).")


@app.command("start")
def milestones_start(milestone_id: MilestoneId, on: On = None) -> None:
    """Mark a milestone in progress (also resumes a blocked one).

    Example: coop milestones start 5 --on 2022-01-03
    """
    from coopprogram.services.milestones import start_milestone

    with database(write=True) as db:
        m = start_milestone(db, milestone_id=milestone_id, on=on or today(), today=today())
    say(f"Milestone {m.id} is in progress: {m.title}.")


@app.command("done")
def milestones_done(milestone_id: MilestoneId, on: On = None) -> None:
    """Mark a milestone done.

    Example: coop milestones done 4 --on 2021-12-16
    """
    from coopprogram.services.milestones import finish_milestone

    with database(write=True) as db:
        m = finish_milestone(db, milestone_id=milestone_id, on=on or today(), today=today())
    say(f"Milestone {m.id} done on {m.done_on}: {m.title}.")


@app.command("block")
def milestones_block(
    milestone_id: MilestoneId,
    reason: Annotated[str, typer.Option(help="What stands in the way.")],
    on: On = None,
) -> None:
    """Mark a milestone blocked, with the reason (and the day, for reports as of a past day).

    Example: coop milestones block 6 --reason "Two co-ops have not named a point person"
    """
    from coopprogram.services.milestones import block_milestone

    with database(write=True) as db:
        m = block_milestone(db, milestone_id=milestone_id, reason=reason, on=on or today(), today=today())
    say(f"Milestone {m.id} is blocked: {m.blocked_reason}.")
