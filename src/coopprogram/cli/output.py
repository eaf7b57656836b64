"""What commands print: a console with markup off (user data is never read as markup),
tables, JSON and CSV on stdout, files written with private modes, and the option
types shared by every command (dates, months, hours, money).

This module loads for `coop --help`: it imports Typer only; Rich loads when something prints.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
from coopprogram.cli import complete
from coopprogram import units
from coopprogram.errors import CoopError

_console: Console | None = None
T = TypeVar("T")


def group(help: str) -> typer.Typer:
    """A command group. Help is plain text: Rich's markup machinery would double start-up time."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None, add_completion=False)


def console() -> Console:
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(markup=False, highlight=False, emoji=False)
    return _console


def say(message: str) -> None:
    """One line for a person. Plain text: a command that prints no table never loads Rich."""
    typer.echo(message)


def warn(message: str) -> None:
    typer.echo(f"Warning: {message}", err=True)


# The column that names the row keeps room to be read, however narrow the terminal.
_NAMING = {"Name", "Milestone", "Focus"}
_NAMING_MIN_WIDTH = 12
_NUMERIC = {"Id", "#", "Members", "Days", "Hours"}


def table(*columns: str, title: str | None = None) -> Table:
    from rich import box
    from rich.table import Table

    grid = Table(title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for column in columns:
        grid.add_column(
            column,
            justify="right" if column in _NUMERIC else "left",
            min_width=_NAMING_MIN_WIDTH if column in _NAMING else None,
            overflow="fold",
        )
    return grid


def show_table(columns: Sequence[str], items: Iterable[T], cells: Callable[[T], Sequence[object]], *, title: str | None = None, empty: str = "") -> None:
    """A table with a row of `cells(item)` for each item; with none, the `empty` sentence instead."""
    items = list(items)
    if not items:
        if empty:
            say(empty)
        return
    grid = table(*columns, title=title)
    for item in items:
        grid.add_row(*(str(cell) for cell in cells(item)))
    show(grid)


BAR_WIDTH = 30


def bar(part: int, whole: int, width: int = BAR_WIDTH) -> str:
    """A text bar: `part` of `whole` filled, never more than full."""
    filled = 0 if whole <= 0 else max(0, min(width, (part * width * 2 + whole) // (whole * 2)))
    return "█" * filled + "░" * (width - filled)


def show(renderable: Any) -> None:
    console().print(renderable)


def emit_text(text: str, *, output: Path | None = None, private: bool = False) -> None:
    """Text to stdout, or to a file; a file holding personal data is created 0600."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if private:
            os.chmod(output, 0o600)
    except OSError as error:
        raise CoopError(f"Could not write {output}: {error.strerror}. Choose another file.") from None
    say(f"Wrote {output}")


def edit_text(initial: str, *, suffix: str = ".md") -> str | None:
    """Open $VISUAL or $EDITOR on a private temporary file; the saved text, or None if unchanged."""
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise CoopError("No editor is set: give the text with --file FILE, or set EDITOR (e.g. export EDITOR=nano).")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"coop{suffix}"
        path.write_text(initial, encoding="utf-8")
        os.chmod(path, 0o600)
        try:
            finished = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except OSError as error:
            raise CoopError(f"The editor '{editor}' could not start: {error.strerror}. Set EDITOR to one that works.") from None
        if finished.returncode != 0:
            raise CoopError(f"The editor exited with an error ({finished.returncode}); nothing was changed.")
        text = path.read_text(encoding="utf-8")
    return None if text == initial else text


MAX_INPUT_BYTES = 50 * 1024 * 1024  # far above any cohort, calendar or draft; a device like /dev/zero never ends


def read_bytes(path: Path) -> bytes:
    """A file the person named; an unreadable, endless or huge one is a one-line refusal."""
    try:
        if path.exists() and not path.is_file():
            raise CoopError(f"{path} is not a regular file (a folder or a device); give the path of a file.")
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise CoopError(f"{path} could not be read: {error.strerror}. Check the file name and its permissions.") from None
    if len(data) > MAX_INPUT_BYTES:
        raise CoopError(f"{path} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB; is it the right file?")
    return data


def read_text(path: Path, *, save_as: str = "UTF-8 text") -> str:
    """A text file the person named, as UTF-8 (a byte-order mark is dropped)."""
    try:
        return read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CoopError(f"{path} is not UTF-8 text. Save it as {save_as} and try again.") from None


def text_from(file: Path | None, initial: str) -> str | None:
    """The text of `file`, else what the person writes in $EDITOR from `initial` (None: left unchanged)."""
    return read_text(file) if file is not None else edit_text(initial)


def emit_bytes(data: bytes) -> None:
    """Bytes to stdout unchanged (an .ics keeps its CRLF line ends)."""
    stream = typer.get_binary_stream("stdout")
    stream.write(data)
    stream.flush()


def write_bytes(output: Path, data: bytes) -> None:
    try:
        output.write_bytes(data)
    except OSError as error:
        raise CoopError(f"Could not write {output}: {error.strerror}. Choose another file.") from None
    say(f"Wrote {output}")


def emit_json(value: Any, *, output: Path | None = None) -> None:
    from coopprogram.exporters.json import render_json

    emit_text(render_json(value), output=output)


def dash(value: object) -> str:
    """A cell for a table: the value, or an en dash when there is none."""
    if value is None or value == "":
        return "–"
    return str(value)


# --- option types: parse strictly, report a usage error (exit 2) on a malformed value -------


def _parser(function):  # noqa: ANN001, ANN202
    def parse(text: str):  # noqa: ANN202
        if not isinstance(text, str):  # a default value, already parsed
            return text
        try:
            return function(text)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None

    return parse


parse_date_option = _parser(units.parse_date)
parse_count_option = _parser(units.parse_count)
parse_hours_option = _parser(units.parse_hours)
parse_cap_option = _parser(units.parse_cap)
parse_money_option = _parser(units.parse_money)
parse_start_option = _parser(units.parse_local_datetime)
parse_month_option = _parser(lambda text: "%04d-%02d" % units.parse_month(text))

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AsOf = Annotated[
    date | None,
    typer.Option("--as-of", metavar="DATE", parser=parse_date_option, help="The day to look from (YYYY-MM-DD, today, yesterday). Default: today."),
]
CsvFlag = Annotated[bool, typer.Option("--csv", help="Print CSV for a spreadsheet instead of a table.")]
PhaseOption = Annotated[str | None, typer.Option("--phase", autocompletion=complete.phases, help="The phase: 1, 2, I or II. Default: the phase of today (or of --as-of).")]
OutputFile = Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of the screen.", dir_okay=False)]


def today() -> date:
    return date.today()


def now() -> datetime:
    return datetime.now(timezone.utc)


def choose_format(requested: str, output: Path | None, allowed: tuple[str, ...], *, default: str = "md") -> str:
    """The --format asked for, else the output file's extension, else `default`; PDF only to a file."""
    chosen = (requested or (output.suffix.lstrip(".").lower() if output else "") or default).lower().replace("markdown", "md")
    if chosen not in allowed:
        raise typer.BadParameter(f"'{chosen}' is not a format: use one of {', '.join(allowed)}", param_hint="--format")
    if chosen == "pdf" and output is None:
        raise typer.BadParameter("a PDF goes to a file: add -o FILE.pdf", param_hint="--output")
    return chosen
