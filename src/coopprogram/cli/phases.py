"""`coop phases`: the program's phases, their dates and focus, and each one's contract."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import JsonFlag, dash, emit_json, group, parse_date_option, phase_argument, say, show_table
from coopprogram.units import format_minutes, format_money

app = group("The program's phases: dates, focus and the consultant's contract for each.")

PhaseArgument = Annotated[str, phase_argument("The phase: 1, 2, I, II or its name.")]


@app.command("list")
def phases_list(json: JsonFlag = False) -> None:
    """List the phases with their dates and focus.

    Example: coop phases list
    """
    from coopprogram.services.phases import list_phases

    with database(write=False) as db:
        views = list_phases(db)
    if json:
        emit_json(views)
        return
    show_table(
        ("#", "Phase", "Starts", "Ends", "Days", "Focus"),
        views,
        lambda p: (p.number, p.name, p.starts_on, p.ends_on, p.days, dash(p.focus)),
    )


@app.command("show")
def phases_show(phase: PhaseArgument, json: JsonFlag = False) -> None:
    """Show one phase, its focus and its consultant contract.

    Example: coop phases show I
    """
    from coopprogram.services.contracts import contract_for_phase
    from coopprogram.services.phases import get_phase, to_view

    with database(write=False) as db:
        view = to_view(get_phase(db, phase))
        contract = contract_for_phase(db, view.number)
    if json:
        emit_json({"phase": view, "contract": contract})
        return
    say(f"{view.name}: {view.starts_on} to {view.ends_on} ({view.days} days)")
    say(f"Focus: {dash(view.focus)}")
    if contract is None:
        say("Contract: none for this phase yet.")
    else:
        say(
            f"Contract: {contract.consultant}; up to {format_minutes(contract.hour_cap_minutes)} hours at "
            f"{format_money(contract.rate_cents)}/hour (band {format_money(contract.rate_min_cents)}–{format_money(contract.rate_max_cents)})"
        )


@app.command("edit")
def phases_edit(
    phase: PhaseArgument,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    starts: Annotated[
        date | None, typer.Option(metavar="DATE", parser=parse_date_option, help="A new first day.")
    ] = None,
    ends: Annotated[date | None, typer.Option(metavar="DATE", parser=parse_date_option, help="A new last day.")] = None,
    focus: Annotated[str | None, typer.Option(help="A new focus.")] = None,
) -> None:
    """Change a phase's name, dates or focus. Phases may not overlap.

    Example: coop phases edit II --ends 2022-09-30
    """
    from coopprogram.services.phases import edit_phase

    with database(write=True) as db:
        view = edit_phase(db, reference=phase, name=name, starts_on=starts, ends_on=ends, focus=focus)
    say(f"{view.name}: {view.starts_on} to {view.ends_on}. Focus: {dash(view.focus)}")
