"""Docs are part of the feature: every command has help with an example, and the commands
the README shows run as written."""

import re
import shlex
from pathlib import Path

import pytest
from typer.main import get_command

from coopprogram.cli import app

ROOT = Path(__file__).resolve().parent.parent


def _commands(group, path=("coop",)):
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


ALL_COMMANDS = list(_commands(get_command(app)))


@pytest.mark.parametrize(("path", "command"), ALL_COMMANDS, ids=[" ".join(p) for p, _ in ALL_COMMANDS])
def test_every_command_has_help_with_an_example(path, command) -> None:
    help_text = command.help or ""
    assert help_text.strip(), f"{' '.join(path)} has no help"
    example = re.search(r"Example: (coop .+)", help_text)
    assert example, f"{' '.join(path)} has no example"
    assert example.group(1).startswith(" ".join(path) + " ") or example.group(1) == " ".join(path), example.group(1)


def test_every_group_has_help() -> None:
    root = get_command(app)
    for name in root.list_commands(None):
        assert (root.get_command(None, name).help or "").strip(), name


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)\n(.*?)```", text, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("coop ")]


def test_readme_commands_run(coop, tmp_path, monkeypatch) -> None:
    commands = _readme_commands()
    assert len(commands) >= 5
    monkeypatch.chdir(tmp_path)
    for line in commands:
        args = shlex.split(line)[1:]
        result = coop(*args)
        assert result.exit_code == 0, f"{line}: {result.stderr}"


def test_the_leads_guide_shows_the_real_dashboard(coop, demo_url) -> None:
    guide = (ROOT / "docs" / "working-group-guide.md").read_text(encoding="utf-8")
    shown = re.search(r"```\n(Movement Co-op Program pilot.*?)```\n", guide, re.S).group(1)
    assert coop("status", "--as-of", "2022-01-15").stdout == shown


def _reference_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("reference", ROOT / "scripts" / "reference.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    return reference


def test_the_manual_page_has_every_command_and_setting() -> None:
    page = _reference_script().render_man("9.9.9")
    assert page.startswith('.TH COOP 1 "" "coop 9.9.9" "User Commands"\n')
    assert all(f"\n.SS {' '.join(path)}\n" in page for path, _ in ALL_COMMANDS)
    for variable in ("COOP_DB", "COOP_USER", "COOP_OUTBOX", "COOP_SMTP_URL", "COOP_SMTP_PASSWORD", "COOP_CONFIG"):
        assert f"\n.B {variable}\n" in page
    # A help line that began with a dot would be read as a roff request and vanish from the page.
    requests = {line.split()[0] for line in page.splitlines() if line.startswith((".", "'"))}
    assert requests == {".TH", ".SH", ".SS", ".B", ".nf", ".fi", ".br", ".TP"}


def test_the_command_reference_is_up_to_date() -> None:
    reference = _reference_script()
    written = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert written == reference.render(), "docs/reference.md is out of date: run `make reference` and commit it"
    assert all(f"`{' '.join(path)}`" in written for path, _ in ALL_COMMANDS)
