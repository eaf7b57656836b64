"""Writes docs/reference.md, the command reference, from the commands' own help text.

Run `make reference` after changing a command; `tests/test_docs.py` fails while the file in
the repository differs from what this prints, so the reference cannot drift from `--help`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from typer.main import get_command

from coopprogram.cli import app

WIDTH = 100
TARGET = Path(__file__).resolve().parent.parent / "docs" / "reference.md"
INTRO = """# Command reference

Every `coop` command with its help, as `coop COMMAND --help` prints it. This file is generated
from the help text by `make reference` (a test fails when it is out of date): edit the
commands' docstrings and options, not this file. Guides: [the consultant's guide](consultant-guide.md),
[the working-group leads' guide](working-group-guide.md).
"""


def _walk(command: Any, parent: typer.Context | None, name: str) -> Iterator[tuple[typer.Context, Any]]:
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    context = typer.Context(command, info_name=name, parent=parent, **settings)
    yield context, command
    if hasattr(command, "list_commands"):
        for child_name in command.list_commands(context):
            child = command.get_command(context, child_name)
            if child is not None and not child.hidden:
                yield from _walk(child, context, child_name)


def render() -> str:
    sections = [INTRO]
    for context, command in _walk(get_command(app), None, "coop"):
        level = "#" * min(context.command_path.count(" ") + 2, 4)
        sections.append(f"{level} `{context.command_path}`\n\n```\n{command.get_help(context).rstrip()}\n```\n")
    return "\n".join(sections)


if __name__ == "__main__":
    text = render()
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if TARGET.read_text(encoding="utf-8") == text else 1)
    TARGET.write_text(text, encoding="utf-8")
    print(f"Wrote {TARGET.name}: {text.count('```') // 2} commands and groups.")
