"""`make bench`: how fast coop starts and how it holds up on a large program.

Whole commands run as separate processes (the median of several runs), each shown as a
ratio against its floor measured in the same run: `coop --help` against `import typer`,
`hours log` and `status` against `import sqlmodel`, and the same commands on the large
program against the empty one. The heavy work is timed in a child process on the large
program. Peak memory comes from the operating system (wait4). Results: a table on screen
and benchmarks/results.json.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
LARGE = DATA / "large.db"
CALENDAR = DATA / "calendar.db"
SYNC_PHASE = "10"  # sessions only (generate.py --calendar-only), when large.db is not made
sys.path.insert(0, str(HERE.parent / "tests" / "clients"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
PY = sys.executable
AS_OF = "2021-11-15"  # inside a phase of both programs: the default one (Phase I) and the large one (phase 10 = 2021)


def run(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak memory (MB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024


def median_of(command: list[str], env: dict[str, str], runs: int = RUNS) -> tuple[float, int]:
    results = [run(command, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def coop(*args: str) -> list[str]:
    return [PY, "-m", "coopprogram", *args]


def generated(target: Path, what: str, *options: str) -> Path:
    """The generated database `target`, made once by generate.py (kept in benchmarks/.data)."""
    DATA.mkdir(exist_ok=True)
    if not target.exists():
        print(f"Generating {what} (once; kept in benchmarks/.data)...", flush=True)
        partial = target.with_suffix(".partial.db")
        for leftover in DATA.glob(f"{partial.name}*"):
            leftover.unlink()
        subprocess.run([PY, str(HERE / "generate.py"), *options, str(partial)], check=True)
        partial.rename(target)
    return target


def calendar_database(folder: Path) -> Path:
    """A copy of the large program if it exists, else of the sessions-only one (made once, a few minutes)."""
    source = LARGE if LARGE.exists() else generated(CALENDAR, "the program's sessions", "--calendar-only")
    copy = folder / "calendar.db"
    shutil.copy(source, copy)
    os.chmod(copy, 0o600)
    return copy


def calendar_rows(folder: Path, env: dict[str, str]) -> list[dict]:
    """Publishing 60 co-ops' feeds (5,000 sessions) into an empty folder and again unchanged, and a
    CalDAV sync of an unchanged calendar (against Radicale on 127.0.0.1), which must send nothing:
    the last phase's 500 sessions, as Radicale takes minutes to store all 5,000 the first time."""
    from radicale_server import make_calendar, radicale

    database = calendar_database(folder)
    on = {**env, "COOP_DB": str(database)}
    rows = []
    fresh = [folder / f"published-{n}" for n in range(RUNS)]
    times = []
    for target in fresh:
        seconds, memory = run(coop("calendar", "publish", str(target)), on)
        times.append(seconds)
    feeds = len(list(fresh[0].glob("*.ics")))
    rows.append(_row(f"calendar publish, {feeds} feeds, empty folder (command)", statistics.median(times), 3.0, "s", memory, ""))
    seconds, memory = median_of(coop("calendar", "publish", str(fresh[0])), on)
    rows.append(_row("calendar publish again, nothing changed (command)", seconds, 3.0, "s", memory, ""))
    user, password = "bench", "bench-password"
    with radicale(folder / "radicale", user=user, password=password) as base:
        url = make_calendar(base, user=user, password=password, name="program")
        sync_env = {**on, "COOP_CALDAV_USER": user, "COOP_CALDAV_PASSWORD": password}
        started = time.perf_counter()
        sync = coop("calendar", "sync", url, "--phase", SYNC_PHASE)
        subprocess.run(sync, env=sync_env, check=True, stdout=subprocess.DEVNULL)
        first = time.perf_counter() - started
        storage = folder / "radicale" / "storage"
        before = {path: path.stat().st_mtime_ns for path in storage.rglob("*.ics")}
        started = time.perf_counter()
        done = subprocess.run(sync, env=sync_env, check=True, capture_output=True, text=True)
        again = time.perf_counter() - started
        sent = sum(1 for path in storage.rglob("*.ics") if before.get(path) != path.stat().st_mtime_ns)
        summary = done.stdout.strip().splitlines()[-1].split(": ", 1)[-1]
        rows.append({"measure": "calendar sync of 500 sessions, nothing changed (command)", "value": round(again, 3), "target": None, "unit": "s",
                     "pass": sent == 0 and " 0 created, 0 updated, 0 cancelled" in " " + summary, "peak_mb": 0,
                     "detail": f"{summary} {sent} files changed on the server; the first sync took {first:.1f} s"})
    return rows


def _row(label: str, value: float, limit: float | None, unit: str, memory: int, detail: str) -> dict:
    return {"measure": label, "value": round(value, 3), "target": limit, "unit": unit,
            "pass": None if limit is None else value <= limit, "peak_mb": memory, "detail": detail}


def prepare(folder: Path) -> tuple[Path, Path]:
    generated(LARGE, "the large program")
    empty = folder / "empty.db"
    subprocess.run(coop("--db", str(empty), "init"), check=True, stdout=subprocess.DEVNULL)
    large = folder / "large.db"
    shutil.copy(LARGE, large)  # each run logs hours into its own copy
    os.chmod(large, 0o600)
    return empty, large


INPROCESS = '''
import json, sys, time
from datetime import date
from coopprogram.db import unit_of_work
url, task = sys.argv[1], sys.argv[2]
as_of = date.fromisoformat("{as_of}")
def work():
    if task == "report-md":
        from coopprogram.services.report import report
        from coopprogram.exporters.markdown import report_markdown
        with unit_of_work(url, write=False) as db:
            return report_markdown(report(db, phase=None, as_of=as_of))
    if task == "report-pdf":
        from coopprogram.services.report import report
        from coopprogram.exporters.report import report_pdf
        with unit_of_work(url, write=False) as db:
            view = report(db, phase=None, as_of=as_of)
        return report_pdf(view)
    if task == "calendar":
        from coopprogram.services.calendar import calendar_view
        from coopprogram.exporters.ics import render_ics
        with unit_of_work(url, write=False) as db:
            return render_ics(calendar_view(db))
    if task == "invoice-draft":
        from coopprogram.services.invoices import draft_month
        from coopprogram.services.hours import log_time
        with unit_of_work(url, write=True) as db:
            log_time(db, minutes=30, description="one more", on=date(2021, 12, 30), today=date.max)
            draft_month(db, period="2021-12")
            db.rollback()
        return None
    if task == "hours-summary":
        from coopprogram.services.hours import daily_totals, summarize
        with unit_of_work(url, write=False) as db:
            return summarize(daily_totals(db), by="category")
    if task == "db-check":
        from coopprogram.services.checks import check_database
        with unit_of_work(url, write=False) as db:
            return check_database(db)
times = []
for _ in range({runs}):
    started = time.perf_counter()
    work()
    times.append(time.perf_counter() - started)
print(json.dumps(sorted(times)[len(times) // 2]))
'''


def inprocess(task: str, url: str) -> tuple[float, int]:
    script = INPROCESS.format(as_of=AS_OF, runs=max(3, RUNS // 2))
    process = subprocess.Popen([PY, "-c", script, url, task], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{task} failed: {process.stderr.read().decode()}")
    return json.loads(process.stdout.read()), usage.ru_maxrss // 1024


def main() -> int:
    if "--calendar" in sys.argv[1:]:  # only the calendar measurements, merged into results.json
        with tempfile.TemporaryDirectory() as folder:
            rows = calendar_rows(Path(folder), {**os.environ, "COOP_USER": "bench"})
        return report(rows, merge=True)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        empty, large = prepare(Path(folder))
        env = {**os.environ, "COOP_USER": "bench"}
        on = {name: {**env, "COOP_DB": str(path)} for name, path in (("empty", empty), ("large", large))}
        typer_floor, _ = median_of([PY, "-c", "import typer"], env)
        sqlmodel_floor, _ = median_of([PY, "-c", "import sqlmodel"], env)
        help_time, help_mem = median_of(coop("--help"), env)
        log = ["hours", "log", "0:15", "Benchmark entry", "--date", AS_OF, "--category", "documentation"]
        status = ["status", "--as-of", AS_OF]
        measured = {}
        for name in ("empty", "large"):
            measured[("log", name)] = median_of(coop(*log), on[name])
            measured[("status", name)] = median_of(coop(*status), on[name])

        def target(label: str, value: float, limit: float | None, unit: str, memory: int, detail: str) -> None:
            rows.append(_row(label, value, limit, unit, memory, detail))

        target("coop --help vs import typer", help_time / typer_floor, 1.3, "x", help_mem, f"{help_time * 1000:.0f} ms vs {typer_floor * 1000:.0f} ms")
        for command in ("log", "status"):
            empty_time, empty_mem = measured[(command, "empty")]
            large_time, large_mem = measured[(command, "large")]
            label = "hours log" if command == "log" else "status"
            target(f"{label} (empty db) vs import sqlmodel", empty_time / sqlmodel_floor, 1.3, "x", empty_mem,
                   f"{empty_time * 1000:.0f} ms vs {sqlmodel_floor * 1000:.0f} ms")
            target(f"{label} large db vs empty db", large_time / empty_time, 1.1, "x", large_mem,
                   f"{large_time * 1000:.0f} ms vs {empty_time * 1000:.0f} ms")
        url = f"sqlite:///{large}"
        for task, limit in (("report-md", 1.5), ("report-pdf", 3.0), ("calendar", 2.0), ("invoice-draft", 0.5), ("hours-summary", None), ("db-check", None)):
            seconds, memory = inprocess(task, url)
            target(f"{task} (large db)", seconds, limit, "s", memory, "")
        rows += calendar_rows(Path(folder), env)
        peak = max(row["peak_mb"] for row in rows)
        target("peak memory", peak, 200, "MB", peak, "largest of all the runs above")
    return report(rows, merge=False)


def report(rows: list[dict], *, merge: bool) -> int:
    """The table on screen and results.json (with `merge`, these rows replace their namesakes there)."""
    results = HERE / "results.json"
    if merge and results.exists():
        kept = [row for row in json.loads(results.read_text())["results"] if row["measure"] not in {r["measure"] for r in rows}]
        rows = kept + rows
    results.write_text(json.dumps({"runs": RUNS, "results": rows}, indent=2) + "\n", encoding="utf-8")
    width = max(len(row["measure"]) for row in rows)
    print(f"\n{'measure':<{width}}  {'value':>9}  {'target':>8}  {'peak MB':>7}  result")
    for row in rows:
        verdict = "-" if row["pass"] is None else ("pass" if row["pass"] else "FAIL")
        limit = "" if row["target"] is None else f"{row['target']}{row['unit']}"
        print(f"{row['measure']:<{width}}  {row['value']:>8}{row['unit']:<1}  {limit:>8}  {row['peak_mb']:>7}  {verdict}  {row['detail']}")
    print(f"\nResults written to {results}")
    return 0 if all(row["pass"] is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
