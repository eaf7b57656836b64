"""The large synthetic programs of `make bench`: at size 1x ten yearly phases, 60 co-ops, 5,000
sessions with agendas and attendance, 100,000 time entries, monthly invoices (some voided and
re-issued), 50 versions of the points of unity; at size 10x twenty phases, 200 co-ops, 50,000
sessions and 1,000,000 time entries. The setup goes through the services; the bulk (sessions,
invitations, agendas, entries, invoice lines) through SQLAlchemy Core in batches, and every
invoice is then issued and paid through the services, which check each draft against its entries.

`generate.py [--size 1x|10x] [--calendar-only] PATH-or-URL` (a SQLite file, or an empty PostgreSQL database).
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from coopprogram.db import create_database, unit_of_work
from coopprogram.models import (
    ActionItem,
    AgendaItem,
    Category,
    Contract,
    Invitation,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    Phase,
    Program,
    ProgramSession,
    SessionKind,
    TimeEntry,
)
from coopprogram.services import invoices, milestones, unity
from coopprogram.services.coops import add_coop
from coopprogram.services.program import DEFAULTS_FILE, load_program_file, setup_program
from coopprogram.units import amount_cents, billed_minutes

SIZES = {  # phases, co-ops, sessions, time entries
    "1x": (10, 60, 5_000, 100_000),
    "10x": (20, 200, 50_000, 1_000_000),
    "tiny": (3, 13, 30, 600),  # for the test of this generator
}
# The minutes an entry takes: a phase's billable hours stay within the largest cap (10,000 h).
MINUTES = {"1x": [15, 30, 45, 60, 90], "10x": [6, 9, 12, 15], "tiny": [15, 30, 45, 60, 90]}
LAST_YEAR = 2021  # the last phase is 2021 at every size, so the bench's as-of day falls inside it
VERSIONS = 50
INVITED = 12
BATCH = 5_000
KINDS = [
    "visioning",
    "unity",
    "strategy",
    "working-group",
    "political-education",
    "technical-assistance",
    "peer-learning",
]
CATEGORIES = ["visioning", "points-of-unity", "strategy", "calendar", "communication", "documentation"]
STAMP = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)  # created_at/updated_at of the bulk rows


def spec(phases: int, first_year: int, cap_hours: int) -> dict:
    base = load_program_file(DEFAULTS_FILE)
    base["phases"] = [
        {
            "number": n,
            "name": f"Phase {n}",
            "starts": date(first_year + n - 1, 1, 1),
            "ends": date(first_year + n - 1, 12, 31),
            "focus": f"Year {n} of the network",
            "default_category": "documentation",
        }
        for n in range(1, phases + 1)
    ]
    base["categories"] = [{k: v for k, v in c.items() if k != "phase"} for c in base["categories"]]
    base["contracts"] = [
        {
            "phase": n,
            "consultant": "Network consultant",
            "hour_cap": str(cap_hours),
            "rate": "65",
            "rate_min": "50",
            "rate_max": "75",
        }
        for n in range(1, phases + 1)
    ]
    return base


def _insert(db: Session, table, rows: list[dict]) -> None:
    """Core executemany in batches on SQLite; PostgreSQL's COPY on a server (ten times faster
    than even batched INSERTs), on the same connection and transaction."""
    if not rows:
        return
    connection = db.connection()
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(table), rows[start : start + BATCH])
        return
    names = list(rows[0])
    with (
        connection.connection.driver_connection.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in names])


def _next_id(db: Session, table) -> int:
    return (db.connection().execute(select(func.max(table.c.id))).scalar() or 0) + 1


def _advance_sequence(db: Session, table) -> None:
    """Rows came with their ids: on a server, move the id sequence past them."""
    if db.connection().dialect.name == "postgresql":
        db.connection().execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def generate(url: str, *, size: str = "1x", calendar_only: bool = False) -> None:
    phases, coops, total_sessions, total_entries = SIZES[size]
    first_year = LAST_YEAR - phases + 1
    per_phase_entries = total_entries // phases
    rng = random.Random(2022)
    started = time.perf_counter()

    def say(what: str) -> None:
        print(f"  {what}: {time.perf_counter() - started:.0f} s", flush=True)

    create_database(url)
    with unit_of_work(url, write=True, command="bench generate") as db:
        setup_program(db, spec=spec(phases, first_year, cap_hours=10_000))
        for n in range(coops):
            add_coop(
                db,
                name=f"Cooperative {n:03d}",
                kind=rng.choice(["worker", "producer", "consumer", "housing"]),
                slug=f"coop-{n:03d}",
                joined_on=date(first_year, 1, 1),
                contact_email=f"member{n}@example.org",
            )
        for phase in range(1, phases + 1):
            for m in range(10):
                milestones.add_milestone(
                    db,
                    title=f"Milestone {phase}.{m}",
                    phase=str(phase),
                    due_on=date(first_year + phase - 1, m + 1, 15),
                    today=date.max,
                )
    say("program, co-ops, milestones")
    with unit_of_work(url, write=True, command="bench generate") as db:
        _sessions(db, rng, phases=phases, first_year=first_year, total=total_sessions)
    say(f"{total_sessions:,} sessions with invitations, agendas and attendance")
    if calendar_only:
        return
    with unit_of_work(url, write=True, command="bench generate") as db:
        _entries(db, rng, phases=phases, first_year=first_year, per_phase=per_phase_entries, minutes=MINUTES[size])
    say(f"{total_entries:,} time entries")
    for phase in range(1, phases + 1):  # a transaction per phase keeps the session's identity map small
        with unit_of_work(url, write=True, command="bench generate") as db:
            _invoices(db, phase=phase, year=first_year + phase - 1, through_services=phase in (1, phases))
    say("invoices drafted, issued and paid")
    slugs = [f"coop-{n:03d}" for n in range(coops)]
    with unit_of_work(url, write=True, command="bench generate") as db:
        versions = 3 if size == "tiny" else VERSIONS
        for version in range(1, versions + 1):
            points = "\n".join(
                f"{p}. Point {p} as of version {version}: we {rng.choice(['share', 'build', 'decide'])} together."
                for p in range(1, 11)
            )
            unity.new_draft(db, text=f"# Points of unity\n\nVersion {version}.\n\n{points}\n")
            for c in range(5):
                unity.add_comment(db, version=version, text=f"Comment {c}", coop=rng.choice(slugs), point=c + 1)
        unity.circulate(db, version=versions, on=date(LAST_YEAR, 6, 1))
        for slug in slugs[: len(slugs) * 2 // 3]:
            unity.respond(db, version=versions, coop=slug, decision="endorse", on=date(LAST_YEAR, 6, 2))
    say("generated")


def _sessions(db: Session, rng: random.Random, *, phases: int, first_year: int, total: int) -> None:
    connection = db.connection()
    kinds = dict(connection.execute(select(SessionKind.slug, SessionKind.id)).all())
    phase_ids = dict(connection.execute(select(Phase.number, Phase.id)).all())
    coop_ids = [row[0] for row in connection.execute(text("SELECT id FROM coop ORDER BY id")).all()]
    per_phase = total // phases
    session_id = _next_id(db, ProgramSession.__table__)
    first_session = session_id
    sessions, invitations, items, actions = [], [], [], []
    cutoff = datetime(LAST_YEAR, 11, 15, tzinfo=UTC)  # later sessions are still planned
    for phase in range(1, phases + 1):
        year = first_year + phase - 1
        for k in range(per_phase):
            day = date(year, 1, 1) + timedelta(days=(k * 365) // per_phase)
            starts = datetime(day.year, day.month, day.day, 23, 0, tzinfo=UTC)  # 18:00 or 19:00 in New York
            held = starts < cutoff
            sessions.append(
                {
                    "id": session_id,
                    "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "series_id": None,
                    "kind_id": kinds[rng.choice(KINDS)],
                    "phase_id": phase_ids[phase],
                    "title": f"Session {phase}.{k}",
                    "starts_at": starts,
                    "minutes": 120,
                    "location": "Hall",
                    "link": "",
                    "facilitator": "",
                    "status": "held" if held else "planned",
                    "cancelled_on": None,
                    "held_on": starts.date() if held else None,
                    "cancel_reason": "",
                    "notes": "",
                    "headcount": 20 if held else None,
                    "sequence": 0,
                    "exported_sequence": 0,
                    "decisions": "",
                    "closed_at": None,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            )
            for n, coop_id in enumerate(rng.sample(coop_ids, INVITED)):
                attendance = "invited" if not held else ("attended" if n < 8 else "absent" if n < 10 else "excused")
                invitations.append({"session_id": session_id, "coop_id": coop_id, "attendance": attendance})
            for position in range(1, 4):
                items.append(
                    {
                        "session_id": session_id,
                        "position": position,
                        "title": f"Item {position}",
                        "minutes": 30,
                        "lead": "",
                        "kind": "discussion",
                    }
                )
            session_id += 1
        for k in range(20):
            actions.append(
                {
                    "title": f"Action {phase}.{k}",
                    "owner": "",
                    "due_on": date(year, 6, k + 1),
                    "session_id": None,
                    "coop_id": None,
                    "done_on": None,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            )
    _insert(db, ProgramSession.__table__, sessions)
    _advance_sequence(db, ProgramSession.__table__)
    _insert(db, Invitation.__table__, invitations)
    _insert(db, AgendaItem.__table__, items)
    _insert(db, ActionItem.__table__, actions)
    assert session_id - first_session == len(sessions)


def _entries(
    db: Session, rng: random.Random, *, phases: int, first_year: int, per_phase: int, minutes: list[int]
) -> None:
    connection = db.connection()
    contracts = dict(
        connection.execute(select(Phase.number, Contract.id).join(Contract, Contract.phase_id == Phase.id)).all()
    )
    categories = dict(connection.execute(select(Category.slug, Category.id)).all())
    for phase in range(1, phases + 1):
        year = first_year + phase - 1
        rows = []
        for k in range(per_phase):
            rows.append(
                {
                    "contract_id": contracts[phase],
                    "worked_on": date(year, 1, 1) + timedelta(days=(k * 365) // per_phase),
                    "minutes": rng.choice(minutes),
                    "description": f"Work item {phase}.{k}",
                    "category_id": categories[rng.choice(CATEGORIES)],
                    "billable": rng.random() > 0.05,
                    "session_id": None,
                    "milestone_id": None,
                    "coop_id": None,
                    "invoice_id": None,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            )
        _insert(db, TimeEntry.__table__, rows)


def _invoices(db: Session, *, phase: int, year: int, through_services: bool) -> None:
    """Each month's draft written in bulk (lines and locked entries) as `invoices draft` would.
    `through_services`: issued and paid through the services, which refuse a draft that differs
    from what drafting gives, and June voided and billed again; otherwise numbered, frozen
    (the snapshot issuing writes) and paid in bulk, as fast as the other phases need."""
    connection = db.connection()
    contract_id, rate = connection.execute(
        select(Contract.id, Contract.rate_cents).join(Phase, Contract.phase_id == Phase.id).where(Phase.number == phase)
    ).one()
    program = db.exec(select(Program)).scalars().one()
    names = dict(connection.execute(select(Category.id, Category.name)).all())
    for month in range(1, 13):
        period = f"{year}-{month:02d}"
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        entries = connection.execute(
            select(TimeEntry.id, TimeEntry.worked_on, TimeEntry.description, TimeEntry.category_id, TimeEntry.minutes)
            .where(
                TimeEntry.contract_id == contract_id,
                TimeEntry.billable.is_(True),
                TimeEntry.worked_on.between(start, end),
            )
            .order_by(TimeEntry.worked_on, TimeEntry.id)
        ).all()
        draft = Invoice(contract_id=contract_id, period=period)
        db.add(draft)
        db.flush()
        issue_day = end + timedelta(days=1)
        if not through_services:  # numbered now, and the document read before its lines exist (cheap)
            empty = _number(db, program, draft, on=issue_day)
        lines = []
        for position, (entry_id, worked_on, description, category_id, minutes) in enumerate(entries, start=1):
            billed = billed_minutes(minutes, program.billing_increment_minutes)
            lines.append(
                {
                    "invoice_id": draft.id,
                    "time_entry_id": entry_id,
                    "position": position,
                    "worked_on": worked_on,
                    "description": description,
                    "category": names[category_id],
                    "minutes": billed,
                    "rate_cents": rate,
                    "amount_cents": amount_cents(billed, rate),
                    "logged_minutes": minutes,
                }
            )
        _insert(db, InvoiceLine.__table__, lines)
        connection.execute(
            update(TimeEntry)
            .where(
                TimeEntry.contract_id == contract_id,
                TimeEntry.billable.is_(True),
                TimeEntry.worked_on.between(start, end),
            )
            .values(invoice_id=draft.id)
        )
        draft.total_minutes = sum(line["minutes"] for line in lines)
        draft.total_cents = sum(line["amount_cents"] for line in lines)
        db.add(draft)
        db.flush()
        if through_services:
            issued = invoices.issue_invoice(db, reference=str(draft.id), on=issue_day, today=date.max)
            if month == 6:
                invoices.void_invoice(db, reference=issued.number, reason="Corrected", on=issue_day, today=date.max)
                [again] = invoices.draft_month(db, period=period)
                issued = invoices.issue_invoice(db, reference=str(again.id), on=issue_day, today=date.max)
            invoices.pay_invoice(db, reference=issued.number, on=issue_day + timedelta(days=20), today=date.max)
        else:
            _freeze_and_pay(db, draft, empty, lines)
        db.expunge_all()


def _number(db: Session, program: Program, draft: Invoice, *, on: date) -> invoices.InvoiceDocument:
    """What issue_invoice writes first: the next number, the issue and due days."""
    sequence, number = invoices._next_number(db, program, on)
    draft.sequence, draft.number, draft.status, draft.issued_on = sequence, number, InvoiceStatus.ISSUED.value, on
    draft.due_on = on + timedelta(days=program.payment_days)
    db.add(draft)
    db.flush()
    return invoices._live_document(db, draft)


def _freeze_and_pay(db: Session, draft: Invoice, empty: invoices.InvoiceDocument, lines: list[dict]) -> None:
    """The snapshot issue_invoice freezes (the document with its lines), and a payment in full
    20 days later, as pay_invoice records it."""
    from dataclasses import asdict, replace

    from coopprogram.exporters.json import plain

    views = [
        invoices.LineView(
            line["worked_on"],
            line["description"],
            line["category"],
            line["minutes"],
            line["rate_cents"],
            line["amount_cents"],
        )
        for line in lines
    ]
    frozen = replace(empty, lines=[], subtotals=[], total_minutes=draft.total_minutes, total_cents=draft.total_cents)
    data = plain(asdict(frozen))
    data["lines"] = [{**vars_of(view), "worked_on": view.worked_on.isoformat()} for view in views]
    data["subtotals"] = [vars_of(item) for item in invoices.subtotals(views)]
    draft.snapshot = data
    paid_on = draft.issued_on + timedelta(days=20)
    db.add(Payment(invoice_id=draft.id, amount_cents=draft.total_cents, paid_on=paid_on, note=""))
    draft.status, draft.paid_on = InvoiceStatus.PAID.value, paid_on
    db.add(draft)
    db.flush()


def vars_of(view) -> dict:
    """A flat dataclass's fields as a dict (what dataclasses.asdict gives, without its deep copy)."""
    return {name: getattr(view, name) for name in view.__dataclass_fields__}


def main(argv: list[str]) -> None:
    size = argv[argv.index("--size") + 1] if "--size" in argv else "1x"
    target = argv[-1]
    url = target if "://" in target else f"sqlite:///{target}"
    generate(url, size=size, calendar_only="--calendar-only" in argv)


if __name__ == "__main__":
    main(sys.argv[1:])
