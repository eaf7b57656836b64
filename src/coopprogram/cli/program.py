"""`coop program`: the program's name, organization, cohort and time zone."""

from __future__ import annotations

from typing import Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import JsonFlag, emit_json, group, say

app = group("The program's own facts: name, organization, cohort, time zone.")

FIELD_HELP = (
    "One of: name, organization, short-name, cohort, timezone, bill-to, invoice-pattern, payment-days, "
    "billing-increment, adoption-endorsements, adoption-max-blocks, mail-from, reminder-days."
)


@app.command("show")
def program_show(json: JsonFlag = False) -> None:
    """Show the program's name, organization, cohort and time zone.

    Example: coop program show
    """
    from coopprogram.services.program import program_view

    with database(write=False) as db:
        view = program_view(db)
    if json:
        emit_json(view)
        return
    from coopprogram.services.decisions import blocks_allowed

    say(f"Program:      {view.name}")
    say(f"Organization: {view.organization} ({view.short_name})")
    say(f"Cohort:       {view.cohort}")
    say(f"Time zone:    {view.timezone}")
    say(f"Bill to:      {view.bill_to or view.organization}")
    say(
        f"Invoices:     numbered {view.invoice_pattern}, due in {view.payment_days} days, "
        f"time billed in steps of {view.billing_increment_minutes} minutes"
    )
    say(
        f"Adoption:     decisions (the points of unity among them) adopted with {blocks_allowed(view.adoption_max_blocks)} and "
        f"endorsements from at least {view.adoption_endorse_fraction} of those who decide, unless a decision sets its own rule"
    )
    sender = view.mail_from or '(not set: coop program set mail-from "Name <address>")'
    say(f"Messages:     from {sender}; reminders {view.reminder_days} day(s) before a session")


@app.command("set")
def program_set(
    field: Annotated[str, typer.Argument(help=FIELD_HELP, metavar="FIELD")],
    value: Annotated[str, typer.Argument(help="The new value.")],
) -> None:
    """Change one of the program's facts.

    Example: coop program set cohort "13 Black- and brown-led co-ops"
    """
    from coopprogram.services.program import set_program_field

    with database(write=True) as db:
        set_program_field(db, field=field, value=value)
    say(f"Program {field} set to: {value.strip()}")
