"""`coop consultant`: the payee printed on every invoice (name, address, email, phone, tax ID,
payment instructions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import JsonFlag, emit_json, group, say, warn

if TYPE_CHECKING:
    from coopprogram.services.consultant import PayeeView

app = group("The consultant's profile: the payee every invoice names.")


def _print(view: PayeeView) -> None:
    for label, value in (
        ("Name", view.name),
        ("Address", view.address),
        ("Email", view.email),
        ("Phone", view.phone),
        ("Tax ID", view.tax_id),
        ("Payment", view.payment),
    ):
        say(f"{label + ':':<9}{value or '–'}")
    if view.missing:
        warn(
            f"Invoices need {' and '.join(view.missing)} before a treasurer can pay them: `coop consultant set {view.missing[0]} TEXT`."
        )


@app.command("show")
def consultant_show(json: JsonFlag = False) -> None:
    """Show the payee printed on invoices.

    Example: coop consultant show
    """
    from coopprogram.services.consultant import payee

    with database(write=False) as db:
        view = payee(db)
    if json:
        emit_json(view)
        return
    _print(view)


@app.command("set")
def consultant_set(
    name: Annotated[
        str | None, typer.Option("--name", metavar="TEXT", help="Your name as the treasurer pays it.")
    ] = None,
    address: Annotated[
        str | None, typer.Option("--address", metavar="TEXT", help="Your mailing address (one line; commas are fine).")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", metavar="TEXT", help="Where the treasurer writes about payment.")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", metavar="TEXT", help="A phone number.")] = None,
    tax_id: Annotated[
        str | None,
        typer.Option(
            "--tax-id",
            metavar="TEXT",
            help='A tax ID (EIN or SSN last digits) if the organization needs it; "" to clear.',
        ),
    ] = None,
    payment: Annotated[
        str | None,
        typer.Option("--payment", metavar="TEXT", help="How to pay you: a check's payee and address, or ACH details."),
    ] = None,
) -> None:
    """Set any of the payee's details; the ones not given stay as they are. Issued invoices keep the details they were issued with.

    Example: coop consultant set --name "Marisol Okafor-Reyes" --payment "Check payable to Marisol Okafor-Reyes"
    """
    from coopprogram.services.consultant import set_profile

    with database(write=True) as db:
        view = set_profile(db, name=name, address=address, email=email, phone=phone, tax_id=tax_id, payment=payment)
    _print(view)
