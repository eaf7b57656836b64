"""Writes docs/reference.md, the command reference, from the commands' own help text, and
with `--man FILE` the manual page coop(1) from the same text (`make dist` ships it).

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
from coopprogram.userconfig import KEYS

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


def _roff(text: str) -> str:
    """Help text as roff lines: backslashes doubled, and no line may start a request."""
    lines = text.replace("\\", "\\e").splitlines()
    return "\n".join("\\&" + line if line.startswith((".", "'")) else line for line in lines)


def render_man(version: str) -> str:
    walked = list(_walk(get_command(app), None, "coop"))
    _, root = walked[0]
    page = [
        f'.TH COOP 1 "" "coop {version}" "User Commands"',
        ".SH NAME",
        "coop \\- run a movement co-op pilot program",
        ".SH SYNOPSIS",
        ".B coop",
        "[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]...",
        ".SH DESCRIPTION",
        _roff(root.help or ""),
        ".SH COMMANDS",
    ]
    for context, command in walked[1:]:
        page += [f".SS {context.command_path}", ".nf", _roff(command.get_help(context).rstrip()), ".fi"]
    page += [
        ".SH FILES",
        "The database: \\fBcoop db path\\fR prints where it is; \\fBCOOP_DB\\fR or \\fB--db\\fR choose another.",
        ".br",
        "Your own settings: \\fBcoop config path\\fR prints where the file is; \\fBcoop config show\\fR lists them.",
        ".SH ENVIRONMENT",
        *(f".TP\n.B {key.environment}\n{_roff(key.help)}" for key in KEYS.values()),
        ".TP\n.B COOP_SMTP_PASSWORD\nThe mail server's password, when the URL and ~/.netrc have none.",
        ".TP\n.B COOP_CONFIG\nAnother settings file than the one in your config folder.",
        "",
    ]
    return "\n".join(page)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--man"]:
        from coopprogram import __version__

        Path(sys.argv[2]).write_text(render_man(__version__), encoding="utf-8")
        sys.exit(0)
    text = render()
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if TARGET.read_text(encoding="utf-8") == text else 1)
    TARGET.write_text(text, encoding="utf-8")
    print(f"Wrote {TARGET.name}: {text.count('```') // 2} commands and groups.")
