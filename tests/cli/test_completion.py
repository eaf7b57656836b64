"""Shell completion of the program's values: every parameter that names a co-op, phase, session,
kind, category, milestone, version or invoice completes it; the functions read the SQLite file
with the standard sqlite3 module, and a real completion request from a shell loads no
database library."""

from __future__ import annotations

import enum
import os
import subprocess
import sys

import pytest
import typer
from typer.main import get_command

from coopprogram.cli import app, complete

HEAVY = {"sqlalchemy", "sqlmodel", "alembic", "icalendar", "typst", "dateutil"}
# Parameters that name a record or a word of the program's vocabulary...
NAMING = {
    "coop",
    "coops",
    "slug",
    "slugs",
    "absent",
    "excused",
    "who",
    "rotate",
    "invite",
    "phase",
    "kind",
    "stage",
    "status",
    "category",
    "session",
    "session_id",
    "milestone",
    "milestone_id",
    "version",
    "from_version",
    "old",
    "new",
    "incorporated",
    "ref",
    "decision",
    "stance",
    "supersedes",
    "revise",
    "key",
}
# ...except these, which take something new or free text.
FREE = {("coop coops add", "slug"), ("coop sessions close", "decision")}


def _commands(command, path):
    context = typer.Context(command)
    if hasattr(command, "list_commands"):
        for name in command.list_commands(context):
            yield from _commands(command.get_command(context, name), f"{path} {name}")
    else:
        yield path, command


def test_every_parameter_that_names_a_record_completes_it() -> None:
    missing, checked = [], 0
    for path, command in _commands(get_command(app), "coop"):
        for parameter in command.params:
            metavar = parameter.metavar or ""
            names_a_record = parameter.name in NAMING or any(
                word in metavar for word in ("SLUG", "PHASE", "VERSION", "REF", "SESSION")
            )
            if names_a_record and (path, parameter.name) not in FREE:
                checked += 1
                # A fixed vocabulary (an enum: Typer's choices) completes through its type; the rest through ours.
                fixed_words = isinstance(parameter.type_descriptor.annotation, type) and issubclass(
                    parameter.type_descriptor.annotation, enum.Enum
                )
                if getattr(parameter, "_custom_shell_complete", None) is None and not fixed_words:
                    missing.append(f"{path} {parameter.name}")
    assert missing == []
    assert checked > 60  # the walk did reach every group


def _context(url: str, **params: object) -> typer.Context:
    context = typer.Context(get_command(app))
    context.params = {"db_location": url}
    child = typer.Context(get_command(app), parent=context)
    child.params = dict(params)
    return child


@pytest.mark.sqlite_only
def test_the_functions_complete_the_demo_programs_values(demo_url) -> None:
    assert complete.invited_coops(_context(demo_url), "casa-limpia,v") == [
        ("casa-limpia,voces", "Voces Language Justice Cooperative")
    ]
    assert [value for value, _ in complete.invited_coops(_context(demo_url), "")][:3] == [
        "all",
        "none",
        "brockton-care",
    ]
    assert [value for value, _ in complete.coop_slug_lists(_context(demo_url), "voces,casa-limpia,t")] == [
        "voces,casa-limpia,tierra-viva"
    ]
    # A co-op already named on the line is not offered again (`sessions attend 16 voces <Tab>`).
    offered = [
        value for value, _ in complete.coop_slugs(_context(demo_url, slugs=["voces"], absent=("casa-limpia",)), "")
    ]
    assert "voces" not in offered and "casa-limpia" not in offered and "tierra-viva" in offered
    assert complete.decision_versions(_context(demo_url, decision=1), "") == [
        ("3", "circulating"),
        ("2", "draft"),
        ("1", "draft"),
    ]
    assert complete.decision_versions(_context(demo_url), "") == []  # which decision is not known yet
    assert ("visioning", "Visioning session") in complete.session_kinds(_context(demo_url), "vis")
    assert complete.milestones(_context(demo_url), "1")[0] == (
        "1",
        "2021-10-15 Working-group kickoff and program calendar set",
    )
    assert [value for value, _ in complete.config_keys(_context(demo_url), "")] == [
        "database",
        "user",
        "outbox",
        "smtp_url",
        "language",
    ]


@pytest.mark.sqlite_only
def test_completion_reads_the_database_named_in_the_config_file(coop, demo_url, monkeypatch) -> None:
    monkeypatch.delenv("COOP_DB")
    assert coop("config", "set", "database", demo_url.removeprefix("sqlite:///")).exit_code == 0
    assert complete.phases(_context(None), "") == [("1", "Phase I"), ("2", "Phase II")]


def _complete(line: str, env: dict[str, str]) -> tuple[list[str], set[str]]:
    """A real request as bash makes it on Tab: the words, the word being completed."""
    words = line.split()
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coopprogram"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **os.environ,
            **env,
            "_COOP_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) if line.endswith(" ") else len(words) - 1),
        },
    )
    modules = {
        row.split("|")[-1].strip().split(".")[0] for row in result.stderr.splitlines() if row.startswith("import time:")
    }
    return result.stdout.split(), modules


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("sessions add X --kind v", ["visioning"]),
        ("sessions add X --invite casa-limpia,v", ["casa-limpia,voces"]),
        ("sessions list --phase ", ["1", "2"]),
        ("sessions attend 16 casa-limpia voces --absent t", ["tierra-viva"]),
        ("decisions tally 1 --version ", ["3", "2", "1"]),
        ("unity respond 3 voces ", ["endorse", "stand-aside", "block"]),
        ("unity diff 2 ", ["3", "2", "1"]),
        ("coops add X --kind m", ["multi-stakeholder"]),
        ("milestones list --status ", ["planned", "in-progress", "done", "blocked"]),
        ("messages list --session 2", ["21", "20", "2"]),
        ("hours log 1 Prep --coop vo", ["voces"]),
        ("calendar export --coop casa", ["casa-limpia"]),
        ("actions add X --session 14", ["14"]),
        ("report ", ["1", "2"]),
        ("config set s", ["smtp_url"]),
    ],
)
def test_a_tab_completes_the_programs_values_without_a_database_library(demo_url, isolate, words, expected) -> None:
    completed, modules = _complete(f"coop --db {isolate} {words}", {})
    assert completed == expected
    assert not modules & HEAVY
