"""`coop materials`: the program's documents (handouts, slides, drafts, links to recordings),
kept in the private materials folder beside the database, and a session's packet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import (
    ForceFlag,
    JsonFlag,
    LangOption,
    OutputFile,
    dash,
    emit_json,
    group,
    now,
    phase_option,
    read_bytes,
    say,
    session_argument,
    session_option,
    show_table,
    today,
    write_private_file,
)
from coopprogram.cli.shared import materials_folder
from coopprogram.errors import CoopError

if TYPE_CHECKING:
    from coopprogram.services.materials import MaterialView

# Slides, handouts and scans are far larger than the program's own input files (5 MB), but a
# material is read whole, so a wrong file (a video, a device) is still refused.
MAX_MATERIAL_BYTES = 200_000_000

app = group("The program's documents: handouts, slides, links; add, list, export, a session's packet.")

MaterialId = Annotated[int, typer.Argument(metavar="ID", help="The material's number (`coop materials list`).")]


def _size(view: MaterialView) -> str:
    return "link" if view.is_link else f"{(view.size + 1023) // 1024} KB"


@app.command("add")
def materials_add(
    source: Annotated[str, typer.Argument(metavar="FILE|URL", help="A file to keep, or a link (https://...).")],
    session: Annotated[
        int | None, session_option("The session it belongs to (it goes in that session's packet).")
    ] = None,
    phase: Annotated[str | None, phase_option("The phase: 1, 2, I or II (default: the session's).")] = None,
    lang: Annotated[str, typer.Option("--lang", metavar="CODE", help="Its language: en, es, pt, ht...")] = "en",
    title: Annotated[str | None, typer.Option(help="What it is (default: the file's name).")] = None,
) -> None:
    """Add a document to the program's materials: a file is copied into the private materials folder
    beside the database, with its SHA-256; a link is recorded as it is.

    Example: coop materials add visioning-3-slides.pdf --session 16 --lang es --title "Visioning 3 slides (Spanish)"
    """
    from coopprogram.services.materials import add_material

    is_link = source.startswith(("https://", "http://"))
    data = None if is_link else read_bytes(Path(source), limit=MAX_MATERIAL_BYTES)
    with database(write=True) as db:
        view = add_material(
            db,
            on=today(),
            data=data,
            file_name=source if not is_link else "",
            url=source if is_link else None,
            title=title,
            session_id=session,
            phase=phase,
            lang=lang,
        )
        if data is not None and not (materials_folder() / view.stored_name).exists():
            write_private_file(materials_folder() / view.stored_name, data)
    say(
        f"Added material {view.id}: {view.title}"
        + (f" ({view.sha256[:12]}…, kept in {materials_folder()})" if not view.is_link else " (a link)")
        + "."
    )


@app.command("list")
def materials_list(
    session: Annotated[int | None, session_option("Only this session's materials.")] = None,
    phase: Annotated[str | None, phase_option("Only this phase's: 1, 2, I or II.")] = None,
    json: JsonFlag = False,
) -> None:
    """List the program's materials.

    Example: coop materials list --session 16
    """
    from coopprogram.services.materials import list_materials

    with database(write=False) as db:
        views = list_materials(db, session_id=session, phase=phase)
    if json:
        emit_json(views)
        return
    show_table(
        ("Id", "Title", "Lang", "Session", "Phase", "Size", "Added"),
        views,
        lambda v: (v.id, v.title, v.lang, dash(v.session_id), dash(v.phase_number), _size(v), v.added_on),
        empty="No materials yet. Add one with `coop materials add FILE --session ID`.",
    )


@app.command("show")
def materials_show(material_id: MaterialId, json: JsonFlag = False) -> None:
    """Show a material: what it is, where its file is kept and its SHA-256.

    Example: coop materials show 2
    """
    from coopprogram.services.materials import show_material

    with database(write=False) as db:
        view = show_material(db, material_id=material_id)
    if json:
        emit_json(view)
        return
    say(f"{view.id}: {view.title} ({view.lang}), added {view.added_on}")
    if view.session_id:
        say(f"Session: {view.session_id} {view.session_title}")
    if view.phase_number:
        say(f"Phase: {view.phase_number}")
    if view.is_link:
        say(f"Link: {view.url}")
    else:
        say(f"File: {view.file_name}, {_size(view)}")
        say(f"Kept as: {materials_folder() / view.stored_name}")
        say(f"SHA-256: {view.sha256}")


@app.command("remove")
def materials_remove(material_id: MaterialId) -> None:
    """Remove a material from the register (its kept file too, unless another entry uses it).

    Example: coop materials remove 2
    """
    from coopprogram.services.materials import remove_material

    with database(write=True) as db:
        view, unused = remove_material(db, material_id=material_id)
    if unused:
        (materials_folder() / view.stored_name).unlink(missing_ok=True)
    say(f"Removed material {view.id}: {view.title}.")


def _checked_bytes(view: MaterialView) -> bytes:
    from coopprogram.services.materials import file_problem

    problem = file_problem(view, materials_folder())
    if problem:
        raise CoopError(problem)
    return (materials_folder() / view.stored_name).read_bytes()


@app.command("export")
def materials_export(material_id: MaterialId, output: OutputFile = None, force: ForceFlag = False) -> None:
    """Write a material's file out (checked against its SHA-256 first); a link is printed.

    Example: coop materials export 2 -o slides.pdf
    """
    from coopprogram.cli.output import emit_bytes, write_bytes
    from coopprogram.services.materials import show_material

    with database(write=False) as db:
        view = show_material(db, material_id=material_id)
    if view.is_link:
        say(view.url)
        return
    data = _checked_bytes(view)
    if output is None:
        emit_bytes(data)
    else:
        write_bytes(output, data, force=force)


@app.command("packet")
def materials_packet(
    session: Annotated[int, session_argument("The session's number (`coop sessions list`).", metavar="SESSION")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR|FILE.zip",
            help="A new folder, or a .zip file. Default: a folder named after the session.",
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Build a session's packet: its agenda, its materials (links listed in the index) and the
    current points of unity (the adopted version, else the latest), as a folder or a zip.

    With --lang, the agenda, the index and the points of unity (its current translation) are in that language.

    Example: coop materials packet 17 -o unity-workshop-packet.zip --lang pt
    """
    from coopprogram.exporters.agenda import AgendaDocument
    from coopprogram.exporters.markdown import agenda_markdown
    from coopprogram.exporters.packet import material_path, packet_files, safe_name
    from coopprogram.exporters.unity import unity_document
    from coopprogram.i18n import document_language
    from coopprogram.services.agenda import agenda_for
    from coopprogram.services.materials import current_unity_version, list_materials
    from coopprogram.services.program import program_view
    from coopprogram.services.sessions import show_session
    from coopprogram.services.translations import translated_text, with_titles
    from coopprogram.services.unity import show_draft, sign_on

    language = document_language(lang)
    with database(write=False) as db:
        [details], [agenda_view] = with_titles(
            db, sessions=[show_session(db, session_id=session, now=now())], agendas=[agenda_for(db, session_id=session)]
        )
        agenda = AgendaDocument.of(details, agenda_view, language)
        materials = list_materials(db, session_id=session)
        version = current_unity_version(db)
        program = program_view(db)
        unity = None
        if version is not None:
            draft = show_draft(db, version=version)
            found = None if language.english else translated_text(db, draft, lang=language.code)
            unity = unity_document(
                program.name, program.organization, draft, sign_on(db, version=version), language, found
            )
    files = packet_files(agenda_markdown(agenda, language), details.title_in(language.code), materials, unity, language)
    files += [(material_path(view), _checked_bytes(view)) for view in materials if not view.is_link]
    target = output or Path(f"packet-{session}-{safe_name(details.title.lower())}")
    if target.exists():
        raise CoopError(f"{target} already exists; nothing was written. Choose another name with -o.")
    if target.suffix.lower() == ".zip":
        write_private_file(target, _zip(files))
    else:
        for name, data in files:
            write_private_file(target / name, data)
    say(f"Wrote the packet for session {session} to {target}: {len(files)} files.")


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
