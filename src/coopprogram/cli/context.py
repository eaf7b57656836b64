"""The run's Application (which database, what was saved), carried in the click context's `obj`
as hatch does; the command's one unit of work; and the one line on stderr that a CoopError becomes."""

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
class Application:
    """One run of `coop`. `CoopGroup.main` makes it and hands it to click as the context's `obj`
    (so that once the command ends it can still tell what was saved); the root callback fills
    in the global options; commands reach it through `application()`."""

    db_option: str | None = None  # --db or COOP_DB, as given
    saved: str | None = None  # set once the command's changes are committed: what they were

    @property
    def url(self) -> str:
        """The database this run uses: --db, COOP_DB, the user's setting or the default file."""
        from coopprogram.config import resolve_database

        return resolve_database(self.db_option)


def application() -> Application:
    """The running command's Application (its click context's `obj`, inherited from the root)."""
    from typer.main import get_current_context  # Typer's own click

    found = get_current_context().obj
    if not isinstance(found, Application):
        raise RuntimeError("No coop Application in the click context: run commands through the `coop` app.")
    return found


@contextmanager
def database(*, write: bool) -> Iterator[Session]:
    """The command's unit of work: committed once at the end when it writes, rolled back on error."""
    from coopprogram.db import unit_of_work

    _resume_collector()
    app = application()
    changes = None
    with unit_of_work(app.url, write=write, command=_command_path()) as db:
        yield db
        if write:  # a reading command loads no audit trail (its table costs start-up)
            from coopprogram.audit import CHANGES_KEY

            changes = db.info.get(CHANGES_KEY)
    if changes:
        from coopprogram.audit import describe_changes

        # Committed: whatever fails from here (printing to a full disk, a closed pipe) must not
        # be reported as "nothing was changed", or a retry would do it twice.
        app.saved = describe_changes(changes)


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
