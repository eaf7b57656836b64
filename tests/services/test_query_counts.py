"""The report, the calendar, the dashboard and the list of versions read in a fixed number of
queries: more co-ops, sessions, invitations, agenda items, hours, versions and comments make
the queries return more rows, never run more of them (no query per row)."""

import json
from datetime import date

from sqlalchemy import event

from coopprogram.db import unit_of_work
from coopprogram.services.calendar import calendar_view
from coopprogram.services.report import report
from coopprogram.services.status import program_status
from coopprogram.services.unity import list_drafts

DAY = date(2022, 1, 15)


def _queries_per_view(url: str) -> dict[str, int]:
    counts = {}
    with unit_of_work(url, write=False) as db:
        statements: list[str] = []

        def record(conn, cursor, statement, *args) -> None:
            statements.append(statement)

        engine = db.get_bind()
        event.listen(engine, "before_cursor_execute", record)
        try:
            for name, build in (
                ("report", lambda: report(db, phase=None, as_of=DAY)),
                ("calendar", lambda: calendar_view(db)),
                ("status", lambda: program_status(db, as_of=DAY)),
                ("versions", lambda: list_drafts(db)),
            ):
                statements.clear()
                build()
                counts[name] = len(statements)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    return counts


def test_views_do_not_query_per_row(coop, demo_url, tmp_path) -> None:
    before = _queries_per_view(demo_url)
    for number in range(1, 6):
        assert (
            coop("coops", "add", f"Query Co-op {number}", "--kind", "worker", "--joined", "2021-10-01").exit_code == 0
        )
    added = coop(
        "sessions",
        "add",
        "Peer exchange",
        "--kind",
        "peer-learning",
        "--start",
        "2021-11-02 12:00",
        "--minutes",
        "60",
        "--repeat",
        "FREQ=WEEKLY;BYDAY=TU",
        "--until",
        "2022-01-11",
        "--invite",
        "all",
    )
    assert added.exit_code == 0, added.stderr
    sessions = [s for s in json.loads(coop("sessions", "list", "--json").stdout) if s["title"] == "Peer exchange"]
    assert len(sessions) == 11
    slugs = [
        c["slug"] for c in json.loads(coop("coops", "list", "--json").stdout) if c["name"].startswith("Query Co-op")
    ]
    for session in sessions[:6]:
        assert coop("agenda", "add", str(session["id"]), "Check-in", "--minutes", "15").exit_code == 0
        assert coop("sessions", "attend", str(session["id"]), *slugs[:4], "--absent", slugs[4]).exit_code == 0
    for day in range(3, 13):
        assert coop("hours", "log", "0:30", "Peer exchange prep", "--date", f"2022-01-{day:02d}").exit_code == 0
    after = _queries_per_view(demo_url)
    assert after == before
    assert all(count > 0 for count in after.values())
    # Two more versions and a comment (a draft as the latest version changes what the report
    # and the dashboard show, so only the list of versions is compared here).
    text = tmp_path / "v4.md"
    text.write_text("# Points of unity\n\nWhy.\n\n1. One.\n2. Two.\n", encoding="utf-8")
    for _ in range(2):
        assert coop("unity", "new", "--file", str(text)).exit_code == 0
    assert coop("unity", "comment", "4", "Shorter, please", "--point", "1").exit_code == 0
    assert _queries_per_view(demo_url)["versions"] == before["versions"]
