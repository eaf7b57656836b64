"""Markdown documents: text a person pastes into an email or a shared document.

Every value that came from a person is escaped, so a description cannot turn into a link,
a heading or a broken table.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from coopprogram.exporters.agenda import AgendaDocument
from coopprogram.exporters.unity import UnityDocument
from coopprogram.i18n import ENGLISH, Language
from coopprogram.units import format_minutes, format_money, format_pace, format_percent

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from coopprogram.services.decisions import DiffView
    from coopprogram.services.invoices import InvoiceDocument
    from coopprogram.services.report import ReportView
    from coopprogram.services.sessions import SessionView
    from coopprogram.services.textdiff import WordChange

# Characters that change meaning anywhere in a line (emphasis, code, links, tables, HTML).
_SPECIAL = re.compile(r"([\\`*_{}\[\]!|<>~])")
# And what changes a line's meaning at its start (a paragraph, a name after "1. "): a heading,
# a list item (`-`, `+`, `1.`, `2)`), a rule (`---`) or a heading's underline (`===`).
_LINE_START = re.compile(r"^(?:([#+=-])|(\d+)([.)]))")


def escape(text: object) -> str:
    """Markdown-inert text on one line: special characters backslashed, line breaks folded, and
    a marker at its start (heading, list, rule) backslashed too, wherever the text lands."""
    inert = _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return _LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", inert)


def invoice_markdown(doc: InvoiceDocument, lang: Language = ENGLISH) -> str:
    from coopprogram.exporters import invoice as words

    money, hours = lang.money, lang.hours
    out = [f"# {words.title(doc, lang)} {escape(doc.reference)}", ""]
    if doc.changes:
        out += [
            lang("**Out of date:** {changes}. Draft it again before issuing.").format(changes=escape(doc.changes)),
            "",
        ]
    facts = [
        (lang("Status"), words.status(doc, lang)),
        (lang("Period"), words.period(doc, lang)),
        (lang("Issued"), lang.date(doc.issued_on)),
        (lang("Terms"), words.payment_terms(doc, lang) if doc.kind == "invoice" else None),
        (lang("Paid in full"), lang.date(doc.paid_on)),
        (lang("Voided"), f"{lang.date(doc.voided_on)} ({doc.void_reason})" if doc.voided_on else None),
        (lang("Credits invoice"), doc.credit_for),
        (lang("Cancelled by credit note"), doc.credited_by),
    ]
    out += [f"- **{label}:** {escape(value)}" for label, value in facts if value]
    header = (lang("Date"), lang("Description"), lang("Category"), lang("Hours"), lang("Rate"), lang("Amount"))
    sender, bill_to, for_ = lang("From:"), lang("Bill to:"), lang("For:")
    out += [
        "",
        f"**{sender}** " + "  \n".join(escape(line) for line in words.from_lines(doc, lang)),
        "",
        f"**{bill_to}** {escape(doc.bill_to)}",
        "",
        f"**{for_}** {escape(doc.program)}, {escape(doc.phase_name)}"
        + (lang("; under the {contract}").format(contract=escape(doc.contract_label)) if doc.contract_label else ""),
        "",
        "| " + " | ".join(header) + " |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    out += [
        f"| {lang.table_date(line.worked_on)} | {escape(line.description)} | {escape(line.category)} | {hours(line.minutes)} | "
        f"{money(line.rate_cents)} | {money(line.amount_cents)} |"
        for line in doc.lines
    ]
    out += [f"| | **{lang('Total')}** | | **{hours(doc.total_minutes)}** | | **{money(doc.total_cents)}** |", ""]
    for payment in doc.payments:
        undone = (
            lang(" (undone {day}: {reason})").format(
                day=lang.date(payment.undone_on), reason=escape(payment.undo_reason)
            )
            if payment.undone_on
            else ""
        )
        out.append(
            "- "
            + lang("Payment received {day}").format(day=lang.date(payment.paid_on))
            + f": {money(payment.amount_cents)}{undone}"
        )
    if doc.kind == "invoice" and doc.status != "void":
        out += ["", "**" + lang("Amount due: {amount}").format(amount=money(doc.amount_due_cents)) + "**", ""]
    if doc.payee is not None and doc.payee.payment:
        out += [f"**{lang('How to pay:')}** {escape(doc.payee.payment)}", ""]
    out += [escape(words.billing_rule(doc, lang)), ""]
    by_category = (lang("Category"), lang("Hours"), lang("Amount"))
    out += [f"## {lang('By category')}", "", "| " + " | ".join(by_category) + " |", "| --- | ---: | ---: |"]
    out += [f"| {escape(s.category)} | {hours(s.minutes)} | {money(s.amount_cents)} |" for s in doc.subtotals]
    out += [
        "",
        lang(
            "Hours under the {phase} cap (as logged, to the minute): {used} used of {cap}, {left} left (through {period})."
        ).format(
            phase=escape(doc.phase_name),
            used=format_minutes(doc.used_minutes),
            cap=format_minutes(doc.cap_minutes),
            left=format_minutes(doc.left_minutes),
            period=escape(words.period(doc, lang)),
        ),
    ]
    if doc.amendments:
        out += ["", lang("Contract amendments in this period:"), ""] + [f"- {escape(a)}" for a in doc.amendments]
    return "\n".join(out) + "\n"


def agenda_markdown(doc: AgendaDocument, lang: Language = ENGLISH) -> str:
    out = [
        f"# {escape(doc.title)}",
        "",
        f"{escape(doc.kind_name)} · {lang.long_date(doc.starts_local)} · {doc.time_span} ({escape(doc.timezone)})",
    ]
    if doc.status == "cancelled":
        out += ["", f"**{lang('This session is cancelled.')}**"]
    for label, value in (
        (lang("Where:"), doc.location),
        (lang("Online:"), doc.link),
        (lang("Facilitator:"), doc.facilitator),
    ):
        if value:
            out.append(f"  \n{label} {escape(value)}")
    header = (lang("Time"), lang("Item"), lang("Lead"), lang("Minutes"))
    out += ["", "| " + " | ".join(header) + " |", "| --- | --- | --- | ---: |"]
    out += [
        f"| {item.starts_local:%H:%M} | {escape(item.title)} | {escape(item.lead)} | {item.minutes} |"
        for item in doc.items
    ]
    if doc.overrun:
        out += ["", f"**{escape(doc.overrun)}**"]
    return "\n".join(out) + "\n"


def _words(changes: list[WordChange]) -> str:
    """Removed words struck through, added words in bold."""
    marks = {"same": "{}", "removed": "~~{}~~", "added": "**{}**"}
    return " ".join(marks[change.kind].format(escape(change.text)) for change in changes)


def unity_diff_markdown(view: DiffView) -> str:
    out = [f"# Points of unity: version {view.old_version} → version {view.new_version}", ""]
    if view.preamble is not None:
        out += ["**Preamble (reworded):** " + _words(view.preamble), ""]
    for change in view.points:
        if change.kind != "unchanged":
            out.append(f"- **Point {change.label}:** {_words(change.words)}")
    out += ["", view.unchanged_line]
    return "\n".join(out) + "\n"


def unity_markdown(doc: UnityDocument, lang: Language = ENGLISH) -> str:
    out = [
        f"# {escape(doc.title or lang('Points of unity'))}",
        "",
        f"*{escape(doc.program)} · {lang('version')} {doc.version} · {doc.status_word}*",
        "",
        f"*{escape(doc.dates_line)}*",
        "",
    ]
    if doc.translation_note:
        out += [f"**{escape(doc.translation_note)}**", ""]
    if doc.preamble:
        out += [escape(paragraph) for paragraph in doc.preamble.split("\n\n")] + [""]
    out += [f"{number}. {escape(point)}" for number, point in enumerate(doc.points, start=1)]
    out += ["", f"## {lang('Endorsed by')}", ""]
    out += [f"- {escape(name)}" for name in doc.endorsed_by] or [lang("No one has endorsed this version yet.")]
    if doc.stood_aside:
        out += ["", f"## {lang('Standing aside')}", ""] + [f"- {escape(entry)}" for entry in doc.stood_aside]
    return "\n".join(out) + "\n"


def _pct(part: int, whole: int) -> str:
    return format_percent(part, whole)


def report_markdown(view: ReportView) -> str:
    phase = view.phase
    out: list[str] = []
    add = out.append
    add(f"# {escape(view.program)}: {escape(phase.name)} status report")
    add(f"*{escape(view.organization)} · as of {view.as_of}*")
    add("")
    add("## At a glance")
    add("")
    add(
        f"- **{escape(phase.name)}:** {phase.starts_on} to {phase.ends_on}; day {view.elapsed_days} of {phase.days} "
        f"({_pct(view.elapsed_days, phase.days)} of the phase elapsed)"
    )
    if view.money:
        add(
            f"- **Hours:** {format_minutes(view.money.used_minutes)} of {format_minutes(view.money.cap_minutes)} used "
            f"({_pct(view.money.used_minutes, view.money.cap_minutes)} of the cap)"
        )
    add(
        f"- **Milestones:** {view.milestones_done} of {len(view.milestones)} done, {len(view.overdue_milestones)} overdue"
    )
    add(f"- **Points of unity:** {escape(view.unity_line)}")
    add(
        f"- **Co-ops not reached in {view.not_reached_days} days:** {len(view.not_reached)} of {len(view.participation)}"
    )
    add("")
    if view.carry_over and view.carry_over.lines:
        add(f"## Left open from {escape(view.carry_over.phase_name)}")
        add("")
        out.extend(f"- {escape(line)}" for line in view.carry_over.lines)
        add("")
    add("## Milestones")
    add("")
    add("| Milestone | Due | Status | Done |")
    add("| --- | --- | --- | --- |")
    for m in view.milestones:
        status = (
            m.status
            + (" — **OVERDUE**" if m.overdue else "")
            + (f" ({escape(m.blocked_reason)})" if m.blocked_reason else "")
        )
        add(f"| {escape(m.title)} | {m.due_on} | {status} | {m.done_on or ''} |")
    add("")
    add("## Sessions")
    add("")
    add(
        f"Held: {len(view.held)} · cancelled: {len(view.cancelled)} · coming in the next {view.upcoming_days} days: {len(view.upcoming)} · "
        f"waiting to be closed: {len(view.to_close)}"
    )
    add("")
    if view.held:
        add("| Held | Session | Co-ops attending |")
        add("| --- | --- | ---: |")
        for s in view.held:
            add(f"| {s.starts_local:%Y-%m-%d} | {escape(s.title)} | {attending(s)} |")
        add("")
    for title, rows in (
        ("Coming up", view.upcoming),
        ("Waiting to be closed", view.to_close),
        ("Cancelled", view.cancelled),
    ):
        if rows:
            add(f"**{title}:** " + "; ".join(f"{s.starts_local:%Y-%m-%d %H:%M} {escape(s.title)}" for s in rows))
            add("")
    add("## Participation")
    add("")
    earlier = f" {escape(view.previous_phase)} |" if view.previous_phase else ""
    add("Excused absences do not count against a co-op's share; – : no session open to it has been held yet.")
    add("")
    add("| Co-op | Attended | Absent | Excused | Share | Last session |" + earlier)
    add("| --- | ---: | ---: | ---: | ---: | --- |" + (" ---: |" if earlier else ""))
    for row in view.participation:
        flag = " — **not reached**" if row.not_reached else ""
        add(
            f"| {escape(row.coop)}{flag} | {row.attended} of {row.invited} | {row.absent} | {row.excused} | {row.share_text} | {row.last_attended or '–'} |"
            + (f" {row.earlier_share_text} |" if earlier else "")
        )
    add("")
    add("## Decisions")
    add("")
    if not view.decisions:
        add("No decision had a version yet.")
        add("")
    for decision in view.decisions:
        add(f"### {escape(decision.title)} (decision {decision.id})")
        add("")
        add(escape(decision.summary))
        if decision.tally:
            t = decision.tally
            add("")
            add(f"- Endorse ({len(t.endorsed)}): {escape(', '.join(r.coop_name for r in t.endorsed)) or '–'}")
            add(f"- Stand aside ({len(t.stood_aside)}): {escape(', '.join(r.coop_name for r in t.stood_aside)) or '–'}")
            add(f"- Block ({len(t.blocked)}): {escape(', '.join(r.coop_name for r in t.blocked)) or '–'}")
            add(f"- Not answered ({len(t.not_answered)}): {escape(', '.join(t.not_answered)) or '–'}")
            add(f"- Rule: {t.rule}: " + ("**met**" if t.rule_met else escape("not yet: " + "; ".join(t.missing))))
        add("")
    add("## Hours and money")
    add("")
    if view.money is None:
        add(f"No consultant contract covers {escape(phase.name)}.")
    else:
        money = view.money
        add(
            f"- Cap: {format_minutes(money.cap_minutes)} h; used {format_minutes(money.used_minutes)}, "
            f"left {format_minutes(money.left_minutes)}; {format_pace(money.pace_minutes)}"
        )
        add(
            f"- Worked: {format_money(money.worked_cents)} at the rates in force; "
            f"left under the cap: {format_money(money.left_cents)} at {format_money(money.contract.rate_cents)}/h"
        )
        if money.run_out_on:
            add(
                f"- At this pace the cap runs out on {money.run_out_on}"
                + (" (before the phase ends)" if money.runs_out_before_phase_ends else " (after the phase ends)")
            )
        for amendment in view.amendments:
            add(f"- Contract amended {escape(amendment)}")
        add("")
        add("| Category | Hours |")
        add("| --- | ---: |")
        add("\n".join(f"| {escape(r.key)} | {format_minutes(r.billable_minutes)} |" for r in money.by_category))
        add("")
        add("| Month | Hours | Used by month's end |")
        add("| --- | ---: | ---: |")
        running = 0
        for r in money.by_month:
            running += r.billable_minutes
            add(f"| {r.key} | {format_minutes(r.billable_minutes)} | {format_minutes(running)} |")
        add("")
        overdue = view.overdue_invoices
        add(
            f"Invoices: {len(view.invoices_with('issued')) + len(view.invoices_with('paid'))} issued ({format_money(money.billed_cents)} net of credit notes), "
            f"{len(view.invoices_with('paid'))} paid ({format_money(money.paid_cents)}), outstanding {format_money(view.outstanding_cents)}"
            + (f", overdue: {', '.join(i.reference for i in overdue)}" if overdue else "")
        )
    add("")
    add("## Open action items")
    add("")
    if not view.actions:
        add("None open.")
    for a in view.actions:
        add(
            f"- {escape(a.title)}"
            + (f" — {escape(a.owner)}" if a.owner else "")
            + (f", due {a.due_on}" if a.due_on else "")
            + (" **OVERDUE**" if a.overdue else "")
        )
    return "\n".join(out) + "\n"


def attending(session: SessionView) -> str:
    """`10 of 11 co-ops` at a session open to the co-ops, else its headcount."""
    if not session.invitees:
        return f"{session.headcount} people" if session.headcount else "–"
    return f"{session.count('attended')} of {len(session.invitees)} co-ops"
