"""The root command forgives typing mistakes as git does: a mistyped command names the nearest
one, and a usage error points to the help of the command that was being typed."""

import pytest


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hour"], "Error: No such command 'hour'. Did you mean 'hours'? See `coop --help`."),
        (["reprot"], "Error: No such command 'reprot'. Did you mean 'report'? See `coop --help`."),
        (["xyzzy"], "Error: No such command 'xyzzy'. See `coop --help`."),
        (["hours", "lg"], "Error: No such command 'lg'. Did you mean 'log'? See `coop hours --help`."),
        (["hours", "log", "1", "Prep", "--date"], "Error: Option '--date' needs a value. See `coop hours log --help`."),
        (
            ["hours", "log", "-1", "Prep"],
            "Error: -1 is a negative number: times and amounts must be more than zero. See `coop hours log --help`.",
        ),
        (
            ["hours", "log", "-1:30", "Prep"],
            "Error: -1:30 is a negative number: times and amounts must be more than zero. See `coop hours log --help`.",
        ),
        (
            ["--db", "x.db", "invoices", "pay", "SEI-2021-001", "--on"],
            "Error: Option '--on' needs a value. See `coop invoices pay --help`.",
        ),
    ],
)
def test_usage_errors_name_the_fix(coop, args, message) -> None:
    result = coop(*args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
