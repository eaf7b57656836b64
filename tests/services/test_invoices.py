"""Invoices: per-line rounding that sums to the total, gap-free numbers across void and
re-issue, locked entries, snapshots that do not move, and drafts that follow edits."""

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Invoice
from coopprogram.services import hours, invoices
from coopprogram.services.contracts import amend_contract

TODAY = date(2022, 3, 31)


def _log(db, minutes, on, description="Work"):
    return hours.log_time(db, minutes=minutes, description=description, on=on, today=TODAY).entry


def test_entries_round_to_the_billing_increment_then_amounts_are_summed(session) -> None:
    with session() as db:
        amend_contract(
            db,
            phase="I",
            cap_minutes=None,
            rate_cents=6500,
            reason="Demo rate",
            on=TODAY,
            today=TODAY,
            effective_on=date(2021, 10, 1),
        )
        # In steps of 6 minutes: 1 min bills one step (0.10 h, never nothing), 7 min 0.10 h, 59 min 1.00 h;
        # at $65.00: $6.50 + $6.50 + $65.00 = $78.00 for 1.20 h.
        for minutes, day in ((1, 4), (7, 5), (59, 6)):
            _log(db, minutes, date(2021, 10, day))
        [draft] = invoices.draft_month(db, period="2021-10")
        doc = invoices.document(db, str(draft.id))
    assert [(line.hours, line.amount_cents) for line in doc.lines] == [("0.10", 650), ("0.10", 650), ("1.00", 6500)]
    assert doc.total_cents == 7800 == sum(line.amount_cents for line in doc.lines)
    assert (doc.total_minutes, doc.total_hours) == (72, "1.20")


def test_half_a_cent_rounds_up() -> None:
    from coopprogram.units import amount_cents

    assert amount_cents(1, 6030) == 101  # 100.5 c
    assert amount_cents(1, 5970) == 100  # 99.5 c


def test_billed_minutes_round_to_the_nearest_step_and_never_to_nothing() -> None:
    from coopprogram.units import billed_minutes

    assert [billed_minutes(m, 6) for m in (1, 2, 3, 7, 8, 9, 40, 44, 45, 60)] == [6, 6, 6, 6, 6, 12, 42, 42, 48, 60]
    assert [billed_minutes(m, 15) for m in (7, 8, 45, 52, 53)] == [15, 15, 45, 45, 60]


def test_numbers_are_gap_free_across_void_and_reissue(session) -> None:
    with session() as db:
        entry = _log(db, 120, date(2021, 10, 4))
        _log(db, 60, date(2021, 11, 4))
        [october] = invoices.draft_month(db, period="2021-10")
        first = invoices.issue_invoice(db, reference=str(october.id), on=date(2021, 11, 1), today=TODAY)
        assert (first.number, first.due_on, first.total_cents) == ("SEI-2021-001", date(2021, 12, 1), 12000)
        with pytest.raises(Conflict, match="billed on invoice SEI-2021-001"):
            hours.edit_entry(db, entry_id=entry.id, today=TODAY, minutes=60)
        voided, credit = invoices.void_invoice(
            db, reference="SEI-2021-001", reason="Wrong hours", on=date(2021, 11, 3), today=TODAY
        )
        assert (voided.status, voided.number, credit.number, credit.total_cents, credit.credit_for) == (
            "void",
            "SEI-2021-001",
            "SEI-2021-002",
            -12000,
            "SEI-2021-001",
        )
        hours.edit_entry(db, entry_id=entry.id, today=TODAY, minutes=90)
        [again] = invoices.draft_month(db, period="2021-10")
        reissued = invoices.issue_invoice(db, reference=str(again.id), on=date(2021, 11, 4), today=TODAY)
        [november] = invoices.draft_month(db, period="2021-11")
        later = invoices.issue_invoice(db, reference=str(november.id), on=date(2021, 12, 1), today=TODAY)
        numbers = db.exec(
            select(Invoice.sequence, Invoice.number).where(Invoice.sequence.is_not(None)).order_by(Invoice.sequence)
        ).all()
    assert (reissued.number, reissued.total_cents, later.number) == ("SEI-2021-003", 9000, "SEI-2021-004")
    assert [sequence for sequence, _ in numbers] == [1, 2, 3, 4]


def test_issued_snapshot_does_not_move(session) -> None:
    with session() as db:
        _log(db, 60, date(2021, 10, 4), description="Kickoff")
        [draft] = invoices.draft_month(db, period="2021-10")
        issued = invoices.issue_invoice(db, reference=str(draft.id), on=date(2021, 11, 1), today=TODAY)
        amend_contract(db, phase="I", cap_minutes=120 * 60, rate_cents=7500, reason="New terms", on=TODAY, today=TODAY)
        later = invoices.document(db, "sei-2021-001")
    assert later.rate_cents == issued.rate_cents == 6000
    assert later.cap_minutes == 6000 and later.lines[0].description == "Kickoff"
    assert later.total_cents == 6000


def test_the_snapshot_holds_every_field_of_the_document(session) -> None:
    """What issuing freezes is the document field by field (dataclasses.asdict's dict, read without its deep copy)."""
    from dataclasses import asdict

    from coopprogram.exporters.json import plain

    with session() as db:
        _log(db, 60, date(2021, 10, 4), description="Kickoff")
        _log(db, 45, date(2021, 10, 5), description="Agenda")
        [draft] = invoices.draft_month(db, period="2021-10")
        issued = invoices.issue_invoice(db, reference=str(draft.id), on=date(2021, 11, 1), today=TODAY)
        stored = db.get(Invoice, draft.id).snapshot
    frozen = replace(issued, payments=[], paid_cents=0, changes="")
    assert stored == plain(asdict(frozen))
    assert [line["description"] for line in stored["lines"]] == ["Kickoff", "Agenda"]
    assert stored["payee"] == plain(asdict(issued.payee)) if issued.payee else stored["payee"] is None


def test_drafts_follow_edits_and_months_with_nothing_say_so(session) -> None:
    with session() as db:
        entry = _log(db, 60, date(2021, 10, 4))
        [draft] = invoices.draft_month(db, period="2021-10")
        hours.edit_entry(db, entry_id=entry.id, today=TODAY, minutes=90)
        assert invoices.document(db, str(draft.id)).total_minutes == 90
        hours.edit_entry(db, entry_id=entry.id, today=TODAY, on=date(2021, 11, 2))
        assert invoices.document(db, str(draft.id)).lines == []
        with pytest.raises(InvalidInput, match="no unbilled billable hours in 2021-10"):
            invoices.draft_month(db, period="2021-10")
        with pytest.raises(InvalidInput, match="no hours left to bill"):
            invoices.issue_invoice(db, reference=str(draft.id), on=date(2021, 11, 1), today=TODAY)


def test_issue_pay_rules(session) -> None:
    with session() as db:
        _log(db, 60, date(2021, 10, 4))
        [draft] = invoices.draft_month(db, period="2021-10")
        with pytest.raises(InvalidInput, match="from 2021-10-31 on"):
            invoices.issue_invoice(db, reference=str(draft.id), on=date(2021, 10, 20), today=TODAY)
        with pytest.raises(Conflict, match="still a draft"):
            invoices.pay_invoice(db, reference=str(draft.id), on=TODAY, today=TODAY)
        invoices.issue_invoice(db, reference=str(draft.id), on=date(2021, 11, 1), today=TODAY)
        with pytest.raises(NotFound, match="use its number"):
            invoices.issue_invoice(db, reference=str(draft.id), on=TODAY, today=TODAY)
        with pytest.raises(InvalidInput, match="cannot be paid before"):
            invoices.pay_invoice(db, reference="SEI-2021-001", on=date(2021, 10, 31), today=TODAY)
        paid, _ = invoices.pay_invoice(db, reference="SEI-2021-001", on=date(2021, 11, 20), today=TODAY)
        assert (paid.status, paid.paid_on) == ("paid", date(2021, 11, 20))
        with pytest.raises(Conflict, match="already paid"):
            invoices.pay_invoice(db, reference="SEI-2021-001", on=TODAY, today=TODAY)
        with pytest.raises(NotFound, match="no invoice 'SEI-2099-001'"):
            invoices.document(db, "SEI-2099-001")
        overdue = invoices.list_invoices(db, today=TODAY)
        assert [(row.reference, row.overdue) for row in overdue] == [("SEI-2021-001", False)]


def test_a_draft_is_discarded_not_voided(session) -> None:
    with session() as db:
        entry = _log(db, 60, date(2021, 10, 4))
        [draft] = invoices.draft_month(db, period="2021-10")
        assert invoices.is_draft(db, str(draft.id))
        with pytest.raises(Conflict, match="has no number to void: discard it instead"):
            invoices.void_invoice(db, reference=str(draft.id), reason="Not yet", on=TODAY, today=TODAY)
        invoices.discard_draft(db, reference=str(draft.id))
        assert db.exec(select(Invoice)).all() == []
        assert [(e.id, e.invoice) for e in hours.list_entries(db)] == [(entry.id, None)]
