"""`coop calendar`: the program's .ics calendar out, and sessions scheduled elsewhere in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import group, OutputFile, emit_bytes, read_bytes, say, write_bytes

app = group("The .ics calendar: export for the co-ops' calendars, import from other calendars.")


@app.command("export")
def calendar_export(
    output: OutputFile = None,
    phase: Annotated[str | None, typer.Option(help="Only this phase: 1, 2, I or II.")] = None,
    coop: Annotated[str | None, typer.Option(metavar="SLUG", help="One co-op's feed: the sessions it is invited to.")] = None,
    milestones: Annotated[
        bool | None, typer.Option("--milestones/--no-milestones", help="Include milestones as all-day events (default: yes, but not in a co-op's feed).")
    ] = None,
) -> None:
    """Write the calendar (.ics) once, for Google Calendar, Outlook, Apple Calendar or Thunderbird.

    A file imported into a calendar is a copy: to keep calendars up to date, use
    `coop calendar publish` (subscription links) or `coop calendar sync` (CalDAV).

    Example: coop calendar export -o sei-program.ics --phase I
    """
    from coopprogram.exporters.ics import render_ics
    from coopprogram.services.calendar import calendar_view, mark_exported

    with database(write=True) as db:
        view = calendar_view(db, phase=phase, coop=coop, milestones=milestones)
        data = render_ics(view)
        mark_exported(db, view)
    if output is None:
        emit_bytes(data)
        return
    write_bytes(output, data)
    say(f"{len(view.sessions)} sessions" + (f" and {len(view.milestones)} milestones" if view.milestones else "") + ".")


@app.command("import")
def calendar_import(
    file: Annotated[Path, typer.Argument(metavar="FILE.ics", help="A calendar file.", exists=True, dir_okay=False)],
    kind: Annotated[str, typer.Option(help="The kind given to new sessions.")] = "working-group",
    force: Annotated[bool, typer.Option("--force", help="Also move or cancel sessions already held.")] = False,
) -> None:
    """Bring in sessions scheduled in another calendar, matched by UID (updated, not duplicated).

    An event older than the session here (a lower SEQUENCE) is skipped; a held session is changed
    only with --force. Every change made to what the file says is listed under its event.

    Example: coop calendar import google-export.ics --kind strategy
    """
    from coopprogram.services.calendar_import import import_calendar

    with database(write=True) as db:
        report = import_calendar(db, data=read_bytes(file), kind=kind, force=force)
    for event in report.events:
        say(f"{event.starts or '?'}  {event.title}: {event.action}" + (f" ({event.detail})" if event.detail else ""))
        for note in event.notes:
            say(f"    note: {note}")
    say(f"Imported {file}: {report.count('added')} added, {report.count('updated')} updated, {report.count('unchanged')} unchanged, "
        f"{report.count('outside')} outside every phase, {report.count('skipped')} skipped.")
