"""`coop invoices`: monthly drafts, issue with the next number, payments (whole or partial,
undone when recorded by mistake), void with a credit note, the payments received in a year,
and the documents (PDF, Markdown, CSV, JSON)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from coopprogram.cli import complete
from coopprogram.cli.context import database
from coopprogram.cli.output import (
    AsOf,
    CsvFlag,
    ForceFlag,
    JsonFlag,
    LangOption,
    OutputFile,
    choose_format,
    dash,
    emit_json,
    emit_text,
    group,
    parse_count_option,
    parse_date_option,
    parse_money_option,
    parse_month_option,
    say,
    show,
    show_table,
    table,
    today,
    warn,
    write_bytes,
)
from coopprogram.units import format_minutes, format_money
from coopprogram.vocab import InvoiceKind, InvoiceStatus

if TYPE_CHECKING:
    from coopprogram.services.invoices import InvoiceSummary

app = group("Monthly invoices: draft, issue, pay, void, export, payments received.")

Ref = Annotated[
    str,
    typer.Argument(
        metavar="REF",
        autocompletion=complete.invoice_refs,
        help="An issued invoice's number (SEI-2021-001) or a draft's id (`coop invoices list`).",
    ),
]
On = Annotated[
    date | None,
    typer.Option(
        "--on", metavar="DATE", parser=parse_date_option, help="The day it happened (not after today). Default: today."
    ),
]
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
        ("Invoice", "Period", "Hours", "Total", "Status", "Issued", "Due"),
        rows,
        lambda row: (
            row.reference,
            row.period,
            format_minutes(row.total_minutes),
            format_money(row.total_cents),
            _status(row),
            dash(row.issued_on),
            dash(row.due_on if row.kind == InvoiceKind.INVOICE else None),
        ),
        empty="No invoices yet. Draft one with `coop invoices draft YYYY-MM`.",
    )


def _status(row: InvoiceSummary) -> str:
    if row.kind == InvoiceKind.CREDIT_NOTE:
        return "credit note"
    if row.paid_on:
        return f"paid {row.paid_on}"
    if row.paid_cents and row.status == InvoiceStatus.ISSUED:
        return ("OVERDUE, " if row.overdue else "") + f"{format_money(row.total_cents - row.paid_cents)} due"
    return "OVERDUE" if row.overdue else row.status


@app.command("draft")
def invoices_draft(
    month: Annotated[str, typer.Argument(metavar="YYYY-MM", parser=parse_month_option, help="The month to bill.")],
) -> None:
    """Gather a month's unbilled billable hours into a draft (again, to refresh it).

    Example: coop invoices draft 2021-11
    """
    from coopprogram.services.invoices import document, draft_month

    with database(write=True) as db:
        drafts = [document(db, str(invoice.id)) for invoice in draft_month(db, period=month)]
    for doc in drafts:
        say(
            f"Draft {doc.id} for {doc.period_label} ({doc.phase_name}): {len(doc.lines)} lines, "
            f"{doc.total_hours} h, {format_money(doc.total_cents)}."
        )
        say(f"Check it with `coop invoices show {doc.id}`, then `coop invoices issue {doc.id}`.")


@app.command("show")
def invoices_show(ref: Ref, json: JsonFlag = False) -> None:
    """Show an invoice as it prints: payee, lines (hours x rate = amount), total, amount due, payments, the cap.

    Example: coop invoices show SEI-2021-002
    """
    from coopprogram.services.invoices import document

    with database(write=False) as db:
        doc = document(db, ref)
    if json:
        emit_json(doc)
        return
    title = "Credit note" if doc.kind == InvoiceKind.CREDIT_NOTE else "Invoice"
    say(f"{title} {doc.reference} · {doc.status} · {doc.period_label} · {doc.phase_name}")
    if doc.changes:
        warn(
            f"This draft is out of date ({doc.changes}). Draft it again with `coop invoices draft {doc.period}` before issuing."
        )
    if doc.issued_on:
        say(
            f"Issued {doc.issued_on}"
            + (f"; {doc.payment_terms}" if doc.kind == InvoiceKind.INVOICE else "")
            + (f"; paid in full {doc.paid_on}" if doc.paid_on else "")
        )
    if doc.voided_on:
        say(f"Voided {doc.voided_on}: {doc.void_reason} (credit note {dash(doc.credited_by)})")
    if doc.credit_for:
        say(f"Cancels invoice {doc.credit_for}")
    say(f"From {' · '.join(doc.from_lines)}")
    say(f"To {doc.bill_to}")
    if doc.contract_label:
        say(f"Under the {doc.contract_label}")
    grid = table("Date", "Description", "Category", "Hours", "Rate", "Amount")
    for line in doc.lines:
        grid.add_row(
            str(line.worked_on),
            line.description,
            line.category,
            line.hours,
            format_money(line.rate_cents),
            format_money(line.amount_cents),
        )
    grid.add_row("", "Total", "", doc.total_hours, "", format_money(doc.total_cents))
    show(grid)
    for payment in doc.payments:
        undone = f" (undone {payment.undone_on}: {payment.undo_reason})" if payment.undone_on else ""
        say(f"Payment {payment.id}: {format_money(payment.amount_cents)} received {payment.paid_on}{undone}")
    if doc.kind == InvoiceKind.INVOICE and doc.status != InvoiceStatus.VOID:
        say(f"Amount due: {format_money(doc.amount_due_cents)}")
    say(doc.billing_rule)
    if doc.payee is not None and doc.payee.payment:
        say(f"How to pay: {doc.payee.payment}")
    for amendment in doc.amendments:
        say(f"Contract amended {amendment}")
    say(
        f"Cap {format_minutes(doc.cap_minutes)} h: {format_minutes(doc.used_minutes)} logged through {doc.period_label}, "
        f"{format_minutes(doc.left_minutes)} left."
    )
    if doc.status == InvoiceStatus.DRAFT and doc.payee is not None and doc.payee.missing:
        warn(
            f"The invoice does not yet say who is paid or how: `coop consultant set {' TEXT '.join(doc.payee.missing)} TEXT`."
        )


@app.command("issue")
def invoices_issue(ref: Ref, on: On = None) -> None:
    """Issue a draft exactly as `show` prints it: it gets the next number and a due date, and its
    hours are locked. A draft that changed since it was drafted is refused until drafted again.

    Example: coop invoices issue 3 --on 2021-12-01
    """
    from coopprogram.services.invoices import issue_invoice

    with database(write=True) as db:
        doc = issue_invoice(db, reference=ref, on=on or today(), today=today())
    say(f"Issued invoice {doc.number}: {format_money(doc.total_cents)} for {doc.period_label}; {doc.payment_terms}.")
    say(f"Export it with `coop invoices export {doc.number} -o {doc.number}.pdf`.")


@app.command("pay")
def invoices_pay(
    ref: Ref,
    on: On = None,
    amount: Annotated[
        int | None,
        typer.Option(
            "--amount",
            metavar="DOLLARS",
            parser=parse_money_option,
            help="The amount received, if not the whole balance due.",
        ),
    ] = None,
    note: Annotated[str, typer.Option("--note", help="e.g. the check number.")] = "",
) -> None:
    """Record money received on an issued invoice: the whole balance, or part of it with --amount.

    Example: coop invoices pay SEI-2021-001 --amount 500 --on 2021-11-20 --note "Check 1042"
    """
    from coopprogram.services.invoices import pay_invoice

    with database(write=True) as db:
        doc, payment = pay_invoice(db, reference=ref, on=on or today(), today=today(), amount_cents=amount, note=note)
    say(
        f"Payment {payment.id}: {format_money(payment.amount_cents)} received on {payment.paid_on} for invoice {doc.number}."
    )
    say(f"Paid in full on {doc.paid_on}." if doc.paid_on else f"Balance due: {format_money(doc.amount_due_cents)}.")


@app.command("unpay")
def invoices_unpay(
    ref: Ref,
    reason: Annotated[str, typer.Option(help="Why the payment is undone (kept with it).")],
    payment: Annotated[
        int | None,
        typer.Option(
            "--payment",
            metavar="ID",
            parser=parse_count_option,
            help="Which payment (`coop invoices show REF` lists them). Default: the latest.",
        ),
    ] = None,
    on: On = None,
) -> None:
    """Undo a payment recorded by mistake; it stays on record as undone, and the balance is due again.

    Example: coop invoices unpay SEI-2021-001 --reason "Recorded on the wrong invoice"
    """
    from coopprogram.services.invoices import undo_payment

    with database(write=True) as db:
        doc, undone = undo_payment(
            db, reference=ref, reason=reason, on=on or today(), today=today(), payment_id=payment
        )
    say(
        f"Undid payment {undone.id} ({format_money(undone.amount_cents)} on {undone.paid_on}) on invoice {doc.number}. "
        f"Balance due: {format_money(doc.amount_due_cents)}."
    )


@app.command("payments")
def invoices_payments(
    year: Annotated[
        int | None,
        typer.Option(
            "--year", metavar="YYYY", parser=parse_count_option, help="The calendar year. Default: this year."
        ),
    ] = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """The payments received in a calendar year, by the day they arrived, with the year's total (for taxes).

    Example: coop invoices payments --year 2021
    """
    from coopprogram.services.invoices import payments_received

    with database(write=False) as db:
        report = payments_received(db, year=year or today().year)
    if json:
        emit_json(report)
        return
    if csv:
        from coopprogram.exporters.csv import render_csv

        emit_text(render_csv(("paid_on", "invoice", "amount_cents", "note"), [vars(p) for p in report.payments]))
        return
    show_table(
        ("Received", "Invoice", "Amount", "Note"),
        report.payments,
        lambda p: (p.paid_on, p.invoice, format_money(p.amount_cents), p.note),
        title=f"Payments received in {report.year}",
        empty=f"No payments received in {report.year}.",
    )
    say(f"Total received in {report.year}: {format_money(report.total_cents)}")


@app.command("void")
def invoices_void(
    ref: Ref, reason: Annotated[str, typer.Option(help="Why it is voided; printed on the credit note.")], on: On = None
) -> None:
    """Void an issued, unpaid invoice: it keeps its number, a credit note cancels it, its hours can be billed again. A draft is discarded.

    Example: coop invoices void SEI-2021-002 --reason "Wrong rate; re-billed on SEI-2022-004"
    """
    from coopprogram.services.invoices import discard_draft, is_draft, void_invoice

    with database(write=True) as db:
        if is_draft(db, ref):
            discard_draft(db, reference=ref)
            voided = credit = None
        else:
            voided, credit = void_invoice(db, reference=ref, reason=reason, on=on or today(), today=today())
    if voided is None or credit is None:
        say(f"Discarded draft {ref}; its hours are unbilled again.")
        return
    say(
        f"Voided invoice {voided.number}; credit note {credit.number} cancels {format_money(-credit.total_cents)}. Its hours can be drafted again."
    )


@app.command("export")
def invoices_export(
    ref: Ref,
    format: Annotated[
        str, typer.Option("--format", "-f", help="pdf, md, csv or json. Default: from the file name, else md.")
    ] = "",
    output: OutputFile = None,
    force: ForceFlag = False,
    lang: LangOption = None,
) -> None:
    """Write an invoice as PDF (for the treasurer), Markdown (for email), CSV or JSON (for the books).

    --lang es or pt writes the PDF and Markdown in Spanish or Portuguese (dates and amounts as the
    language writes them; descriptions as logged).

    Example: coop invoices export SEI-2021-001 -o SEI-2021-001.pdf --lang es
    """
    from coopprogram.i18n import document_language
    from coopprogram.services.invoices import document

    chosen = choose_format(format, output, FORMATS)
    language = document_language(lang)
    with database(write=False) as db:
        doc = document(db, ref)
    if chosen == "pdf":
        from coopprogram.exporters.invoice import invoice_pdf

        write_bytes(output, invoice_pdf(doc, language), force=force)
        return
    if chosen == "md":
        from coopprogram.exporters.markdown import invoice_markdown

        emit_text(invoice_markdown(doc, language), output=output, force=force)
    elif chosen == "csv":
        from coopprogram.exporters.csv import invoice_csv

        emit_text(invoice_csv(doc), output=output, force=force)
    else:
        emit_json(doc, output=output, force=force)
