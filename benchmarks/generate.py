"""The large synthetic program for `make bench`: ten yearly phases, 60 co-ops, 5,000 sessions
with agendas and attendance, 100,000 time entries, monthly invoices (some voided and
re-issued), 50 versions of the points of unity, all made through the services.

`generate.py --calendar-only PATH` makes only the program, co-ops, milestones and sessions
(what the calendar measurements need), in a few minutes instead of 10 to 20."""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from coopprogram.db import create_database, unit_of_work
from coopprogram.services import actions, agenda, hours, invoices, milestones, sessions, unity
from coopprogram.services.coops import add_coop
from coopprogram.services.program import DEFAULTS_FILE, load_program_file, setup_program

PHASES = 10
COOPS = 60
SESSIONS = 5_000
ENTRIES = 100_000
VERSIONS = 50
FIRST_YEAR = 2012
KINDS = ["visioning", "unity", "strategy", "working-group", "political-education", "technical-assistance", "peer-learning"]
CATEGORIES = ["visioning", "points-of-unity", "strategy", "calendar", "communication", "documentation"]


def spec() -> dict:
    base = load_program_file(DEFAULTS_FILE)
    base["phases"] = [
        {"number": n, "name": f"Phase {n}", "starts": date(FIRST_YEAR + n - 1, 1, 1), "ends": date(FIRST_YEAR + n - 1, 12, 31),
         "focus": f"Year {n} of the network", "default_category": "documentation"}
        for n in range(1, PHASES + 1)
    ]
    base["categories"] = [{k: v for k, v in c.items() if k != "phase"} for c in base["categories"]]
    base["contracts"] = [
        {"phase": n, "consultant": "Network consultant", "hour_cap": "10000", "rate": "65", "rate_min": "50", "rate_max": "75"}
        for n in range(1, PHASES + 1)
    ]
    return base


def generate(path: Path, *, calendar_only: bool = False) -> None:
    rng = random.Random(2022)
    url = f"sqlite:///{path}"
    started = time.perf_counter()
    create_database(url)
    end_of_everything = datetime(FIRST_YEAR + PHASES, 1, 1, tzinfo=UTC)
    with unit_of_work(url, write=True, command="bench generate") as db:
        setup_program(db, spec=spec())
        for n in range(COOPS):
            add_coop(db, name=f"Cooperative {n:02d}", kind=rng.choice(["worker", "producer", "consumer", "housing"]),
                     slug=f"coop-{n:02d}", joined_on=date(FIRST_YEAR, 1, 1), contact_email=f"member{n}@example.org")
        for phase in range(1, PHASES + 1):
            for m in range(10):
                milestones.add_milestone(db, title=f"Milestone {phase}.{m}", phase=str(phase),
                                         due_on=date(FIRST_YEAR + phase - 1, m + 1, 15), today=date.max)
    print(f"  program, co-ops, milestones: {time.perf_counter() - started:.0f} s", flush=True)
    slugs = [f"coop-{n:02d}" for n in range(COOPS)]
    per_phase = SESSIONS // PHASES
    for phase in range(1, PHASES + 1):
        with unit_of_work(url, write=True, command="bench generate") as db:
            year = FIRST_YEAR + phase - 1
            for k in range(per_phase):
                day = date(year, 1, 1) + timedelta(days=(k * 365) // per_phase)
                start = datetime(day.year, day.month, day.day, 18, 0)
                [view] = sessions.add_session(db, title=f"Session {phase}.{k}", kind=rng.choice(KINDS), start=start, minutes=120,
                                              now=end_of_everything, invite=",".join(rng.sample(slugs, 12)), location="Hall")
                for item in range(3):
                    agenda.add_item(db, session_id=view.id, title=f"Item {item}", minutes=30)
                invited = [i.slug for i in view.invitees]
                sessions.record_attendance(db, session_id=view.id, now=end_of_everything, attended=invited[:8], absent=invited[8:10],
                                           excused=invited[10:], headcount=20)
            for k in range(20):
                actions.add_action(db, title=f"Action {phase}.{k}", today=date(year, 6, 1), due_on=date(year, 6, k + 1))
        print(f"  sessions of phase {phase}: {time.perf_counter() - started:.0f} s", flush=True)
    if calendar_only:
        return
    per_year = ENTRIES // PHASES
    for phase in range(1, PHASES + 1):
        with unit_of_work(url, write=True, command="bench generate") as db:
            year = FIRST_YEAR + phase - 1
            for k in range(per_year):
                day = date(year, 1, 1) + timedelta(days=(k * 365) // per_year)
                hours.log_time(db, minutes=rng.choice([15, 30, 45, 60, 90]), description=f"Work item {phase}.{k}", on=day,
                               today=date.max, category=rng.choice(CATEGORIES), billable=rng.random() > 0.05)
        print(f"  hours of phase {phase}: {time.perf_counter() - started:.0f} s", flush=True)
    for phase in range(1, PHASES + 1):  # a transaction per phase keeps the session's identity map small
        with unit_of_work(url, write=True, command="bench generate") as db:
            year = FIRST_YEAR + phase - 1
            for month in range(1, 13):
                period = f"{year}-{month:02d}"
                issue_day = date(year + (month == 12), month % 12 + 1, 1)
                for draft in invoices.draft_month(db, period=period):
                    issued = invoices.issue_invoice(db, reference=str(draft.id), on=issue_day)
                    if month % 2 == 0:  # every other month: voided and billed again
                        invoices.void_invoice(db, reference=issued.number, reason="Corrected", on=issue_day)
                        for again in invoices.draft_month(db, period=period):
                            issued = invoices.issue_invoice(db, reference=str(again.id), on=issue_day)
                    invoices.pay_invoice(db, reference=issued.number, on=issue_day + timedelta(days=20))
    print(f"  invoices: {time.perf_counter() - started:.0f} s", flush=True)
    with unit_of_work(url, write=True, command="bench generate") as db:
        for version in range(1, VERSIONS + 1):
            points = "\n".join(f"{p}. Point {p} as of version {version}: we {rng.choice(['share', 'build', 'decide'])} together." for p in range(1, 11))
            unity.new_draft(db, text=f"# Points of unity\n\nVersion {version}.\n\n{points}\n")
            for c in range(5):
                unity.add_comment(db, version=version, text=f"Comment {c}", coop=rng.choice(slugs), point=c + 1)
        unity.circulate(db, version=VERSIONS, on=date(FIRST_YEAR + PHASES - 1, 6, 1))
        for slug in slugs[:40]:
            unity.respond(db, version=VERSIONS, coop=slug, decision="endorse", on=date(FIRST_YEAR + PHASES - 1, 6, 2))
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    generate(Path(sys.argv[-1]), calendar_only="--calendar-only" in sys.argv[1:-1])
