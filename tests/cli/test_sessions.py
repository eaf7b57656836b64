"""`coop sessions` through the command line: scheduling, attendance and notes, refusals, repeats
in words; closing a held session records its decisions, and the minutes print the agenda as it
ran, attendance by co-op (no contacts), decisions, action items and the next session."""

import json
from pathlib import Path

from pypdf import PdfReader

from coopprogram.config import resolve_database


def test_schedule_attend_and_notes(coop, demo_url, tmp_path: Path) -> None:
    added = coop(
        "sessions",
        "add",
        "Peer learning: bookkeeping",
        "--kind",
        "peer-learning",
        "--start",
        "2022-01-13 18:00",
        "--minutes",
        "90",
        "--invite",
        "casa-limpia,voces",
        "--link",
        "https://meet.example.org/peer",
    )
    assert added.exit_code == 0, added.stderr
    session_id = added.stdout.split()[2].rstrip(":")
    attended = coop("sessions", "attend", session_id, "casa-limpia", "--excused", "voces", "--headcount", "6")
    assert "1 attended, 0 absent, 1 excused, 0 not recorded, of 2 invited" in attended.stdout
    notes = tmp_path / "notes.md"
    notes.write_text("Shared a bookkeeping template.\n", encoding="utf-8")
    assert coop("sessions", "notes", session_id, "--file", str(notes)).exit_code == 0
    shown = json.loads(coop("sessions", "show", session_id, "--json").stdout)["session"]
    assert (shown["status"], shown["headcount"], shown["notes"]) == ("held", 6, "Shared a bookkeeping template.")


def test_session_input_errors_change_nothing(coop, demo_url, unchanged) -> None:
    with unchanged(resolve_database(None)):
        for args, code, message in [
            (
                ("sessions", "add", "X", "--kind", "visioning", "--start", "2022-03-13 02:30", "--minutes", "60"),
                1,
                "does not exist",
            ),
            (
                ("sessions", "add", "X", "--kind", "visioning", "--start", "2022-03-13", "--minutes", "60"),
                2,
                "not a start time",
            ),
            (
                ("sessions", "add", "X", "--kind", "party", "--start", "2022-03-10 18:00", "--minutes", "60"),
                1,
                "not a session kind",
            ),
            (
                ("sessions", "add", "X", "--kind", "unity", "--start", "2022-03-10 18:00", "--minutes", "0"),
                1,
                "not possible",
            ),
            (
                (
                    "sessions",
                    "add",
                    "X",
                    "--kind",
                    "unity",
                    "--start",
                    "2022-03-10 18:00",
                    "--minutes",
                    "60",
                    "--link",
                    "meet.example.org",
                ),
                1,
                "not a web link",
            ),
            (("sessions", "attend", "999", "voces"), 1, "no session 999"),
            (
                ("agenda", "add", "14", "Lunch", "--minutes", "30", "--kind", "lunch"),
                2,
                "'lunch' is not one of 'opening', 'discussion'",
            ),
            (("calendar", "export", "--coop", "casa"), 1, "no co-op 'casa'"),
        ]:
            result = coop(*args)
            assert (result.exit_code, message in result.stderr) == (code, True), (args, result.stderr)
            assert len(result.stderr.strip().splitlines()) == 1


def test_text_files_that_cannot_be_read_are_refused_in_one_line(coop, demo_url, unchanged, tmp_path: Path) -> None:
    latin = tmp_path / "notes.md"
    latin.write_bytes("Réunion tenue à Lawrence".encode("latin-1"))
    with unchanged(demo_url):
        for args in (("sessions", "notes", "3", "--file", str(latin)), ("unity", "new", "--file", str(latin))):
            refused = coop(*args)
            assert refused.exit_code == 1, args
            assert refused.stderr == f"Error: {latin} is not UTF-8 text. Save it as UTF-8 text and try again.\n"


def test_a_repeat_in_words_schedules_the_meetings_meant(coop, demo_url) -> None:
    import json

    result = coop(
        "sessions",
        "add",
        "Peer learning: bookkeeping",
        "--kind",
        "peer-learning",
        "--start",
        "2022-02-01 18:00",
        "--minutes",
        "90",
        "--repeat",
        "every 2 weeks on Tuesday",
        "--until",
        "2022-03-29",
        "--invite",
        "none",
    )
    assert result.exit_code == 0, result.stderr
    assert "Scheduled 5 sessions (FREQ=WEEKLY;INTERVAL=2;BYDAY=TU), 2022-02-01 to 2022-03-29" in result.stdout
    days = [
        s["starts_local"][:10]
        for s in json.loads(coop("sessions", "list", "--json").stdout)
        if s["title"] == "Peer learning: bookkeeping"
    ]
    assert days == ["2022-02-01", "2022-02-15", "2022-03-01", "2022-03-15", "2022-03-29"]
    refused = coop(
        "sessions",
        "add",
        "X",
        "--kind",
        "peer-learning",
        "--start",
        "2022-02-01 18:00",
        "--minutes",
        "90",
        "--repeat",
        "now and then",
        "--until",
        "2022-03-29",
    )
    assert refused.exit_code == 2 and "is not a repeat rule this program understands" in refused.stderr


def test_closing_records_decisions_and_the_minutes_show_everything(coop, demo_url, tmp_path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("Five values drafted.\n\nHaitian Creole interpretation added.\n", encoding="utf-8")
    result = coop(
        "sessions",
        "close",
        "16",
        "--decision",
        "The five values are the base of the draft",
        "--decision",
        "Interpretation at every session",
        "--notes-file",
        str(notes),
    )
    assert result.exit_code == 0, result.stderr
    assert "Closed session 16 with 2 decision(s) and 1 action item(s)" in result.stdout
    minutes = coop("sessions", "minutes", "16").stdout
    assert minutes.startswith("# Minutes: Visioning session 3: the economy we want\n")
    assert "- 18:10 The economy we want: a drawing exercise (Carmen Ortiz)" in minutes
    assert "- Absent: SunShare Solar Workers Cooperative" in minutes
    assert "1. The five values are the base of the draft\n2. Interpretation at every session" in minutes
    assert "- Collect point people from Green Hands and SunShare — Keisha Grant, due 2022-01-14" in minutes
    assert "Haitian Creole interpretation added." in minutes
    # The next meeting of the same co-ops, not the organizers' call in between.
    assert minutes.rstrip().endswith(
        "Points of unity workshop: Thursday January 20, 2022 · 18:00–20:00 (America/New_York)"
    )
    assert "@" not in minutes


def test_minutes_as_pdf(coop, demo_url, tmp_path) -> None:

    coop("sessions", "close", "16", "--decision", "The five values are the base of the draft")
    target = tmp_path / "minutes.pdf"
    assert coop("sessions", "minutes", "16", "-o", str(target)).exit_code == 0
    text = " ".join(page.extract_text() for page in PdfReader(target).pages)
    for expected in (
        "Minutes: Visioning session 3",
        "The five values are the base of the draft",
        "Keisha Grant",
        "SunShare Solar",
    ):
        assert expected in " ".join(text.split())


def test_a_cancelled_session_cannot_be_closed(coop, demo_url, unchanged) -> None:
    with unchanged(demo_url):
        result = coop("sessions", "close", "7", "--decision", "Nothing: it did not meet")
    assert result.exit_code == 1
    assert result.stderr == "Error: Session 7 was cancelled.\n"


def test_closing_dates_the_session_held_for_views_of_past_days(coop, demo_url) -> None:
    # Session 17 (2022-01-20) waits to be closed; its minutes are recorded a day later, on the 21st.
    assert coop("sessions", "close", "17", "--decision", "Version 3 goes round", "--on", "2022-01-21").exit_code == 0

    def status_on(day: str) -> str:
        import json

        [row] = [s for s in json.loads(coop("sessions", "list", "--as-of", day, "--json").stdout) if s["id"] == 17]
        return row["status"]

    assert status_on("2022-01-20") == "planned"  # met, but not closed yet on that day
    assert status_on("2022-01-21") == "held"
    refused = coop("sessions", "close", "18", "--on", "2022-01-01")
    assert refused.exit_code == 1 and "cannot be closed before that" in refused.stderr
