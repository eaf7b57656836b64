"""What several command groups share, so that no command module imports another: the printers
of an agenda, a tally and a text diff, a version's document, and the program's own folders
(the outbox of composed messages, the materials)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from coopprogram.cli.context import application
from coopprogram.cli.output import dash, emit_text, say, show, show_table, warn, write_bytes, write_private_file

if TYPE_CHECKING:
    from sqlmodel import Session

    from coopprogram.services.agenda import AgendaView
    from coopprogram.services.decisions import DiffView, ResponseView, TallyView, VersionView
    from coopprogram.services.messages import OutgoingMessage
    from coopprogram.services.textdiff import WordChange


def print_agenda(view: AgendaView) -> None:
    if not view.items:
        say(f"No agenda yet. Add items with `coop agenda add {view.session_id} TITLE --minutes N`.")
        return
    show_table(
        ("Id", "Time", "Item", "Kind", "Lead", "Minutes"),
        view.items,
        lambda item: (item.id, f"{item.starts_local:%H:%M}", item.title, item.kind, dash(item.lead), item.minutes),
        title=f"Agenda: {view.session_title}",
    )
    if view.overrun:
        say(view.overrun)
    else:
        say(f"{view.total_minutes} of {view.session_minutes} minutes planned.")


def print_tally(view: TallyView) -> None:
    say(
        f"{view.title}, version {view.version} ({view.status}) as of {view.as_of}: {view.active} deciding; circulated {view.circulated_on}"
        + (f", responses due by {view.deadline}" if view.deadline else "")
    )
    if view.overdue:
        say(
            f"The deadline ({view.deadline}) has passed; the round stays open until it is adopted, withdrawn or replaced."
        )
    if view.round_end:
        say(f"The round is closed: {view.round_end}.")
    for label, rows in (("Endorse", view.endorsed), ("Stand aside", view.stood_aside), ("Block", view.blocked)):
        names = ", ".join(r.coop_name + (f" ({r.reason})" if r.reason else "") for r in rows)
        say(f"{label} ({len(rows)}): {names or '–'}")
    say(f"Not answered ({len(view.not_answered)}): {', '.join(view.not_answered) or '–'}")
    say(f"Rule: {view.rule}.")
    if view.adoptable:
        say(f"The rule is met: version {view.version} can be adopted.")
    elif not view.rule_met:
        say(view.verdict)
    changed = [r for r in view.history if not r.current]
    if changed:
        say("Changed responses: " + "; ".join(f"{r.coop_name} was {r.decision} on {r.responded_on}" for r in changed))


def print_diff(view: DiffView, title: str) -> None:
    from rich.text import Text

    def words(changes: list[WordChange]) -> Text:
        line = Text()
        for change in changes:
            if change.kind == "removed":
                line.append(f"[-{change.text}-]", style="red strike")
            elif change.kind == "added":
                line.append(f"{{+{change.text}+}}", style="green bold")
            else:
                line.append(change.text)
            line.append(" ")
        return line

    say(f"{title}: version {view.old_version} -> version {view.new_version}   ([-removed-] {{+added+}})")
    if view.preamble is not None:
        show(Text("Preamble: ") + words(view.preamble))
    for change in view.points:
        if change.kind != "unchanged":
            show(Text(f"Point {change.label}: ") + words(change.words))
    say(view.unchanged_line)


def write_document(
    db: Session,
    draft: VersionView,
    signers: list[ResponseView],
    chosen: str,
    output: Path | None,
    *,
    force: bool = False,
    lang: str | None = None,
) -> None:
    """The document of one version, as Markdown (screen or file) or PDF (file), in `lang`: its
    text translated when a current translation exists, else in its own words with a note saying so."""
    from coopprogram.exporters.unity import unity_document, unity_pdf
    from coopprogram.i18n import document_language
    from coopprogram.languages import SHIPPED
    from coopprogram.services.program import program_view
    from coopprogram.services.translations import translated_text

    program = program_view(db)
    language = document_language(lang)
    found = None if language.english else translated_text(db, draft, lang=language.code)
    document = unity_document(program.name, program.organization, draft, signers, language, found)
    if found is not None and not found.current:
        warn(
            f"The {found.language_name} translation of version {draft.version} is out of date: the text changed after it was made; "
            f"the document is in the version's own words. Update it with `coop unity translate {draft.version} --lang {found.lang} --file FILE`."
        )
    elif found is None and not language.english:
        warn(
            f"Version {draft.version} has no translation into {SHIPPED[language.code]}: its text is in its own words. "
            f"Add one with `coop unity translate {draft.version} --lang {language.code} --file FILE`."
        )
    if chosen == "pdf":
        write_bytes(output, unity_pdf(document, language), force=force)
        return
    from coopprogram.exporters.markdown import unity_markdown

    emit_text(unity_markdown(document, language), output=output, force=force)


def outbox() -> Path:
    from coopprogram.config import outbox_folder

    return outbox_folder(application().url)


def write_outbox(composed: list[OutgoingMessage], lang: str | None = None) -> None:
    """Each composed message as its .eml and, beside it, the .txt for WhatsApp or SMS, in the
    recipient co-op's language (or `lang` for every message)."""
    from coopprogram.exporters.messages import render_emails, short_text
    from coopprogram.i18n import document_language

    folder = outbox()
    languages = [document_language(lang, message.recipient.languages) for message in composed]
    for message, email, language in zip(composed, render_emails(composed, languages), languages, strict=True):
        write_private_file(folder / message.file_name, email)
        write_private_file(
            folder / Path(message.file_name).with_suffix(".txt"), short_text(message, language).encode("utf-8")
        )


def materials_folder() -> Path:
    from coopprogram.config import files_folder

    return files_folder(application().url, "materials")
