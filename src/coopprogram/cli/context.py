"""Per-command context: which database this command uses, its one unit of work, and the
one line on stderr (exit code 1) that a CoopError becomes."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlmodel import Session

    from coopprogram.errors import CoopError


@dataclass
class CommandContext:
    db_option: str | None = None
    saved: str | None = None  # set once the command's changes are committed: what they were

    @property
    def url(self) -> str:
        from coopprogram.config import resolve_database

        return resolve_database(self.db_option)


current = CommandContext()


@contextmanager
def database(*, write: bool) -> Iterator[Session]:
    """The command's unit of work: committed once at the end when it writes, rolled back on error."""
    from coopprogram.audit import CHANGES_KEY, describe_changes
    from coopprogram.db import unit_of_work

    _resume_collector()
    changes = None
    with unit_of_work(current.url, write=write, command=_command_path()) as db:
        yield db
        changes = db.info.get(CHANGES_KEY)
    if write and changes:
        # Committed: whatever fails from here (printing to a full disk, a closed pipe) must not
        # be reported as "nothing was changed", or a retry would do it twice.
        current.saved = describe_changes(changes)


def _resume_collector() -> None:
    """Start-up is over (see `main`): what it made is set aside for good and collection resumes."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _command_path() -> str:
    """`coop hours log`: the command being run (its arguments may hold personal data: left out)."""
    from typer.main import get_current_context

    ctx = get_current_context(silent=True)
    return ctx.command_path if ctx is not None else ""


def report_error(error: CoopError) -> None:
    typer.echo(f"Error: {error.message}", err=True)
