"""`coop agenda` through the command line: exports, and an overrun flagged in every format."""

import io
import json
from pathlib import Path

from pypdf import PdfReader


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
