"""`coop contract`: the consultant's contract per phase, its cap, rate and amendments."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import (
    JsonFlag,
    PhaseOption,
    emit_json,
    group,
    parse_cap_option,
    parse_date_option,
    parse_money_option,
    phase_argument,
    say,
    today,
)
from coopprogram.units import format_minutes, format_money, format_percent

app = group("The consultant's contract: hour cap, rate inside the band, amendments.")

Reason = Annotated[str, typer.Option(help="Why: kept with the change and shown on reports.")]
Cap = Annotated[
    int | None, typer.Option("--cap", metavar="HOURS", parser=parse_cap_option, help="The new hour cap, e.g. 120.")
]
Rate = Annotated[
    int | None,
    typer.Option("--rate", metavar="DOLLARS", parser=parse_money_option, help="The new hourly rate, e.g. 70."),
]
On = Annotated[
    date | None,
    typer.Option("--on", metavar="DATE", parser=parse_date_option, help="The day it was agreed. Default: today."),
]
Effective = Annotated[
    date | None,
    typer.Option(
        "--effective",
        metavar="DATE",
        parser=parse_date_option,
        help="The first work day the new terms apply to; work before it keeps the old rate. Default: the --on day.",
    ),
]


@app.command("show")
def contract_show(phase: PhaseOption = None, json: JsonFlag = False) -> None:
    """Show a phase's contract: cap, hours used and left, rate and band, amendments.

    Example: coop contract show --phase I
    """
    from coopprogram.services.contracts import describe_amendment, show_contract

    with database(write=False) as db:
        view = show_contract(db, phase=phase, today=today())
    if json:
        emit_json(view)
        return
    say(f"{view.phase_name} contract: {view.consultant}")
    if view.consultant_address:
        say(f"  {view.consultant_address}")
    say(
        f"Cap:   {format_minutes(view.hour_cap_minutes)} h; {format_minutes(view.used_minutes)} used "
        f"({format_percent(view.used_minutes, view.hour_cap_minutes)}), {format_minutes(view.left_minutes)} left"
    )
    in_force = view.rate_on(today())
    say(
        f"Rate:  {format_money(in_force)}/h in force today, within the band {format_money(view.rate_min_cents)}–{format_money(view.rate_max_cents)}"
        + (
            f"; {format_money(view.rate_cents)}/h from {view.changes[-1].effective_on}"
            if in_force != view.rate_cents
            else ""
        )
    )
    for amendment in view.amendments:
        say(f"Amended {describe_amendment(amendment)}")


@app.command("amend")
def contract_amend(
    reason: Reason,
    cap: Cap = None,
    rate: Rate = None,
    phase: PhaseOption = None,
    on: On = None,
    effective: Effective = None,
) -> None:
    """Change a contract's cap or rate, with the reason and the day it takes effect. Each hour is
    billed at the rate in force on the day it was worked. The rate must stay inside the band.

    Example: coop contract amend --rate 65 --effective 2021-11-15 --reason "Rate raised by the working group"
    """
    from coopprogram.services.contracts import amend_contract

    with database(write=True) as db:
        view = amend_contract(
            db,
            phase=phase,
            cap_minutes=cap,
            rate_cents=rate,
            reason=reason,
            on=on or today(),
            today=today(),
            effective_on=effective,
        )
    amendment = view.changes[-1]
    say(
        f"{view.phase_name} contract amended from {amendment.effective_on}: cap {format_minutes(amendment.new_cap_minutes)} h, "
        f"rate {format_money(amendment.new_rate_cents)}/h."
    )


@app.command("extend")
def contract_extend(
    phase: Annotated[str, phase_argument("The phase to cover: 2 or II.")],
    cap: Annotated[int, typer.Option("--cap", metavar="HOURS", parser=parse_cap_option, help="The phase's hour cap.")],
    rate: Annotated[
        int,
        typer.Option("--rate", metavar="DOLLARS", parser=parse_money_option, help="The hourly rate, inside the band."),
    ],
    reason: Reason,
) -> None:
    """Extend the consultant's engagement to another phase, with its own cap (same consultant and band).

    Example: coop contract extend II --cap 80 --rate 65 --reason "Extended for Phase II by the working group"
    """
    from coopprogram.services.contracts import extend_contract

    with database(write=True) as db:
        view = extend_contract(db, phase=phase, cap_minutes=cap, rate_cents=rate, reason=reason, on=today())
    say(
        f"{view.phase_name} contract added: up to {format_minutes(view.hour_cap_minutes)} h at {format_money(view.rate_cents)}/h."
    )
