"""Markdown documents: text a person pastes into an email or a shared document.

Every value that came from a person is escaped, so a description cannot turn into a link,
a heading or a broken table.
"""

from __future__ import annotations

import re

from coopprogram.exporters.agenda import AgendaDocument
from coopprogram.exporters.unity import UnityDocument
from coopprogram.services.invoices import InvoiceDocument
from coopprogram.services.unity import DiffView, WordChange
from coopprogram.units import format_hours_decimal, format_minutes, format_money

# Characters that change meaning anywhere in a line (emphasis, code, links, tables, HTML);
# the escaped text never starts a line, so list and heading markers need no escape.
_SPECIAL = re.compile(r"([\\`*_{}\[\]!|<>~])")


def escape(text: str) -> str:
    """Markdown-inert text on one line: special characters backslashed, line breaks folded."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def invoice_markdown(doc: InvoiceDocument) -> str:
    title = "Credit note" if doc.kind == "credit-note" else "Invoice"
    out = [f"# {title} {escape(doc.reference)}", ""]
    facts = [
        ("Status", doc.status),
        ("Period", doc.period_label),
        ("Issued", doc.issued_on),
        ("Due", doc.due_on if doc.kind == "invoice" else None),
        ("Paid", doc.paid_on),
        ("Voided", f"{doc.voided_on} ({doc.void_reason})" if doc.voided_on else None),
        ("Credits invoice", doc.credit_for),
        ("Cancelled by credit note", doc.credited_by),
    ]
    out += [f"- **{label}:** {escape(value)}" for label, value in facts if value]
    out += [
        "",
        f"**From:** {escape(doc.consultant)}" + (f"  \n{escape(doc.consultant_address)}" if doc.consultant_address else ""),
        "",
        f"**Bill to:** {escape(doc.bill_to)}",
        "",
        f"**For:** {escape(doc.program)}, {escape(doc.phase_name)}; rate {format_money(doc.rate_cents)} an hour "
        f"(contract band {format_money(doc.rate_min_cents)}–{format_money(doc.rate_max_cents)})",
        "",
        "| Date | Description | Category | Hours | Rate | Amount |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    out += [
        f"| {line.worked_on} | {escape(line.description)} | {escape(line.category)} | {format_hours_decimal(line.minutes)} | "
        f"{format_money(line.rate_cents)} | {format_money(line.amount_cents)} |"
        for line in doc.lines
    ]
    out += [f"| | **Total** | | **{format_hours_decimal(doc.total_minutes)}** | | **{format_money(doc.total_cents)}** |", ""]
    out += ["## By category", "", "| Category | Hours | Amount |", "| --- | ---: | ---: |"]
    out += [f"| {escape(s.category)} | {format_hours_decimal(s.minutes)} | {format_money(s.amount_cents)} |" for s in doc.subtotals]
    out += [
        "",
        f"Hours under the {escape(doc.phase_name)} cap: {format_minutes(doc.used_minutes)} used of {format_minutes(doc.cap_minutes)}, "
        f"{format_minutes(doc.left_minutes)} left (through {escape(doc.period_label)}).",
    ]
    if doc.amendments:
        out += ["", "Contract amendments:", ""] + [f"- {escape(a)}" for a in doc.amendments]
    return "\n".join(out) + "\n"


def agenda_markdown(doc: AgendaDocument) -> str:
    out = [f"# {escape(doc.title)}", "", f"{escape(doc.kind_name)} · {doc.starts_local:%A %B %d, %Y} · {doc.starts_local:%H:%M}–{doc.ends_local:%H:%M} ({escape(doc.timezone)})"]
    if doc.status == "cancelled":
        out += ["", "**This session is cancelled.**"]
    for label, value in (("Where", doc.location), ("Online", doc.link), ("Facilitator", doc.facilitator)):
        if value:
            out.append(f"  \n{label}: {escape(value)}")
    out += ["", "| Time | Item | Lead | Minutes |", "| --- | --- | --- | ---: |"]
    out += [f"| {item.starts_local:%H:%M} | {escape(item.title)} | {escape(item.lead)} | {item.minutes} |" for item in doc.items]
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
        if change.kind == "unchanged":
            continue
        label = {
            "added": f"Point {change.new_number} (added)",
            "removed": f"Point {change.old_number} (removed)",
            "reworded": f"Point {change.new_number} (reworded; was {change.old_number})",
        }[change.kind]
        out.append(f"- **{label}:** {_words(change.words)}")
    unchanged = [str(c.new_number) for c in view.points if c.kind == "unchanged"]
    out += ["", f"Unchanged: points {', '.join(unchanged)}." if unchanged else "Every point changed."]
    return "\n".join(out) + "\n"


def unity_markdown(doc: UnityDocument) -> str:
    out = [f"# {escape(doc.title or 'Points of unity')}", "", f"*{escape(doc.program)} · version {doc.version} · {doc.status}"
           + (f" · adopted {doc.adopted_on}" if doc.adopted_on else "") + "*", ""]
    if doc.preamble:
        out += [escape(paragraph) for paragraph in doc.preamble.split("\n\n")] + [""]
    out += [f"{number}. {escape(point)}" for number, point in enumerate(doc.points, start=1)]
    out += ["", "## Endorsed by", ""]
    out += [f"- {escape(name)}" for name in doc.endorsed_by] or ["No co-op has endorsed this version yet."]
    return "\n".join(out) + "\n"
