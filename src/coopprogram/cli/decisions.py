"""`coop decisions`: what the cohort or the working group decides by consent (the points of
unity are one such decision, with their own `coop unity` commands). The tally, diff and document
printers it shares with `coop unity` and `coop report` are in cli/shared.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coopprogram.cli import complete
from coopprogram.cli.context import database
from coopprogram.cli.output import (
    AsOf,
    ForceFlag,
    JsonFlag,
    LangOption,
    OutputFile,
    choose_format,
    coop_argument,
    coop_list_option,
    dash,
    emit_json,
    group,
    milestone_option,
    parse_count_option,
    parse_date_option,
    read_text,
    say,
    session_option,
    show_table,
    today,
)
from coopprogram.cli.shared import print_tally, write_document
from coopprogram.vocab import Stance

if TYPE_CHECKING:
    from sqlmodel import Session

    from coopprogram.services.decisions import VersionView

app = group("Decisions by consent: propose, show, list, respond, tally, adopt, withdraw, export.")

DecisionId = Annotated[
    int,
    typer.Argument(
        metavar="DECISION",
        parser=parse_count_option,
        autocompletion=complete.decisions,
        help="The decision's number (`coop decisions list`).",
    ),
]
VersionOption = Annotated[
    int | None,
    typer.Option(
        "--version",
        metavar="N",
        parser=parse_count_option,
        autocompletion=complete.decision_versions,
        help="The version. Default: the latest.",
    ),
]
On = Annotated[
    date | None, typer.Option("--on", metavar="DATE", parser=parse_date_option, help="The day. Default: today.")
]
Deadline = Annotated[
    date | None, typer.Option("--deadline", metavar="DATE", parser=parse_date_option, help="When responses are due.")
]


def _version(db: Session, decision: int, version: int | None) -> int:
    from coopprogram.services.decisions import get_version

    return version if version is not None else get_version(db, decision_id=decision, version=None).version


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@app.command("propose")
def decisions_propose(
    title: Annotated[
        str | None, typer.Argument(metavar="TITLE", help="What is decided (not needed with --revise).")
    ] = None,
    file: Annotated[
        Path,
        typer.Option(
            "--file",
            metavar="FILE.md",
            help="The text: a preamble and a numbered list, in Markdown.",
            exists=True,
            dir_okay=False,
        ),
    ] = ...,  # type: ignore[assignment]
    kind: Annotated[
        str,
        typer.Option(
            autocompletion=complete.decision_kinds,
            help="What sort of decision: phase-plan, calendar, funds, ... (a word of your choosing).",
        ),
    ] = "decision",
    rule: Annotated[
        str | None,
        typer.Option(
            metavar="FRACTION", help="Endorsements needed, e.g. 3/4. Default: the program's (`coop program show`)."
        ),
    ] = None,
    max_blocks: Annotated[int | None, typer.Option(metavar="N", help="Blocks allowed. Default: the program's.")] = None,
    coops: Annotated[str | None, coop_list_option("Only these co-ops decide (default: the whole cohort).")] = None,
    members: Annotated[
        str | None, typer.Option(metavar="NAME,..", help="Working-group members decide instead of co-ops.")
    ] = None,
    supersedes: Annotated[
        int | None,
        typer.Option(
            metavar="DECISION",
            autocompletion=complete.decisions,
            help="The earlier decision this one replaces once adopted.",
        ),
    ] = None,
    session: Annotated[int | None, session_option("The session it came from.")] = None,
    revise: Annotated[
        int | None,
        typer.Option(
            metavar="DECISION",
            autocompletion=complete.decisions,
            help="Send a revised text of this decision round; its open round closes as replaced.",
        ),
    ] = None,
    deadline: Deadline = None,
    on: On = None,
) -> None:
    """Send a decision round: a new one (with its rule and who decides), or a revised version of one.

    Example: coop decisions propose "Phase II plan" --kind phase-plan --file phase-2-plan.md --rule 3/4 --deadline 2022-03-25
    """
    from coopprogram.services import decisions

    if revise is not None and any(
        value is not None for value in (title, rule, max_blocks, coops, members, supersedes, session)
    ):
        raise typer.BadParameter(
            "with --revise give only --file, --deadline and --on: the rule and who decides stay as proposed."
        )
    if revise is None and not title:
        raise typer.BadParameter("give the decision a TITLE (or --revise DECISION to send a revised text).")
    text = read_text(file)
    with database(write=True) as db:
        if revise is not None:
            new = decisions.new_version(db, decision_id=revise, text=text)
            view = decisions.circulate(
                db, decision_id=revise, version=new.version, on=on or today(), today=today(), deadline=deadline
            )
        else:
            assert title is not None  # refused above without one
            view = decisions.propose(
                db,
                title=title,
                text=text,
                on=on or today(),
                today=today(),
                kind=kind,
                deadline=deadline,
                endorse_fraction=rule,
                max_blocks=max_blocks,
                coops=_split(coops),
                members=_split(members),
                supersedes=supersedes,
                session_id=session,
            )
    say(
        f"Decision {view.decision_id} ({view.decision_title}): version {view.version} sent round on {view.circulated_on}"
        + (f", responses due by {view.deadline}." if view.deadline else ".")
        + f" Record responses: coop decisions respond {view.decision_id} WHO endorse"
    )


@app.command("list")
def decisions_list(json: JsonFlag = False) -> None:
    """List the decisions with their latest version and where its round stands.

    Example: coop decisions list
    """
    from coopprogram.services.decisions import list_decisions

    with database(write=False) as db:
        views = list_decisions(db)
    if json:
        emit_json(views)
        return
    show_table(
        ("Decision", "Kind", "Title", "Version", "Status", "Circulated", "Deadline", "Decided by"),
        views,
        lambda d: (
            d.id,
            d.kind,
            d.title,
            dash(d.latest and d.latest.version),
            dash(d.latest and d.latest.status),
            dash(d.latest and d.latest.circulated_on),
            dash(d.latest and d.latest.deadline),
            d.decided_by,
        ),
        empty="No decision yet. Propose one with `coop decisions propose TITLE --file text.md`.",
    )


@app.command("show")
def decisions_show(decision: DecisionId, json: JsonFlag = False) -> None:
    """A decision: its rule, who decides, its links, and each version with how its round ended.

    Example: coop decisions show 2
    """
    from coopprogram.services.decisions import show_decision

    with database(write=False) as db:
        view = show_decision(db, decision_id=decision)
    if json:
        emit_json(view)
        return
    say(f"Decision {view.id}: {view.title} ({view.kind})")
    say(f"Rule: {view.rule}" + (" (the program's)" if view.rule_is_default else " (this decision's own)"))
    say("Decided by: " + (", ".join(view.voters) if view.voters else "the co-ops in the cohort"))
    if view.supersedes:
        say(f"Supersedes decision {view.supersedes}")
    if view.session:
        say(f"From session {view.session}")
    for version in view.versions:
        say(
            f"Version {version.version}: {version.status}"
            + (f", circulated {version.circulated_on}" if version.circulated_on else "")
            + (f", due {version.deadline}" if version.deadline else "")
            + (f"; {version.round_end}" if version.round_end else "")
        )
    if view.latest:
        _print_text(view.latest)


def _print_text(version: VersionView) -> None:
    say("")
    if version.preamble:
        say(version.preamble)
        say("")
    for number, point in enumerate(version.points, start=1):
        say(f"{number}. {point}")


@app.command("respond")
def decisions_respond(
    decision: DecisionId,
    who: Annotated[str, coop_argument("The co-op's slug, or the working-group member's name.", metavar="WHO")],
    stance: Annotated[Stance, typer.Argument(case_sensitive=False, help="Their decision.")],
    reason: Annotated[str, typer.Option(help="Why (needed for a block).")] = "",
    share_reason: Annotated[
        bool,
        typer.Option("--share-reason", help="They agree to print the reason for a stand-aside on the sign-on page."),
    ] = False,
    version: VersionOption = None,
    on: On = None,
) -> None:
    """Record a response to the version going round; a change of mind is kept as history.

    Example: coop decisions respond 2 casa-limpia stand-aside --reason "We cannot staff it" --share-reason
    """
    from coopprogram.services.decisions import respond

    with database(write=True) as db:
        number = _version(db, decision, version)
        view = respond(
            db,
            decision_id=decision,
            version=number,
            voter=who,
            decision=stance,
            reason=reason,
            share_reason=share_reason,
            on=on or today(),
            today=today(),
        )
    say(f"{view.coop_name}: {view.decision} on version {number} of decision {decision} ({view.responded_on}).")


@app.command("tally")
def decisions_tally(
    decision: DecisionId, version: VersionOption = None, as_of: AsOf = None, json: JsonFlag = False
) -> None:
    """Where a round stands (or stood on --as-of): who endorsed, stood aside, blocked or has not answered, and the rule.

    Example: coop decisions tally 2 --as-of 2022-03-20
    """
    from coopprogram.services.decisions import tally

    with database(write=False) as db:
        view = tally(db, decision_id=decision, version=_version(db, decision, version), as_of=as_of or today())
    if json:
        emit_json(view)
        return
    print_tally(view)


@app.command("adopt")
def decisions_adopt(
    decision: DecisionId,
    version: VersionOption = None,
    milestone: Annotated[int | None, milestone_option("A milestone to mark done with the adoption.")] = None,
    on: On = None,
) -> None:
    """Adopt the version going round when its rule holds on that day.

    Example: coop decisions adopt 2 --on 2022-03-28
    """
    from coopprogram.services.decisions import adopt

    with database(write=True) as db:
        view = adopt(
            db,
            decision_id=decision,
            version=_version(db, decision, version),
            on=on or today(),
            today=today(),
            milestone_id=milestone,
        )
    say(
        f"Decision {decision}, version {view.version} adopted on {view.adopted_on}."
        + (f" Milestone {milestone} is done." if milestone else "")
    )


@app.command("withdraw")
def decisions_withdraw(
    decision: DecisionId,
    reason: Annotated[str, typer.Option(help="Why the round ends without adoption.")] = ...,  # type: ignore[assignment]
    version: VersionOption = None,
    on: On = None,
) -> None:
    """End a round without adoption; the responses stay as history and a revised text can go round.

    Example: coop decisions withdraw 2 --reason "Two blocks on the funding formula; revising"
    """
    from coopprogram.services.decisions import withdraw

    with database(write=True) as db:
        view = withdraw(
            db,
            decision_id=decision,
            version=_version(db, decision, version),
            reason=reason,
            on=on or today(),
            today=today(),
        )
    say(
        f"Decision {decision}, version {view.version}: {view.round_end}. Send a revised text with `coop decisions propose --revise {decision} --file FILE.md`."
    )


@app.command("export")
def decisions_export(
    decision: DecisionId,
    version: VersionOption = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="md or pdf. Default: from the file name, else md.")
    ] = "",
    output: OutputFile = None,
    force: ForceFlag = False,
    lang: LangOption = None,
) -> None:
    """Write a version as the document sent round: dates, deadline, text, and the sign-on page.

    Example: coop decisions export 2 -o phase-2-plan.pdf
    """
    from coopprogram.services.decisions import get_version, sign_on, version_view

    chosen = choose_format(format, output, ("md", "pdf"))
    with database(write=False) as db:
        row = get_version(db, decision_id=decision, version=version)
        write_document(
            db,
            version_view(db, row),
            sign_on(db, decision_id=decision, version=row.version),
            chosen,
            output,
            force=force,
            lang=lang,
        )


# --- shared with `coop unity` and `coop report` ----------------------------------------------------
