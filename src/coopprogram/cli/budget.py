"""`coop budget`: hours and dollars against the contract, pace and forecast, with bars."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from coopprogram.cli.context import database
from coopprogram.cli.output import AsOf, JsonFlag, PhaseOption, bar, emit_json, say, show_table, today
from coopprogram.units import format_minutes, format_money, format_pace, format_percent

if TYPE_CHECKING:
    from coopprogram.services.budget import BudgetView
    from coopprogram.services.hours import SummaryRow


def budget_command(phase: PhaseOption = None, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Hours used and left under the cap, dollars at the rate and across the band, pace and the date the cap runs out.

    Example: coop budget --as-of 2022-01-15
    """
    from coopprogram.services.budget import budget

    with database(write=False) as db:
        view = budget(db, phase=phase, as_of=as_of or today())
    if json:
        emit_json(view)
        return
    _print_budget(view)


def _print_budget(view: BudgetView) -> None:
    contract, phase = view.contract, view.phase
    low, high = view.cap_cents_range
    say(f"{phase.name} budget as of {view.as_of} · {contract.consultant}")
    say("")
    say(
        f"Hours   {bar(view.used_minutes, view.cap_minutes)} {format_minutes(view.used_minutes)} of {format_minutes(view.cap_minutes)} "
        f"({format_percent(view.used_minutes, view.cap_minutes)}) · {format_minutes(view.left_minutes)} left"
    )
    say(
        f"Time    {bar(view.elapsed_days, phase.days)} day {view.elapsed_days} of {phase.days} ({format_percent(view.elapsed_days, phase.days)})"
    )
    if view.non_billable_minutes:
        say(f"        plus {format_minutes(view.non_billable_minutes)} h non-billable")
    say("")
    say(
        f"Dollars: {format_money(view.worked_cents)} worked at the rates in force; {format_money(view.left_cents)} left "
        f"at {format_money(contract.rate_cents)}/h (the whole cap costs {format_money(low)}–{format_money(high)} across the band)"
    )
    say(f"Invoiced: {format_money(view.billed_cents)} · paid: {format_money(view.paid_cents)}")
    say("")
    say(
        f"Pace: {format_pace(view.pace_minutes)} (an even pace would have used {format_minutes(view.planned_minutes)} by now)."
    )
    if view.run_out_on is None:
        say("No billable hours yet: nothing to forecast.")
    elif view.runs_out_before_phase_ends:
        say(f"At this pace the cap runs out on {view.run_out_on}, before the phase ends on {phase.ends_on}.")
    else:
        say(
            f"At this pace the cap lasts past the phase's end ({phase.ends_on}); it would run out on {view.run_out_on}."
        )
    for title, rows in (("By category", view.by_category), ("By month", view.by_month)):
        if not rows:
            continue
        say("")
        show_table(
            (title.removeprefix("By ").capitalize(), "Hours", "Share", ""), rows, _share_cells(rows), title=title
        )


def _share_cells(rows: list[SummaryRow]) -> Callable[[SummaryRow], tuple[str, str, str, str]]:
    """A table row's cells: its hours, and its share of all the rows' hours as a percentage and a bar."""
    total = sum(r.billable_minutes for r in rows) or 1
    return lambda row: (
        row.key,
        format_minutes(row.billable_minutes),
        format_percent(row.billable_minutes, total),
        bar(row.billable_minutes, total),
    )
