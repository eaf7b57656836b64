"""`coop report` in each format, read back: the PDF's text holds the headline figures and all
thirteen co-op names; no contact detail appears anywhere."""

import io
from pathlib import Path

from pypdf import PdfReader

COOP_NAMES = [
    "Brockton Home Care Cooperative", "Building Power Construction Co-op", "Casa Limpia Cleaning Cooperative",
    "Green Hands Landscaping", "Harbor Community Food Co-op", "Little Roots Childcare Cooperative",
    "Maverick Square Housing Cooperative", "North Shore Makers Collective", "Pan y Rosas Bakery Cooperative",
    "Sabor Colectivo Catering", "SunShare Solar Workers Cooperative", "Tierra Viva Urban Farm",
    "Voces Language Justice Cooperative",
]
CONTACTS = ("@casalimpia", "978-555", "Rosa Almonte", "Sophal Chea")


def test_text_report(coop, demo_url) -> None:
    text = coop("report", "--as-of", "2022-01-15").stdout
    assert "Phase I status report, as of 2022-01-15" in text
    assert "day 107 of 182 (59%)" in text and "50:00 of 100:00 h (50%)" in text
    assert "Milestones: 5 of 9 done, 1 overdue" in text
    assert "North Shore Makers Collective — NOT REACHED" in text
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
    for figure in ("day 107 of 182 (59%)", "50:00 of 100:00 h (50%)", "5 of 9 done, 1 overdue", "version 3, circulating", "1 of 13 co-ops not reached"):
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
