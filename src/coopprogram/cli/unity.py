"""`coop unity`: the points of unity, from first draft to adoption by consent."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import (
    AsOf,
    ForceFlag,
    JsonFlag,
    LangOption,
    OutputFile,
    choose_format,
    coop_argument,
    coop_option,
    dash,
    emit_json,
    emit_text,
    group,
    milestone_option,
    parse_count_option,
    parse_date_option,
    say,
    show_table,
    text_from,
    today,
    version_argument,
    version_option,
)
from coopprogram.vocab import CommentStatus, Stance

if TYPE_CHECKING:
    from coopprogram.services.decisions import CommentView

app = group(
    "Points of unity: versioned drafts, comments, circulation, responses, tally, adoption, withdrawal, diff, export."
)

Version = Annotated[int, version_argument("The version number (`coop unity list`).")]
TextFile = Annotated[
    Path | None,
    typer.Option(
        "--file",
        metavar="FILE.md",
        help="Read the text from a Markdown file (else your $EDITOR opens).",
        exists=True,
        dir_okay=False,
    ),
]
On = Annotated[
    date | None, typer.Option("--on", metavar="DATE", parser=parse_date_option, help="The day. Default: today.")
]


@app.command("new")
def unity_new(
    from_version: Annotated[
        int | None, version_option("Start from this version (default: the latest).", name="--from")
    ] = None,
    file: TextFile = None,
) -> None:
    """Write a new version: a preamble and a numbered list of points, in Markdown.

    Example: coop unity new --file points-of-unity-v2.md
    """
    from coopprogram.services.unity import new_draft, starting_text

    with database(write=False) as db:
        initial = starting_text(db, version=from_version)
    text = text_from(file, initial)
    if text is None:
        say("The text was not changed; no new version was made.")
        return
    with database(write=True) as db:
        view = new_draft(db, text=text)
    say(
        f"Version {view.version} saved as a draft with {len(view.points)} points. Compare: coop unity diff {view.based_on or view.version} {view.version}"
    )


@app.command("edit")
def unity_edit(version: Version, file: TextFile = None) -> None:
    """Change a version's text while it is still a draft.

    Example: coop unity edit 3 --file points-of-unity-v3.md
    """
    from coopprogram.services.unity import edit_draft, editable_text

    with database(write=False) as db:
        initial = editable_text(db, version=version)
    text = text_from(file, initial)
    if text is None:
        say("The text was not changed.")
        return
    with database(write=True) as db:
        view = edit_draft(db, version=version, text=text)
    say(f"Version {view.version} updated: {len(view.points)} points.")


@app.command("list")
def unity_list(json: JsonFlag = False) -> None:
    """List the versions with their status and dates.

    Example: coop unity list
    """
    from coopprogram.services.unity import list_drafts

    with database(write=False) as db:
        views = list_drafts(db)
    if json:
        emit_json(views)
        return
    show_table(
        ("Version", "Status", "Points", "Comments open", "Circulated", "Deadline", "Adopted"),
        views,
        lambda v: (
            v.version,
            v.status,
            len(v.points),
            sum(c.status == CommentStatus.OPEN for c in v.comments),
            dash(v.circulated_on),
            dash(v.deadline),
            dash(v.adopted_on),
        ),
        empty="No draft yet. Start one with `coop unity new --file draft.md`.",
    )


@app.command("show")
def unity_show(
    version: Annotated[int | None, version_argument("Default: the latest.", metavar="[VERSION]")] = None,
    json: JsonFlag = False,
) -> None:
    """Show a version's text, with the comments under the point they are about.

    Example: coop unity show 3
    """
    from coopprogram.services.unity import show_draft, translations

    with database(write=False) as db:
        view = show_draft(db, version=version)
        translated = translations(db, version=view.version)
    if json:
        emit_json(view)
        return
    say(
        f"{view.title or 'Points of unity'} · version {view.version} · {view.status}"
        + (f" · adopted {view.adopted_on}" if view.adopted_on else "")
    )
    if view.deadline:
        say(f"Responses due by {view.deadline}")
    if view.round_end and not view.adopted_on:
        say(f"Round closed: {view.round_end}")
    say("")
    if view.preamble:
        say(view.preamble)
        say("")
    for comment in (c for c in view.comments if c.point is None):
        say(f"    # {_comment(comment)}")
    for number, point in enumerate(view.points, start=1):
        say(f"{number}. {point}")
        for comment in (c for c in view.comments if c.point == number):
            say(f"    # {_comment(comment)}")
    if translated:
        say("")
        say("Translations: " + ", ".join(f"{t.lang} ({t.language_name}) {t.state}" for t in translated))


def _comment(comment: CommentView) -> str:
    state = {
        "open": "open",
        "incorporated": f"incorporated into version {comment.incorporated_in}",
        "declined": f"declined: {comment.decline_reason}",
    }[comment.status]
    return f"comment {comment.id}" + (f" from {comment.coop}" if comment.coop else "") + f" ({state}): {comment.text}"


@app.command("diff")
def unity_diff(
    old: Version,
    new: Annotated[int, version_argument("The later version.")],
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print Markdown (to paste into an email) instead of marked text.")
    ] = False,
) -> None:
    """What changed between two versions, point by point: added, removed, moved, reworded with the words marked.

    Example: coop unity diff 2 3
    """
    from coopprogram.services.unity import diff

    with database(write=False) as db:
        view = diff(db, old=old, new=new)
    if markdown:
        from coopprogram.exporters.markdown import unity_diff_markdown

        emit_text(unity_diff_markdown(view))
        return
    from coopprogram.cli.shared import print_diff

    print_diff(view, "Points of unity")


@app.command("comment")
def unity_comment(
    version: Version,
    text: Annotated[str, typer.Argument(help="The feedback.")],
    coop: Annotated[str | None, coop_option("The co-op it comes from.")] = None,
    point: Annotated[
        int | None, typer.Option(metavar="N", parser=parse_count_option, help="The point it is about.")
    ] = None,
) -> None:
    """Record feedback on a version, from a co-op and about a point.

    Example: coop unity comment 2 "Name undocumented workers explicitly" --coop casa-limpia --point 3
    """
    from coopprogram.services.unity import add_comment

    with database(write=True) as db:
        view = add_comment(db, version=version, text=text, coop=coop, point=point)
    say(f"Comment {view.id} recorded on version {view.version}" + (f", point {view.point}" if view.point else "") + ".")


@app.command("resolve")
def unity_resolve(
    comment: Annotated[
        int, typer.Argument(metavar="COMMENT", help="The comment's number (`coop unity show VERSION`).")
    ],
    incorporated: Annotated[int | None, version_option("The version that took it in.", name="--incorporated")] = None,
    declined: Annotated[
        str | None, typer.Option("--declined", metavar="REASON", help="Why it was not taken in.")
    ] = None,
) -> None:
    """Say what became of a comment: incorporated into a version, or declined with a reason.

    Example: coop unity resolve 4 --incorporated 3
    """
    from coopprogram.services.unity import resolve_comment

    with database(write=True) as db:
        view = resolve_comment(db, comment_id=comment, incorporated_in=incorporated, declined=declined)
    say(
        f"Comment {view.id}: {view.status}"
        + (f" into version {view.incorporated_in}" if view.incorporated_in else f" ({view.decline_reason})")
        + "."
    )


@app.command("circulate")
def unity_circulate(
    version: Version,
    deadline: Annotated[
        date | None, typer.Option(metavar="DATE", parser=parse_date_option, help="When responses are due.")
    ] = None,
    on: On = None,
) -> None:
    """Freeze a version's text and send it round; a round still open on an earlier version closes as replaced by it.

    Example: coop unity circulate 3 --deadline 2022-02-18
    """
    from coopprogram.languages import SHIPPED
    from coopprogram.services.unity import circulate, lacking_translations, list_drafts

    with database(write=True) as db:
        view = circulate(db, version=version, on=on or today(), deadline=deadline, today=today())
        replaced = [v.version for v in list_drafts(db) if v.replaced_by == view.version]
        lacking = lacking_translations(db, version=view.version)
    say(
        f"Version {view.version} is circulating; its text is frozen."
        + (f" Responses are due by {view.deadline}." if view.deadline else "")
        + "".join(
            f" Version {n}'s round is closed: not adopted, replaced by version {view.version}; its responses are kept."
            for n in replaced
        )
    )
    for code, names in lacking.items():
        say(
            f"No current {SHIPPED[code]} translation for {', '.join(names)}: add one with "
            f"`coop unity translate {view.version} --lang {code} --file FILE.md`."
        )


@app.command("withdraw")
def unity_withdraw(
    version: Version,
    reason: Annotated[str, typer.Option(help="Why the round ends without adoption.")] = ...,  # type: ignore[assignment]
    on: On = None,
) -> None:
    """End a version's round without adoption; its responses are kept and a revised version can go round.

    Example: coop unity withdraw 3 --reason "Two blocks on point 4; the working group will revise it"
    """
    from coopprogram.services.unity import withdraw

    with database(write=True) as db:
        view = withdraw(db, version=version, reason=reason, on=on or today(), today=today())
    say(
        f"Version {view.version}: {view.round_end}. Revise it with `coop unity new --from {view.version}` and circulate the new version."
    )


@app.command("respond")
def unity_respond(
    version: Version,
    slug: Annotated[str, coop_argument("The co-op.")],
    decision: Annotated[Stance, typer.Argument(case_sensitive=False, help="Its decision.")],
    reason: Annotated[str, typer.Option(help="Why (needed for a block).")] = "",
    share_reason: Annotated[
        bool,
        typer.Option(
            "--share-reason", help="The co-op agrees to print its reason for standing aside on the sign-on page."
        ),
    ] = False,
    on: On = None,
) -> None:
    """Record a co-op's decision on a circulating version; a change is kept as history.

    Example: coop unity respond 3 casa-limpia endorse
    """
    from coopprogram.services.unity import respond

    with database(write=True) as db:
        view = respond(
            db,
            version=version,
            coop=slug,
            decision=decision,
            reason=reason,
            share_reason=share_reason,
            on=on or today(),
            today=today(),
        )
    say(f"{view.coop_name}: {view.decision} on version {version} ({view.responded_on}).")


@app.command("tally")
def unity_tally(version: Version, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Who endorsed, stood aside, blocked or has not answered; whether the adoption rule is met and what is missing.

    Example: coop unity tally 3
    """
    from coopprogram.services.unity import tally

    with database(write=False) as db:
        view = tally(db, version=version, as_of=as_of or today())
    if json:
        emit_json(view)
        return
    from coopprogram.cli.shared import print_tally

    print_tally(view)


@app.command("adopt")
def unity_adopt(
    version: Version,
    milestone: Annotated[int | None, milestone_option("A milestone to mark done with the adoption.")] = None,
    on: On = None,
) -> None:
    """Adopt a circulating version when the rule holds; it is locked and the previous one superseded.

    Example: coop unity adopt 3 --milestone 7
    """
    from coopprogram.services.unity import adopt

    with database(write=True) as db:
        view = adopt(db, version=version, on=on or today(), milestone_id=milestone, today=today())
    say(
        f"Version {view.version} adopted on {view.adopted_on}; its text is locked."
        + (f" Milestone {milestone} is done." if milestone else "")
    )


@app.command("export")
def unity_export(
    version: Version,
    format: Annotated[
        str, typer.Option("--format", "-f", help="md or pdf. Default: from the file name, else md.")
    ] = "",
    output: OutputFile = None,
    force: ForceFlag = False,
    lang: LangOption = None,
) -> None:
    """Write a version as the document sent round: its dates and deadline, the text, and the sign-on page (endorsements, stand-asides).

    With --lang es or pt, the text is the version's translation (`coop unity translate`) when it
    is current; otherwise the text stays as written, under a note saying so.

    Example: coop unity export 3 -o puntos-de-unidad-v3.pdf --lang es
    """
    from coopprogram.cli.shared import write_document
    from coopprogram.services.unity import show_draft, sign_on

    chosen = choose_format(format, output, ("md", "pdf"))
    with database(write=False) as db:
        draft = show_draft(db, version=version)
        write_document(db, draft, sign_on(db, version=version), chosen, output, force=force, lang=lang)


@app.command("translate")
def unity_translate(
    version: Version,
    lang: Annotated[str, typer.Option("--lang", metavar="CODE", help="The language of the translation: es or pt.")],
    file: TextFile = None,
) -> None:
    """Store a version's text in another language, pinned to the text as it is now: when that
    text changes (`coop unity edit`), the translation shows as out of date until it is stored
    again. Its numbered points must match the version's one for one.

    Example: coop unity translate 3 --lang es --file puntos-de-unidad-v3.md
    """
    from coopprogram.services.unity import starting_text, translate

    with database(write=False) as db:
        start = starting_text(db, version=version)  # translated in place, in the editor, when no --file is given
    text = text_from(file, start)
    if text is None:
        say("The text was left unchanged: nothing was stored.")
        return
    with database(write=True) as db:
        view = translate(db, version=version, lang=lang, text=text)
    say(
        f"Stored the {view.language_name} translation of version {view.version}: {len(view.points)} points, pinned to its text as it is now."
    )
