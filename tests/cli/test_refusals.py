"""What a person types or gives that coop cannot use is refused in one line (exit 1 or 2) with
what to do, the database untouched: never "unexpected problem". The cases found by trying the
program as its users would."""

import os
import subprocess
import sys

import pytest

from ..conftest import database_dump

REFUSED = [
    (["report", "--as-of", "0001-01-01"], "outside the dates coop works with (2000 to 2099)"),
    (["status", "--as-of", "2100-01-01"], "outside the dates coop works with"),
    (["hours", "list", "--month", "0000-01"], "outside the dates coop works with"),
    (["hours", "remove", "99999999999999999999"], "too large"),
    (["sessions", "show", "99999999999999999999"], "too large"),
    (["invoices", "issue", "SEI-2022-003", "--on", "9999-12-31"], "outside the dates coop works with"),
    (["phases", "edit", "II", "--ends", "9999-12-31"], "outside the dates coop works with"),
    (["program", "set", "timezone", "America"], "is not a time zone name"),
    (["program", "set", "invoice-pattern", "{seq.real.foo}"], "is not an invoice number pattern"),
    (["program", "set", "invoice-pattern", "{seq:.0e}"], "is not an invoice number pattern"),
    (["program", "set", "invoice-pattern", "{seq:0999999999d}"], "is not an invoice number pattern"),
    (["program", "set", "invoice-pattern", "{prefix}-{year}"], "must contain {seq}"),
    (["program", "set", "invoice-pattern", "{prefix}" * 20 + "{seq}"], "too long"),
    (["program", "set", "adoption-max-blocks", "99999999999999999999"], "is not a number of blocks"),
    (["coops", "import", "/dev/zero"], "is not a regular file"),
    (["coops", "show", "casa\udcff"], "is not UTF-8 text"),
]


@pytest.mark.parametrize(("args", "message"), REFUSED, ids=[" ".join(a)[:50] for a, _ in REFUSED])
def test_refused_in_one_line(coop, demo_url, args, message) -> None:
    before = database_dump(demo_url)
    result = coop(*args)
    assert result.exit_code in (1, 2), result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.stderr
    assert "unexpected problem" not in result.stderr
    assert database_dump(demo_url) == before


def test_a_valid_pattern_is_kept(coop, demo_url) -> None:
    assert coop("program", "set", "invoice-pattern", "{prefix}/{year}/{seq:04d}").exit_code == 0
    assert coop("invoices", "draft", "2022-01").exit_code == 0
    issued = coop("invoices", "issue", "4", "--on", "2022-02-01")
    assert issued.exit_code == 0 and "SEI/2022/0004" in issued.stdout


def _run(args: list[bytes], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coopprogram", *args],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_non_utf8_bytes_in_an_argument(demo_url) -> None:
    result = _run([b"coops", b"show", b"casa-\xff\xfe"])
    assert result.returncode == 2
    assert (
        result.stderr.decode().strip()
        == "Error: Argument 3 ('casa-??') is not UTF-8 text; retype it, or rename the file it names."
    )


def test_a_terminal_that_only_knows_ascii(demo_url) -> None:
    for args in ([b"report", b"--as-of", b"2022-01-15"], [b"status", b"--as-of", b"2022-01-15"], [b"coops", b"list"]):
        result = _run(args, PYTHONIOENCODING="ascii")
        assert result.returncode == 0, result.stderr
        assert b"unexpected" not in result.stderr and (
            b"Casa Limpia" in result.stdout or b"Movement Co-op Program pilot" in result.stdout
        )
