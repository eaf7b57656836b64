"""The `coop` command: the root app, the global --db option, one sub-app per command group.

Only Typer and Rich load here, so `coop --help` and shell completion start fast; each
command imports the services it uses inside its body.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from coopprogram import __version__
from coopprogram.cli import actions, agenda, audit, budget, calendar, contract, coops, db, hours, init, invoices, milestones, phases, program, report, sessions, status, unity
from coopprogram.cli.context import current, report_error
from coopprogram.config import ENV_VAR
from coopprogram.errors import CoopError


DEBUG_VAR = "COOP_DEBUG"


class CoopGroup(TyperGroup):
    """Every refusal or usage error becomes one line on stderr: exit 1 or 2, no traceback."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name or "coop", complete_var, False, **extra)
        except CoopError as error:
            report_error(error)
            sys.exit(1)
        except typer.TyperException as error:
            sys.exit(_report_usage_error(error))
        except (typer.Abort, KeyboardInterrupt):
            report_error(CoopError("Stopped before finishing; nothing was changed."))
            sys.exit(1)
        except Exception as error:  # a bug: the unit of work has rolled back, so say so in one line
            if os.environ.get(DEBUG_VAR):
                raise
            report_error(CoopError(
                f"coop stopped on an unexpected problem ({type(error).__name__}: {error}); nothing was changed. "
                f"Run it again with {DEBUG_VAR}=1 to see the details, and please report it."
            ))
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


def _report_usage_error(error: typer.TyperException) -> int:
    command = getattr(getattr(error, "ctx", None), "command_path", "coop")
    message = error.format_message().strip()
    ending = "" if message.endswith((".", "?", "!")) else "."
    report_error(CoopError(f"{message}{ending} See `{command} --help`."))
    return getattr(error, "exit_code", 2)


app = typer.Typer(
    name="coop",
    cls=CoopGroup,
    help="Run a movement co-op pilot program: co-ops, phases, milestones, sessions, points of unity, the consultant's hours and invoices.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: see output.group
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coop {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db_location: Annotated[
        str | None,
        typer.Option("--db", envvar=ENV_VAR, metavar="PATH|URL", help="The program database: a SQLite file path or a database URL. Default: a file in your user data folder (`coop db path`)."),
    ] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and stop.")] = False,
) -> None:
    """Run a movement co-op pilot program from the command line.

    Example: coop init --demo && coop status --as-of 2022-01-15
    """
    current.db_option = db_location


app.command("init")(init.init_command)
app.command("status")(status.status_command)
app.command("report")(report.report_command)
app.add_typer(program.app, name="program")
app.add_typer(phases.app, name="phases")
app.add_typer(coops.app, name="coops")
app.add_typer(milestones.app, name="milestones")
app.add_typer(sessions.app, name="sessions")
app.add_typer(agenda.app, name="agenda")
app.add_typer(actions.app, name="actions")
app.add_typer(calendar.app, name="calendar")
app.add_typer(unity.app, name="unity")
app.command("budget")(budget.budget_command)
app.add_typer(hours.app, name="hours")
app.add_typer(contract.app, name="contract")
app.add_typer(invoices.app, name="invoices")
app.command("audit")(audit.audit_command)
app.add_typer(db.app, name="db")


def main() -> None:
    app(prog_name="coop")
