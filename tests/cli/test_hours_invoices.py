"""Hours, contract, budget and invoices through the command line: the demo's figures checked
by hand, the PDF read back, and two processes racing for the last hours under the cap."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.services.contracts import billable_minutes


def test_log_list_edit_remove(coop) -> None:
    coop("init")
    logged = coop("hours", "log", "2h30m", "Prep for visioning session", "--date", "2021-10-12")
    assert logged.exit_code == 0, logged.stderr
    assert "Logged entry 1: 2:30 h on 2021-10-12 (visioning, billable)" in logged.stdout
    assert coop("hours", "log", "45m", "Invites", "--date", "2021-10-13", "--category", "calendar").exit_code == 0
    rows = json.loads(coop("hours", "list", "--json").stdout)
    assert [(r["minutes"], r["category"]) for r in rows] == [(150, "visioning"), (45, "calendar")]
    assert coop("hours", "edit", "2", "--hours", "1:15").exit_code == 0
    csv_text = coop("hours", "list", "--month", "2021-10", "--csv").stdout
    assert csv_text.splitlines()[0].startswith("id,worked_on,starts_at,ends_at,minutes,hours,description")
    assert ",75,1:15,Invites,calendar," in csv_text
    assert coop("hours", "remove", "1").exit_code == 0
    assert [r["id"] for r in json.loads(coop("hours", "list", "--json").stdout)] == [2]


def test_hours_bad_input(coop, unchanged) -> None:
    coop("init")
    with unchanged(resolve_database(None)):
        for args, code, message in [
            (("hours", "log", "0", "Nothing", "--date", "2021-10-12"), 2, "no time at all"),
            (("hours", "log", "nan", "x", "--date", "2021-10-12"), 2, "not a duration"),
            (("hours", "log", "25", "x", "--date", "2021-10-12"), 2, "more than 24:00"),
            (("hours", "log", "2", "x", "--date", "2021-09-30"), 1, "outside every phase"),
            (("hours", "log", "2", "x", "--date", "2021-10-12", "--coop", "casa"), 1, "no co-op 'casa'"),
            (("hours", "log", "2", "x", "--date", "2021-10-12", "--milestone", "9"), 1, "no milestone 9"),
            (
                ("hours", "log", "2", "x", "--date", "2021-10-12", "--session", "99", "--category", "documentation"),
                1,
                "no session 99",
            ),
            (("hours", "list", "--month", "2021-13"), 2, "not a month"),
            (("hours", "list", "--month", "2021-10", "--from", "2021-10-01"), 2, "not both"),
            (("contract", "amend", "--rate", "80", "--reason", "raise"), 1, "outside the band"),
            (("contract", "amend", "--cap", "120"), 2, "--reason"),
            (("invoices", "draft", "2021-10"), 1, "no unbilled billable hours"),
            (("invoices", "export", "SEI-2021-009", "-f", "md"), 1, "no invoice 'SEI-2021-009'"),
        ]:
            result = coop(*args)
            assert (result.exit_code, message in result.stderr) == (code, True), (args, result.stderr)
            assert len(result.stderr.strip().splitlines()) == 1


def test_demo_money_figures(coop, demo_url, tmp_path: Path) -> None:
    # sample_data/hours.csv: Oct 14:45 ($958.75), Nov 16:15 ($1,056.25), Dec 13:00 ($845.00) at $65/h;
    # January 6:00 (4 entries, $390.00) not yet invoiced; 0:30 non-billable. Invoiced: $2,860.00.
    invoices = json.loads(coop("invoices", "list", "--json").stdout)
    assert [(i["reference"], i["total_cents"], i["status"]) for i in invoices] == [
        ("SEI-2021-001", 95875, "paid"),
        ("SEI-2021-002", 105625, "paid"),
        ("SEI-2022-003", 84500, "issued"),
    ]
    budget = json.loads(coop("budget", "--as-of", "2022-01-15", "--json").stdout)
    assert (budget["used_minutes"], budget["left_minutes"], budget["non_billable_minutes"]) == (3000, 3000, 30)
    assert (budget["billed_cents"], budget["paid_cents"], budget["used_cents"]) == (286000, 201500, 325000)
    assert budget["planned_minutes"] == 3527  # 6000 * 107 / 182 = 3527.47
    assert budget["cap_cents_range"] == [500000, 750000]
    status = coop("status", "--as-of", "2022-01-15").stdout
    assert "Hours (Phase I): 50:00 of 100:00 used (50%) · 50:00 left · 8:47 h behind an even pace" in status
    assert "SEI-2022-003 $845.00 due 2022-02-02" in status
    shown = coop("budget", "--as-of", "2022-01-15").stdout
    assert (
        "Pace: 8:47 h behind an even pace (an even pace would have used 58:47 by now)." in shown
        and "run out on 2022-05-02" in shown
    )


def test_invoice_exports(coop, demo_url, tmp_path: Path) -> None:
    pdf_path = tmp_path / "SEI-2021-002.pdf"
    assert coop("invoices", "export", "SEI-2021-002", "-o", str(pdf_path)).exit_code == 0
    pages = PdfReader(io.BytesIO(pdf_path.read_bytes())).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())  # cells wrap long text
    for expected in (
        "SEI-2021-002",
        "$1,056.25",
        "November 2021",
        "Facilitated visioning session 2: our needs",
        "Marisol Okafor-Reyes",
        "PAID",
    ):
        assert expected in text, expected
    markdown = coop("invoices", "export", "SEI-2021-002", "-f", "md").stdout
    assert "# Invoice SEI-2021-002" in markdown and "**$1,056.25**" in markdown
    rows = coop("invoices", "export", "SEI-2021-002", "-f", "csv").stdout.splitlines()
    assert len(rows) == 1 + 9 and rows[1].startswith("SEI-2021-002,invoice,paid,2021-11,2021-11-04")
    data = json.loads(coop("invoices", "export", "SEI-2021-002", "-f", "json").stdout)
    assert data["total_cents"] == 105625 == sum(line["amount_cents"] for line in data["lines"])
    refused = coop("invoices", "export", "SEI-2021-002", "-f", "pdf")
    assert refused.exit_code == 2 and "-o FILE.pdf" in refused.stderr


def test_monthly_routine(coop, demo_url) -> None:
    drafted = coop("invoices", "draft", "2022-01")
    assert "Draft 4 for January 2022 (Phase I): 4 lines, 6.00 h, $390.00." in drafted.stdout
    issued = coop("invoices", "issue", "4", "--on", "2022-02-01")
    assert "Issued invoice SEI-2022-004: $390.00 for January 2022; Net 30, due 2022-03-03." in issued.stdout
    assert coop("invoices", "pay", "SEI-2022-003", "--on", "2022-01-28").exit_code == 0
    voided = coop("invoices", "void", "SEI-2022-004", "--reason", "Wrong month", "--on", "2022-02-02")
    assert "credit note SEI-2022-005 cancels $390.00" in voided.stdout
    assert "Cancels invoice SEI-2022-004" in coop("invoices", "show", "SEI-2022-005").stdout
    assert (
        "Draft 6 for January 2022 (Phase I): 4 lines, 6.00 h, $390.00." in coop("invoices", "draft", "2022-01").stdout
    )
    discarded = coop("invoices", "void", "6", "--reason", "Not yet")
    assert (discarded.exit_code, discarded.stdout) == (0, "Discarded draft 6; its hours are unbilled again.\n")
    assert (
        "for January 2022 (Phase I): 4 lines, 6.00 h, $390.00." in coop("invoices", "draft", "2022-01").stdout
    )  # its hours, drafted again


def test_two_processes_racing_for_the_last_hours(coop, isolate: Path) -> None:
    coop("init")
    coop("contract", "amend", "--cap", "10", "--reason", "small cap for the test")
    script = (
        "import sys\n"
        "from coopprogram.cli import main\n"
        "sys.argv = ['coop', 'hours', 'log', '6', 'Race', '--date', '2021-10-12']\n"
        "main()\n"
    )
    env = dict(os.environ)  # COOP_DB: the test's database, a file or the server
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(run.wait(timeout=60), run.communicate()[1]) for run in runs]
    assert sorted(code for code, _ in results) == [0, 1]
    refusal = next(err for code, err in results if code == 1)
    assert "pass the Phase I cap" in refusal and "locked" not in refusal
    with unit_of_work(resolve_database(None), write=False) as db:
        assert billable_minutes(db, 1) == 6 * 60
