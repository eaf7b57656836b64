"""`coop sessions`: the program's meetings, their series, attendance and notes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coopprogram.cli import complete, output
from coopprogram.cli.context import database
from coopprogram.cli.output import (
    AsOf,
    ForceFlag,
    JsonFlag,
    LangOption,
    OutputFile,
    TitleLanguage,
    choose_format,
    coop_argument,
    coop_option,
    dash,
    emit_json,
    emit_text,
    group,
    now,
    only_title,
    parse_count_option,
    parse_date_option,
    parse_start_option,
    phase_option,
    read_text,
    say,
    session_argument,
    session_kind_option,
    show_table,
    text_from,
    write_bytes,
)
from coopprogram.units import plural
from coopprogram.vocab import SessionStatus

if TYPE_CHECKING:
    from coopprogram.services.sessions import SessionView

app = group("Sessions: schedule, list, show, edit, reschedule, cancel, close with minutes, attendance, notes.")

SessionId = Annotated[int, session_argument()]
Start = Annotated[
    datetime,
    typer.Option(
        "--start",
        metavar='"YYYY-MM-DD HH:MM"',
        parser=parse_start_option,
        help="Local time in the program's time zone.",
    ),
]
Series = Annotated[bool, typer.Option("--series", help="Apply to this session and the rest of its series.")]
Invite = Annotated[
    str | None,
    typer.Option(
        "--invite",
        metavar="all|none|SLUG,...",
        autocompletion=complete.invited_coops,
        help="Which co-ops are invited. Default: all active co-ops.",
    ),
]
Slugs = Annotated[list[str] | None, coop_option("Co-ops, repeat the option for each.", name=None)]


def _line(view: SessionView) -> str:
    return f"{view.id}: {view.title} · {view.starts_local:%a %Y-%m-%d} {view.time_span} ({view.kind}, {view.status})"


@app.command("add")
def sessions_add(
    title: Annotated[str, typer.Argument(help="What the meeting is.")],
    kind: Annotated[
        str,
        session_kind_option(
            "visioning, unity, strategy, working-group, political-education, technical-assistance or peer-learning."
        ),
    ],
    start: Start,
    minutes: Annotated[int, typer.Option(metavar="N", parser=parse_count_option, help="Length in minutes.")],
    location: Annotated[str, typer.Option(help="Where it meets in person.")] = "",
    link: Annotated[str, typer.Option(help="The online meeting link.")] = "",
    facilitator: Annotated[str, typer.Option(help="Who facilitates.")] = "",
    invite: Invite = None,
    phase: Annotated[str | None, phase_option("The phase (default: the phase of the date).")] = None,
    repeat: Annotated[
        str | None,
        typer.Option(
            metavar="RULE",
            help='Repeat, in words ("weekly", "every 2 weeks on Tuesday", "monthly on the third Thursday") or as an RRULE (FREQ=WEEKLY;BYDAY=TU).',
        ),
    ] = None,
    until: Annotated[
        date | None, typer.Option(metavar="DATE", parser=parse_date_option, help="Last day of a repeating series.")
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Schedule a series given in words without asking to confirm the rule.")
    ] = False,
) -> None:
    """Schedule a session, or a recurring series of single sessions.

    A repeat given in words is shown back as the rule it becomes, with the number of sessions,
    for you to confirm (in a terminal; --yes skips the question).

    Example: coop sessions add "Working-group call" --kind working-group --start "2021-10-05 18:00" --minutes 60
    --repeat "every 2 weeks on Tuesday" --until 2022-03-29 --invite none
    """
    from coopprogram.repeat_words import rule_from_words
    from coopprogram.services.sessions import add_session, expand_repeat

    rule = None
    if repeat:
        try:
            rule = rule_from_words(repeat)
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--repeat") from None
    if rule and until:
        starts = expand_repeat(rule, start, until)  # a runaway rule is refused before the write lock
        if repeat and "=" not in repeat and not yes and output.interactive():
            typer.confirm(
                f'"{repeat}" is {rule}: {len(starts)} sessions, {starts[0]:%Y-%m-%d} to {starts[-1]:%Y-%m-%d}. Schedule them?',
                abort=True,
            )
    with database(write=True) as db:
        views = add_session(
            db,
            title=title,
            kind=kind,
            start=start,
            minutes=minutes,
            now=now(),
            location=location,
            link=link,
            facilitator=facilitator,
            invite=invite,
            phase=phase,
            repeat=rule,
            until=until,
        )
    if len(views) == 1:
        say(f"Scheduled session {_line(views[0])}.")
    else:
        say(
            f"Scheduled {len(views)} sessions ({rule}), {views[0].starts_local:%Y-%m-%d} to {views[-1].starts_local:%Y-%m-%d}: "
            f"{views[0].id}–{views[-1].id}."
        )


@app.command("list")
def sessions_list(
    phase: Annotated[str | None, phase_option("Only this phase: 1, 2, I or II.")] = None,
    upcoming: Annotated[bool, typer.Option("--upcoming", help="Only sessions still to come.")] = False,
    coop: Annotated[str | None, coop_option("Only sessions this co-op is invited to.")] = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """List sessions in time order; past sessions neither held nor cancelled are marked for closing.

    With --as-of, each session is shown as it stood at the end of that day.

    Example: coop sessions list --phase I --coop casa-limpia
    """
    from coopprogram.services.sessions import end_of, list_sessions

    with database(write=False) as db:
        views = list_sessions(db, now=end_of(db, as_of) if as_of else now(), phase=phase, upcoming=upcoming, coop=coop)
    if json:
        emit_json(views)
        return
    show_table(
        ("Id", "When", "Session", "Kind", "Status", "Attended"),
        views,
        lambda v: (
            v.id,
            f"{v.starts_local:%Y-%m-%d %H:%M}",
            v.title,
            v.kind,
            "NEEDS CLOSING" if v.needs_closing else v.status,
            f"{v.count('attended')}/{len(v.invitees)}" if v.invitees else dash(v.headcount),
        ),
        empty="No sessions match. Schedule one with `coop sessions add TITLE --kind visioning --start ... --minutes 120`.",
    )


@app.command("show")
def sessions_show(session_id: SessionId, json: JsonFlag = False) -> None:
    """Show a session: details, agenda with clock times, attendance and notes.

    Example: coop sessions show 3
    """
    from coopprogram.services.agenda import agenda_for
    from coopprogram.services.sessions import show_session

    with database(write=False) as db:
        view = show_session(db, session_id=session_id, now=now())
        agenda = agenda_for(db, session_id=session_id)
    if json:
        emit_json({"session": view, "agenda": agenda})
        return
    say(_line(view))
    for label, value in (
        ("Time zone", view.timezone),
        ("Location", view.location),
        ("Link", view.link),
        ("Facilitator", view.facilitator),
        ("Cancelled", view.cancel_reason if view.status == SessionStatus.CANCELLED else ""),
        ("Headcount", view.headcount),
    ):
        if value:
            say(f"{label}: {value}")
    if view.needs_closing:
        say(
            f"This session has passed: record attendance (`coop sessions attend {view.id} SLUG...`) or mark it held or cancelled."
        )
    from coopprogram.cli.shared import print_agenda

    print_agenda(agenda)
    show_table(
        ("Co-op", "Attendance"),
        view.invitees,
        lambda invitee: (invitee.name, invitee.attendance),
        title=f"Invited: {len(view.invitees)} co-ops",
    )
    if view.notes:
        say("Notes:")
        say(view.notes)


@app.command("edit")
def sessions_edit(
    session_id: SessionId,
    title: Annotated[str | None, typer.Option(help="A new title.")] = None,
    kind: Annotated[str | None, session_kind_option("A new kind.")] = None,
    minutes: Annotated[
        int | None, typer.Option(metavar="N", parser=parse_count_option, help="A new length in minutes.")
    ] = None,
    location: Annotated[str | None, typer.Option(help="A new place.")] = None,
    link: Annotated[str | None, typer.Option(help="A new online link.")] = None,
    facilitator: Annotated[str | None, typer.Option(help="A new facilitator.")] = None,
    invite: Invite = None,
    series: Series = False,
    lang: TitleLanguage = None,
) -> None:
    """Change a session's details (or the rest of its series with --series). With --lang, --title
    gives its title in that language, shown by calendars, agendas and messages in that language.

    Example: coop sessions edit 4 --location "Chelsea Collaborative, 318 Broadway" --series

    Example: coop sessions edit 4 --lang pt --title "Sessão de visão 1: nossas histórias"
    """
    from coopprogram.services.sessions import edit_session, translate_title

    if lang is not None:
        translated = only_title(title, kind, minutes, location, link, facilitator, invite, True if series else None)
        with database(write=True) as db:
            stored = translate_title(db, session_id=session_id, lang=lang, title=translated)
        say(
            f"Session {session_id}'s title in {lang}: {stored}."
            if stored
            else f"Removed session {session_id}'s title in {lang}."
        )
        return
    with database(write=True) as db:
        views = edit_session(
            db,
            session_id=session_id,
            now=now(),
            series=series,
            title=title,
            kind=kind,
            minutes=minutes,
            location=location,
            link=link,
            facilitator=facilitator,
            invite=invite,
        )
    say(f"Updated {plural(len(views), 'session')}: " + ", ".join(str(v.id) for v in views) + ".")


@app.command("reschedule")
def sessions_reschedule(
    session_id: SessionId,
    start: Start,
    minutes: Annotated[
        int | None, typer.Option(metavar="N", parser=parse_count_option, help="A new length in minutes.")
    ] = None,
    series: Series = False,
) -> None:
    """Move a session to a new time (with --series, move the rest of its series by the same shift).

    Example: coop sessions reschedule 5 --start "2021-11-18 18:30"
    """
    from coopprogram.services.sessions import reschedule_session

    with database(write=True) as db:
        views = reschedule_session(db, session_id=session_id, start=start, now=now(), minutes=minutes, series=series)
    for view in views:
        say(f"Moved {_line(view)}.")


ClosedOn = Annotated[
    date | None,
    typer.Option(
        "--on",
        metavar="DATE",
        parser=parse_date_option,
        help="The day it happened, for reports as of a past day. Default: today.",
    ),
]


@app.command("cancel")
def sessions_cancel(
    session_id: SessionId,
    reason: Annotated[str, typer.Option(help="Why; shown to the co-ops' calendars.")] = "",
    series: Series = False,
    on: ClosedOn = None,
) -> None:
    """Cancel a session (or the rest of its series); calendars that imported it show it cancelled.

    Example: coop sessions cancel 7 --reason "Snow storm"
    """
    from coopprogram.services.sessions import cancel_session

    with database(write=True) as db:
        views = cancel_session(db, session_id=session_id, reason=reason, now=now(), series=series, on=on)
    say(f"Cancelled {plural(len(views), 'session')}: " + ", ".join(str(v.id) for v in views) + ".")


@app.command("held")
def sessions_held(session_id: SessionId, on: ClosedOn = None) -> None:
    """Mark a past session as held.

    Example: coop sessions held 3 --on 2021-11-04
    """
    from coopprogram.services.sessions import mark_held

    with database(write=True) as db:
        view = mark_held(db, session_id=session_id, now=now(), on=on)
    say(f"Session {view.id} is marked held.")


@app.command("attend")
def sessions_attend(
    session_id: SessionId,
    slugs: Annotated[list[str] | None, coop_argument("The co-ops that came.", metavar="SLUG...")] = None,
    absent: Slugs = None,
    excused: Slugs = None,
    headcount: Annotated[
        int | None, typer.Option(metavar="N", parser=parse_count_option, help="How many people came.")
    ] = None,
    on: ClosedOn = None,
) -> None:
    """Record which invited co-ops came (and which were absent or excused); the session is marked held.

    Example: coop sessions attend 3 casa-limpia voces --absent tierra-viva --excused harbor-food --headcount 21
    """
    from coopprogram.services.sessions import record_attendance

    with database(write=True) as db:
        view = record_attendance(
            db,
            session_id=session_id,
            now=now(),
            attended=slugs or [],
            absent=absent or [],
            excused=excused or [],
            headcount=headcount,
            on=on,
        )
    say(
        f"Session {view.id}: {view.count('attended')} attended, {view.count('absent')} absent, {view.count('excused')} excused, "
        f"{view.count('invited')} not recorded, of {len(view.invitees)} invited."
    )


@app.command("notes")
def sessions_notes(
    session_id: SessionId,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", metavar="FILE", help="Read the notes from a text or Markdown file.", exists=True, dir_okay=False
        ),
    ] = None,
) -> None:
    """Record a session's notes (minutes) from a file, or write them in your $EDITOR.

    Example: coop sessions notes 3 --file visioning-1-notes.md
    """
    from coopprogram.services.sessions import set_notes, show_session

    with database(write=False) as db:
        current = show_session(db, session_id=session_id, now=now()).notes
    text = text_from(file, current or "")
    if text is None:
        say("The notes were not changed.")
        return
    with database(write=True) as db:
        view = set_notes(db, session_id=session_id, text=text, now=now())
    say(f"Saved {len(view.notes)} characters of notes for session {view.id}.")


@app.command("close")
def sessions_close(
    session_id: SessionId,
    decision: Annotated[
        list[str] | None, typer.Option("--decision", metavar="TEXT", help="What was decided; repeat for each decision.")
    ] = None,
    notes_file: Annotated[
        Path | None,
        typer.Option(
            "--notes-file", metavar="FILE", help="The notes, from a text or Markdown file.", exists=True, dir_okay=False
        ),
    ] = None,
    on: ClosedOn = None,
) -> None:
    """Close a session that has happened: record its minutes (decisions and notes); it is marked held.
    Record attendance with `coop sessions attend` and its action items with `coop actions add --session ID`;
    `coop messages compose` then writes each invited co-op its follow-up.

    Example: coop sessions close 3 --decision "Adopt the five values as the basis of the draft" --notes-file visioning-3.md
    """
    from coopprogram.services.minutes import close_session

    notes = read_text(notes_file) if notes_file else None
    with database(write=True) as db:
        view = close_session(db, session_id=session_id, now=now(), on=on, decisions=decision or [], notes=notes)
    say(
        f"Closed session {view.session.id} with {len(view.decisions)} decision(s) and {len(view.actions)} action item(s). "
        f"Print the minutes with `coop sessions minutes {view.session.id}`."
    )


@app.command("minutes")
def sessions_minutes(
    session_id: SessionId,
    format: Annotated[
        str, typer.Option("--format", "-f", help="md or pdf. Default: from the file name, else md.")
    ] = "",
    output: OutputFile = None,
    force: ForceFlag = False,
    lang: LangOption = None,
) -> None:
    """Print a session's minutes: the agenda as it ran, attendance by co-op, decisions, action items
    with owners and dates, and the next session (no contact details).

    Example: coop sessions minutes 3 -o visioning-3-minutes.pdf --lang es
    """
    from coopprogram.i18n import document_language
    from coopprogram.services.minutes import minutes_view

    chosen = choose_format(format, output, ("md", "pdf"))
    from coopprogram.services.translations import minutes_with_titles

    with database(write=False) as db:
        view = minutes_with_titles(db, minutes_view(db, session_id=session_id, now=now()))
    language = document_language(lang)
    if chosen == "pdf":
        from coopprogram.exporters.minutes import minutes_pdf

        write_bytes(output, minutes_pdf(view, language), force=force)
        return
    from coopprogram.exporters.minutes import minutes_markdown

    emit_text(minutes_markdown(view, language), output=output, force=force)
