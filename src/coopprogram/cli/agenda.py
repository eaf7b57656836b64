"""`coop agenda`: a session's agenda items, their clock times, and the printable handout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import (
    ForceFlag,
    JsonFlag,
    LangOption,
    OutputFile,
    TitleLanguage,
    choose_format,
    emit_json,
    emit_text,
    group,
    now,
    only_title,
    parse_count_option,
    session_argument,
    write_bytes,
)
from coopprogram.cli.shared import print_agenda
from coopprogram.vocab import AgendaKind

if TYPE_CHECKING:
    pass

app = group("Session agendas: items with clock times, and the printable agenda.")

SessionId = Annotated[int, session_argument(metavar="SESSION")]
ItemId = Annotated[
    int,
    typer.Argument(metavar="ITEM", parser=parse_count_option, help="The item's number (`coop agenda show SESSION`)."),
]
Minutes = Annotated[int, typer.Option(metavar="N", parser=parse_count_option, help="Length in minutes.")]
KIND_HELP = "What the item is for."


@app.command("show")
def agenda_show(session: SessionId, json: JsonFlag = False) -> None:
    """Show a session's agenda with each item's clock time; an agenda longer than the session is flagged.

    Example: coop agenda show 3
    """
    from coopprogram.services.agenda import agenda_for

    with database(write=False) as db:
        view = agenda_for(db, session_id=session)
    if json:
        emit_json(view)
        return
    print_agenda(view)


@app.command("add")
def agenda_add(
    session: SessionId,
    title: Annotated[str, typer.Argument(help="The item.")],
    minutes: Minutes,
    lead: Annotated[str, typer.Option(help="Who leads it.")] = "",
    kind: Annotated[AgendaKind, typer.Option(case_sensitive=False, help=KIND_HELP)] = AgendaKind.DISCUSSION,
    position: Annotated[
        int | None,
        typer.Option(metavar="N", parser=parse_count_option, help="Where to insert it (1 = first). Default: last."),
    ] = None,
) -> None:
    """Add an item to a session's agenda.

    Example: coop agenda add 3 "Opening circle and land acknowledgment" --minutes 15 --kind opening --lead Marisol
    """
    from coopprogram.services.agenda import add_item

    with database(write=True) as db:
        view = add_item(db, session_id=session, title=title, minutes=minutes, lead=lead, kind=kind, position=position)
    print_agenda(view)


@app.command("edit")
def agenda_edit(
    item: ItemId,
    title: Annotated[str | None, typer.Option(help="A new title.")] = None,
    minutes: Annotated[int | None, typer.Option(metavar="N", parser=parse_count_option, help="A new length.")] = None,
    lead: Annotated[str | None, typer.Option(help="A new lead.")] = None,
    kind: Annotated[AgendaKind | None, typer.Option(case_sensitive=False, help=KIND_HELP)] = None,
    lang: TitleLanguage = None,
) -> None:
    """Change an agenda item. With --lang, --title gives its title in that language (agendas,
    minutes, calendars and messages in that language show it); the item itself is unchanged.

    Example: coop agenda edit 12 --minutes 20

    Example: coop agenda edit 12 --lang es --title "Nuestras historias"
    """
    from coopprogram.services.agenda import edit_item, translate_item

    if lang is not None:
        with database(write=True) as db:
            view = translate_item(db, item_id=item, lang=lang, title=only_title(title, minutes, lead, kind))
    else:
        with database(write=True) as db:
            view = edit_item(db, item_id=item, title=title, minutes=minutes, lead=lead, kind=kind)
    print_agenda(view)


@app.command("move")
def agenda_move(
    item: ItemId,
    position: Annotated[
        int, typer.Argument(metavar="POSITION", parser=parse_count_option, help="The new place, 1 = first.")
    ],
) -> None:
    """Move an agenda item to another place.

    Example: coop agenda move 12 2
    """
    from coopprogram.services.agenda import move_item

    with database(write=True) as db:
        view = move_item(db, item_id=item, position=position)
    print_agenda(view)


@app.command("remove")
def agenda_remove(item: ItemId) -> None:
    """Remove an agenda item.

    Example: coop agenda remove 12
    """
    from coopprogram.services.agenda import remove_item

    with database(write=True) as db:
        view = remove_item(db, item_id=item)
    print_agenda(view)


@app.command("export")
def agenda_export(
    session: SessionId,
    format: Annotated[
        str, typer.Option("--format", "-f", help="md or pdf. Default: from the file name, else md.")
    ] = "",
    output: OutputFile = None,
    force: ForceFlag = False,
    lang: LangOption = None,
) -> None:
    """Write the printable agenda handed out at the meeting (Markdown or PDF).

    Items and the session carry their translated titles where they have one (`coop agenda edit
    ITEM --lang es --title ...`).

    Example: coop agenda export 3 -o visioning-1-agenda.pdf --lang es
    """
    from coopprogram.services.agenda import agenda_for
    from coopprogram.services.sessions import show_session

    chosen = choose_format(format, output, ("md", "pdf"))
    from coopprogram.services.translations import with_titles

    with database(write=False) as db:
        [details], [view] = with_titles(
            db, sessions=[show_session(db, session_id=session, now=now())], agendas=[agenda_for(db, session_id=session)]
        )
    from coopprogram.exporters.agenda import AgendaDocument, agenda_pdf
    from coopprogram.i18n import document_language

    language = document_language(lang)
    document = AgendaDocument.of(details, view, language)
    if chosen == "pdf":
        write_bytes(output, agenda_pdf(document, language), force=force)
        return
    from coopprogram.exporters.markdown import agenda_markdown

    emit_text(agenda_markdown(document, language), output=output, force=force)
