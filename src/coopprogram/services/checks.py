"""`coop db check`: the database's own integrity (SQLite's checks), no schema object coop did not
create (a trigger or view in a restored file would run in every command), and the program's invariants:
invoice totals equal their lines, issued invoices' hours are locked to them, invoice numbers
run without gaps, billable hours stay within each contract's cap and its phase, paid invoices'
payments add up, one current response per co-op per version, no session's SEQUENCE below what
a calendar export already sent, and every material's file present and unchanged (its SHA-256).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import ColumnElement, text
from sqlmodel import Session, col, func, select

from coopprogram.models import (
    Contract,
    DecisionResponse,
    DecisionVersion,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    Phase,
    ProgramSession,
    TimeEntry,
)
from coopprogram.units import format_minutes, format_money


@dataclass(frozen=True)
class CheckReport:
    checks: list[str] = field(default_factory=list)  # what was checked
    problems: list[str] = field(default_factory=list)  # what is wrong, one line each

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(db: Session, *, materials_folder: Path | None = None) -> CheckReport:
    report = CheckReport()
    if db.get_bind().dialect.name == "sqlite":
        _sqlite(db, report)
    report.checks.append("only the tables and triggers coop's migrations create, and no view")
    report.problems.extend(
        f"The database holds a {line}; it may run hidden code: restore a clean backup." for line in _foreign_objects(db)
    )
    for name, check in (
        ("invoice totals equal their lines", _invoice_totals),
        ("issued invoices' hours are locked to them", _locked_entries),
        ("invoice numbers run 1, 2, 3... without gaps", _numbering),
        ("billable hours within each contract's cap", _caps),
        ("every time entry within its contract's phase", _entries_in_phase),
        ("paid invoices' payments add up to their totals", _payments),
        ("one current response per co-op per version", _responses),
        ("no session's SEQUENCE below what was exported", _sequences),
    ):
        report.checks.append(name)
        check(db, report.problems)
    if materials_folder is not None:
        from coopprogram.services.materials import check_files

        report.checks.append("every material's file present and unchanged")
        report.problems.extend(check_files(db, folder=materials_folder))
    return report


def _sqlite(db: Session, report: CheckReport) -> None:
    report.checks.append("SQLite integrity_check")
    results = [row[0] for row in db.exec(text("PRAGMA integrity_check")).all()]
    if results != ["ok"]:
        report.problems += [f"SQLite integrity: {line}" for line in results]
    report.checks.append("SQLite foreign_key_check")
    for table, rowid, parent, _ in db.exec(text("PRAGMA foreign_key_check")).all():
        report.problems.append(f"Foreign key: row {rowid} of {table} points to a missing {parent}.")


def _foreign_objects(db: Session) -> list[str]:
    from pathlib import Path

    from coopprogram import db as database

    connection = db.connection()
    if connection.dialect.name == "sqlite":
        return database.unexpected_objects(Path(connection.engine.url.database))
    return database.server_unexpected_objects(connection)


def _invoice_totals(db: Session, problems: list[str]) -> None:
    sums = {
        invoice_id: (cents, minutes)
        for invoice_id, cents, minutes in db.exec(
            select(InvoiceLine.invoice_id, func.sum(InvoiceLine.amount_cents), func.sum(InvoiceLine.minutes)).group_by(
                InvoiceLine.invoice_id
            )
        ).all()
    }
    # The frozen total is read inside the database: the snapshots (every line of every invoice)
    # never travel to Python.
    for invoice_id, number, total_cents, total_minutes, frozen in db.exec(
        select(Invoice.id, Invoice.number, Invoice.total_cents, Invoice.total_minutes, _frozen_total())
    ):
        cents, minutes = sums.get(invoice_id, (0, 0))
        name = number or f"draft {invoice_id}"
        if (total_cents, total_minutes) != (cents or 0, minutes or 0):
            problems.append(
                f"Invoice {name}: its total {format_money(total_cents)} ({format_minutes(total_minutes)} h) "
                f"differs from its lines {format_money(cents or 0)} ({format_minutes(minutes or 0)} h)."
            )
        if frozen is not None and frozen != total_cents:
            problems.append(f"Invoice {name}: the figures frozen when it was issued no longer match its total.")


def _frozen_total() -> ColumnElement[int]:
    """The total_cents inside an invoice's snapshot, or NULL for a draft without one: json_extract
    on SQLite, ->> on PostgreSQL (SQLAlchemy's JSON index writes either)."""
    return col(Invoice.snapshot)["total_cents"].as_integer()


def _locked_entries(db: Session, problems: list[str]) -> None:
    # Only the lines that disagree with their entries come back (a large program bills a
    # million entries); columns, not whole rows, so no invoice's frozen snapshot is read.
    billed = func.coalesce(InvoiceLine.logged_minutes, InvoiceLine.minutes)
    rows = db.exec(
        select(Invoice.id, Invoice.number, InvoiceLine.position, TimeEntry.id, TimeEntry.invoice_id)
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .outerjoin(TimeEntry, TimeEntry.id == InvoiceLine.time_entry_id)
        .where(Invoice.status.in_([InvoiceStatus.ISSUED, InvoiceStatus.PAID]), Invoice.kind == InvoiceKind.INVOICE)
        .where(
            TimeEntry.id.is_(None)
            | (TimeEntry.invoice_id.is_(None))
            | (TimeEntry.invoice_id != Invoice.id)
            | (TimeEntry.minutes != billed)
            | (TimeEntry.worked_on != InvoiceLine.worked_on)
        )
        .order_by(Invoice.sequence, InvoiceLine.position)
    )
    for invoice_id, number, position, entry_id, entry_invoice in rows:
        if entry_id is None:
            problems.append(f"Invoice {number}: line {position} bills a time entry that no longer exists.")
        elif entry_invoice != invoice_id:
            problems.append(f"Invoice {number}: entry {entry_id} is billed on it but no longer locked to it.")
        else:
            problems.append(f"Invoice {number}: entry {entry_id} changed after the invoice was issued.")
    void = db.exec(
        select(TimeEntry.id, Invoice.number)
        .join(Invoice, TimeEntry.invoice_id == Invoice.id)
        .where(Invoice.status == InvoiceStatus.VOID)
    ).all()
    problems += [
        f"Entry {entry_id} is still held by void invoice {number}; it should be free for billing again."
        for entry_id, number in void
    ]


def _numbering(db: Session, problems: list[str]) -> None:
    sequences = list(
        db.exec(select(Invoice.sequence).where(Invoice.sequence.is_not(None)).order_by(Invoice.sequence)).all()
    )
    expected = list(range(1, len(sequences) + 1))
    if sequences != expected:
        missing = sorted(set(range(1, (max(sequences) if sequences else 0) + 1)) - set(sequences))
        problems.append(
            f"Invoice numbers have gaps or repeats: running numbers {sequences[:20]} (missing {missing[:20]})."
        )
    unnumbered = db.exec(
        select(Invoice.id).where(Invoice.status != InvoiceStatus.DRAFT, Invoice.number.is_(None))
    ).all()
    problems += [f"Invoice {invoice_id} is issued but has no number." for invoice_id in unnumbered]


def _caps(db: Session, problems: list[str]) -> None:
    used = defaultdict(int)
    for contract_id, minutes in db.exec(
        select(TimeEntry.contract_id, func.sum(TimeEntry.minutes))
        .where(TimeEntry.billable.is_(True))
        .group_by(TimeEntry.contract_id)
    ).all():
        used[contract_id] = minutes or 0
    for contract, phase in db.exec(select(Contract, Phase).join(Phase)).all():
        if used[contract.id] > contract.hour_cap_minutes:
            problems.append(
                f"{phase.name}: {format_minutes(used[contract.id])} billable hours logged, over the cap of {format_minutes(contract.hour_cap_minutes)}."
            )


def _entries_in_phase(db: Session, problems: list[str]) -> None:
    # Contract by contract, so each looks up only the days outside its phase in the
    # (contract, day) index instead of joining every entry to its phase.
    for contract_id, name, starts, ends in db.exec(
        select(Contract.id, Phase.name, Phase.starts_on, Phase.ends_on).join(Phase)
    ).all():
        rows = db.exec(
            select(TimeEntry.id, TimeEntry.worked_on)
            .where(TimeEntry.contract_id == contract_id, (TimeEntry.worked_on < starts) | (TimeEntry.worked_on > ends))
            .order_by(TimeEntry.worked_on)
        ).all()
        problems += [
            f"Entry {entry_id} ({worked_on}) is logged under the {name} contract but falls outside {name} ({starts} to {ends}); "
            "correct its date or the phase's dates."
            for entry_id, worked_on in rows
        ]


def _payments(db: Session, problems: list[str]) -> None:
    paid = dict(
        db.exec(
            select(Payment.invoice_id, func.sum(Payment.amount_cents))
            .where(Payment.undone_on.is_(None))
            .group_by(Payment.invoice_id)
        ).all()
    )
    for invoice_id, number, status, total in db.exec(
        select(Invoice.id, Invoice.number, Invoice.status, Invoice.total_cents).where(
            Invoice.kind == InvoiceKind.INVOICE
        )
    ).all():
        received = int(paid.get(invoice_id) or 0)
        settled = total > 0 and received == total
        if received > total or (status == InvoiceStatus.PAID) != settled:
            problems.append(
                f"Invoice {number}: {status}, but its payments come to {format_money(received)} of {format_money(total)}."
            )


def _responses(db: Session, problems: list[str]) -> None:
    rows = db.exec(
        select(
            DecisionVersion.decision_id,
            DecisionVersion.version,
            DecisionResponse.coop_id,
            DecisionResponse.member,
            func.count(DecisionResponse.id),
        )
        .join(DecisionVersion, DecisionVersion.id == DecisionResponse.version_id)
        .where(DecisionResponse.current.is_(True))
        .group_by(
            DecisionVersion.decision_id, DecisionVersion.version, DecisionResponse.coop_id, DecisionResponse.member
        )
        .having(func.count(DecisionResponse.id) > 1)
    ).all()
    problems += [
        f"Decision {decision_id}, version {version}: {f'co-op {coop_id}' if coop_id else member} has {count} current responses."
        for decision_id, version, coop_id, member, count in rows
    ]


def _sequences(db: Session, problems: list[str]) -> None:
    rows = db.exec(select(ProgramSession).where(ProgramSession.sequence < ProgramSession.exported_sequence)).all()
    problems += [
        f"Session {s.id}: its calendar SEQUENCE {s.sequence} is below the {s.exported_sequence} already exported; calendars would ignore its changes."
        for s in rows
    ]
