"""`coop status`: the one-screen dashboard of where the program stands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopprogram.cli.context import database
from coopprogram.cli.output import AsOf, JsonFlag, bar, emit_json, say, today
from coopprogram.units import format_minutes, format_money, format_pace, format_percent, plural

if TYPE_CHECKING:
    from coopprogram.services.milestones import MilestoneView
    from coopprogram.services.status import StatusView

NAMES_SHOWN = 10  # co-ops named on the "not reached" line; `coop report` lists them all


def status_command(as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Where the program stands: the phase and how far through it, co-ops, milestones done, overdue and next due.

    Example: coop status --as-of 2022-01-15
    """
    from coopprogram.services.status import program_status

    with database(write=False) as db:
        view = program_status(db, as_of=as_of or today())
    if json:
        emit_json(view)
        return
    _print_status(view)


def _phase_line(view: StatusView) -> str:
    phase = view.current_phase
    if phase is not None:
        return (
            f"{phase.name} · {phase.starts_on} to {phase.ends_on} · day {view.elapsed_days} of {phase.days} "
            f"({format_percent(view.elapsed_days, phase.days)})\n{bar(view.elapsed_days, phase.days)}\nFocus: {phase.focus}"
        )
    if view.before_start:
        return f"Not started: {view.phases[0].name} begins on {view.phases[0].starts_on}."
    if view.after_end:
        return f"Ended: {view.phases[-1].name} closed on {view.phases[-1].ends_on}."
    if view.next_phase is not None:
        return f"Between phases: {view.next_phase.name} begins on {view.next_phase.starts_on}."
    return "No phases are set up. Add them with `coop phases edit`."


def _print_status(view: StatusView) -> None:
    say(f"{view.program.name} — {view.program.organization}")
    say(f"As of {view.as_of}")
    say("")
    say(_phase_line(view))
    say("")
    say(f"Co-ops: {view.coops_active} active ({view.coops_existing} existing, {view.coops_budding} budding)")
    scope = view.current_phase.name if view.current_phase else "all phases"
    say(
        f"Milestones ({scope}): {view.milestones_done} of {view.milestones_total} done · "
        f"{view.milestones_in_progress} in progress · {view.milestones_blocked} blocked · {len(view.overdue)} overdue"
    )
    if view.contract is not None:
        contract = view.contract
        cap = contract.hour_cap_minutes
        say(
            f"Hours ({scope}): {format_minutes(view.used_minutes)} of {format_minutes(cap)} used "
            f"({format_percent(view.used_minutes, cap)}) · {format_minutes(cap - view.used_minutes)} left · "
            f"{format_pace(view.used_minutes - view.planned_minutes)}"
        )
        say(
            f"Rate: {format_money(contract.rate_cents)}/h (band {format_money(contract.rate_min_cents)}–{format_money(contract.rate_max_cents)})"
        )
    if view.unity_line:
        say(f"Points of unity: {view.unity_line}")
    if view.not_reached:
        from coopprogram.services.sessions import NOT_REACHED_DAYS

        names = ", ".join(view.not_reached[:NAMES_SHOWN])
        more = len(view.not_reached) - NAMES_SHOWN
        say(
            f"Not reached in {NOT_REACHED_DAYS} days: {names}"
            + (f" and {more} more (`coop report` lists them)" if more > 0 else "")
        )
    if view.sessions_to_close:
        say(f"Sessions waiting to be closed: {view.sessions_to_close} (`coop sessions list` marks them NEEDS CLOSING)")
    for session in view.next_sessions:
        say(f"Next session: {session.starts_local:%a %Y-%m-%d %H:%M} {session.title}")
    if view.invoices_due:
        due = ", ".join(
            f"{i.reference} {format_money(i.total_cents)} due {i.due_on}" + (" (OVERDUE)" if i.overdue else "")
            for i in view.invoices_due
        )
        say(f"Invoices awaiting payment: {due}")
    if view.earlier_open:
        say(
            f"Earlier phases: {plural(view.earlier_open, 'milestone')} never marked done (`coop milestones list` shows them)"
        )
    _milestone_lines("Overdue milestones:", view.overdue, show_reason=True)
    _milestone_lines("Next due:", view.next_due)


def _milestone_lines(heading: str, milestones: list[MilestoneView], *, show_reason: bool = False) -> None:
    # Plain lines, not a table: the dashboard stays one quick screen without loading Rich.
    if not milestones:
        return
    say("")
    say(heading)
    width = max(len(str(m.id)) for m in milestones)
    for m in milestones:
        state = m.status + (f": {m.blocked_reason}" if show_reason and m.blocked_reason else "")
        say(f"  #{m.id:<{width}}  {m.due_on}  {m.title} ({m.phase_name}, {state})")
