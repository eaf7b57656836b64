"""The `coop` command: the root app, the global --db option, and the command groups.

Start-up is part of the product: only Typer loads here. Each group's module is imported
when that group is run (its name and one-line help are listed below, so `coop --help` and
shell completion import none), and each command imports its services inside its body.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from coopprogram import __version__
from coopprogram.cli.context import Application, report_error
from coopprogram.config import ENV_VAR
from coopprogram.errors import CoopError, Deadlock, plain_cause

DEBUG_VAR = "COOP_DEBUG"


# name: (module in coopprogram.cli, its Typer app or command function, the one-line help)
COMMANDS = {
    "init": (
        "init",
        "init_command",
        "Create the program database with its defaults, or with the sample program (--demo).",
    ),
    "status": (
        "status",
        "status_command",
        "Where the program stands: phase, cohort, milestones, hours, next sessions.",
    ),
    "report": (
        "report",
        "report_command",
        "The phase status report, in the terminal, as Markdown or as a PDF to print.",
    ),
    "program": ("program", "app", "The program's own facts: name, organization, cohort, time zone."),
    "phases": ("phases", "app", "The program's phases: dates, focus and the consultant's contract for each."),
    "coops": ("coops", "app", "The pilot co-ops: list, show, add, edit, archive, import and export."),
    "milestones": ("milestones", "app", "Milestones per phase: due dates, status, overdue ones flagged."),
    "sessions": (
        "sessions",
        "app",
        "Sessions: schedule, list, show, edit, reschedule, cancel, close with minutes, attendance, notes.",
    ),
    "agenda": ("agenda", "app", "Session agendas: items with clock times, and the printable agenda."),
    "actions": ("actions", "app", "Action items between meetings: add, list (overdue first), done."),
    "messages": (
        "messages",
        "app",
        "Messages to the co-ops: invitations, updates, reminders, follow-ups; compose, list, show, send.",
    ),
    "materials": (
        "materials",
        "app",
        "The program's documents: handouts, slides, links; add, list, export, a session's packet.",
    ),
    "calendar": (
        "calendar",
        "app",
        "The .ics calendar: export for the co-ops' calendars, import from other calendars.",
    ),
    "unity": (
        "unity",
        "app",
        "Points of unity: drafts, comments, circulation, responses, tally, adoption, withdrawal, diff, export.",
    ),
    "decisions": (
        "decisions",
        "app",
        "Decisions by consent beyond the points of unity: propose, respond, tally, adopt, withdraw, export.",
    ),
    "budget": (
        "budget",
        "budget_command",
        "Hours and dollars against the contract: pace, forecast, by category and month.",
    ),
    "hours": ("hours", "app", "The consultant's hours: log, list, edit, remove, summarize."),
    "contract": ("contract", "app", "The consultant's contract: hour cap, rate inside the band, amendments."),
    "invoices": ("invoices", "app", "Monthly invoices: draft, issue, pay, void, export, payments received."),
    "consultant": ("consultant", "app", "The consultant's profile: the payee every invoice names."),
    "audit": ("audit", "audit_command", "Who changed what and when."),
    "db": ("db", "app", "The database itself: its location, backups, checks, copies and upgrades."),
    "config": (
        "config",
        "app",
        "Your own settings: the database, your name in the audit trail, the messages' outbox and mail server.",
    ),
}


class CoopGroup(TyperGroup):
    """The root group: loads a command group only when it is run, and turns every refusal or
    usage error into one line on stderr (exit 1 or 2, no traceback)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # Typer suggests among the commands it has loaded, and this group loads none up front.
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as error:
            import difflib

            nearest = difflib.get_close_matches(args[0], COMMANDS, n=1) if args else []
            if nearest and "Did you mean" not in error.message:
                error.message = f"{error.message.rstrip('.')}. Did you mean '{nearest[0]}'?"
            raise

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in COMMANDS:
            return None
        import importlib

        from typer.main import get_command

        module_name, attribute, _ = COMMANDS[name]
        target = getattr(importlib.import_module(f"coopprogram.cli.{module_name}"), attribute)
        if not isinstance(target, typer.Typer):
            single = typer.Typer(rich_markup_mode=None, add_completion=False)
            single.command(name)(target)
            target = single
        command = get_command(target)
        command.name = name
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_text) for name, (_, _, help_text) in COMMANDS.items()])

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)
        # The run's state, handed to click as the context's `obj`: read again below, once the
        # command has ended, to tell whether its changes were saved before it failed.
        app = extra.pop("obj", None) or Application()
        _refuse_undecodable_arguments(list(args) if args is not None else sys.argv[1:])
        try:
            result = self._run_retrying_a_deadlock(args, prog_name or "coop", complete_var, app, **extra)
        except CoopError as error:
            report_error(_after_commit(app.saved, error.message) if app.saved else error)
            sys.exit(1)
        except typer.TyperException as error:
            sys.exit(_report_usage_error(error, sys.argv[1:] if args is None else list(args)))
        except (typer.Abort, KeyboardInterrupt):
            report_error(
                _after_commit(app.saved, "it was stopped")
                if app.saved
                else CoopError("Stopped before finishing; nothing was changed.")
            )
            sys.exit(1)
        except _OutputFailed as failure:  # stdout is a full disk or a closed pipe
            _silence_stdout()
            reason = failure.error.strerror or plain_cause(failure.error)
            if app.saved:
                report_error(_after_commit(app.saved, f"its output could not be printed ({reason})"))
            elif failure.error.errno != errno.EPIPE:  # a reader that stopped early (`| head`) needs no word
                report_error(CoopError(f"The output could not be printed ({reason}); nothing was changed."))
            sys.exit(1)
        except Exception as error:  # a bug: the unit of work has rolled back, so say so in one line
            if os.environ.get(DEBUG_VAR):
                raise
            problem = f"coop stopped on an unexpected problem ({type(error).__name__}: {plain_cause(error)})"
            report_error(
                _after_commit(app.saved, problem)
                if app.saved
                else CoopError(
                    f"{problem}; nothing was changed. Run it again with {DEBUG_VAR}=1 to see the details, and please report it."
                )
            )
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as error:
            if error.errno in (errno.EPIPE, errno.ENOSPC, errno.EIO):
                raise _OutputFailed(error) from error  # Typer would exit 1 on a closed pipe without a word
            raise

    def _run_retrying_a_deadlock(
        self, args: Any, prog_name: str, complete_var: str | None, app: Application, **extra: Any
    ) -> Any:
        """A deadlock rolled the command back whole before it printed anything: it runs once more,
        and a second deadlock is reported as one."""
        try:
            return super().main(args, prog_name, complete_var, False, obj=app, **extra)
        except Deadlock:
            if app.saved:
                raise
            return super().main(args, prog_name, complete_var, False, obj=app, **extra)


class _OutputFailed(Exception):
    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _after_commit(saved: str, problem: str) -> CoopError:
    return CoopError(
        f"The change was saved ({saved}), but then {problem}. Do not run the command again; "
        "`coop audit` shows what was saved."
    )


def _silence_stdout() -> None:
    """Nothing more can reach stdout; point it at /dev/null so the exit does not fail on it again."""
    try:
        descriptor = os.open(os.devnull, os.O_WRONLY)
        os.dup2(descriptor, sys.stdout.fileno())
        os.close(descriptor)
    except (OSError, ValueError):  # not a real file (a test's captured output)
        pass


def _report_usage_error(error: typer.TyperException, args: list[str]) -> int:
    context = getattr(error, "ctx", None)
    command = context.command_path if context is not None else _command_path_in(args)
    # A choice refused by the parser reads "Value error, 'x' is not one of ...": the words are enough.
    message = error.format_message().strip().replace("Value error, ", "")
    option = getattr(error, "option_name", "") or ""
    if option and message == f"Option '{option}' requires an argument.":  # the parser's words, for an organizer
        message = f"Option '{option}' needs a value"
    if (
        option[1:].replace(".", "", 1).replace(":", "", 1).isdigit()
    ):  # -1, -2.5, -1:30: a negative number, not an option
        typed = next((word for word in args if word.startswith(option)), option)  # -1:30, not the parser's -1
        message = f"{typed} is a negative number: times and amounts must be more than zero"
    ending = "" if message.endswith((".", "?", "!")) else "."
    report_error(CoopError(f"{message}{ending} See `{command} --help`."))
    return getattr(error, "exit_code", 2)


def _command_path_in(args: list[str]) -> str:
    """`coop hours log` for `--db x hours log 1 --date`: the command the words name, for an error
    the parser raised before it knew which command it was parsing (an option missing its value)."""
    from typer.main import get_command

    path, command, words = ["coop"], get_command(app), iter(args)
    for word in words:
        if word == "--db":
            next(words, None)
        elif word.startswith("-") or not hasattr(command, "get_command"):
            continue
        elif (child := command.get_command(None, word)) is not None:
            path.append(word)
            command = child
        else:
            break
    return " ".join(path)


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
    ctx: typer.Context,
    db_location: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar=ENV_VAR,
            metavar="PATH|URL",
            help="The program database: a SQLite file path or a database URL. Default: a file in your user data folder (`coop db path`).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and stop.")
    ] = False,
) -> None:
    """Run a movement co-op pilot program from the command line.

    Example: coop init --demo && coop status --as-of 2022-01-15
    """
    ctx.ensure_object(Application).db_option = db_location


def _readable_output() -> None:
    """A terminal that cannot show a character (PYTHONIOENCODING=ascii, a Latin-1 console) gets "?"
    in its place instead of a stop halfway through the output."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _refuse_undecodable_arguments(arguments: list[str]) -> None:
    """Bytes that are not UTF-8 in an argument (a file name from another system, a broken paste)
    reach Python as lone surrogates that no database or file can store: refused up front."""
    for position, argument in enumerate(arguments, start=1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            shown = argument.encode("utf-8", "replace").decode("utf-8")
            report_error(
                CoopError(f"Argument {position} ('{shown}') is not UTF-8 text; retype it, or rename the file it names.")
            )
            sys.exit(2)


def main() -> None:
    # Start-up makes many objects that live as long as the process (modules, table classes,
    # compiled queries) and the cyclic collector would scan them again and again: it waits
    # until the command opens its database (`context.database`), or until the command ends.
    gc.disable()
    _readable_output()
    try:
        app(prog_name="coop")
    finally:
        gc.enable()
