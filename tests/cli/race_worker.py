"""A worker for the race tests: runs each `coop` command of a JSON plan in-process, in order,
and prints one JSON line per command: its arguments, exit code and stderr."""

import contextlib
import io
import json
import sys

from coopprogram.cli import main


def run(args: list[str]) -> dict:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        sys.argv = ["coop", *args]
        try:
            main()
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
    return {"args": args, "code": code, "stderr": err.getvalue()}


if __name__ == "__main__":
    for command in json.loads(sys.argv[1]):
        print(json.dumps(run(command)), flush=True)
