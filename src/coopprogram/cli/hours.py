"""`coop hours`: the consultant's time, logged against the cap of the day's contract."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from coopprogram.cli import output
from coopprogram.cli.context import database
from coopprogram.cli.output import (
    CsvFlag,
    JsonFlag,
    category_option,
    coop_option,
    dash,
    emit_json,
    emit_text,
    group,
    milestone_option,
    parse_clock_option,
    parse_count_option,
    parse_date_option,
    parse_hours_option,
    parse_moment_option,
    parse_month_option,
    say,
    session_option,
    show,
    show_table,
    table,
    warn,
)
from coopprogram.units import HOURS_FORMS, format_minutes, month_bounds

if TYPE_CHECKING:
    from coopprogram.services.hours import LogResult
    from coopprogram.services.timer import StopResult

T = TypeVar("T")

app = group("The consultant's hours: log, time with a timer, list, edit, remove, summarize, suggest.")

HOURS_HELP = f"Time worked: {HOURS_FORMS}."
EntryId = Annotated[
    int, typer.Argument(metavar="ID", parser=parse_count_option, help="The entry's number (`coop hours list`).")
]
Category = Annotated[
    str | None,
    category_option(
        "A category slug (`coop hours categories`). Default: the linked session's kind, else the phase's default."
    ),
]
CoopSlug = Annotated[str | None, coop_option("The co-op this time was for.")]
MilestoneId = Annotated[int | None, milestone_option("The milestone this time served.")]
FromTime = Annotated[
    time | None,
    typer.Option("--from", metavar="HH:MM", parser=parse_clock_option, help="When the work started (24-hour clock)."),
]
ToTime = Annotated[
    time | None, typer.Option("--to", metavar="HH:MM", parser=parse_clock_option, help="When the work ended.")
]
YesFlag = Annotated[bool, typer.Option("--yes", "-y", help="Log a day past 12 billable hours without asking.")]
SessionId = Annotated[int | None, session_option("The session this time was for (`coop sessions list`).")]


@app.command("log")
def hours_log(
    hours: Annotated[
        str | None,
        typer.Argument(
            metavar="[HOURS]", help=HOURS_HELP + " May be left out when --from and --to say it.", show_default=False
        ),
    ] = None,
    description: Annotated[
        str | None,
        typer.Argument(metavar="DESCRIPTION", help="What was done; it becomes the invoice line.", show_default=False),
    ] = None,
    on: Annotated[
        date | None,
        typer.Option("--date", metavar="DATE", parser=parse_date_option, help="The day worked. Default: today."),
    ] = None,
    starts_at: FromTime = None,
    ends_at: ToTime = None,
    category: Category = None,
    session: SessionId = None,
    milestone: MilestoneId = None,
    coop: CoopSlug = None,
    non_billable: Annotated[
        bool, typer.Option("--non-billable", help="Record the time without billing it or counting it against the cap.")
    ] = False,
    yes: YesFlag = False,
) -> None:
    """Log time worked. Billable time past the contract's cap is refused.

    --from/--to record when you worked (HOURS then follows from them, or must agree with them);
    entries whose times overlap on one day are warned about. A day past 12 billable hours asks
    to confirm (in a terminal; --yes otherwise).

    Example: coop hours log 2:30 "Prep for visioning session" --date 2021-10-12
    """
    from coopprogram.services.hours import log_time

    if description is None:  # one word given: the description, the hours coming from --from/--to
        hours, description = None, hours
    if description is None:
        raise typer.BadParameter(
            'give HOURS and a DESCRIPTION, e.g. coop hours log 1:30 "Prep"', param_hint="DESCRIPTION"
        )
    minutes = (
        parse_hours_option(hours) if hours is not None else None
    )  # typed as text so help shows what a person writes
    day = on or output.today()

    def write(confirmed: bool) -> LogResult:
        with database(write=True) as db:
            return log_time(
                db,
                minutes=minutes,
                description=description,
                on=day,
                today=output.today(),
                category=category,
                coop=coop,
                milestone_id=milestone,
                session_id=session,
                billable=not non_billable,
                starts_at=starts_at,
                ends_at=ends_at,
                confirmed=confirmed,
            )

    _said_logged(_confirming(write, yes=yes))


def _confirming(write: Callable[[bool], T], *, yes: bool) -> T:
    """Run a write (`confirmed` = --yes); when the service finds it unusual (NeedsConfirmation:
    a day past 12 billable hours) and a person is at a terminal, ask, and run it again confirmed.
    Each run is its own transaction, so the question never holds the write lock."""
    from coopprogram.errors import NeedsConfirmation

    try:
        return write(yes)
    except NeedsConfirmation as unusual:
        if not output.interactive():
            raise
        typer.confirm(f"{unusual.question} Log it anyway?", abort=True)
        return write(True)


def _said_logged(result) -> None:
    entry = result.entry
    kind = "billable" if entry.billable else "non-billable"
    span = f" {entry.span}" if entry.span else ""
    say(
        f"Logged entry {entry.id}: {format_minutes(entry.minutes)} h on {entry.worked_on}{span} ({entry.category}, {kind})."
    )
    for message in result.warnings:
        warn(message)


@app.command("list")
def hours_list(
    month: Annotated[
        str | None, typer.Option(metavar="YYYY-MM", parser=parse_month_option, help="Only this month.")
    ] = None,
    start: Annotated[
        date | None, typer.Option("--from", metavar="DATE", parser=parse_date_option, help="From this day.")
    ] = None,
    end: Annotated[
        date | None, typer.Option("--to", metavar="DATE", parser=parse_date_option, help="Up to this day.")
    ] = None,
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

        columns = [
            "id",
            "worked_on",
            "starts_at",
            "ends_at",
            "minutes",
            "hours",
            "description",
            "category",
            "billable",
            "coop",
            "milestone_id",
            "session_id",
            "invoice",
        ]
        emit_text(render_csv(columns, [plain(e) | {"hours": format_minutes(e.minutes)} for e in entries]))
        return
    show_table(
        ("Id", "Date", "Time", "Hours", "Description", "Category", "Billed on"),
        entries,
        lambda e: (
            e.id,
            e.worked_on,
            dash(e.span),
            format_minutes(e.minutes),
            e.description,
            e.category,
            dash(e.invoice if e.billable else "non-billable"),
        ),
        empty="No time entries in that period.",
    )
    if entries:
        say(f"{len(entries)} entries, {format_minutes(sum(e.minutes for e in entries))} h")


@app.command("show")
def hours_show(entry_id: EntryId, json: JsonFlag = False) -> None:
    """One time entry: its day, times, hours, what it is linked to and where it is billed.

    Example: coop hours show 12
    """
    from coopprogram.services.hours import show_entry

    with database(write=False) as db:
        entry = show_entry(db, entry_id=entry_id)
    if json:
        emit_json(entry)
        return
    rows = [
        ("Date", str(entry.worked_on)),
        ("Time", dash(entry.span)),
        ("Hours", format_minutes(entry.minutes)),
        ("Description", entry.description),
        ("Category", entry.category),
        ("Phase", str(entry.phase_number)),
        ("Billable", "yes" if entry.billable else "no"),
        ("Co-op", dash(entry.coop)),
        ("Milestone", dash(entry.milestone_id)),
        ("Session", dash(entry.session_id)),
        ("Billed on", dash(entry.invoice)),
    ]
    say(f"Entry {entry.id}")
    for label, value in rows:
        say(f"  {label + ':':<13}{value}")


@app.command("edit")
def hours_edit(
    entry_id: EntryId,
    hours: Annotated[
        int | None, typer.Option("--hours", metavar="HOURS", parser=parse_hours_option, help=HOURS_HELP)
    ] = None,
    description: Annotated[str | None, typer.Option(help="A new description.")] = None,
    on: Annotated[
        date | None, typer.Option("--date", metavar="DATE", parser=parse_date_option, help="A new day.")
    ] = None,
    starts_at: FromTime = None,
    ends_at: ToTime = None,
    category: Category = None,
    session: SessionId = None,
    coop: CoopSlug = None,
    milestone: MilestoneId = None,
    billable: Annotated[bool | None, typer.Option("--billable/--non-billable", help="Bill it or not.")] = None,
    yes: YesFlag = False,
) -> None:
    """Change a time entry not yet on an issued invoice. The cap counts the difference; a day
    past 12 billable hours asks to confirm, as `coop hours log` does.

    With one of --from/--to, the entry's other time stays and the hours follow; new --hours on
    an entry with times keep its start.

    Example: coop hours edit 12 --hours 1:45 --category documentation --coop voces
    """
    from coopprogram.services.hours import edit_entry

    def write(confirmed: bool) -> LogResult:
        with database(write=True) as db:
            return edit_entry(
                db,
                entry_id=entry_id,
                today=output.today(),
                minutes=hours,
                description=description,
                on=on,
                category=category,
                session_id=session,
                billable=billable,
                coop=coop,
                milestone_id=milestone,
                starts_at=starts_at,
                ends_at=ends_at,
                confirmed=confirmed,
            )

    result = _confirming(write, yes=yes)
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


SUMMARY_HEADINGS = {
    "category": "Category",
    "week": "Week of",
    "month": "Month",
    "phase": "Phase",
    "coop": "Co-op",
    "session": "Session",
}


@app.command("summary")
def hours_summary(
    by: Annotated[str, typer.Option(help="Group by category, week, month, phase, coop or session.")] = "category",
    start: Annotated[
        date | None, typer.Option("--from", metavar="DATE", parser=parse_date_option, help="From this day.")
    ] = None,
    end: Annotated[
        date | None, typer.Option("--to", metavar="DATE", parser=parse_date_option, help="Up to this day.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Total hours by category, week (from its Monday), month, phase, co-op or session, over all
    time or a period.

    Example: coop hours summary --by week --from 2021-11-01 --to 2021-11-30
    """
    from coopprogram.services.hours import hours_summary as summary

    with database(write=False) as db:
        rows = summary(db, by=by, start=start, end=end)
    if json:
        emit_json(rows)
        return
    grid = table(SUMMARY_HEADINGS[by], "Hours", "Billable", "Entries")
    for row in rows:
        grid.add_row(row.key, format_minutes(row.minutes), format_minutes(row.billable_minutes), str(row.entries))
    grid.add_row(
        "Total",
        format_minutes(sum(r.minutes for r in rows)),
        format_minutes(sum(r.billable_minutes for r in rows)),
        str(sum(r.entries for r in rows)),
    )
    show(grid)


@app.command("week")
def hours_week(
    day: Annotated[
        date | None,
        typer.Argument(
            metavar="[DATE]",
            parser=parse_date_option,
            help="A day of the week to show. Default: today.",
            show_default=False,
        ),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """The week (Monday to Sunday) as a grid of days and categories with their totals, and the
    cap's pace: billable hours used so far against the share of the phase gone by.

    Example: coop hours week 2021-11-10
    """
    from coopprogram.services.week import week_view
    from coopprogram.units import format_pace, format_percent

    with database(write=False) as db:
        view = week_view(db, day=day or output.today(), today=output.today())
    if json:
        emit_json(view)
        return
    grid = table("Day", *view.categories, "Total", title=f"Week of {view.monday}")
    for one in view.days:
        cells = view.minutes.get(one.isoformat(), {})
        grid.add_row(f"{one:%a} {one}", *(_cell(cells.get(c, 0)) for c in view.categories), _cell(view.day_total(one)))
    grid.add_row("Total", *(_cell(view.category_total(c)) for c in view.categories), format_minutes(view.total))
    show(grid)
    say(
        f"Billable this week: {format_minutes(view.billable_minutes)} h; non-billable: {format_minutes(view.total - view.billable_minutes)} h."
    )
    pace = view.pace
    if pace is None:
        say("The week is outside every phase: no cap to pace against.")
        return
    say(
        f"{pace.phase_name} cap by {pace.as_of}: {format_minutes(pace.used_minutes)} of {format_minutes(pace.cap_minutes)} h used "
        f"({format_percent(pace.used_minutes, pace.cap_minutes)}); {format_percent(pace.elapsed_days, pace.phase_days)} of the phase gone by "
        f"(day {pace.elapsed_days} of {pace.phase_days}): {format_pace(pace.pace_minutes)}."
    )


def _cell(minutes: int) -> str:
    return format_minutes(minutes) if minutes else "–"


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
    show_table(
        ("Slug", "Category", "Phase"),
        rows,
        lambda row: (row.slug, row.name, f"Phase {row.phase_number} only" if row.phase_number else "all"),
    )


# --- the timer -------------------------------------------------------------------------------


def _timer_line(view) -> str:
    links = ", ".join(
        part
        for part in (
            view.category,
            f"session {view.session_id}" if view.session_id else "",
            f"co-op {view.coop}" if view.coop else "",
            f"milestone {view.milestone_id}" if view.milestone_id else "",
            "" if view.billable else "non-billable",
        )
        if part
    )
    return f"'{view.description}'" + (f" ({links})" if links else "")


@app.command("start")
def hours_start(
    description: Annotated[
        str, typer.Argument(metavar="DESCRIPTION", help="What you are doing; it becomes the invoice line.")
    ],
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="TIME", help='When you started, if not now: HH:MM today, or "YYYY-MM-DD HH:MM".'),
    ] = None,
    category: Category = None,
    session: SessionId = None,
    milestone: MilestoneId = None,
    coop: CoopSlug = None,
    non_billable: Annotated[
        bool, typer.Option("--non-billable", help="Time that is not billed and not counted against the cap.")
    ] = False,
) -> None:
    """Start a timer; `coop hours stop` logs its time. One timer per person (your name in the
    audit trail: COOP_USER or `coop config set user NAME`), kept in the database, so it survives
    a reboot and others on a shared database have their own.

    Example: coop hours start "Prep for visioning session" --session 14
    """
    from coopprogram.audit import actor
    from coopprogram.services.timer import start_timer, started_at_from

    moment = (
        parse_moment_option(at) if at is not None else None
    )  # HH:MM or a day and a time: checked before the write lock
    now = output.now()
    with database(write=True) as db:
        started = started_at_from(
            db,
            clock=moment if isinstance(moment, time) else None,
            stamp=moment if isinstance(moment, datetime) else None,
            now=now,
        )
        result = start_timer(
            db,
            user=actor(),
            description=description,
            now=now,
            started_at=started,
            category=category,
            session_id=session,
            milestone_id=milestone,
            coop=coop,
            billable=not non_billable,
        )
    view = result.timer
    say(
        f"Timer started at {view.started_local:%H:%M} on {view.started_local:%Y-%m-%d} for {view.user}: {_timer_line(view)}."
    )
    for message in result.warnings:
        warn(message)


@app.command("stop")
def hours_stop(
    at: Annotated[
        time | None,
        typer.Option(
            "--at",
            metavar="HH:MM",
            parser=parse_clock_option,
            help="When you stopped, if not now (on the day the timer started).",
        ),
    ] = None,
    non_billable: Annotated[
        bool, typer.Option("--non-billable", help="Log the time as non-billable (not counted against the cap).")
    ] = False,
    yes: YesFlag = False,
) -> None:
    """Stop your timer and log its time, rounded to the program's billing step (6 minutes unless
    `coop program set billing-increment` says otherwise), with the clock times it ran. Billable
    time that would pass the cap is refused and the timer keeps running.

    Example: coop hours stop --at 15:30
    """
    from coopprogram.audit import actor
    from coopprogram.services.timer import stop_timer

    now = output.now()
    billable = False if non_billable else None

    def write(confirmed: bool) -> StopResult:
        with database(write=True) as db:
            return stop_timer(db, user=actor(), now=now, at=at, billable=billable, confirmed=confirmed)

    result = _confirming(write, yes=yes)
    entry = result.logged.entry
    rounded = "" if entry.minutes == result.worked_minutes else f", rounded to {result.increment}-minute steps"
    say(
        f"Timer stopped after {format_minutes(result.worked_minutes)} h ({entry.span}). Logged entry {entry.id}: "
        f"{format_minutes(entry.minutes)} h on {entry.worked_on} ({entry.category}, {'billable' if entry.billable else 'non-billable'}{rounded})."
    )
    for message in result.logged.warnings:
        warn(message)


@app.command("status")
def hours_status(json: JsonFlag = False) -> None:
    """What your timer is timing, since when, for how long, and the hours left under the cap.

    Example: coop hours status
    """
    from coopprogram.audit import actor
    from coopprogram.services.timer import timer_status

    with database(write=False) as db:
        view = timer_status(db, user=actor(), now=output.now())
    if json:
        emit_json(view)
        return
    if view is None:
        say(f"No timer is running for {actor()}. Start one with `coop hours start DESCRIPTION`.")
        return
    say(
        f"Timing {_timer_line(view)} since {view.started_local:%Y-%m-%d %H:%M} ({view.zone}): {format_minutes(view.elapsed_minutes)} h so far."
    )
    if view.billable:
        say(f"{view.phase_name} cap: {format_minutes(view.cap_left_minutes)} h left before this timer's time.")
    if view.elapsed_minutes >= 12 * 60:
        warn(
            "The timer has run for more than 12 hours: stop it at the time you stopped (`coop hours stop --at HH:MM`) or cancel it."
        )


@app.command("cancel")
def hours_cancel() -> None:
    """Drop your running timer without logging anything.

    Example: coop hours cancel
    """
    from coopprogram.audit import actor
    from coopprogram.services.timer import cancel_timer

    with database(write=True) as db:
        view = cancel_timer(db, user=actor(), now=output.now())
    say(
        f"Timer cancelled: {_timer_line(view)}, started {view.started_local:%Y-%m-%d %H:%M} ({format_minutes(view.elapsed_minutes)} h); nothing was logged."
    )


# --- hours that follow the sessions ----------------------------------------------------------


@app.command("suggest")
def hours_suggest(
    month: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM", parser=parse_month_option, help="The month's held sessions. Default: this month."
        ),
    ] = None,
    accept: Annotated[
        list[str] | None,
        typer.Option(
            "--accept", metavar="ID", help="Log this suggestion (repeat for several): 14-facilitation, 14-prep."
        ),
    ] = None,
    yes: YesFlag = False,
    json: JsonFlag = False,
) -> None:
    """Time the sessions held in a month call for but that is not logged: each session's
    facilitation (its length, at its times) and usual prep (half its agenda's length, rounded to
    the billing step), ready to accept one by one, so the calendar and the invoice agree.

    Example: coop hours suggest --month 2021-11 --accept 14-facilitation --accept 14-prep
    """
    if accept:
        from coopprogram.services.suggest import accept as accept_suggestions

        def write(confirmed: bool) -> list[LogResult]:
            with database(write=True) as db:
                return accept_suggestions(db, ids=accept, today=output.today(), confirmed=confirmed)

        for result in _confirming(write, yes=yes):
            _said_logged(result)
        return
    from coopprogram.services.suggest import suggestions

    chosen = month or output.today().strftime("%Y-%m")
    with database(write=False) as db:
        found = suggestions(db, month=chosen)
    if json:
        emit_json(found)
        return
    show_table(
        ("Suggestion", "Date", "Time", "Hours", "Description"),
        found,
        lambda s: (
            s.id,
            s.worked_on,
            f"{s.starts_at:%H:%M}–{s.ends_at:%H:%M}" if s.starts_at and s.ends_at else "–",
            format_minutes(s.minutes),
            s.description,
        ),
        empty=f"Nothing to suggest for {chosen}: every session held then has its facilitation and prep logged.",
    )
    if found:
        say(f"Accept with `coop hours suggest --accept {found[0].id}` (repeat --accept for several).")
