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
