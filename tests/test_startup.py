"""`coop --help` and shell completion load no database or document library (DESIGN.md section 3)."""

import os
import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "icalendar", "typst", "dateutil")


def _imported(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coopprogram", *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=60,
    )
    modules = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if line.startswith("import time:")}
    return modules, result


def test_help_imports_no_heavy_library() -> None:
    modules, result = _imported(["--help"])
    assert result.returncode == 0 and "coops" in result.stdout
    assert "typer" in modules
    assert not modules & set(HEAVY)


def test_completion_imports_no_heavy_library() -> None:
    modules, result = _imported([], {"_COOP_COMPLETE": "complete_bash", "COMP_WORDS": "coop mile", "COMP_CWORD": "1"})
    assert result.stdout.split() == ["milestones"]
    assert not modules & set(HEAVY)
