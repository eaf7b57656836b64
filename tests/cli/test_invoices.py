"""Invoices through the command line as a treasurer receives them: the payee from the
consultant's profile, the PDF read back with every line checked by multiplication, partial
payments and the year's payments received, amendments with an effective day, entries removed
from drafts, phase edits that would orphan billed time, and what `db check` reports; the demo's
exports, the monthly routine, and two processes racing for the last hours under the cap."""

import io
import json
import os
import re
import subprocess
import sys
from csv import DictReader
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from pypdf import PdfReader

from coopprogram import __version__
from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.services.contracts import billable_minutes

LINE = re.compile(r"(\d{4}-\d{2}-\d{2}) .+? (\d+\.\d{2}) \$(\d[\d,]*\.\d{2}) \$(\d[\d,]*\.\d{2})")


def _cents(text: str) -> int:
    return int(text.replace(",", "").replace(".", ""))


def _setup(coop) -> None:
    set_profile = coop(
        "consultant",
        "set",
        "--name",
        "Ana Lima",
        "--address",
        "12 Elm St, Lowell, MA 01852",
        "--email",
        "ana@example.org",
        "--tax-id",
        "12-3456789",
        "--payment",
        "Check payable to Ana Lima",
    )
    assert set_profile.exit_code == 0 and set_profile.stderr == ""
    # $73.33 an hour from 2021-11-15, agreed on the 20th; $60.00 before.
    amended = coop(
        "contract",
        "amend",
        "--rate",
        "73.33",
        "--effective",
        "2021-11-15",
        "--on",
        "2021-11-20",
        "--reason",
        "New scope",
    )
    assert "Phase I contract amended from 2021-11-15: cap 100:00 h, rate $73.33/h." in amended.stdout
    for hours, day, text in (
        ("40m", "2021-11-03", "Prep"),
        ("7m", "2021-11-12", "Call"),
        ("40m", "2021-11-15", "Session"),
        ("7m", "2021-11-16", "Email"),
        ("1:30", "2021-11-30", "Notes"),
    ):
        assert coop("hours", "log", hours, text, "--date", day).exit_code == 0


def test_the_pdf_reads_back_with_every_line_multiplying_out(coop, db_url, tmp_path: Path) -> None:
    _setup(coop)
    # 0.70 h x $60.00 = $42.00; 0.10 h x $60.00 = $6.00; 0.70 h x $73.33 = $51.331 -> $51.33;
    # 0.10 h x $73.33 = $7.333 -> $7.33; 1.50 h x $73.33 = $109.995 -> $110.00. Total 3.10 h, $216.66.
    assert (
        "Draft 1 for November 2021 (Phase I): 5 lines, 3.10 h, $216.66." in coop("invoices", "draft", "2021-11").stdout
    )
    issued = coop("invoices", "issue", "1", "--on", "2021-12-01")
    assert issued.exit_code == 0, issued.stderr
    pdf_path = tmp_path / "invoice.pdf"
    assert coop("invoices", "export", "SEI-2021-001", "-o", str(pdf_path)).exit_code == 0
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    lines = LINE.findall(text.split("Hours Rate Amount", 1)[1])
    assert [(day, hours, rate, amount) for day, hours, rate, amount in lines] == [
        ("2021-11-03", "0.70", "60.00", "42.00"),
        ("2021-11-12", "0.10", "60.00", "6.00"),
        ("2021-11-15", "0.70", "73.33", "51.33"),
        ("2021-11-16", "0.10", "73.33", "7.33"),
        ("2021-11-30", "1.50", "73.33", "110.00"),
    ]
    for _, hours, rate, amount in lines:
        assert (Decimal(hours) * Decimal(rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == Decimal(amount)
    total = sum(_cents(amount) for *_, amount in lines)
    assert total == 21666 and "Total 3.10 $216.66" in text
    assert sum(Decimal(hours) for _, hours, *_ in lines) == Decimal("3.10")
    for expected in (
        "Ana Lima",
        "12 Elm St, Lowell, MA 01852",
        "ana@example.org",
        "Tax ID: 12-3456789",
        "Check payable to Ana Lima",
        "Amount due $216.66",
        "Net 30, due 2021-12-31",
        "Consultant contract, Phase I (2021-10-01 to 2022-03-31)",
        "from 2021-11-15: rate $60.00 -> $73.33 (New scope; agreed 2021-11-20)",
    ):
        assert expected in text, expected
    assert f"coopprogram {__version__}" in reader.metadata["/Keywords"]
    assert reader.metadata["/Author"] == "Ana Lima"


def test_the_draft_message_adds_up(coop, db_url) -> None:
    _setup(coop)
    assert coop("invoices", "draft", "2021-11").exit_code == 0
    data = json.loads(coop("invoices", "show", "1", "--json").stdout)
    assert data["total_cents"] == sum(line["amount_cents"] for line in data["lines"]) == 21666
    assert [line["hours"] for line in data["lines"]] == ["0.70", "0.10", "0.70", "0.10", "1.50"]
    shown = coop("contract", "show").stdout
    assert "Rate:  $73.33/h in force today" in shown
    assert "Amended from 2021-11-15: rate $60.00 -> $73.33 (New scope; agreed 2021-11-20)" in shown


def test_profile_is_kept_in_the_issued_snapshot(coop, db_url) -> None:
    _setup(coop)
    coop("invoices", "draft", "2021-11")
    coop("invoices", "issue", "1", "--on", "2021-12-01")
    assert coop("consultant", "set", "--name", "Ana Lima-Souza").exit_code == 0
    assert "Name:    Ana Lima-Souza" in coop("consultant", "show").stdout
    shown = coop("invoices", "show", "SEI-2021-001").stdout
    assert "From Ana Lima · 12 Elm St" in shown and "Lima-Souza" not in shown
    markdown = coop("invoices", "export", "SEI-2021-001", "-f", "md").stdout
    assert "**Amount due: $216.66**" in markdown and "**How to pay:** Check payable to Ana Lima" in markdown


def test_payments_partial_undo_and_the_year(coop, db_url) -> None:
    _setup(coop)
    coop("invoices", "draft", "2021-11")
    coop("invoices", "issue", "1", "--on", "2021-12-01")
    first = coop("invoices", "pay", "SEI-2021-001", "--amount", "100", "--on", "2021-12-20", "--note", "Check 1042")
    assert "Balance due: $116.66." in first.stdout
    assert "$116.66 due" in coop("invoices", "list").stdout
    second = coop("invoices", "pay", "SEI-2021-001", "--on", "2022-01-05")
    assert "$116.66 received on 2022-01-05" in second.stdout and "Paid in full on 2022-01-05." in second.stdout
    year_2021 = coop("invoices", "payments", "--year", "2021")
    assert "Total received in 2021: $100.00" in year_2021.stdout and "Check 1042" in year_2021.stdout
    assert "Total received in 2022: $116.66" in coop("invoices", "payments", "--year", "2022").stdout
    refused = coop("invoices", "void", "SEI-2021-001", "--reason", "Wrong")
    assert refused.exit_code == 1 and "voiding it would lose them" in refused.stderr
    undone = coop("invoices", "unpay", "SEI-2021-001", "--reason", "Entered twice", "--on", "2022-01-06")
    assert "Balance due: $116.66." in undone.stdout
    assert "Total received in 2022: $0.00" in coop("invoices", "payments", "--year", "2022").stdout
    csv = coop("invoices", "payments", "--year", "2021", "--csv").stdout.splitlines()
    assert csv == ["paid_on,invoice,amount_cents,note", "2021-12-20,SEI-2021-001,10000,Check 1042"]
    too_much = coop("invoices", "pay", "SEI-2021-001", "--amount", "200", "--on", "2022-01-07")
    assert too_much.exit_code == 1 and "more than the balance due on SEI-2021-001, $116.66" in too_much.stderr


def test_removing_an_entry_from_a_draft(coop, db_url) -> None:
    assert coop("hours", "log", "1", "Kept", "--date", "2021-10-04").exit_code == 0
    assert coop("hours", "log", "2", "Removed", "--date", "2021-10-05").exit_code == 0
    coop("invoices", "draft", "2021-10")
    removed = coop("hours", "remove", "2")
    assert removed.exit_code == 0, removed.stderr
    data = json.loads(coop("invoices", "show", "1", "--json").stdout)
    assert [line["description"] for line in data["lines"]] == ["Kept"] and data["total_cents"] == 6000


def test_phase_edits_cannot_orphan_billed_time_and_db_check_finds_strays(coop, db_url) -> None:
    assert coop("hours", "log", "1", "Late work", "--date", "2022-03-20").exit_code == 0
    refused = coop("phases", "edit", "I", "--ends", "2022-03-15")
    assert refused.exit_code == 1
    assert "Phase I from 2021-10-01 to 2022-03-15 would leave outside it: 1 time entry (2022-03-20)" in refused.stderr
    assert coop("db", "check").exit_code == 0
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as connection:  # a stray that only a direct write could make
        connection.execute(text("UPDATE timeentry SET worked_on = '2022-04-02'"))
    engine.dispose()
    check = coop("db", "check")
    assert check.exit_code == 1
    assert (
        "Entry 1 (2022-04-02) is logged under the Phase I contract but falls outside Phase I (2021-10-01 to 2022-03-31)"
        in check.stdout + check.stderr
    )


def test_cap_messages(coop, db_url) -> None:
    assert coop("contract", "amend", "--cap", "2", "--reason", "Small pilot", "--on", "2021-10-01").exit_code == 0
    full = coop("hours", "log", "2", "Session", "--date", "2021-10-04")
    assert "The Phase I cap is now fully used: 2:00 of 2:00 hours" in full.stdout + full.stderr
    refused = coop("hours", "log", "1", "More", "--date", "2021-10-05")
    assert (
        refused.exit_code == 1
        and "cap of 2:00 hours is reached" in refused.stderr
        and "Log at most 0:00" not in refused.stderr
    )
    assert coop("hours", "log", "1", "More", "--date", "2021-10-05", "--non-billable").exit_code == 0


def test_bad_input_is_refused_and_changes_nothing(coop, db_url, unchanged) -> None:
    with unchanged(db_url):
        for args, fragment in (
            (("consultant", "set", "--email", "not an address"), "is not an email address"),
            (("consultant", "set"), "Nothing to set"),
            (("program", "set", "consultant", "Ana"), "set with `coop consultant set --name TEXT --payment TEXT`"),
            (("program", "set", "billing-increment", "7"), "is not a billing increment"),
            (
                ("contract", "amend", "--rate", "70", "--effective", "2023-01-01", "--reason", "x"),
                "takes effect within Phase I",
            ),
            (("invoices", "unpay", "SEI-2021-001", "--reason", "x"), "no invoice 'SEI-2021-001'"),
        ):
            result = coop(*args)
            assert result.exit_code == 1 and fragment in result.stderr, (args, result.stderr)


def test_shortening_a_phase_names_the_entries_sessions_and_invoices_left_out(coop, demo_url, unchanged) -> None:
    with unchanged(demo_url):
        refused = coop("phases", "edit", "I", "--ends", "2021-11-30")
    assert refused.exit_code == 1
    message = refused.stderr
    assert "Phase I from 2021-10-01 to 2021-11-30 would leave outside it:" in message
    # sample_data/hours.csv: 12 entries from 2021-12-02 to 2022-01-12; December is billed on SEI-2022-003.
    assert "12 time entries (2021-12-02 to 2022-01-12)" in message and "invoice SEI-2022-003 for 2021-12" in message
    assert re.search(r"\d+ sessions \(2021-12-\d\d to 2022-03-\d\d\)", message), message


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


def test_two_processes_racing_for_the_last_hours(coop, db_url) -> None:
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


def _amount(text: str, locale: str) -> Decimal:
    """A figure as the locale writes it (`1.056,25 US$`, `US$ 7,33`, `$1,056.25`), read back by Babel."""
    from babel.numbers import parse_decimal

    return parse_decimal(re.sub(r"[^\d.,-]", "", text), locale=locale, strict=True)


def _multiplies_out(rows: list[tuple[str, str, str]], total: tuple[str, str], locale: str) -> list[int]:
    """Each row's hours x rate = amount to the cent, and the amounts and hours add to the total's;
    the amounts in cents."""
    amounts = []
    for hours, rate, amount in rows:
        exact = _amount(hours, locale) * _amount(rate, locale)
        assert exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == _amount(amount, locale), (hours, rate, amount)
        amounts.append(int(_amount(amount, locale) * 100))
    assert sum(_amount(hours, locale) for hours, _, _ in rows) == _amount(total[0], locale)
    assert sum(amounts) == int(_amount(total[1], locale) * 100)
    return amounts


def _markdown_table(markdown: str) -> tuple[list[tuple[str, str, str]], tuple[str, str]]:
    """The lines table's (hours, rate, amount) rows and its total row's (hours, amount)."""
    table = markdown.split("| ---: | ---: | ---: |\n", 1)[1].split("\n\n", 1)[0]
    *rows, total = ([cell.strip().strip("*") for cell in line.strip("|").split("|")] for line in table.splitlines())
    return [(row[3], row[4], row[5]) for row in rows], (total[3], total[5])


def test_every_export_multiplies_out_in_each_language(coop, db_url, tmp_path: Path) -> None:
    """The Markdown in English and Spanish, the CSV, the JSON and the Portuguese PDF read back:
    hours x rate = amount on each line, the lines add to the total, the same cents in each."""
    _setup(coop)
    assert coop("invoices", "draft", "2021-11").exit_code == 0
    assert coop("invoices", "issue", "1", "--on", "2021-12-01").exit_code == 0
    expected = [4200, 600, 5133, 733, 11000]
    for lang, locale in (("en", "en_US"), ("es", "es"), ("pt", "pt")):
        markdown = coop("invoices", "export", "SEI-2021-001", "-f", "md", "--lang", lang).stdout
        rows, total = _markdown_table(markdown)
        assert _multiplies_out(rows, total, locale) == expected, lang
        assert int(_amount(total[1], locale) * 100) == 21666
    assert _markdown_table(coop("invoices", "export", "SEI-2021-001", "-f", "md", "--lang", "es").stdout)[0][4] == (
        "1,50",
        "73,33\xa0US$",
        "110,00\xa0US$",
    )
    sheet = list(DictReader(io.StringIO(coop("invoices", "export", "SEI-2021-001", "-f", "csv").stdout)))
    assert [int(row["amount_cents"]) for row in sheet] == expected
    for row in sheet:
        exact = Decimal(row["minutes"]) / 60 * Decimal(row["rate_cents"])
        assert exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP) == int(row["amount_cents"])
        assert Decimal(row["hours"]) == Decimal(row["minutes"]) / 60
    data = json.loads(coop("invoices", "export", "SEI-2021-001", "-f", "json").stdout)
    assert [line["amount_cents"] for line in data["lines"]] == expected and data["total_cents"] == sum(expected)
    assert data["total_minutes"] == sum(line["minutes"] for line in data["lines"]) == 186
    pdf_path = tmp_path / "fatura.pdf"
    assert coop("invoices", "export", "SEI-2021-001", "-o", str(pdf_path), "--lang", "pt").exit_code == 0
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf_path).pages).split()).replace("\xa0", " ")
    money = r"US\$ \d[\d.]*,\d{2}"
    found = re.findall(rf"(\d+ de \w+\.? de 2021) .+? (\d+,\d{{2}}) ({money}) ({money})", text.split("Valor", 1)[1])
    rows = [(hours, rate, amount) for _, hours, rate, amount in found]
    total = re.search(rf"Total (\d+,\d{{2}}) ({money})", text)
    assert total is not None, text
    assert _multiplies_out(rows, (total[1], total[2]), "pt") == expected
    assert [day for day, *_ in found] == [
        "3 de nov. de 2021",
        "12 de nov. de 2021",
        "15 de nov. de 2021",
        "16 de nov. de 2021",
        "30 de nov. de 2021",
    ]
    # The credit note that cancels it: every amount negative, and still adding up.
    assert coop("invoices", "void", "SEI-2021-001", "--reason", "Wrong month", "--on", "2021-12-02").exit_code == 0
    for lang, locale in (("en", "en_US"), ("es", "es"), ("pt", "pt")):
        markdown = coop("invoices", "export", "SEI-2021-002", "-f", "md", "--lang", lang).stdout
        rows, total = _markdown_table(markdown)
        assert _multiplies_out(rows, total, locale) == [-cents for cents in expected], (lang, markdown)
