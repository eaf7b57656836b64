"""Sessions, agendas, actions and the calendar through the command line."""

import io
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


def test_agenda_export(coop, demo_url, tmp_path: Path) -> None:
    sessions = json.loads(coop("sessions", "list", "--json").stdout)
    first = next(s for s in sessions if s["title"].startswith("Visioning session 1"))
    markdown = coop("agenda", "export", str(first["id"])).stdout
    assert (
        "| 18:00 | Welcome and community agreements | Marisol Okafor\\-Reyes | 15 |" not in markdown
    )  # hyphens are not escaped
    assert "| 18:00 | Welcome and community agreements | Marisol Okafor-Reyes | 15 |" in markdown
    assert "| 19:10 | Harvest: what we heard |" in markdown
    pdf = tmp_path / "agenda.pdf"
    assert coop("agenda", "export", str(first["id"]), "-o", str(pdf)).exit_code == 0
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages).split())
    assert "Visioning session 1: our histories" in text and "19:10 Harvest: what we heard" in text
    assert "rosa@" not in text and "runs" not in text


def test_agenda_overrun_flagged_in_every_format(coop, demo_url, tmp_path: Path) -> None:
    sessions = json.loads(coop("sessions", "list", "--json").stdout)
    first = next(s for s in sessions if s["title"].startswith("Visioning session 1"))
    planned = sum(
        item["minutes"] for item in json.loads(coop("agenda", "show", str(first["id"]), "--json").stdout)["items"]
    )
    extra = first["minutes"] - planned + 25  # 25 minutes past the session's 150
    assert coop("agenda", "add", str(first["id"]), "Open mic", "--minutes", str(extra)).exit_code == 0
    warning = "The agenda runs 25 minutes past the session's 150 minutes: shorten items or lengthen the session."
    assert warning in coop("agenda", "show", str(first["id"])).stdout
    assert warning in coop("agenda", "export", str(first["id"])).stdout
    pdf = tmp_path / "agenda.pdf"
    assert coop("agenda", "export", str(first["id"]), "-o", str(pdf)).exit_code == 0
    assert warning in " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages).split()
    )


def test_calendar_export_file_and_import(coop, demo_url, tmp_path: Path) -> None:
    target = tmp_path / "sei.ics"
    result = coop("calendar", "export", "-o", str(target), "--phase", "I")
    assert result.exit_code == 0 and "21 sessions and 9 milestones" in result.stdout
    from typer.testing import CliRunner

    from coopprogram.cli import app

    printed = CliRunner().invoke(app, ["calendar", "export", "--phase", "I"]).stdout_bytes
    assert target.read_bytes() == printed and printed.count(b"\r\n") > 100
    imported = coop("calendar", "import", str(target))
    assert "0 added, 0 updated, 21 unchanged" in imported.stdout
    bad = tmp_path / "bad.ics"
    bad.write_text("hello", encoding="utf-8")
    refused = coop("calendar", "import", str(bad))
    assert refused.exit_code == 1 and "not a calendar" in refused.stderr


def test_calendar_import_lists_what_it_changed_and_held_needs_force(coop, demo_url, tmp_path: Path) -> None:
    exported = tmp_path / "sei.ics"
    coop("calendar", "export", "-o", str(exported))
    held = coop("sessions", "show", "14").stdout.splitlines()[0]  # Visioning session 1, held
    assert "held" in held
    text = exported.read_text().replace("America/New_York:20211104T", "America/New_York:20211105T")  # a day later
    text = text.replace("URL:https://meet.example.org/sei-visioning", "URL:file:///etc/passwd", 1)
    moved = tmp_path / "moved.ics"
    moved.write_text(text)
    refused = coop("calendar", "import", str(moved))
    assert refused.exit_code == 0
    line = next(row for row in refused.stdout.splitlines() if row.startswith("2021-11-05 18:00"))
    assert "skipped" in line and "--force" in line
    assert "    note: its link is not an http(s) web address: left out" in refused.stdout
    assert coop("sessions", "show", "14").stdout.splitlines()[0] == held
    forced = coop("calendar", "import", str(moved), "--force")
    assert "Fri 2021-11-05 18:00" in coop("sessions", "show", "14").stdout and "1 updated" in forced.stdout


def test_actions(coop, demo_url) -> None:
    added = coop("actions", "add", "Share the needs map", "--owner", "Rosa", "--due", "2022-01-20")
    assert added.exit_code == 0 and "Added action 6" in added.stdout
    listing = coop("actions", "list", "--open", "--as-of", "2022-01-19").stdout
    lines = [line for line in listing.splitlines() if line.strip()[:1].isdigit()]
    assert lines[0].split()[0] == "3" and "OVERDUE" in lines[0]
    assert coop("actions", "done", "6", "--on", "2022-01-19").exit_code == 0
    again = coop("actions", "done", "6")
    assert again.exit_code == 1 and "already done on 2022-01-19" in again.stderr


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
