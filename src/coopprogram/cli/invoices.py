"""`coop invoices`: monthly drafts, issue with the next number, payment, void with a credit
note, and the documents (PDF, Markdown, CSV, JSON)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from coopprogram.cli.context import database
from coopprogram.cli.output import group, AsOf, JsonFlag, OutputFile, choose_format, dash, emit_json, emit_text, parse_date_option, parse_month_option, say, show, show_table, table, today, write_bytes
from coopprogram.units import format_minutes, format_money

app = group("Monthly invoices: draft, issue, pay, void, export.")

Ref = Annotated[str, typer.Argument(metavar="REF", help="An issued invoice's number (SEI-2021-001) or a draft's id (`coop invoices list`).")]
On = Annotated[date | None, typer.Option("--on", metavar="DATE", parser=parse_date_option, help="The day. Default: today.")]
FORMATS = ("pdf", "md", "csv", "json")


@app.command("list")
def invoices_list(as_of: AsOf = None, json: JsonFlag = False) -> None:
    """List invoices and credit notes with their status; unpaid ones past due are flagged.

    With --as-of, each as it stood at the end of that day (paid only from the day it was paid).

    Example: coop invoices list --as-of 2021-12-15
    """
    from coopprogram.services.invoices import list_invoices

    with database(write=False) as db:
        rows = list_invoices(db, today=as_of or today())
    if json:
        emit_json(rows)
        return
    show_table(
        ("Invoice", "Period", "Hours", "Total", "Status", "Issued", "Due"), rows,
        lambda row: (row.reference, row.period, format_minutes(row.total_minutes), format_money(row.total_cents), _status(row),
                     dash(row.issued_on), dash(row.due_on if row.kind == "invoice" else None)),
        empty="No invoices yet. Draft one with `coop invoices draft YYYY-MM`.",
    )


def _status(row) -> str:  # noqa: ANN001 - an InvoiceSummary
    if row.kind == "credit-note":
        return "credit note"
    if row.paid_on:
        return f"paid {row.paid_on}"
    return "OVERDUE" if row.overdue else row.status


@app.command("draft")
def invoices_draft(month: Annotated[str, typer.Argument(metavar="YYYY-MM", parser=parse_month_option, help="The month to bill.")]) -> None:
    """Gather a month's unbilled billable hours into a draft (again, to refresh it).

    Example: coop invoices draft 2021-11
    """
    from coopprogram.services.invoices import document, draft_month

    with database(write=True) as db:
        drafts = [document(db, str(invoice.id)) for invoice in draft_month(db, period=month)]
    for doc in drafts:
        say(f"Draft {doc.id} for {doc.period_label} ({doc.phase_name}): {len(doc.lines)} lines, "
            f"{format_minutes(doc.total_minutes)} h, {format_money(doc.total_cents)}.")
        say(f"Check it with `coop invoices show {doc.id}`, then `coop invoices issue {doc.id}`.")


@app.command("show")
def invoices_show(ref: Ref, json: JsonFlag = False) -> None:
    """Show an invoice with its lines, subtotals and the cap.

    Example: coop invoices show SEI-2021-002
    """
    from coopprogram.services.invoices import document

    with database(write=False) as db:
        doc = document(db, ref)
    if json:
        emit_json(doc)
        return
    title = "Credit note" if doc.kind == "credit-note" else "Invoice"
    say(f"{title} {doc.reference} · {doc.status} · {doc.period_label} · {doc.phase_name}")
    if doc.issued_on:
        say(f"Issued {doc.issued_on}" + (f", due {doc.due_on}" if doc.kind == "invoice" else "") + (f", paid {doc.paid_on}" if doc.paid_on else ""))
    if doc.voided_on:
        say(f"Voided {doc.voided_on}: {doc.void_reason} (credit note {dash(doc.credited_by)})")
    if doc.credit_for:
        say(f"Cancels invoice {doc.credit_for}")
    say(f"From {doc.consultant} to {doc.bill_to}")
    grid = table("Date", "Description", "Category", "Hours", "Amount")
    for line in doc.lines:
        grid.add_row(str(line.worked_on), line.description, line.category, format_minutes(line.minutes), format_money(line.amount_cents))
    grid.add_row("", "Total", "", format_minutes(doc.total_minutes), format_money(doc.total_cents))
    show(grid)
    say(f"Rate {format_money(doc.rate_cents)}/h. Cap {format_minutes(doc.cap_minutes)} h: "
        f"{format_minutes(doc.used_minutes)} used through {doc.period_label}, {format_minutes(doc.left_minutes)} left.")


@app.command("issue")
def invoices_issue(ref: Ref, on: On = None) -> None:
    """Issue a draft: it gets the next number and a due date, and its hours are locked.

    Example: coop invoices issue 3 --on 2021-12-01
    """
    from coopprogram.services.invoices import issue_invoice

    with database(write=True) as db:
        doc = issue_invoice(db, reference=ref, on=on or today())
    say(f"Issued invoice {doc.number}: {format_money(doc.total_cents)} for {doc.period_label}, due {doc.due_on}.")
    say(f"Export it with `coop invoices export {doc.number} -o {doc.number}.pdf`.")


@app.command("pay")
def invoices_pay(ref: Ref, on: On = None) -> None:
    """Record that an issued invoice was paid.

    Example: coop invoices pay SEI-2021-001 --on 2021-11-20
    """
    from coopprogram.services.invoices import pay_invoice

    with database(write=True) as db:
        doc = pay_invoice(db, reference=ref, on=on or today())
    say(f"Invoice {doc.number} paid on {doc.paid_on}.")


@app.command("void")
def invoices_void(ref: Ref, reason: Annotated[str, typer.Option(help="Why it is voided; printed on the credit note.")], on: On = None) -> None:
    """Void an issued invoice: it keeps its number, a credit note cancels it, its hours can be billed again. A draft is discarded.

    Example: coop invoices void SEI-2021-002 --reason "Wrong rate; re-billed on SEI-2022-004"
    """
    from coopprogram.services.invoices import void_invoice

    with database(write=True) as db:
        voided, credit = void_invoice(db, reference=ref, reason=reason, on=on or today())
    if voided is None:
        say(f"Discarded draft {ref}; its hours are unbilled again.")
        return
    say(f"Voided invoice {voided.number}; credit note {credit.number} cancels {format_money(-credit.total_cents)}. Its hours can be drafted again.")


@app.command("export")
def invoices_export(
    ref: Ref,
    format: Annotated[str, typer.Option("--format", "-f", help="pdf, md, csv or json. Default: from the file name, else md.")] = "",
    output: OutputFile = None,
) -> None:
    """Write an invoice as PDF (for the treasurer), Markdown (for email), CSV or JSON (for the books).

    Example: coop invoices export SEI-2021-001 -o SEI-2021-001.pdf
    """
    from coopprogram.services.invoices import document

    chosen = choose_format(format, output, FORMATS)
    with database(write=False) as db:
        doc = document(db, ref)
    if chosen == "pdf":
        from coopprogram.exporters.pdf import render_pdf

        write_bytes(output, render_pdf("invoice.typ", doc))
        return
    if chosen == "md":
        from coopprogram.exporters.markdown import invoice_markdown

        emit_text(invoice_markdown(doc), output=output)
    elif chosen == "csv":
        from coopprogram.exporters.csv import invoice_csv

        emit_text(invoice_csv(doc), output=output)
    else:
        emit_json(doc, output=output)
