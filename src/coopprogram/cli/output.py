"""What commands print: a console with markup off (user data is never read as markup),
tables, JSON and CSV on stdout, files written with private modes, and the option
types shared by every command (dates, months, hours, money).

This module loads for `coop --help`: it imports Typer only; Rich loads when something prints.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
from coopprogram import units
from coopprogram.cli import complete
from coopprogram.errors import CoopError

_console: Console | None = None
T = TypeVar("T")


def group(help: str) -> typer.Typer:
    """A command group. Help is plain text: Rich's markup machinery would double start-up time."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None, add_completion=False)


def console() -> Console:
    global _console  # noqa: PLW0603 - made on first use: Rich's import is kept off `coop --help`
    if _console is None:
        from rich.console import Console

        class _Console(Console):
            def on_broken_pipe(self) -> None:
                # Rich would exit 1 without a word; the command must say whether its change was saved.
                self.quiet = True
                raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

        _console = _Console(markup=False, highlight=False, emoji=False)
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

    grid = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for column in columns:
        grid.add_column(
            column,
            justify="right" if column in _NUMERIC else "left",
            min_width=_NAMING_MIN_WIDTH if column in _NAMING else None,
            overflow="fold",
        )
    return grid


def show_table(
    columns: Sequence[str],
    items: Iterable[T],
    cells: Callable[[T], Sequence[object]],
    *,
    title: str | None = None,
    empty: str = "",
) -> None:
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


def emit_text(text: str, *, output: Path | None = None, private: bool = False, force: bool = False) -> None:
    """Text to stdout, or to a file (see `write_bytes`)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_bytes(output, text.encode("utf-8"), private=private, force=force)


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
            raise CoopError(
                f"The editor '{editor}' could not start: {error.strerror}. Set EDITOR to one that works."
            ) from None
        if finished.returncode != 0:
            raise CoopError(f"The editor exited with an error ({finished.returncode}); nothing was changed.")
        text = path.read_text(encoding="utf-8")
    return None if text == initial else text


# A cohort CSV, a draft or a calendar is kilobytes; this bounds what a wrong file (/dev/zero,
# a video) can cost before it is refused, and it is read before any write lock is taken.
MAX_INPUT_BYTES = 5_000_000


def read_bytes(path: Path, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """A file the person named, at most `limit` bytes; an unreadable, endless or larger one (a
    folder, a device such as /dev/zero) is a one-line refusal."""
    try:
        if path.exists() and not path.is_file():
            raise CoopError(f"{path} is not a regular file (a folder or a device); give the path of a file.")
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise CoopError(
            f"{path} could not be read: {error.strerror}. Check the file name and its permissions."
        ) from None
    if len(data) > limit:
        raise CoopError(
            f"{path} is too large for coop ({limit // 1_000_000} MB at most); nothing was read. Check that it is the right file."
        )
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


def write_bytes(output: Path | None, data: bytes, *, private: bool = False, force: bool = False) -> None:
    """The file every `-o FILE` writes: through a temporary file and a rename, an existing file
    replaced only with `force`; a `private` one (contact details) 0600 and never through a link."""
    from coopprogram.files import write_file

    if output is None:  # choose_format refuses a PDF without -o before anything is rendered
        raise typer.BadParameter("this format goes to a file: add -o FILE", param_hint="--output")
    write_file(output.expanduser().absolute(), data, replace=force, private=private)
    say(f"Wrote {output}")


def check_output(output: Path | None, *, force: bool = False) -> None:
    """Refuse now a file `write_bytes` would refuse (it exists, without `force`; its folder is
    missing or not writable), before the work that makes it changes anything."""
    import os

    from coopprogram.errors import CoopError
    from coopprogram.files import check_target

    if output is None:
        return
    target = output.expanduser().absolute()
    check_target(target, replace=force, private=False)
    if not target.parent.is_dir() or not os.access(target.parent, os.W_OK | os.X_OK):
        raise CoopError(
            f"Could not write {output}: the folder {target.parent} does not exist or is not yours to write in. "
            "Nothing was written; choose another file or folder."
        )


def emit_json(value: Any, *, output: Path | None = None, force: bool = False) -> None:
    from coopprogram.exporters.json import render_json

    emit_text(render_json(value), output=output, force=force)


def dash(value: object) -> str:
    """A cell for a table: the value, or an en dash when there is none."""
    if value is None or value == "":
        return "–"
    return str(value)


# --- option types: parse strictly, report a usage error (exit 2) on a malformed value -------


def _parser(function: Callable[[str], T]) -> Callable[[str | T], T]:
    def parse(text: str | T) -> T:
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
parse_clock_option = _parser(units.parse_clock)
parse_moment_option = _parser(units.parse_moment)
parse_month_option = _parser(lambda text: "{:04d}-{:02d}".format(*units.parse_month(text)))


def _language(value: str | None) -> str | None:
    if value is None:
        return None
    from coopprogram.languages import check_language

    try:
        return check_language(value)
    except CoopError as error:
        raise typer.BadParameter(str(error)) from None


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="CODE",
        callback=_language,
        help="The document's language: en, es or pt. Default: the co-op's language for a document meant for one co-op, "
        "else COOP_LANG or `coop config set language`, else English.",
    ),
]
TitleLanguage = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="CODE",
        help='With --title: the title in this language (es or pt) for documents in it; --title "" removes it.',
    ),
]


def only_title(title: str | None, *others: object) -> str:
    """The translated title given with --lang (TitleLanguage), when nothing else was given."""
    if title is None or any(other is not None for other in others):
        raise typer.BadParameter(
            "with --lang, give --title (the translated title) and nothing else", param_hint="--lang"
        )
    return title


JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AsOf = Annotated[
    date | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        parser=parse_date_option,
        help="The day to look from (YYYY-MM-DD, today, yesterday). Default: today.",
    ),
]
CsvFlag = Annotated[bool, typer.Option("--csv", help="Print CSV for a spreadsheet instead of a table.")]


# --- parameters that name the program's records: declared here once, each completing its values
# on Tab (cli/complete.py); a command gives only its own help text.


def phase_option(help: str) -> Any:
    return typer.Option("--phase", metavar="PHASE", autocompletion=complete.phases, help=help)


def phase_argument(help: str, *, metavar: str = "PHASE") -> Any:
    return typer.Argument(metavar=metavar, autocompletion=complete.phases, help=help)


def coop_option(help: str, *, name: str | None = "--coop") -> Any:
    """One co-op; with `name=None` the option is named after the parameter (`absent` → --absent)."""
    return typer.Option(*[name] if name else [], metavar="SLUG", autocompletion=complete.coop_slugs, help=help)


def coop_argument(help: str, *, metavar: str = "SLUG") -> Any:
    return typer.Argument(metavar=metavar, autocompletion=complete.coop_slugs, help=help)


def coop_list_option(help: str, *, name: str = "--coops") -> Any:
    """Co-ops separated by commas (`--coops casa-limpia,voces`)."""
    return typer.Option(name, metavar="SLUG,...", autocompletion=complete.coop_slug_lists, help=help)


def session_option(help: str, *, name: str = "--session") -> Any:
    return typer.Option(name, metavar="ID", parser=parse_count_option, autocompletion=complete.session_ids, help=help)


def session_argument(help: str = "The session's number (`coop sessions list`).", *, metavar: str = "ID") -> Any:
    return typer.Argument(metavar=metavar, parser=parse_count_option, autocompletion=complete.session_ids, help=help)


def session_kind_option(help: str) -> Any:
    return typer.Option("--kind", metavar="KIND", autocompletion=complete.session_kinds, help=help)


def category_option(help: str) -> Any:
    return typer.Option("--category", metavar="SLUG", autocompletion=complete.categories, help=help)


def milestone_option(help: str, *, name: str = "--milestone") -> Any:
    return typer.Option(name, metavar="ID", parser=parse_count_option, autocompletion=complete.milestones, help=help)


def milestone_argument(help: str = "The milestone's number (`coop milestones list`).") -> Any:
    return typer.Argument(metavar="ID", parser=parse_count_option, autocompletion=complete.milestones, help=help)


def version_argument(help: str, *, metavar: str = "VERSION") -> Any:
    """A version of the points of unity."""
    return typer.Argument(metavar=metavar, parser=parse_count_option, autocompletion=complete.versions, help=help)


def version_option(help: str, *, name: str) -> Any:
    return typer.Option(name, metavar="VERSION", parser=parse_count_option, autocompletion=complete.versions, help=help)


PhaseOption = Annotated[
    str | None, phase_option("The phase: 1, 2, I or II. Default: the phase of today (or of --as-of).")
]
ForceFlag = Annotated[bool, typer.Option("--force", help="Replace the -o FILE if it already exists.")]
OutputFile = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of the screen.", dir_okay=False),
]


def today() -> date:
    return date.today()


def now() -> datetime:
    return datetime.now(UTC)


def interactive() -> bool:
    """A person at a terminal, who can be asked to confirm something unusual (else --yes says so)."""
    return sys.stdin.isatty()


def choose_format(requested: str, output: Path | None, allowed: tuple[str, ...], *, default: str = "md") -> str:
    """The --format asked for, else the output file's extension, else `default`; PDF only to a file."""
    chosen = (
        (requested or (output.suffix.lstrip(".").lower() if output else "") or default)
        .lower()
        .replace("markdown", "md")
    )
    if chosen not in allowed:
        raise typer.BadParameter(f"'{chosen}' is not a format: use one of {', '.join(allowed)}", param_hint="--format")
    if chosen == "pdf" and output is None:
        raise typer.BadParameter("a PDF goes to a file: add -o FILE.pdf", param_hint="--output")
    return chosen


def write_private_file(path: Path, data: bytes) -> None:
    """A new file readable by its owner only, in a private (0700) folder the program keeps
    (the outbox, the materials): written as every file is (`files.write_file`: 0600 from the
    start, a temporary name and a rename), never over an existing one. Quiet: the command
    says what it wrote."""
    from coopprogram.db import make_private_directory
    from coopprogram.files import write_file

    try:
        make_private_directory(path.parent)
    except OSError as error:
        raise CoopError(
            f"Could not make the folder {path.parent}: {error.strerror or error}. Nothing was written."
        ) from None
    write_file(path, data, replace=False, private=True)
