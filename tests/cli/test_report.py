"""`coop report` in each format, read back: the PDF's text holds the headline figures and all
thirteen co-op names; no contact detail appears anywhere."""

import io
import re
from pathlib import Path

from pypdf import PdfReader

COOP_NAMES = [
    "Brockton Home Care Cooperative",
    "Building Power Construction Co-op",
    "Casa Limpia Cleaning Cooperative",
    "Green Hands Landscaping",
    "Harbor Community Food Co-op",
    "Little Roots Childcare Cooperative",
    "Maverick Square Housing Cooperative",
    "North Shore Makers Collective",
    "Pan y Rosas Bakery Cooperative",
    "Sabor Colectivo Catering",
    "SunShare Solar Workers Cooperative",
    "Tierra Viva Urban Farm",
    "Voces Language Justice Cooperative",
]
CONTACTS = ("@casalimpia", "978-555", "Rosa Almonte", "Sophal Chea")


def test_text_report(coop, demo_url) -> None:
    text = coop("report", "--as-of", "2022-01-15").stdout
    assert "Phase I status report, as of 2022-01-15" in text
    assert "day 107 of 182 (59%)" in text and "50:00 of 100:00 h (50%)" in text
    assert "Milestones: 5 of 9 done, 1 overdue" in text
    # North Shore Makers joined 01-10 and no session open to it has been held yet: "–", not 0%, not "not reached"
    north_shore = next(line for line in text.splitlines() if "North Shore Makers Collective" in line)
    assert "NOT REACHED" not in north_shore and "0%" not in north_shore and " – " in north_shore
    assert "Points of unity: version 3, circulating since 2022-01-12, responses due 2022-01-28; 8 endorse" in text
    assert "1 open comment" in text and "comment(s)" not in text
    assert "OVERDUE Collect point people from Green Hands and SunShare" in text
    assert not any(contact in text for contact in CONTACTS)


def test_markdown_report(coop, demo_url, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    assert coop("report", "I", "--as-of", "2022-01-15", "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Movement Co-op Program pilot: Phase I status report")
    assert "| Green Hands Landscaping | 1 of 3 | 2 | 0 | 33% | 2021-12-09 |" in text
    assert "| 2021-11-04 | Visioning session 1: our histories | 10 of 11 co-ops |" in text
    assert "Invoices: 3 issued ($2,860.00 net of credit notes), 2 paid ($2,015.00), outstanding $845.00" in text
    assert not any(contact in text for contact in CONTACTS)


def test_pdf_report(coop, demo_url, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    assert coop("report", "--as-of", "2022-01-15", "-o", str(target)).exit_code == 0
    pages = PdfReader(io.BytesIO(target.read_bytes())).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for figure in (
        "day 107 of 182 (59%)",
        "50:00 of 100:00 h (50%)",
        "5 of 9 done, 1 overdue",
        "version 3, circulating",
        "0 of 13 co-ops not reached",
        "Milestones of Phase I",
        "Sessions held",
        "Participation: the latest sessions",
        "Hours by category",
        "Hours by month",
        "Invoices",
    ):
        assert figure in text, figure
    for name in COOP_NAMES:
        assert name in text, name
    for page in pages:  # the program's name and the as-of date on every page
        page_text = page.extract_text()
        assert "Movement Co-op Program pilot" in page_text and "as of 2022-01-15" in page_text
    assert f"page 1 of {len(pages)}" in text
    assert not any(contact in text for contact in CONTACTS)


def test_format_errors(coop, demo_url) -> None:
    assert coop("report", "-f", "docx").exit_code == 2
    pdf_to_screen = coop("report", "-f", "pdf")
    assert pdf_to_screen.exit_code == 2 and "-o FILE.pdf" in pdf_to_screen.stderr
    unknown = coop("report", "III")
    assert unknown.exit_code == 1 and "no phase 'III'" in unknown.stderr


def test_phase_two_report_starts_from_phase_one(coop, demo_url) -> None:
    """Phase II's report names what Phase I left open and shows each co-op's Phase I share."""
    text = coop("report", "II", "--as-of", "2022-04-15").stdout
    assert "Left open from Phase I:" in text
    # milestones.csv: 9 Phase I milestones, 5 done; SEI-2022-003 (issued 2022-01-03) never paid
    assert "4 milestones not done" in text and "1 invoice unpaid: SEI-2022-003 due 2022-02-02" in text
    # the Phase I sessions planned after the demo day were never closed: 10 of them
    assert "10 sessions never closed" in text
    assert "The consent round on version 3 of the points of unity is still open" in text
    assert "responses due 2022-01-28 (past the deadline; the round stays open)" in text
    # Green Hands came to 1 of the 3 visioning sessions, absent from 2: 33% in Phase I; nothing held yet in Phase II
    green = next(line for line in text.splitlines() if line.strip().startswith("Green Hands"))
    assert green.split()[-1] == "33%" and " – " in green


def _pdf_text_and_fonts(path: Path) -> tuple[str, set[str]]:
    pages = PdfReader(io.BytesIO(path.read_bytes())).pages
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in pages
        for font in page["/Resources"]["/Font"].values()
    }
    return " ".join(" ".join(page.extract_text() for page in pages).split()), fonts


def test_pdf_prints_cjk_and_emoji_with_the_shipped_fallback(coop, demo_url, tmp_path: Path) -> None:
    assert coop("coops", "edit", "casa-limpia", "--name", "Casa Limpia 清洁合作社 🌱").exit_code == 0
    target = tmp_path / "report.pdf"
    assert coop("report", "--as-of", "2022-01-15", "-o", str(target)).exit_code == 0
    text, fonts = _pdf_text_and_fonts(target)
    assert "Casa Limpia 清洁合作社 🌱" in text
    # the CJK characters come from Unifont and the emoji from Unifont Upper, both shipped in the package
    assert {"Unifont-Identity-H", "UnifontUpper-Identity-H"} <= fonts


def test_pdf_has_no_table_with_only_a_header(coop, demo_url, tmp_path: Path) -> None:
    """Phase II on 2022-04-15: no session held, no hours, no invoice: sentences instead of empty tables."""
    target = tmp_path / "phase-2.pdf"
    assert coop("report", "II", "--as-of", "2022-04-15", "-o", str(target)).exit_code == 0
    text, _ = _pdf_text_and_fonts(target)
    assert "Sessions held" not in text and "Held Session Attending" not in text
    assert "No session open to the co-ops has been held in this phase yet." in text
    assert "Left open from Phase I" in text and "1 invoice unpaid: SEI-2022-003 due 2022-02-02" in text
    assert "responses due 2022-01-28 (past the deadline; the round stays open)" in text
    # the starting point: Green Hands came to 1 of the 3 visioning sessions of Phase I
    assert "The starting point: each co-op’s share in Phase I" in text and "Green Hands Landscaping 33%" in text


def test_a_long_phase_prints_the_latest_sessions_and_says_where_the_rest_are(demo_url) -> None:
    """The PDF's lists stop at what fits their section (the latest 25 sessions held, the first 40
    open action items); the counts cover the whole phase and the Markdown report lists them all."""
    from dataclasses import replace
    from datetime import date, timedelta

    from coopprogram.db import unit_of_work
    from coopprogram.exporters.markdown import report_markdown
    from coopprogram.exporters.report import report_data, report_pdf
    from coopprogram.services.report import report

    with unit_of_work(demo_url, write=False) as db:
        view = report(db, phase=None, as_of=date(2022, 1, 15))
    one, action = view.held[0], view.actions[0]
    held = [replace(one, title=f"Circle {n}", starts_local=one.starts_local + timedelta(days=n)) for n in range(1, 31)]
    actions = [replace(action, title=f"Task {n}") for n in range(1, 46)]
    long = replace(view, held=held, actions=actions)

    data = report_data(long)
    assert [s["title"] for s in data["held"]] == [f"Circle {n}" for n in range(6, 31)]  # the latest 25, in order
    assert data["held_more"] == 5 and data["sessions_line"].startswith("Held 30 ·")
    assert [a["title"] for a in data["actions"]] == [f"Task {n}" for n in range(1, 41)]
    assert data["actions_more"] == 5
    assert "upcoming_more" not in data  # nothing left out of that list: nothing said
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(long))).pages)
    assert re.search(r"Circle 30\b", text) and re.search(r"Circle 6\b", text) and not re.search(r"Circle 5\b", text)
    assert "5 earlier ones are in the Markdown report" in text
    assert "5 more open action items are in the Markdown report" in text and "Task 41" not in text
    markdown = report_markdown(long)
    assert re.search(r"Circle 1\b", markdown) and re.search(r"Task 45\b", markdown)
