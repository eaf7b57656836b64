"""A worker process for the stress tests: runs `coop` commands in a loop, in-process, and
appends one JSON line per command (its arguments, exit code and stderr) to a results file.
After each command that succeeded it prints `committed GROUP VERB` on stdout (flushed): the
change is in the database by then, so a test can kill the worker only once it has written.

Usage: python worker.py RESULTS.jsonl SEED COUNT MODE   (MODE: mixed or writes)
"""

import contextlib
import io
import json
import random
import sys

from coopprogram.cli import main


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        sys.argv = ["coop", *args]
        try:
            main()
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def commands(rng: random.Random, worker: str, count: int, mode: str):
    for n in range(count):
        choice = rng.random()
        day = f"2022-02-{rng.randint(1, 28):02d}"
        if choice < 0.5 or (mode == "writes" and choice < 0.7):
            yield [
                "hours",
                "log",
                rng.choice(["0:30", "45m", "1"]),
                f"Work {worker}-{n}",
                "--date",
                day,
                "--category",
                "strategy",
            ]
        elif choice < 0.75:
            code, out, _ = run(["invoices", "draft", "2022-02"])
            yield None if code else ["invoices", "issue", out.split()[1], "--on", "2022-03-01"]
        elif mode == "mixed":
            yield [
                "sessions",
                "reschedule",
                str(rng.randint(17, 21)),
                "--start",
                f"2022-03-{rng.randint(1, 28):02d} 18:00",
            ]
        else:
            yield ["sessions", "edit", str(rng.randint(1, 21)), "--location", f"Room {worker}-{n}"]


if __name__ == "__main__":
    results_path, seed, count, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = random.Random(seed)
    with open(results_path, "a", encoding="utf-8") as results:
        for args in commands(rng, str(seed), count, mode):
            if args is None:
                continue
            code, out, err = run(args)
            results.write(json.dumps({"args": args, "code": code, "stdout": out, "stderr": err}) + "\n")
            results.flush()
            if code == 0:
                print("committed", *args[:2], flush=True)
