"""Minutes: closing a held session records its decisions; the minutes print the agenda as it ran,
attendance by co-op (no contacts), decisions, action items with owners and dates, the next session."""

from __future__ import annotations


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
    from pypdf import PdfReader

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
