"""The demo's documents as a person receives them, compared byte for byte with golden files in
tests/golden/ (read by eye once, then kept): the status report and an invoice in Markdown, the
invoice in CSV and JSON, and the data each Typst template is given for its PDF.

After a deliberate change, regenerate them with `COOP_UPDATE_GOLDEN=1 pytest tests/test_golden.py`
and read the diff (`git diff tests/golden`) before committing it.
"""

import json
import os
from datetime import date
from pathlib import Path

import pytest

from coopprogram.db import unit_of_work
from coopprogram.exporters.csv import invoice_csv
from coopprogram.exporters.json import plain, render_json
from coopprogram.exporters.markdown import invoice_markdown, report_markdown
from coopprogram.exporters.report import report_data
from coopprogram.services.invoices import document
from coopprogram.services.report import report

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("COOP_UPDATE_GOLDEN") == "1"
AS_OF = date(2022, 1, 15)  # the demo's day (`make demo`)
INVOICE = "SEI-2021-002"


def _typst_input(data: object) -> str:
    """What render_pdf hands the template as `sys.inputs.data`, laid out to be read."""
    return json.dumps(plain(data), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _documents(url: str) -> dict[str, str]:
    with unit_of_work(url, write=False) as db:
        view = report(db, phase=None, as_of=AS_OF)
        invoice = document(db, INVOICE)
    return {
        "report.md": report_markdown(view),
        "report.typst.json": _typst_input(report_data(view)),
        f"{INVOICE}.md": invoice_markdown(invoice),
        f"{INVOICE}.csv": invoice_csv(invoice),
        f"{INVOICE}.json": render_json(invoice),
        f"{INVOICE}.typst.json": _typst_input(invoice),
    }


@pytest.fixture(scope="module")
def documents(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    # The demo as built for the whole run, copied: reading it changes nothing, on either database.
    import shutil

    copy = tmp_path_factory.mktemp("golden") / "coop.db"
    shutil.copyfile(demo_template, copy)
    return _documents(f"sqlite:///{copy}")


@pytest.mark.parametrize(
    "name",
    ["report.md", "report.typst.json", f"{INVOICE}.md", f"{INVOICE}.csv", f"{INVOICE}.json", f"{INVOICE}.typst.json"],
)
def test_demo_document_matches_its_golden_file(documents: dict[str, str], name: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(documents[name].encode("utf-8"))
    assert path.exists(), f"no golden file {path.name}: run with COOP_UPDATE_GOLDEN=1 and read it"
    assert documents[name] == path.read_bytes().decode("utf-8")


def test_the_demo_documents_on_the_server_are_the_same(demo_url: str, documents: dict[str, str]) -> None:
    """The same documents from the demo in the test's database (PostgreSQL when the suite runs there)."""
    assert _documents(demo_url) == documents
