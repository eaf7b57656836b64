"""`coop report`: the phase status report, in the terminal, as Markdown or as a printable PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import (
    AsOf,
    ForceFlag,
    OutputFile,
    bar,
    choose_format,
    dash,
    emit_text,
    phase_argument,
    say,
    show_table,
    today,
    write_bytes,
)
from coopprogram.units import format_minutes, format_money, format_pace, format_percent

if TYPE_CHECKING:
    from coopprogram.services.report import ReportView

FORMATS = ("text", "md", "pdf")


def report_command(
    phase: Annotated[
        str | None, phase_argument("1, 2, I or II. Default: the phase of the day.", metavar="[PHASE]")
    ] = None,
    as_of: AsOf = None,
    format: Annotated[
        str,
        typer.Option("--format", "-f", help="text (the terminal), md or pdf. Default: from the file name, else text."),
    ] = "",
    output: OutputFile = None,
    force: ForceFlag = False,
) -> None:
    """The phase status report: milestones, sessions, participation, decisions (the points of unity among them), hours and money, action items.

    Example: coop report I --as-of 2022-01-15 -o phase-1-report.pdf
    """
    from coopprogram.services.report import report

    chosen = choose_format(format, output, FORMATS, default="text")
    with database(write=False) as db:
        view = report(db, phase=phase, as_of=as_of or today())
    if chosen == "pdf":
        from coopprogram.exporters.report import report_pdf

        write_bytes(output, report_pdf(view), force=force)
    elif chosen == "md" or output is not None:  # text written to a file is the Markdown
        from coopprogram.exporters.markdown import report_markdown

        emit_text(report_markdown(view), output=output, force=force)
    else:
        print_report(view)


def print_report(view: ReportView) -> None:

    phase, money = view.phase, view.money
    say(f"{view.program} — {phase.name} status report, as of {view.as_of}")
    say("")
    say(
        f"Phase     {bar(view.elapsed_days, phase.days)} day {view.elapsed_days} of {phase.days} ({format_percent(view.elapsed_days, phase.days)})"
    )
    if money:
        say(
            f"Cap used  {bar(money.used_minutes, money.cap_minutes)} {format_minutes(money.used_minutes)} of {format_minutes(money.cap_minutes)} h "
            f"({format_percent(money.used_minutes, money.cap_minutes)})"
        )
    say(f"Milestones: {view.milestones_done} of {len(view.milestones)} done, {len(view.overdue_milestones)} overdue")
    say(f"Points of unity: {view.unity_line}")
    if view.carry_over and view.carry_over.lines:
        say("")
        say(f"Left open from {view.carry_over.phase_name}:")
        for line in view.carry_over.lines:
            say(f"  {line}")

    say("")
    show_table(
        ("Milestone", "Due", "Status", "Done"),
        view.milestones,
        lambda m: (m.title, m.due_on, ("OVERDUE " if m.overdue else "") + m.status, dash(m.done_on)),
        title="Milestones",
    )

    say("")
    say(
        f"Sessions: {len(view.held)} held, {len(view.cancelled)} cancelled, {len(view.upcoming)} in the next {view.upcoming_days} days, "
        f"{len(view.to_close)} waiting to be closed"
    )
    for s in view.to_close:
        say(f"  to close: {s.starts_local:%Y-%m-%d %H:%M} {s.title} (session {s.id})")
    for s in view.upcoming:
        say(f"  coming:   {s.starts_local:%Y-%m-%d %H:%M} {s.title}")

    say("")
    earlier = (view.previous_phase,) if view.previous_phase else ()
    show_table(
        ("Co-op", "Came", "Absent", "Excused", "Share", "Last", *earlier),
        view.participation,
        lambda row: (
            row.coop + (" — NOT REACHED" if row.not_reached else ""),
            f"{row.attended}/{row.invited}",
            row.absent,
            row.excused,
            row.share_text,
            dash(row.last_attended),
            *([row.earlier_share_text] if earlier else []),
        ),
        title="Participation (sessions open to the co-ops; excused absences do not count against the share)",
    )

    if view.decisions:
        from coopprogram.cli.shared import print_tally

        for decision in view.decisions:
            say("")
            say(f"Decision {decision.id}, {decision.title}: {decision.summary}")
            if decision.tally:
                print_tally(decision.tally)

    say("")
    if money is None:
        say(f"No consultant contract covers {phase.name}.")
    else:
        say(
            f"Hours: {format_minutes(money.used_minutes)} used, {format_minutes(money.left_minutes)} left; {format_pace(money.pace_minutes)}"
            + (f"; the cap runs out on {money.run_out_on} at this pace" if money.run_out_on else "")
        )
        for amendment in view.amendments:
            say(f"Contract amended {amendment}")
        total = sum(r.billable_minutes for r in money.by_month) or 1
        show_table(
            ("Month", "Hours", ""),
            money.by_month,
            lambda r: (r.key, format_minutes(r.billable_minutes), bar(r.billable_minutes, total, width=20)),
            title="Hours by month",
        )
        say(
            f"Invoiced {format_money(money.billed_cents)} · paid {format_money(money.paid_cents)} · outstanding {format_money(view.outstanding_cents)}"
        )

    say("")
    say("Open action items:" if view.actions else "Open action items: none.")
    for a in view.actions:
        say(
            f"  {'OVERDUE ' if a.overdue else ''}{a.title}"
            + (f" — {a.owner}" if a.owner else "")
            + (f", due {a.due_on}" if a.due_on else "")
        )
