"""Invoices a treasurer can check with a calculator: hand-computed invoices at $65.00, $62.50
and $73.33 with 40- and 7-minute entries, the rate in force on each work day, void and
re-draft at the old rate, a draft that changed refused at issue, and partial payments.

The default program bills in steps of 6 minutes (0.1 h): each entry is rounded to the nearest
step when drafted, so 40 min bills 0.70 h and 7 min bills 0.10 h.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlmodel import select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import AuditEntry, Invoice, Payment
from coopprogram.services import hours, invoices
from coopprogram.services.budget import budget
from coopprogram.services.contracts import amend_contract

TODAY = date(2022, 3, 31)


def _log(db, minutes, on, description="Work"):
    return hours.log_time(db, minutes=minutes, description=description, on=on, today=TODAY).entry


def _rate(db, cents, *, effective, on=None):
    return amend_contract(
        db,
        phase="I",
        cap_minutes=None,
        rate_cents=cents,
        reason="Rate agreed",
        on=on or effective,
        today=TODAY,
        effective_on=effective,
    )


def _draft(db, period):
    [draft] = invoices.draft_month(db, period=period)
    return invoices.document(db, str(draft.id))


def assert_multiplies_out(doc):
    """What the treasurer does: hours x rate = amount on every line, lines add to the total."""
    for line in doc.lines:
        product = (Decimal(line.hours) * Decimal(line.rate_cents)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert product == line.amount_cents, line
    assert sum(line.amount_cents for line in doc.lines) == doc.total_cents
    assert sum(Decimal(line.hours) for line in doc.lines) == Decimal(doc.total_hours)
    assert sum(s.amount_cents for s in doc.subtotals) == doc.total_cents


def test_at_65_dollars(session) -> None:
    with session() as db:
        _rate(db, 6500, effective=date(2021, 10, 1))
        _log(db, 40, date(2021, 10, 4))  # 42 min = 0.70 h x $65.00 = $45.50
        _log(db, 7, date(2021, 10, 5))  # 6 min = 0.10 h x $65.00 = $6.50
        _log(db, 120, date(2021, 10, 6))  # 2.00 h x $65.00 = $130.00
        doc = _draft(db, "2021-10")
    assert [(line.hours, line.amount_cents) for line in doc.lines] == [("0.70", 4550), ("0.10", 650), ("2.00", 13000)]
    assert (doc.total_hours, doc.total_cents) == ("2.80", 18200)  # 2.80 h x $65.00 = $182.00
    assert_multiplies_out(doc)


def test_sixteen_hours_at_65_is_1040(session) -> None:
    # 24 entries of 40 minutes: each 0.70 h x $65.00 = $45.50; 16.80 h, $1,092.00 (never $1,039.99).
    # 16 entries of one hour: 16.00 h x $65.00 = $1,040.00.
    with session() as db:
        _rate(db, 6500, effective=date(2021, 10, 1))
        for day in range(1, 25):
            _log(db, 40, date(2021, 11, day))
        for day in range(1, 17):
            _log(db, 60, date(2021, 12, day))
        november, december = _draft(db, "2021-11"), _draft(db, "2021-12")
    assert (november.total_hours, november.total_cents) == ("16.80", 109200)
    assert (december.total_hours, december.total_cents) == ("16.00", 104000)
    assert_multiplies_out(november)
    assert_multiplies_out(december)


def test_at_62_50_dollars(session) -> None:
    with session() as db:
        _rate(db, 6250, effective=date(2021, 10, 1))
        _log(db, 40, date(2021, 10, 4))  # 0.70 h x $62.50 = $43.75
        _log(db, 7, date(2021, 10, 5))  # 0.10 h x $62.50 = $6.25
        doc = _draft(db, "2021-10")
    assert [line.amount_cents for line in doc.lines] == [4375, 625]
    assert (doc.total_hours, doc.total_cents) == ("0.80", 5000)  # $50.00
    assert_multiplies_out(doc)


def test_at_73_33_dollars(session) -> None:
    with session() as db:
        _rate(db, 7333, effective=date(2021, 10, 1))
        _log(db, 40, date(2021, 10, 4))  # 0.70 h x $73.33 = $51.331 -> $51.33
        _log(db, 7, date(2021, 10, 5))  # 0.10 h x $73.33 = $7.333 -> $7.33
        _log(db, 90, date(2021, 10, 6))  # 1.50 h x $73.33 = $109.995 -> $110.00 (half up)
        doc = _draft(db, "2021-10")
    assert [line.amount_cents for line in doc.lines] == [5133, 733, 11000]
    assert (doc.total_hours, doc.total_cents) == ("2.30", 16866)  # $51.33 + $7.33 + $110.00 = $168.66
    assert_multiplies_out(doc)


def test_a_mid_month_rate_applies_from_its_effective_day(session) -> None:
    with session() as db:
        _log(db, 60, date(2021, 10, 5))  # October at the contract's $60.00: $60.00
        _log(db, 40, date(2021, 11, 10))  # 0.70 h x $60.00 = $42.00
        _log(db, 7, date(2021, 11, 14))  # 0.10 h x $60.00 = $6.00
        _log(db, 40, date(2021, 11, 15))  # 0.70 h x $65.00 = $45.50
        _log(db, 60, date(2021, 11, 30))  # 1.00 h x $65.00 = $65.00
        _log(db, 60, date(2021, 12, 1))  # 1.00 h x $65.00 = $65.00
        # Agreed on the 20th, in force for work from the 15th.
        _rate(db, 6500, effective=date(2021, 11, 15), on=date(2021, 11, 20))
        october, november, december = _draft(db, "2021-10"), _draft(db, "2021-11"), _draft(db, "2021-12")
        worked = budget(db, phase="I", as_of=date(2021, 12, 31)).worked_cents
    assert [(line.rate_cents, line.amount_cents) for line in november.lines] == [
        (6000, 4200),
        (6000, 600),
        (6500, 4550),
        (6500, 6500),
    ]
    assert november.total_cents == 15850  # $42.00 + $6.00 + $45.50 + $65.00
    assert_multiplies_out(november)
    assert october.total_cents == 6000 and december.total_cents == 6500
    # The amendment prints on the invoice of the month it takes effect in, and on no other.
    assert november.amendments == ["from 2021-11-15: rate $60.00 -> $65.00 (Rate agreed; agreed 2021-11-20)"]
    assert october.amendments == [] and december.amendments == []
    # The budget's "worked": each day at its rate (logged minutes): 60 + 40 + 7 min at $60 = $107.00,
    # 40 + 60 + 60 min at $65 = $173.33 (43.33 + 65 + 65); $280.33 in all.
    assert worked == 6000 + 4000 + 700 + 4333 + 6500 + 6500 == 28033


def test_void_and_redraft_keep_the_rate_of_the_work_day(session) -> None:
    with session() as db:
        _log(db, 90, date(2021, 10, 4))  # 1.50 h x $60.00 = $90.00
        october = _draft(db, "2021-10")
        invoices.issue_invoice(db, reference=str(october.id), on=date(2021, 11, 1), today=TODAY)
        with pytest.raises(Conflict, match="billed on issued invoice SEI-2021-001 at the old rate"):
            _rate(db, 7500, effective=date(2021, 10, 1), on=date(2021, 12, 2))
        _rate(db, 7500, effective=date(2021, 12, 1), on=date(2021, 12, 2))
        invoices.void_invoice(
            db, reference="SEI-2021-001", reason="Wrong description", on=date(2021, 12, 3), today=TODAY
        )
        again = _draft(db, "2021-10")
        assert again.total_cents == 9000 and again.lines[0].rate_cents == 6000
        with pytest.raises(InvalidInput, match="cannot take effect before it"):
            _rate(db, 7000, effective=date(2021, 11, 1), on=date(2021, 12, 4))


def test_issue_refuses_a_draft_that_changed_since_it_was_drafted(session) -> None:
    with session() as db:
        _log(db, 120, date(2021, 11, 4))  # 2.00 h x $60.00 = $120.00
        shown = _draft(db, "2021-11")
        assert shown.changes == ""
        _log(db, 180, date(2021, 11, 5))  # 3.00 h x $60.00 = $180.00 more
        stale = invoices.document(db, str(shown.id))
        assert stale.total_cents == 12000 and stale.changes == "1 entry added; total $120.00 -> $300.00"
        with pytest.raises(
            Conflict, match=r"changed since it was drafted \(1 entry added; total \$120.00 -> \$300.00\)"
        ):
            invoices.issue_invoice(db, reference=str(shown.id), on=date(2021, 12, 1), today=TODAY)
        _rate(db, 6500, effective=date(2021, 11, 5), on=date(2021, 11, 30))
        with pytest.raises(Conflict, match=r"1 entry added; total \$120.00 -> \$315.00"):  # 3.00 h now at $65.00
            invoices.issue_invoice(db, reference=str(shown.id), on=date(2021, 12, 1), today=TODAY)
        shown = _draft(db, "2021-11")
        issued = invoices.issue_invoice(db, reference=str(shown.id), on=date(2021, 12, 1), today=TODAY)
    assert issued.total_cents == shown.total_cents == 31500 and issued.lines == shown.lines


def test_removing_an_entry_on_a_draft_rebuilds_it(session) -> None:
    with session() as db:
        kept = _log(db, 60, date(2021, 10, 4))
        gone = _log(db, 30, date(2021, 10, 5))
        draft = _draft(db, "2021-10")
        hours.remove_entry(db, entry_id=gone.id)
        after = invoices.document(db, str(draft.id))
    assert [(line.worked_on, line.amount_cents) for line in after.lines] == [(kept.worked_on, 6000)]
    assert after.total_cents == 6000 and after.changes == ""


def _issued(db, minutes=120):
    _log(db, minutes, date(2021, 10, 4))
    draft = _draft(db, "2021-10")
    return invoices.issue_invoice(db, reference=str(draft.id), on=date(2021, 11, 1), today=TODAY)


def test_partial_payments_balance_and_undo(session) -> None:
    with session() as db:
        issued = _issued(db)  # 2.00 h x $60.00 = $120.00
        assert issued.amount_due_cents == 12000 and issued.payment_terms == "Net 30, due 2021-12-01"
        doc, first = invoices.pay_invoice(
            db, reference="SEI-2021-001", on=date(2021, 11, 10), today=TODAY, amount_cents=5000
        )
        assert (doc.status, doc.paid_on, doc.amount_due_cents) == ("issued", None, 7000)
        with pytest.raises(InvalidInput, match=r"\$80.00 is more than the balance due on SEI-2021-001, \$70.00"):
            invoices.pay_invoice(db, reference="SEI-2021-001", on=date(2021, 11, 20), today=TODAY, amount_cents=8000)
        doc, second = invoices.pay_invoice(db, reference="SEI-2021-001", on=date(2021, 11, 20), today=TODAY)
        assert (doc.status, doc.paid_on, doc.amount_due_cents, second.amount_cents) == (
            "paid",
            date(2021, 11, 20),
            0,
            7000,
        )
        assert invoices.paid_through(db, day=date(2021, 11, 15)) == {doc.id: 5000}
        doc, undone = invoices.undo_payment(
            db, reference="SEI-2021-001", reason="Check bounced", on=date(2021, 11, 25), today=TODAY
        )
        assert (undone.id, doc.status, doc.paid_on, doc.amount_due_cents) == (second.id, "issued", None, 7000)
        row = db.get(Payment, second.id)
        assert (row.undone_on, row.undo_reason, row.amount_cents) == (date(2021, 11, 25), "Check bounced", 7000)
        audited = db.exec(
            select(AuditEntry).where(AuditEntry.entity == "payment", AuditEntry.entity_id == second.id)
        ).all()
        assert [entry.action for entry in audited] == ["create", "update"]
        with pytest.raises(NotFound, match=f"Payment {second.id} is not a standing payment"):
            invoices.undo_payment(
                db, reference="SEI-2021-001", reason="Again", on=date(2021, 11, 25), today=TODAY, payment_id=second.id
            )
        report = invoices.payments_received(db, year=2021)
        assert [(p.invoice, p.paid_on, p.amount_cents) for p in report.payments] == [
            ("SEI-2021-001", date(2021, 11, 10), 5000)
        ]
        assert report.total_cents == 5000 and invoices.payments_received(db, year=2022).payments == []
        assert budget(db, phase="I", as_of=date(2021, 11, 30)).paid_cents == 5000
        assert first.id != second.id


def test_a_paid_invoice_cannot_be_voided_and_lose_the_payment(session) -> None:
    with session() as db:
        _issued(db)
        invoices.pay_invoice(db, reference="SEI-2021-001", on=date(2021, 11, 10), today=TODAY, amount_cents=2000)
        with pytest.raises(Conflict, match=r"payments recorded \(\$20.00 on 2021-11-10\); voiding it would lose them"):
            invoices.void_invoice(db, reference="SEI-2021-001", reason="Wrong", on=date(2021, 11, 12), today=TODAY)
        invoices.undo_payment(
            db, reference="SEI-2021-001", reason="Recorded on the wrong invoice", on=date(2021, 11, 12), today=TODAY
        )
        voided, credit = invoices.void_invoice(
            db, reference="SEI-2021-001", reason="Wrong", on=date(2021, 11, 12), today=TODAY
        )
        assert (voided.status, voided.amount_due_cents, credit.total_cents) == ("void", 0, -12000)


def test_dates_follow_numbers_and_never_the_future(session) -> None:
    with session() as db:
        _log(db, 60, date(2021, 10, 4))
        _log(db, 60, date(2021, 11, 4))
        october, november = _draft(db, "2021-10"), _draft(db, "2021-11")
        with pytest.raises(InvalidInput, match="2022-04-01 is in the future"):
            invoices.issue_invoice(db, reference=str(october.id), on=date(2022, 4, 1), today=TODAY)
        invoices.issue_invoice(db, reference=str(october.id), on=date(2021, 12, 5), today=TODAY)
        with pytest.raises(
            InvalidInput, match="SEI-2021-001 was issued on 2021-12-05; a later number cannot be dated before it"
        ):
            invoices.issue_invoice(db, reference=str(november.id), on=date(2021, 12, 1), today=TODAY)
        with pytest.raises(InvalidInput, match="is in the future"):
            invoices.pay_invoice(db, reference="SEI-2021-001", on=date(2022, 4, 2), today=TODAY)
        with pytest.raises(InvalidInput, match="SEI-2021-001 was issued on 2021-12-05"):
            invoices.void_invoice(db, reference="SEI-2021-001", reason="x", on=date(2021, 12, 4), today=TODAY)
        with pytest.raises(InvalidInput, match="in the future"):
            amend_contract(
                db, phase="I", cap_minutes=None, rate_cents=6500, reason="x", on=date(2022, 4, 1), today=TODAY
            )
        numbers = db.exec(select(Invoice.number).where(Invoice.number.is_not(None))).all()
    assert numbers == ["SEI-2021-001"]


def test_an_english_document_says_what_show_and_the_json_say(session) -> None:
    """The invoice's words are written twice: the view's properties (`invoices show`, the JSON)
    and the exporter's, through the catalog (the Markdown and the PDF). In English they agree,
    for every billing rule, term and payee."""
    from dataclasses import replace

    from coopprogram.exporters import invoice as words
    from coopprogram.services.consultant import PayeeView

    with session() as db:
        issued = _issued(db)
    payee = PayeeView(name="Ana Lima", address="12 Elm St", tax_id="12-3456789", payment="Check")
    for doc in (
        issued,
        replace(issued, billing_increment_minutes=0, payment_days=0, payee=payee),
        replace(issued, billing_increment_minutes=15, payee=replace(payee, tax_id="")),
        replace(issued, due_on=None, payee=None),
    ):
        assert words.payment_terms(doc) == doc.payment_terms
        assert words.billing_rule(doc) == doc.billing_rule
        assert words.from_lines(doc) == doc.from_lines
        assert words.period(doc) == doc.period_label
    assert words.from_lines(replace(issued, payee=payee))[-1] == "Tax ID: 12-3456789"
    assert words.billing_rule(replace(issued, billing_increment_minutes=15)).startswith(
        "Time is billed in steps of 0.25 h (15 minutes)"
    )
