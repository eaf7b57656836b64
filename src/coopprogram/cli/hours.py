"""`coop hours`: the consultant's time, logged against the cap of the day's contract."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from coopprogram.cli import complete
from coopprogram.cli.context import database
from coopprogram.cli.output import (
    CsvFlag,
    JsonFlag,
    dash,
    emit_json,
    emit_text,
    group,
    parse_count_option,
    parse_date_option,
    parse_hours_option,
    parse_month_option,
    say,
    show,
    show_table,
    table,
    today,
    warn,
)
from coopprogram.units import HOURS_FORMS, format_minutes, month_bounds

app = group("The consultant's hours: log, list, edit, remove, summarize.")

HOURS_HELP = f"Time worked: {HOURS_FORMS}."
EntryId = Annotated[int, typer.Argument(metavar="ID", parser=parse_count_option, help="The entry's number (`coop hours list`).")]
Category = Annotated[str | None, typer.Option(autocompletion=complete.categories, help="A category slug (`coop hours categories`). Default: the linked session's kind, else the phase's default.")]
SessionId = Annotated[int | None, typer.Option("--session", metavar="ID", parser=parse_count_option, autocompletion=complete.session_ids, help="The session this time was for (`coop sessions list`).")]


@app.command("log")
def hours_log(
    hours: Annotated[str, typer.Argument(metavar="HOURS", help=HOURS_HELP, show_default=False)],
    description: Annotated[str, typer.Argument(metavar="DESCRIPTION", help="What was done; it becomes the invoice line.")],
    on: Annotated[date | None, typer.Option("--date", metavar="DATE", parser=parse_date_option, help="The day worked. Default: today.")] = None,
    category: Category = None,
    session: SessionId = None,
    milestone: Annotated[int | None, typer.Option(metavar="ID", parser=parse_count_option, help="The milestone this time served.")] = None,
    coop: Annotated[str | None, typer.Option(metavar="SLUG", help="The co-op this time was for.")] = None,
    non_billable: Annotated[bool, typer.Option("--non-billable", help="Record the time without billing it or counting it against the cap.")] = False,
) -> None:
    """Log time worked. Billable time past the contract's cap is refused.

    Example: coop hours log 2:30 "Prep for visioning session" --date 2021-10-12
    """
    from coopprogram.services.hours import log_time

    minutes = parse_hours_option(hours)  # typed as text so help shows what a person writes
    with database(write=True) as db:
        result = log_time(
            db, minutes=minutes, description=description, on=on or today(), today=today(), category=category,
            coop=coop, milestone_id=milestone, session_id=session, billable=not non_billable,
        )
    entry = result.entry
    kind = "billable" if entry.billable else "non-billable"
    say(f"Logged entry {entry.id}: {format_minutes(entry.minutes)} h on {entry.worked_on} ({entry.category}, {kind}).")
    for message in result.warnings:
        warn(message)


@app.command("list")
def hours_list(
    month: Annotated[str | None, typer.Option(metavar="YYYY-MM", parser=parse_month_option, help="Only this month.")] = None,
    start: Annotated[date | None, typer.Option("--from", metavar="DATE", parser=parse_date_option, help="From this day.")] = None,
    end: Annotated[date | None, typer.Option("--to", metavar="DATE", parser=parse_date_option, help="Up to this day.")] = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """List time entries, oldest first.

    Example: coop hours list --month 2021-11 --csv
    """
    from coopprogram.services.hours import list_entries

    if month and (start or end):
        raise typer.BadParameter("give either --month or --from/--to, not both")
    if month:
        start, end = month_bounds(month)
    with database(write=False) as db:
        entries = list_entries(db, start=start, end=end)
    if json:
        emit_json(entries)
        return
    if csv:
        from coopprogram.exporters.csv import render_csv
        from coopprogram.exporters.json import plain

        columns = ["id", "worked_on", "minutes", "hours", "description", "category", "billable", "coop", "milestone_id", "session_id", "invoice"]
        emit_text(render_csv(columns, [plain(e) | {"hours": format_minutes(e.minutes)} for e in entries]))
        return
    show_table(
        ("Id", "Date", "Hours", "Description", "Category", "Billed on"), entries,
        lambda e: (e.id, e.worked_on, format_minutes(e.minutes), e.description, e.category, dash(e.invoice if e.billable else "non-billable")),
        empty="No time entries in that period.",
    )
    if entries:
        say(f"{len(entries)} entries, {format_minutes(sum(e.minutes for e in entries))} h")


@app.command("edit")
def hours_edit(
    entry_id: EntryId,
    hours: Annotated[int | None, typer.Option("--hours", metavar="HOURS", parser=parse_hours_option, help=HOURS_HELP)] = None,
    description: Annotated[str | None, typer.Option(help="A new description.")] = None,
    on: Annotated[date | None, typer.Option("--date", metavar="DATE", parser=parse_date_option, help="A new day.")] = None,
    category: Category = None,
    session: SessionId = None,
    billable: Annotated[bool | None, typer.Option("--billable/--non-billable", help="Bill it or not.")] = None,
) -> None:
    """Change a time entry not yet on an issued invoice. The cap counts the difference.

    Example: coop hours edit 12 --hours 1:45 --category documentation
    """
    from coopprogram.services.hours import edit_entry

    with database(write=True) as db:
        result = edit_entry(db, entry_id=entry_id, today=today(), minutes=hours, description=description, on=on,
                            category=category, session_id=session, billable=billable)
    entry = result.entry
    say(f"Updated entry {entry.id}: {format_minutes(entry.minutes)} h on {entry.worked_on} ({entry.category}).")
    for message in result.warnings:
        warn(message)


@app.command("remove")
def hours_remove(entry_id: EntryId) -> None:
    """Remove a time entry not yet on an issued invoice.

    Example: coop hours remove 12
    """
    from coopprogram.services.hours import remove_entry

    with database(write=True) as db:
        entry = remove_entry(db, entry_id=entry_id)
    say(f"Removed entry {entry.id}: {format_minutes(entry.minutes)} h on {entry.worked_on}, {entry.description}.")


@app.command("summary")
def hours_summary(
    by: Annotated[str, typer.Option(help="Group by category, month or phase.")] = "category",
    json: JsonFlag = False,
) -> None:
    """Total hours by category, month or phase.

    Example: coop hours summary --by month
    """
    from coopprogram.services.hours import daily_totals, summarize

    with database(write=False) as db:
        rows = summarize(daily_totals(db), by=by)
    if json:
        emit_json(rows)
        return
    grid = table(by.capitalize(), "Hours", "Billable", "Entries")
    for row in rows:
        grid.add_row(row.key, format_minutes(row.minutes), format_minutes(row.billable_minutes), str(row.entries))
    grid.add_row("Total", format_minutes(sum(r.minutes for r in rows)), format_minutes(sum(r.billable_minutes for r in rows)), str(sum(r.entries for r in rows)))
    show(grid)


@app.command("categories")
def hours_categories(json: JsonFlag = False) -> None:
    """List the categories hours can be logged against.

    Example: coop hours categories
    """
    from coopprogram.services.categories import list_categories

    with database(write=False) as db:
        rows = list_categories(db)
    if json:
        emit_json(rows)
        return
    show_table(("Slug", "Category", "Phase"), rows, lambda row: (row.slug, row.name, f"Phase {row.phase_number} only" if row.phase_number else "all"))
