"""An invoice's words and figures in a language: the title, status, terms, the billing rule and
every amount, formatted for the locale, shared by the Markdown and the PDF. In English they are
the service's own words, so an English invoice reads exactly as before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopprogram.i18n import ENGLISH, N_, Language
from coopprogram.units import format_minutes

if TYPE_CHECKING:  # the view, by type only: an exporter loads no service (and no SQLModel)
    from coopprogram.services.invoices import InvoiceDocument

STATUS_WORDS = {"draft": N_("draft"), "issued": N_("issued"), "paid": N_("paid"), "void": N_("void")}


def title(doc: InvoiceDocument, lang: Language = ENGLISH) -> str:
    return lang("Credit note") if doc.kind == "credit-note" else lang("Invoice")


def status(doc: InvoiceDocument, lang: Language = ENGLISH) -> str:
    return lang(STATUS_WORDS.get(doc.status, doc.status))


def period(doc: InvoiceDocument, lang: Language = ENGLISH) -> str:
    if lang.english:
        return doc.period_label
    year, month = (int(part) for part in doc.period.split("-")[:2])
    return lang.month(year, month)


def payment_terms(doc: InvoiceDocument, lang: Language = ENGLISH) -> str:
    terms = lang("Net {days}").format(days=doc.payment_days) if doc.payment_days else lang("Due on receipt")
    return (
        lang("{terms}, due {day}").format(terms=terms, day=lang.date(doc.due_on))
        if doc.due_on and doc.payment_days
        else terms
    )


def billing_rule(doc: InvoiceDocument, lang: Language = ENGLISH) -> str:
    if not doc.billing_increment_minutes:
        return lang("Hours are billed as logged; each amount is hours x rate, rounded to the cent.")
    return lang(
        "Time is billed in steps of {step} h ({minutes} minutes), each entry rounded to the nearest step; "
        "each amount is hours x rate, rounded to the cent, and the total is the sum of the amounts."
    ).format(step=lang.hours(doc.billing_increment_minutes), minutes=doc.billing_increment_minutes)


def from_lines(doc: InvoiceDocument, lang: Language = ENGLISH) -> list[str]:
    if doc.payee is None or not doc.payee.tax_id:
        return doc.from_lines
    tax = f"Tax ID: {doc.payee.tax_id}"
    return [
        lang("Tax ID: {number}").format(number=doc.payee.tax_id) if line == tax else line for line in doc.from_lines
    ]


def invoice_labels(doc: InvoiceDocument, lang: Language = ENGLISH) -> dict:
    """The PDF template's words and formatted figures (templates/invoice.typ)."""
    money, hours = lang.money, lang.hours
    return {
        "title": title(doc, lang),
        "status": status(doc, lang),
        "period": period(doc, lang),
        "terms": payment_terms(doc, lang),
        "billing_rule": billing_rule(doc, lang),
        "from_lines": from_lines(doc, lang),
        "issued_on": lang.date(doc.issued_on),
        "paid_on": lang.date(doc.paid_on),
        "voided_on": lang.date(doc.voided_on),
        "lines": [
            [
                lang.table_date(line.worked_on),
                line.description,
                line.category,
                hours(line.minutes),
                money(line.rate_cents),
                money(line.amount_cents),
            ]
            for line in doc.lines
        ],
        "total_hours": hours(doc.total_minutes),
        "total": money(doc.total_cents),
        "amount_due": money(doc.amount_due_cents),
        "payments": [
            [lang("Payment received {day}").format(day=lang.date(p.paid_on)), "-" + money(p.amount_cents)]
            for p in doc.payments
            if not p.undone_on
        ],
        "subtotals": [[s.category, hours(s.minutes), money(s.amount_cents)] for s in doc.subtotals],
        "cap": format_minutes(doc.cap_minutes),
        "used": format_minutes(doc.used_minutes),
        "left": format_minutes(doc.cap_minutes - doc.used_minutes),
        "words": {
            "void": lang("VOID"),
            "draft": lang("DRAFT — not for payment"),
            "paid": lang("PAID"),
            "period": lang("Period:"),
            "issued": lang("Issued:"),
            "terms": lang("Terms:"),
            "from": lang("From"),
            "bill_to": lang("Bill to"),
            "for": lang("For {program}, {phase}").format(program=doc.program, phase=doc.phase_name),
            "under": lang(", under the {contract}").format(contract=doc.contract_label) if doc.contract_label else "",
            "cancels": lang("This credit note cancels invoice {reference}").format(reference=doc.credit_for)
            if doc.credit_for
            else "",
            "voided": lang("Voided on {day} ({reason}); cancelled by credit note {reference}.").format(
                day=lang.date(doc.voided_on), reason=doc.void_reason, reference=doc.credited_by
            )
            if doc.credited_by
            else "",
            "date": lang("Date"),
            "description": lang("Description"),
            "category": lang("Category"),
            "hours": lang("Hours"),
            "rate": lang("Rate"),
            "amount": lang("Amount"),
            "total": lang("Total"),
            "amount_due": lang("Amount due"),
            "how_to_pay": lang("How to pay:"),
            "by_category": lang("By category"),
            "cap_heading": lang("Hours under the {phase} cap").format(phase=doc.phase_name),
            "as_logged": lang("(as logged, to the minute)"),
            "cap": lang("Cap:"),
            "used_through": lang("Used through {period}:").format(period=period(doc, lang)),
            "left": lang("Left:"),
            "amendments": lang("Contract amendments in this period"),
            "page": lang("page"),
            "of": lang("of"),
            "made_for": lang("{title} {reference} for {period}").format(
                title=title(doc, lang), reference=doc.reference, period=period(doc, lang)
            ),
        },
    }


def invoice_pdf(doc: InvoiceDocument, lang: Language = ENGLISH) -> bytes:
    from coopprogram.exporters.pdf import render_pdf

    return render_pdf("invoice.typ", doc, invoice_labels(doc, lang))
