"""Exporters are pure by construction: views in, text out. They import the view types for type
checking only, so loading every exporter loads no service, no SQLModel and no SQLAlchemy."""

import subprocess
import sys

EXPORTERS = (
    "agenda",
    "csv",
    "feeds",
    "ics",
    "invoice",
    "json",
    "markdown",
    "messages",
    "minutes",
    "packet",
    "pdf",
    "report",
    "unity",
    "vtimezone",
)


def test_exporters_load_no_service_and_no_database_library() -> None:
    script = (
        "import importlib, sys\n"
        f"for name in {EXPORTERS!r}:\n"
        "    importlib.import_module('coopprogram.exporters.' + name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlmodel', 'sqlalchemy') or m.startswith('coopprogram.services')))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
