"""`make bench`: how fast coop starts and how it holds up on a large program.

Whole commands run as separate processes (the median of several runs), each shown as a
ratio against its floor measured in the same run: `coop --help` against `import typer`,
`hours log` and `status` against `import sqlmodel`, and the same commands on the large
program against the empty one. The heavy work is timed in a child process on the large
program. Peak memory comes from the operating system (wait4). Results: a table on screen
and benchmarks/results.json (results-10x.json for the ten-times program).

`bench.py [--size 1x|10x] [--no-publish] [--no-sync] [--calendar] [--generate-only]` (--no-sync: no CalDAV sync, whose
first run takes minutes); with
COOP_BENCH_DATABASE_URL (a PostgreSQL database URL) the same measures run there too, side by side.
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
SIZE = sys.argv[sys.argv.index("--size") + 1] if "--size" in sys.argv else os.environ.get("SIZE", "1x")
LARGE = DATA / ("large.db" if SIZE == "1x" else f"large-{SIZE}.db")
CALENDAR = DATA / "calendar.db"
SYNC_PHASE = "10"  # sessions only (generate.py --calendar-only), when large.db is not made
sys.path.insert(0, str(HERE.parent / "tests" / "clients"))
sys.path.insert(0, str(HERE))
from server import Server  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
PY = sys.executable
AS_OF = "2021-11-15"  # inside a phase of both programs: the default one (Phase I) and the large ones (their last phase = 2021)
SERVER = os.environ.get("COOP_BENCH_DATABASE_URL", "")  # a PostgreSQL database URL: measured there too
# What any command on PostgreSQL imports before coop's own work: SQLModel, psycopg and SQLAlchemy's dialect for it.
DRIVER_FLOOR = "import sqlmodel, psycopg, sqlalchemy.dialects.postgresql.psycopg"


def run(command: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds, peak memory (MB) and CPU seconds (user + system) of one process. On a busy
    machine the CPU time is the steadier figure: it leaves out the time spent waiting for a core."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def load_average() -> str:
    """The machine's load while measuring (the timings are only comparable at a similar load)."""
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min: {five:.1f}) on {os.cpu_count()} cores"


def median_of(command: list[str], env: dict[str, str], runs: int = RUNS) -> tuple[float, int, float]:
    results = [run(command, env) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        max(r[1] for r in results),
        statistics.median(r[2] for r in results),
    )


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


def publish_rows(url: str, folder: Path, env: dict[str, str], runs: int) -> list[dict]:
    """Publishing every co-op's feed: the first time (no event kept: every event rendered), into a
    new folder (the events kept by the first), again with nothing changed, and again after one
    session was renamed."""
    on = {**env, "COOP_DB": url}
    folder.mkdir(parents=True, exist_ok=True)
    limit = 5.0 if SIZE != "1x" else 3.0

    def publish(target: Path) -> tuple[float, int, float]:
        return run(coop("calendar", "publish", str(target)), on)

    subprocess.run([PY, "-c", FORGET_EVENTS, url], env=on, check=True)  # the first time: no event kept by an export
    first, first_memory, _ = publish(folder / "published-0")
    fresh = [publish(folder / f"published-{n}") for n in range(1, runs + 1)]
    again = [publish(folder / "published-0") for _ in range(runs)]
    changed = []
    for n in range(runs):
        subprocess.run(
            coop("sessions", "edit", "1", "--title", f"Renamed {n}"), env=on, check=True, stdout=subprocess.DEVNULL
        )
        changed.append(publish(folder / "published-0"))
    feeds = len(list((folder / "published-0").glob("*.ics")))
    rows = [_row(f"calendar publish, {feeds} feeds, the first time (command)", first, limit, "s", first_memory, "")]
    for label, results in (
        ("calendar publish into a new folder (command)", fresh),
        ("calendar publish again, nothing changed (command)", again),
        ("calendar publish again, one session renamed (command)", changed),
    ):
        seconds = statistics.median(r[0] for r in results)
        cpu = statistics.median(r[2] for r in results)
        rows.append(_row(label, seconds, limit, "s", max(r[1] for r in results), f"CPU {cpu:.2f} s"))
    return rows


FORGET_EVENTS = """
import sys
from sqlalchemy import create_engine, text
url = sys.argv[1] if "://" in sys.argv[1] else "sqlite:///" + sys.argv[1]
engine = create_engine(url)
with engine.begin() as connection:
    connection.execute(text("DELETE FROM renderedevent"))
engine.dispose()
"""


def export_rows(url: str, folder: Path, env: dict[str, str]) -> list[dict]:
    """`coop calendar export` of every session: the first time (no event kept: each rendered once
    with icalendar, and kept), and again (every event as kept)."""
    on = {**env, "COOP_DB": url}
    target = folder / "program.ics"
    folder.mkdir(parents=True, exist_ok=True)
    limit = 2.0 if SIZE == "1x" else None
    export = coop("calendar", "export", "-o", str(target), "--force")
    first = []
    for _ in range(3 if SIZE == "1x" else 1):
        subprocess.run([PY, "-c", FORGET_EVENTS, url], env=on, check=True)
        first.append(run(export, on))
    again = [run(export, on) for _ in range(RUNS if SIZE == "1x" else 3)]
    rows = []
    for label, results in (
        ("calendar export of every session, the first time (command)", first),
        ("calendar export of every session again, events kept (command)", again),
    ):
        seconds, cpu = statistics.median(r[0] for r in results), statistics.median(r[2] for r in results)
        rows.append(_row(label, seconds, limit, "s", max(r[1] for r in results), f"CPU {cpu:.2f} s"))
    return rows


def sync_rows(url: str, folder: Path, env: dict[str, str]) -> list[dict]:
    """A CalDAV sync of an unchanged calendar (against Radicale on 127.0.0.1), which must send
    nothing: the last phase's 500 sessions, as Radicale takes minutes to store all 5,000 the first time."""
    from radicale_server import make_calendar, radicale

    on = {**env, "COOP_DB": url}
    user, password = "bench", "bench-password"
    with radicale(folder / "radicale", user=user, password=password) as base:
        address = make_calendar(base, user=user, password=password, name="program")
        sync_env = {**on, "COOP_CALDAV_USER": user, "COOP_CALDAV_PASSWORD": password}
        started = time.perf_counter()
        sync = coop("calendar", "sync", address, "--phase", SYNC_PHASE)
        subprocess.run(sync, env=sync_env, check=True, stdout=subprocess.DEVNULL)
        first = time.perf_counter() - started
        storage = folder / "radicale" / "storage"
        before = {path: path.stat().st_mtime_ns for path in storage.rglob("*.ics")}
        started = time.perf_counter()
        done = subprocess.run(sync, env=sync_env, check=True, capture_output=True, text=True)
        again = time.perf_counter() - started
        sent = sum(1 for path in storage.rglob("*.ics") if before.get(path) != path.stat().st_mtime_ns)
        summary = done.stdout.strip().splitlines()[-1].split(": ", 1)[-1]
        return [
            {
                "measure": "calendar sync of 500 sessions, nothing changed (command)",
                "value": round(again, 3),
                "target": None,
                "unit": "s",
                "pass": sent == 0 and " 0 created, 0 updated, 0 cancelled" in " " + summary,
                "peak_mb": 0,
                "detail": f"{summary} {sent} files changed on the server; the first sync took {first:.1f} s",
            }
        ]


def calendar_rows(folder: Path, env: dict[str, str]) -> list[dict]:
    """`--calendar`: publish and sync on a copy of the large program, or of a sessions-only one."""
    source = LARGE if LARGE.exists() else generated(CALENDAR, "the program's sessions", "--calendar-only")
    copy = folder / "calendar.db"
    shutil.copy(source, copy)
    os.chmod(copy, 0o600)
    return publish_rows(str(copy), folder, env, RUNS) + sync_rows(str(copy), folder, env)


def _row(label: str, value: float, limit: float | None, unit: str, memory: int, detail: str) -> dict:
    print(f"  {label}: {value:.3f} {unit} ({memory} MB) {detail}", flush=True)
    return {
        "measure": label,
        "value": round(value, 3),
        "target": limit,
        "unit": unit,
        "pass": None if limit is None else value <= limit,
        "peak_mb": memory,
        "detail": detail,
    }


def prepare(folder: Path) -> tuple[str, str]:
    """The SQLite files: an empty program and a copy of the large one (each run logs hours into its own copy)."""
    generated(LARGE, f"the large program ({SIZE})", "--size", SIZE)
    empty = folder / "empty.db"
    subprocess.run(coop("--db", str(empty), "init"), check=True, stdout=subprocess.DEVNULL)
    large = folder / "large.db"
    shutil.copy(LARGE, large)
    os.chmod(large, 0o600)
    subprocess.run(
        coop("--db", str(large), "db", "upgrade"),
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "COOP_USER": "bench"},
    )
    return str(empty), str(large)


INPROCESS = """
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
    if task == "invoice-draft":
        from coopprogram.services.invoices import draft_month
        from coopprogram.services.hours import log_time
        with unit_of_work(url, write=True) as db:
            log_time(db, minutes=30, description="one more", on=date(2021, 12, 30), today=date.max, confirmed=True)
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
times, cpu = [], []
for _ in range({runs}):
    started, started_cpu = time.perf_counter(), time.process_time()
    work()
    times.append(time.perf_counter() - started)
    cpu.append(time.process_time() - started_cpu)
print(json.dumps([sorted(times)[len(times) // 2], sorted(cpu)[len(cpu) // 2]]))
"""


def inprocess(task: str, url: str) -> tuple[list[float], int]:
    runs = 1 if task == "db-check" and SIZE != "1x" else max(3, RUNS // 2)
    script = INPROCESS.format(as_of=AS_OF, runs=runs)
    url = url if "://" in url else f"sqlite:///{url}"
    process = subprocess.Popen([PY, "-c", script, url, task], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{task} failed: {process.stderr.read().decode()}")
    return json.loads(process.stdout.read()), usage.ru_maxrss // 1024


def measure(empty: str, large: str, folder: Path, env: dict[str, str]) -> list[dict]:
    """Every measure on one database (SQLite files or PostgreSQL databases). The floor
    (`import sqlmodel`), the empty and the large runs alternate, so a change in the machine's load
    touches all three alike; the CPU-time ratio is shown beside the wall-time one."""
    rows: list[dict] = []
    on = {"floor": env, "driver": env, "empty": {**env, "COOP_DB": empty}, "large": {**env, "COOP_DB": large}}
    floors = {"floor": "import sqlmodel", "driver": DRIVER_FLOOR}
    log = ["hours", "log", "0:15", "Benchmark entry", "--date", AS_OF, "--category", "documentation", "--yes"]
    status = ["status", "--as-of", AS_OF]
    server = "://" in large  # on PostgreSQL, the driver's import measured too: a floor coop cannot go under
    for command, args in (("hours log", log), ("status", status)):
        runs: dict[str, list[tuple[float, int, float]]] = {"floor": [], "empty": [], "large": []}
        if server:
            runs["driver"] = []
        for _ in range(RUNS):
            for name, times in runs.items():
                times.append(run([PY, "-c", floors[name]] if name in floors else coop(*args), on[name]))
        driver = (
            f"; vs import sqlmodel and the driver ({statistics.median(r[0] for r in runs['driver']) * 1000:.0f} ms) "
            f"{statistics.median(r[0] for r in runs['empty']) / statistics.median(r[0] for r in runs['driver']):.2f}x"
            if server
            else ""
        )
        (floor, _, floor_cpu), (empty_time, empty_mem, empty_cpu), (large_time, large_mem, large_cpu) = (
            (
                statistics.median(r[0] for r in runs[name]),
                max(r[1] for r in runs[name]),
                statistics.median(r[2] for r in runs[name]),
            )
            for name in ("floor", "empty", "large")
        )
        rows.append(
            _row(
                f"{command} (empty db) vs import sqlmodel",
                empty_time / floor,
                1.15,
                "x",
                empty_mem,
                f"{empty_time * 1000:.0f} ms vs {floor * 1000:.0f} ms; CPU {empty_cpu / floor_cpu:.2f}x{driver}",
            )
        )
        rows.append(
            _row(
                f"{command} large db vs empty db",
                large_time / empty_time,
                1.1,
                "x",
                large_mem,
                f"{large_time * 1000:.0f} ms vs {empty_time * 1000:.0f} ms; CPU {large_cpu / empty_cpu:.2f}x",
            )
        )
    limits = {
        "report-md": 1.5,
        "report-pdf": 3.0,
        "invoice-draft": 0.5,
        "hours-summary": None,
        "db-check": None if SIZE == "1x" else 20.0,
    }
    for task, limit in limits.items():
        (seconds, cpu), memory = inprocess(task, large)
        rows.append(_row(f"{task} (large db)", seconds, limit, "s", memory, f"CPU {cpu:.2f} s in this process"))
    rows += export_rows(large, folder, env)
    if "--no-publish" not in sys.argv[1:]:  # publishing 200 feeds of the 10x program takes minutes
        rows += publish_rows(large, folder, env, RUNS if SIZE == "1x" else 3)
    return rows


def main() -> int:
    if "--generate-only" in sys.argv[1:]:  # the large program only (what `make load` runs on)
        generated(LARGE, f"the large program ({SIZE})", "--size", SIZE)
        return 0
    if "--calendar" in sys.argv[1:]:  # only the calendar measurements, merged into results.json
        with tempfile.TemporaryDirectory() as folder:
            rows = calendar_rows(Path(folder), {**os.environ, "COOP_USER": "bench"})
        return report({"sqlite": rows}, merge=True)
    env = {**os.environ, "COOP_USER": "bench"}
    env.pop("COOP_DB", None)
    print(
        f"Measuring the {SIZE} program on SQLite" + (" and PostgreSQL" if SERVER else "") + f" ({load_average()})...",
        flush=True,
    )
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as folder:
        empty, large = prepare(Path(folder))
        typer_floor, _, _ = median_of([PY, "-c", "import typer"], env)
        help_time, help_mem, _ = median_of(coop("--help"), env)
        first = [
            _row(
                "coop --help vs import typer",
                help_time / typer_floor,
                1.3,
                "x",
                help_mem,
                f"{help_time * 1000:.0f} ms vs {typer_floor * 1000:.0f} ms",
            )
        ]
        results["sqlite"] = first + measure(empty, large, Path(folder) / "sqlite", env)
        if SIZE == "1x" and not {"--no-publish", "--no-sync"} & set(sys.argv[1:]):
            results["sqlite"] += sync_rows(large, Path(folder), env)
        if SERVER:
            server = Server(SERVER)
            large_url = server.large(SIZE, LARGE)
            empty_url = server.fresh(f"{server.base}_empty")
            subprocess.run(coop("--db", empty_url, "init"), check=True, stdout=subprocess.DEVNULL, env=env)
            try:
                results["postgresql"] = first + measure(empty_url, large_url, Path(folder) / "postgresql", env)
            finally:
                server.drop(f"{server.base}_run")
                server.drop(f"{server.base}_empty")
    for rows in results.values():
        peak = max(row["peak_mb"] for row in rows)
        rows.append(_row("peak memory", peak, 200, "MB", peak, "largest of all the runs above"))
    print(f"Measured at {load_average()}.")
    return report(results, merge=False)


def report(results: dict[str, list[dict]], *, merge: bool) -> int:
    """The table on screen (each database side by side) and results.json, or results-<size>.json
    (with `merge`, these rows replace their namesakes there)."""
    path = HERE / ("results.json" if SIZE == "1x" else f"results-{SIZE}.json")
    if merge and path.exists():
        stored = json.loads(path.read_text())
        for kind, rows in results.items():
            names = {r["measure"] for r in rows}
            kept = [row for row in stored.get("databases", {}).get(kind, []) if row["measure"] not in names]
            results[kind] = kept + rows
        results = {**stored.get("databases", {}), **results}
    path.write_text(
        json.dumps({"size": SIZE, "runs": RUNS, "load": load_average(), "databases": results}, indent=2) + "\n",
        encoding="utf-8",
    )
    kinds = list(results)
    names = list(dict.fromkeys(row["measure"] for kind in kinds for row in results[kind]))
    width = max(len(name) for name in names)
    print(
        f"\n{'measure':<{width}}  {'target':>8}"
        + "".join(f"  {kind:>10}  {'MB':>4}  {'':4}" for kind in kinds)
        + "  detail"
    )
    for name in names:
        cells, limit, details = "", "", []
        for kind in kinds:
            row = next((r for r in results[kind] if r["measure"] == name), None)
            if row is None:
                cells += f"  {'':>10}  {'':>4}  {'':4}"
                continue
            limit = "" if row["target"] is None else f"{row['target']}{row['unit']}"
            verdict = "-" if row["pass"] is None else ("pass" if row["pass"] else "FAIL")
            cells += f"  {row['value']:>9}{row['unit']:<1}  {row['peak_mb']:>4}  {verdict:4}"
            if row["detail"]:
                details.append(f"{kind}: {row['detail']}" if len(kinds) > 1 else row["detail"])
        print(f"{name:<{width}}  {limit:>8}{cells}  {'; '.join(details)}")
    print(f"\nResults written to {path}")
    return 0 if all(row["pass"] is not False for rows in results.values() for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
