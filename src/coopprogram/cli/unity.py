"""`coop unity`: the points of unity, from first draft to adoption by consent."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import (
    group,
    AsOf, JsonFlag, OutputFile, choose_format, dash, emit_json, emit_text, parse_count_option, parse_date_option, say, show, show_table, text_from, today, write_bytes,
)

if TYPE_CHECKING:
    from coopprogram.services.unity import DiffView, TallyView

app = group("Points of unity: versioned drafts, comments, circulation, responses, tally, adoption, diff, export.")

Version = Annotated[int, typer.Argument(metavar="VERSION", parser=parse_count_option, help="The version number (`coop unity list`).")]
TextFile = Annotated[Path | None, typer.Option("--file", metavar="FILE.md", help="Read the text from a Markdown file (else your $EDITOR opens).", exists=True, dir_okay=False)]
On = Annotated[date | None, typer.Option("--on", metavar="DATE", parser=parse_date_option, help="The day. Default: today.")]


@app.command("new")
def unity_new(
    from_version: Annotated[int | None, typer.Option("--from", metavar="VERSION", parser=parse_count_option, help="Start from this version (default: the latest).")] = None,
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
    say(f"Version {view.version} saved as a draft with {len(view.points)} points. Compare: coop unity diff {view.based_on or view.version} {view.version}")


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
        ("Version", "Status", "Points", "Comments open", "Circulated", "Deadline", "Adopted"), views,
        lambda v: (v.version, v.status, len(v.points), sum(c.status == "open" for c in v.comments), dash(v.circulated_on), dash(v.deadline), dash(v.adopted_on)),
        empty="No draft yet. Start one with `coop unity new --file draft.md`.",
    )


@app.command("show")
def unity_show(version: Annotated[int | None, typer.Argument(metavar="[VERSION]", parser=parse_count_option, help="Default: the latest.")] = None, json: JsonFlag = False) -> None:
    """Show a version's text, with the comments under the point they are about.

    Example: coop unity show 3
    """
    from coopprogram.services.unity import show_draft

    with database(write=False) as db:
        view = show_draft(db, version=version)
    if json:
        emit_json(view)
        return
    say(f"{view.title or 'Points of unity'} · version {view.version} · {view.status}" + (f" · adopted {view.adopted_on}" if view.adopted_on else ""))
    if view.deadline:
        say(f"Responses due by {view.deadline}")
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


def _comment(comment) -> str:  # noqa: ANN001 - a CommentView
    state = {"open": "open", "incorporated": f"incorporated into version {comment.incorporated_in}", "declined": f"declined: {comment.decline_reason}"}[comment.status]
    return f"comment {comment.id}" + (f" from {comment.coop}" if comment.coop else "") + f" ({state}): {comment.text}"


@app.command("diff")
def unity_diff(
    old: Version,
    new: Annotated[int, typer.Argument(metavar="VERSION", parser=parse_count_option, help="The later version.")],
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown (to paste into an email) instead of marked text.")] = False,
) -> None:
    """What changed between two versions, point by point: added, removed, reworded with the words marked.

    Example: coop unity diff 2 3
    """
    from coopprogram.services.unity import diff

    with database(write=False) as db:
        view = diff(db, old=old, new=new)
    if markdown:
        from coopprogram.exporters.markdown import unity_diff_markdown

        emit_text(unity_diff_markdown(view))
        return
    _print_diff(view)


def _print_diff(view: DiffView) -> None:
    from rich.text import Text

    def words(changes) -> Text:  # noqa: ANN001
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

    say(f"Points of unity: version {view.old_version} -> version {view.new_version}   ([-removed-] {{+added+}})")
    if view.preamble is not None:
        show(Text("Preamble: ") + words(view.preamble))
    for change in view.points:
        if change.kind == "unchanged":
            continue
        label = {"added": f"{change.new_number} (added)", "removed": f"{change.old_number} (removed)",
                 "reworded": f"{change.new_number} (reworded; was {change.old_number})"}[change.kind]
        show(Text(f"Point {label}: ") + words(change.words))
    unchanged = [str(c.new_number) for c in view.points if c.kind == "unchanged"]
    say(f"Unchanged: points {', '.join(unchanged)}." if unchanged else "Every point changed.")


@app.command("comment")
def unity_comment(
    version: Version,
    text: Annotated[str, typer.Argument(help="The feedback.")],
    coop: Annotated[str | None, typer.Option(metavar="SLUG", help="The co-op it comes from.")] = None,
    point: Annotated[int | None, typer.Option(metavar="N", parser=parse_count_option, help="The point it is about.")] = None,
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
    comment: Annotated[int, typer.Argument(metavar="COMMENT", help="The comment's number (`coop unity show VERSION`).")],
    incorporated: Annotated[int | None, typer.Option("--incorporated", metavar="VERSION", parser=parse_count_option, help="The version that took it in.")] = None,
    declined: Annotated[str | None, typer.Option("--declined", metavar="REASON", help="Why it was not taken in.")] = None,
) -> None:
    """Say what became of a comment: incorporated into a version, or declined with a reason.

    Example: coop unity resolve 4 --incorporated 3
    """
    from coopprogram.services.unity import resolve_comment

    with database(write=True) as db:
        view = resolve_comment(db, comment_id=comment, incorporated_in=incorporated, declined=declined)
    say(f"Comment {view.id}: {view.status}" + (f" into version {view.incorporated_in}" if view.incorporated_in else f" ({view.decline_reason})") + ".")


@app.command("circulate")
def unity_circulate(
    version: Version,
    deadline: Annotated[date | None, typer.Option(metavar="DATE", parser=parse_date_option, help="When responses are due.")] = None,
    on: On = None,
) -> None:
    """Freeze a version's text and send it round for each co-op's decision.

    Example: coop unity circulate 3 --deadline 2022-02-18
    """
    from coopprogram.services.unity import circulate

    with database(write=True) as db:
        view = circulate(db, version=version, on=on or today(), deadline=deadline)
    say(f"Version {view.version} is circulating; its text is frozen." + (f" Responses are due by {view.deadline}." if view.deadline else ""))


@app.command("respond")
def unity_respond(
    version: Version,
    slug: Annotated[str, typer.Argument(metavar="SLUG", help="The co-op.")],
    decision: Annotated[str, typer.Argument(metavar="endorse|stand-aside|block", help="Its decision.")],
    reason: Annotated[str, typer.Option(help="Why (needed for a block).")] = "",
    on: On = None,
) -> None:
    """Record a co-op's decision on a circulating version; a change is kept as history.

    Example: coop unity respond 3 casa-limpia endorse
    """
    from coopprogram.services.unity import respond

    with database(write=True) as db:
        view = respond(db, version=version, coop=slug, decision=decision, reason=reason, on=on or today())
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
    print_tally(view)


def print_tally(view: TallyView) -> None:
    from coopprogram.services.unity import blocks_allowed

    say(f"Version {view.version} ({view.status}) as of {view.as_of}: {view.active} active co-ops")
    for label, rows in (("Endorse", view.endorsed), ("Stand aside", view.stood_aside), ("Block", view.blocked)):
        names = ", ".join(r.coop_name + (f" ({r.reason})" if r.reason else "") for r in rows)
        say(f"{label} ({len(rows)}): {names or '–'}")
    say(f"Not answered ({len(view.not_answered)}): {', '.join(view.not_answered) or '–'}")
    say(f"Rule: {blocks_allowed(view.max_blocks)} and at least {view.fraction} endorsing ({view.endorsements_needed} of {view.active}).")
    if view.rule_met:
        say(f"The rule is met: version {view.version} can be adopted (`coop unity adopt {view.version}`).")
    else:
        say("Not yet: " + "; ".join(view.missing) + ".")
    changed = [r for r in view.history if not r.current]
    if changed:
        say("Changed responses: " + "; ".join(f"{r.coop_name} was {r.decision} on {r.responded_on}" for r in changed))


@app.command("adopt")
def unity_adopt(
    version: Version,
    milestone: Annotated[int | None, typer.Option(metavar="ID", parser=parse_count_option, help="A milestone to mark done with the adoption.")] = None,
    on: On = None,
) -> None:
    """Adopt a circulating version when the rule holds; it is locked and the previous one superseded.

    Example: coop unity adopt 3 --milestone 7
    """
    from coopprogram.services.unity import adopt

    with database(write=True) as db:
        view = adopt(db, version=version, on=on or today(), milestone_id=milestone)
    say(f"Version {view.version} adopted on {view.adopted_on}; its text is locked." + (f" Milestone {milestone} is done." if milestone else ""))


@app.command("export")
def unity_export(
    version: Version,
    format: Annotated[str, typer.Option("--format", "-f", help="md or pdf. Default: from the file name, else md.")] = "",
    output: OutputFile = None,
) -> None:
    """Write a version as a document with its status, date and the co-ops that endorsed it (the sign-on page).

    Example: coop unity export 3 -o points-of-unity-v3.pdf
    """
    from coopprogram.exporters.unity import UnityDocument
    from coopprogram.services.program import program_view
    from coopprogram.services.unity import show_draft, signatories

    chosen = choose_format(format, output, ("md", "pdf"))
    with database(write=False) as db:
        program = program_view(db)
        document = UnityDocument.of(program.name, program.organization, show_draft(db, version=version), signatories(db, version=version))
    if chosen == "pdf":
        from coopprogram.exporters.pdf import render_pdf

        write_bytes(output, render_pdf("unity.typ", document))
        return
    from coopprogram.exporters.markdown import unity_markdown

    emit_text(unity_markdown(document), output=output)
