"""`coop init`: create the program's database, optionally with the sample program."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from coopprogram.cli.context import application
from coopprogram.cli.output import say


def init_command(
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the sample program (13 fictional co-ops, Phase I and II milestones).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Start over: back up the existing database, then replace it.")
    ] = False,
) -> None:
    """Create the program database with its defaults (SEI Co-op Working Group, Phase I and II, the Phase I contract).

    Safe to run twice: an existing database keeps its data and is only brought up to date.

    Example: coop init --demo
    """
    from coopprogram.services.setup import initialize

    result = initialize(application().url, demo=demo, force=force)
    if result.backup:
        say(f"Backed up the previous database to {result.backup}")
    if not result.created:
        say(f"The database at {result.location} is already set up; its data was kept.")
        if result.upgraded:
            say("Its schema was brought up to date.")
        hint = "load the sample program instead" if demo else "start over"
        say(f"To {hint}, run `coop init{' --demo' if demo else ''} --force` (it takes a backup first).")
        return
    say(f"Created the program database at {result.location}")
    if result.demo:
        loaded = result.demo
        say(
            f"Loaded the sample program: {loaded.coops} co-ops, {loaded.milestones} milestones, {loaded.sessions} sessions, "
            f"{loaded.entries} time entries, {loaded.invoices} invoices, {loaded.unity_versions} versions of the points of unity."
        )
        _demo_messages(loaded.as_of)
        say("Try: coop status --as-of 2022-01-15")
    else:
        say("Next: add the cohort with `coop coops import FILE.csv` or `coop coops add NAME --kind worker`.")


def _demo_messages(as_of: date) -> None:
    """The sample program's messages, written to the outbox like any composed message."""
    from coopprogram.cli.context import database
    from coopprogram.cli.shared import outbox, write_outbox
    from coopprogram.services.demo import demo_messages

    with database(write=True) as db:
        composed = demo_messages(db, as_of=as_of)
        write_outbox(composed)
    say(f"Wrote its {len(composed)} messages to the co-ops to {outbox()} (`coop messages list`).")
