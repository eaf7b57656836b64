"""The errors a person can act on: every rule a service enforces raises one of these.

The CLI turns each into one line on stderr and exit code 1; nothing is written.
"""


class CoopError(Exception):
    """A refusal with a message that says what is wrong and what to do."""

    def __init__(self, message: str) -> None:
        # One line on stderr, whatever the cause: fold any newline a value carried in.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)


class NotFound(CoopError):
    """The record asked for does not exist."""


class InvalidInput(CoopError):
    """A value is of the right form but breaks a rule (out of range, outside a phase...)."""


class Conflict(CoopError):
    """The change clashes with what is stored (a duplicate, a locked record, a wrong state)."""


class DatabaseProblem(CoopError):
    """The database is missing, not set up, at another schema, busy or unreadable."""


class Deadlock(DatabaseProblem):
    """The server stopped this command because two commands were waiting on each other."""


def plain_cause(error: BaseException) -> str:
    """What went wrong in the driver's own first line: never the SQL, never its parameters
    (a co-op's email, a phone number), never a server's DETAIL line, every URL masked."""
    from coopprogram.config import mask_urls_in

    cause = getattr(error, "orig", None) or error
    primary = getattr(getattr(cause, "diag", None), "message_primary", None)  # psycopg: without DETAIL
    text = primary or str(cause)
    for marker in ("\n", "[SQL:", "[parameters:", "(Background on this error"):
        text = text.split(marker, 1)[0]
    return mask_urls_in(text).strip() or type(cause).__name__


class NeedsConfirmation(CoopError):
    """Allowed, but unusual enough that a person must say it is right (--yes, or a terminal's question)."""

    def __init__(self, question: str) -> None:
        super().__init__(f"{question} If that is right, run the command again with --yes.")
        self.question = question
