"""`coop calendar`: the program's .ics calendar out, and sessions scheduled elsewhere in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coopprogram.cli import complete
from coopprogram.cli.context import database
from coopprogram.cli.output import (
    ForceFlag,
    LangOption,
    OutputFile,
    check_output,
    coop_option,
    emit_bytes,
    group,
    phase_option,
    read_bytes,
    say,
    session_kind_option,
    write_bytes,
)

app = group(
    "The .ics calendar: publish feeds the co-ops subscribe to, sync to a CalDAV calendar, export and import files."
)


@app.command("export")
def calendar_export(
    output: OutputFile = None,
    force: ForceFlag = False,
    phase: Annotated[str | None, phase_option("Only this phase: 1, 2, I or II.")] = None,
    coop: Annotated[str | None, coop_option("One co-op's feed: the sessions it is invited to.")] = None,
    milestones: Annotated[
        bool | None,
        typer.Option(
            "--milestones/--no-milestones",
            help="Include milestones as all-day events (default: yes, but not in a co-op's feed).",
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Write the calendar (.ics) once, for Google Calendar, Outlook, Apple Calendar or Thunderbird.

    A file imported into a calendar is a copy: to keep calendars up to date, use
    `coop calendar publish` (subscription links) or `coop calendar sync` (CalDAV).
    A co-op's feed (--coop) is in that co-op's language unless --lang says otherwise.

    Example: coop calendar export -o sei-program.ics --phase I --lang es
    """
    from coopprogram.calendar_assembly import calendar_file
    from coopprogram.i18n import document_language
    from coopprogram.services.calendar_store import keep_events, mark_sending
    from coopprogram.services.coops import show_coop

    check_output(output, force=force)
    with database(write=True) as db:  # short: one statement, before anything is read to be sent
        mark_sending(db, phase=phase, coop=coop)
    # Put together in a read transaction, so others log hours meanwhile: only the events of sessions
    # changed since they were last rendered are rendered, and kept in a short write once made.
    with database(write=False) as db:
        language = document_language(lang, show_coop(db, coop).language_codes if coop else ())
        made = calendar_file(db, phase=phase, coop=coop, milestones=milestones, lang=language)
    with database(write=True) as db:
        keep_events(db, made.fresh)
    if output is None:
        emit_bytes(made.data)
        return
    write_bytes(output, made.data, force=force)
    say(f"{made.sessions} sessions" + (f" and {made.milestones} milestones" if made.milestones else "") + ".")


@app.command("import")
def calendar_import(
    file: Annotated[Path, typer.Argument(metavar="FILE.ics", help="A calendar file.", exists=True, dir_okay=False)],
    kind: Annotated[str, session_kind_option("The kind given to new sessions.")] = "working-group",
    force: Annotated[bool, typer.Option("--force", help="Also move or cancel sessions already held.")] = False,
) -> None:
    """Bring in sessions scheduled in another calendar, matched by UID (updated, not duplicated).

    An event older than the session here (a lower SEQUENCE) is skipped; a held session is changed
    only with --force. Every change made to what the file says is listed under its event.

    Example: coop calendar import google-export.ics --kind strategy
    """
    from coopprogram.services.calendar_import import import_calendar

    data = read_bytes(file)  # read (and size-checked) before the write lock is taken
    with database(write=True) as db:
        report = import_calendar(db, data=data, kind=kind, force=force)
    for event in report.events:
        say(f"{event.starts or '?'}  {event.title}: {event.action}" + (f" ({event.detail})" if event.detail else ""))
        for note in event.notes:
            say(f"    note: {note}")
    say(
        f"Imported {file}: {report.count('added')} added, {report.count('updated')} updated, {report.count('unchanged')} unchanged, "
        f"{report.count('outside')} outside every phase, {report.count('skipped')} skipped."
    )


@app.command("publish")
def calendar_publish(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="A folder served on the web, or a synced folder (Nextcloud, Dropbox...).",
            file_okay=False,
        ),
    ],
    base_url: Annotated[
        str, typer.Option(metavar="URL", help="The web address of DIR, to print full subscription links.")
    ] = "",
    rotate: Annotated[
        str | None,
        typer.Option(
            metavar="SLUG|all",
            autocompletion=complete.coop_slugs_or_all,
            help="Give a co-op's feed (or every feed) a new secret name first; old links stop working.",
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Write the program's calendar and one per co-op, to subscribe to: calendars then update themselves.

    Each co-op's file has a secret name (kept in the database); the links page, also under a
    secret name, lists the link to send each co-op. Publishing again rewrites only the files
    that changed and removes files left by rotated names. Each co-op's feed is written in the
    first of its languages coop has (`coop coops edit SLUG --languages es,en`).

    Example: coop calendar publish /var/www/calendars --base-url https://sei.example.org/calendars
    """
    from coopprogram.calendar_assembly import PublishedCalendars
    from coopprogram.exporters.feeds import PLACEHOLDER, links_page
    from coopprogram.i18n import document_language
    from coopprogram.publish_folder import Placement, publishing, unchanged_outcome, write_publication
    from coopprogram.services.calendar_publish import PUBLISHED_NAME, publication, rotate_secrets
    from coopprogram.services.calendar_store import keep_events, mark_sending
    from coopprogram.services.sessions import check_link

    if base_url:
        base_url = check_link(base_url)
    program_language = document_language(lang)  # the whole program's feed; a co-op's feed is in its language
    waiting = f"Another `coop calendar publish` is writing to {folder}; waiting for it to finish..."
    with publishing(folder, waiting=lambda: typer.echo(waiting, err=True)):
        with database(write=True) as db:
            rotated = rotate_secrets(db, slug=rotate) if rotate else []
            published = publication(db)  # the names and the calendar token, no calendar yet
            pages = {published.links_file: links_page(published, base_url).encode()}
            if not (folder / "index.html").exists():  # a web server must not list the secret names
                pages["index.html"] = PLACEHOLDER.encode()
            where = Placement(
                language=program_language,
                feed_language={feed.coop_slug: document_language(None, feed.languages) for feed in published.coops},
                pages=pages,
                stale_name=PUBLISHED_NAME,
            )
            outcome = unchanged_outcome(folder, published, where)
            if outcome is None:  # something the feeds show changed since the last publish here
                mark_sending(db)  # the whole program's feed carries every session
        if outcome is None:
            with database(write=False) as db:  # read and written without holding the write lock
                calendars = PublishedCalendars(db, published)
                outcome = write_publication(folder, published, where, calendars)
            with database(write=True) as db:
                made = calendars.assembly
                keep_events(db, made.fresh, renderings_in_use=calendars.renderings_in_use(where.languages(published)))
    changed = outcome.written
    for name in changed:
        say(f"Wrote {folder / name}")
    if rotated:
        say(f"New links for: {', '.join(rotated)}. Send them the new links; the old ones no longer work.")
    say(
        f"Published {len(published.feeds)} calendars to {folder}: {len(changed)} written, {outcome.unchanged} unchanged, "
        f"{outcome.removed} old files removed."
    )
    say(f"The link for each co-op: {folder / published.links_file}")


@app.command("sync")
def calendar_sync(
    url: Annotated[
        str,
        typer.Argument(
            metavar="URL", help="The CalDAV address of a calendar (Nextcloud: the calendar's 'Copy private link')."
        ),
    ],
    coop: Annotated[str | None, coop_option("Only the sessions of this co-op's feed.")] = None,
    phase: Annotated[str | None, phase_option("Only this phase: 1, 2, I or II.")] = None,
    lang: LangOption = None,
) -> None:
    """Push the sessions to a CalDAV calendar: new ones created, changed ones updated, cancelled ones marked so.

    Events are matched by UID, so nothing is ever duplicated, and an unchanged calendar is left
    alone. With --coop, the events are in that co-op's language unless --lang says otherwise. The user name and password come from the URL, COOP_CALDAV_USER and
    COOP_CALDAV_PASSWORD, or ~/.netrc; they are never printed.

    Example: coop calendar sync https://cloud.example.org/remote.php/dav/calendars/maria/sei-program/
    """
    from coopprogram.exporters.ics import render_events
    from coopprogram.i18n import document_language
    from coopprogram.services.calendar import export_view
    from coopprogram.services.calendar_store import mark_sending
    from coopprogram.services.calendar_sync import Outgoing, sync_calendar, target
    from coopprogram.services.coops import show_coop

    target(url)  # a bad address is refused before the database is read
    with database(write=True) as db:  # before anything is read to be sent (calendar_store.mark_sending)
        mark_sending(db, phase=phase, coop=coop)
    with database(write=False) as db:
        language = document_language(lang, show_coop(db, coop).language_codes if coop else ())
        sent = export_view(db, phase=phase, coop=coop, milestones=False, english=language.english)
    data = render_events(sent.titled, language)
    outgoing = [
        Outgoing(e.uid, e.sequence, e.stamp.replace(microsecond=0), e.title, e.cancelled, data[e.uid])
        for e in sent.view.sessions
    ]
    report = sync_calendar(url, events=outgoing)
    for event in report.events:
        if event.action != "unchanged":
            say(f"{event.title}: {event.action}" + (f" ({event.detail})" if event.detail else ""))
    say(
        f"Synced {report.location}: {report.count('created')} created, {report.count('updated')} updated, "
        f"{report.count('cancelled')} cancelled, {report.count('unchanged')} unchanged, {report.count('skipped')} skipped."
    )
