"""`make load`: many people at once on one program. N clients (processes, 8 by default) each run
`coop` in a loop for S seconds (60 by default) in the proportions of a working week: logging and
editing hours, status, the phase report, a calendar export, co-ops' responses on the points of
unity, drafting the month's invoice. On SQLite, and on PostgreSQL when COOP_BENCH_DATABASE_URL
is set. It prints throughput and p50/p95/p99 per command, refusals by rule apart from failures,
where the time went (waiting to begin a write, row locks, other SQL, the rest), and checks that
nothing was lost: the cap kept, invoice numbers without gaps or repeats, one audit row per change.

`load.py [--clients N] [--seconds S] [--database sqlite|postgresql|both]`
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from multiprocessing import Process
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from server import Server  # noqa: E402

PY = sys.executable
LARGE = HERE / ".data" / "large.db"  # the 1x program of `make bench`
MAX_CLIENTS, MAX_SECONDS, MAX_COMMANDS, COMMAND_TIMEOUT = 32, 600, 5_000, 120
DAY = "2021-11-15"
MONTH = "2021-12"  # the month the clients log into and draft (its invoice was issued by the generator: a new draft)
CAP_HEADROOM_HOURS = 30  # the cap is set this far above what is logged, so logging reaches it during the run
# A working week's proportions (weights) and each command's arguments.
MIX = {
    "hours log": 35,
    "hours edit": 10,
    "status": 20,
    "report": 5,
    "calendar export": 10,
    "unity respond": 12,
    "invoices draft": 8,
}
REFUSALS = re.compile(
    r"cap|would exceed|already|no unbilled|nothing to draft|not a draft|is locked|issued invoice|cannot", re.I
)


def command_args(name: str, rng: random.Random, logged: dict[int, int], folder: Path) -> list[str]:
    if name == "hours log":
        return [
            "hours",
            "log",
            rng.choice(["0:15", "0:30", "1:00", "1:30", "2:00"]),
            "Load test work",
            "--date",
            f"{MONTH}-{rng.randint(1, 28):02d}",
            "--category",
            rng.choice(["documentation", "calendar", "communication"]),
            "--yes",  # a long run piles many logs on one day: past 12 billable hours is confirmed, not refused
        ]
    if name == "hours edit":  # always a new length, so every successful edit changes the entry (one audit row)
        entry = rng.choice(list(logged))
        minutes = rng.choice([m for m in (10, 20, 40, 50, 70, 80) if m != logged[entry]])
        logged[entry] = minutes
        return ["hours", "edit", str(entry), "--hours", f"{minutes // 60}:{minutes % 60:02d}", "--yes"]
    if name == "status":
        return ["status", "--as-of", DAY]
    if name == "report":
        return ["report", "10", "--as-of", DAY, "-f", "md", "-o", str(folder / "report.md"), "--force"]
    if name == "calendar export":
        return ["calendar", "export", "--phase", "10", "-o", str(folder / "program.ics"), "--force"]
    if name == "unity respond":
        return [
            "unity",
            "respond",
            "50",
            f"coop-{rng.randrange(60):03d}",
            rng.choice(["endorse", "endorse", "stand-aside"]),
            "--on",
            DAY,
        ]
    return ["invoices", "draft", MONTH]


def client(number: int, url: str, seconds: float, folder: Path, results: Path) -> None:
    """One person's loop: bounded by time and by count; every command a `coop` process."""
    rng = random.Random(number)
    own = folder / f"client-{number}"
    own.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "COOP_DB": url, "COOP_USER": f"load-{number}", "COOP_LOAD_TRACE": str(own / "trace.jsonl")}
    names, weights = list(MIX), list(MIX.values())
    logged: dict[int, int] = {}  # the entries this client logged, and their minutes now
    deadline = time.monotonic() + seconds
    with open(results / f"client-{number}.jsonl", "w", encoding="utf-8") as out:
        for _ in range(MAX_COMMANDS):
            if time.monotonic() >= deadline:
                break
            name = rng.choices(names, weights)[0]
            if name == "hours edit" and not logged:
                name = "hours log"
            args = command_args(name, rng, logged, own)
            started = time.perf_counter()
            try:
                done = subprocess.run(
                    [PY, str(HERE / "traced_coop.py"), *args],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=COMMAND_TIMEOUT,
                    check=False,
                )
                code, message = done.returncode, (done.stderr.strip().splitlines() or [""])[-1]
            except subprocess.TimeoutExpired:
                code, message = -1, f"no answer in {COMMAND_TIMEOUT} s"
            seconds_taken = time.perf_counter() - started
            if code == 0 and name == "hours log":
                logged[int(re.search(r"entry (\d+)", done.stdout).group(1))] = 0
            outcome = "ok" if code == 0 else ("refused" if code == 1 and REFUSALS.search(message) else "failed")
            out.write(
                json.dumps(
                    {
                        "command": name,
                        "seconds": seconds_taken,
                        "outcome": outcome,
                        "message": message if code else "",
                        "at": time.time(),
                    }
                )
                + "\n"
            )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class LockSampler(threading.Thread):
    """PostgreSQL only: every 0.2 s, which statements wait on a lock (pg_stat_activity)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.stop, self.samples, self.waiting = url, threading.Event(), 0, Counter()

    def run(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            while not self.stop.wait(0.2):
                self.samples += 1
                for query, event in connection.execute(
                    text(
                        "SELECT query, wait_event FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).all():
                    self.waiting[f"{event}: {' '.join(query.split())[:110]}"] += 1
        engine.dispose()


def prepare(kind: str) -> tuple[str, object]:
    """A fresh copy of the 1x program with the last phase's cap just above what is logged."""
    if not LARGE.exists():
        subprocess.run([PY, str(HERE / "bench.py"), "--generate-only"], check=True)
    subprocess.run(
        [PY, "-m", "coopprogram", "--db", str(LARGE), "db", "upgrade"],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "COOP_USER": "bench"},
    )
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="coop-load-"))
        shutil.copy(LARGE, folder / "load.db")
        os.chmod(folder / "load.db", 0o600)
        url, handle = str(folder / "load.db"), folder
    else:
        server = Server(os.environ["COOP_BENCH_DATABASE_URL"])
        url, handle = server.large("1x", LARGE, copy="load"), server
    used = _used_minutes(url)
    subprocess.run(
        [
            PY,
            "-m",
            "coopprogram",
            "--db",
            url,
            "contract",
            "amend",
            "--phase",
            "10",
            "--cap",
            str(used // 60 + CAP_HEADROOM_HOURS),
            "--on",
            DAY,
            "--reason",
            "Load test",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "COOP_USER": "load"},
    )
    return url, handle


def _engine_url(url: str) -> str:
    return url if "://" in url else f"sqlite:///{url}"


def _used_minutes(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(_engine_url(url))
    with engine.connect() as connection:
        used = connection.execute(
            text(
                "SELECT COALESCE(SUM(minutes), 0) FROM timeentry JOIN contract ON contract.id = timeentry.contract_id "
                "JOIN phase ON phase.id = contract.phase_id WHERE phase.number = 10 AND billable"
            )
        ).scalar()
    engine.dispose()
    return int(used)


def verify(url: str, counts: Counter) -> list[tuple[str, bool, str]]:
    """Nothing lost: every logged entry there, the cap kept, numbers without gaps, one audit row per change."""
    from sqlalchemy import create_engine, text

    engine = create_engine(_engine_url(url))
    checks = []
    with engine.connect() as connection:

        def one(sql: str) -> int:
            return int(connection.execute(text(sql)).scalar() or 0)

        entries = one("SELECT COUNT(*) FROM timeentry WHERE description = 'Load test work'")
        checks.append(
            (
                "every logged entry is there",
                entries == counts["hours log"],
                f"{entries} entries, {counts['hours log']} logs succeeded",
            )
        )
        cap = one(
            "SELECT hour_cap_minutes FROM contract JOIN phase ON phase.id = contract.phase_id WHERE phase.number = 10"
        )
        used = one(
            "SELECT SUM(minutes) FROM timeentry JOIN contract ON contract.id = timeentry.contract_id "
            "JOIN phase ON phase.id = contract.phase_id WHERE phase.number = 10 AND billable"
        )
        checks.append(("the cap is never exceeded", used <= cap, f"{used / 60:.2f} h logged of a {cap / 60:.0f} h cap"))
        sequences = [
            row[0]
            for row in connection.execute(
                text("SELECT sequence FROM invoice WHERE sequence IS NOT NULL ORDER BY sequence")
            )
        ]
        checks.append(
            (
                "invoice numbers without gaps or repeats",
                sequences == list(range(1, len(sequences) + 1)),
                f"{len(sequences)} numbers",
            )
        )
        for name, command, entity, action in (
            ("hours log", "coop hours log", "timeentry", "create"),
            ("hours edit", "coop hours edit", "timeentry", "update"),
            ("unity respond", "coop unity respond", "decisionresponse", "create"),
        ):
            rows = one(
                f"SELECT COUNT(*) FROM auditentry WHERE actor LIKE 'load-%' AND command = '{command}' AND entity = '{entity}' "
                f"AND action = '{action}'"
                + (" AND CAST(changes AS TEXT) LIKE '%\"minutes\"%'" if name == "hours edit" else "")
            )
            checks.append(
                (
                    f"one audit row per `{name}`",
                    rows == counts[name],
                    f"{rows} audit rows, {counts[name]} commands succeeded",
                )
            )
    engine.dispose()
    done = subprocess.run(
        [PY, "-m", "coopprogram", "--db", url, "db", "check"],
        capture_output=True,
        text=True,
        env={**os.environ, "COOP_USER": "load"},
        check=False,
    )
    checks.append(("coop db check", done.returncode == 0, (done.stdout + done.stderr).strip().splitlines()[0][:100]))
    return checks


def run(kind: str, clients: int, seconds: float) -> bool:
    url, handle = prepare(kind)
    work = Path(tempfile.mkdtemp(prefix=f"coop-load-{kind}-"))
    sampler = LockSampler(url) if kind == "postgresql" else None
    print(
        f"\n== {kind}: {clients} clients for {seconds:.0f} s ({os.getloadavg()[0]:.1f} load on {os.cpu_count()} cores) ==",
        flush=True,
    )
    try:
        if sampler:
            sampler.start()
        started = time.perf_counter()
        processes = [Process(target=client, args=(n, url, seconds, work, work)) for n in range(clients)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(seconds + COMMAND_TIMEOUT + 30)
            if process.is_alive():
                process.terminate()
        elapsed = time.perf_counter() - started
        if sampler:
            sampler.stop.set()
            sampler.join()
        rows = [json.loads(line) for path in work.glob("client-*.jsonl") for line in path.read_text().splitlines()]
        traces = [
            json.loads(line) for path in work.glob("client-*/trace.jsonl") for line in path.read_text().splitlines()
        ]
        return report(kind, url, rows, traces, elapsed, sampler)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(handle, Path):
            shutil.rmtree(handle, ignore_errors=True)
        else:
            handle.drop(f"{handle.base}_load")


def report(
    kind: str, url: str, rows: list[dict], traces: list[dict], elapsed: float, sampler: LockSampler | None
) -> bool:
    by_command = defaultdict(list)
    for row in rows:
        by_command[row["command"]].append(row)
    print(f"{len(rows)} commands in {elapsed:.0f} s: {len(rows) / elapsed:.1f} a second")
    print(f"{'command':<16} {'count':>6} {'ok':>5} {'refused':>7} {'failed':>6} {'p50 s':>6} {'p95 s':>6} {'p99 s':>6}")
    for name in MIX:
        found = by_command.get(name, [])
        if not found:
            continue
        times = [r["seconds"] for r in found]
        outcome = Counter(r["outcome"] for r in found)
        print(
            f"{name:<16} {len(found):>6} {outcome['ok']:>5} {outcome['refused']:>7} {outcome['failed']:>6} "
            f"{percentile(times, 0.5):>6.2f} {percentile(times, 0.95):>6.2f} {percentile(times, 0.99):>6.2f}"
        )
    for outcome in ("refused", "failed"):
        messages = Counter(r["message"] for r in rows if r["outcome"] == outcome)
        for message, count in messages.most_common(5):
            print(f"  {outcome} x{count}: {message[:160]}")
    if traces:
        total = sum(t["wall"] for t in traces)
        parts = {key: sum(t[key] for t in traces) for key in ("begin_wait", "row_locks", "sql")}
        rest = total - sum(parts.values())
        worst = max(t["begin_wait"] + t["row_locks"] for t in traces)
        print(
            "where the time went (all commands, in-process): "
            + ", ".join(
                f"{label} {seconds / total:.0%}"
                for label, seconds in (
                    ("waiting to begin a write", parts["begin_wait"]),
                    ("row locks", parts["row_locks"]),
                    ("other SQL", parts["sql"]),
                    ("Python (start-up, rendering)", rest),
                )
            )
            + f"; the longest single wait {worst:.2f} s"
        )
        held = defaultdict(list)
        for t in traces:
            held[t["command"]].append(t)
        print(
            f"{'per command':<16} {'waited to write (mean s)':>25} {'held the write lock (mean s)':>29} {'SQL (mean s)':>13} {'in process (mean s)':>20}"
        )
        for name, found in sorted(held.items(), key=lambda item: -sum(t["write_held"] for t in item[1])):
            n = len(found)
            print(
                f"{name:<16} {sum(t['begin_wait'] + t['row_locks'] for t in found) / n:>25.3f} {sum(t['write_held'] for t in found) / n:>29.3f} "
                f"{sum(t['sql'] for t in found) / n:>13.3f} {sum(t['wall'] for t in found) / n:>20.3f}"
            )
    if sampler and sampler.samples:
        print(f"PostgreSQL lock waits over {sampler.samples} samples of pg_stat_activity:")
        for statement, count in sampler.waiting.most_common(4):
            print(f"  {count} x {statement}")
    counts = Counter(r["command"] for r in rows if r["outcome"] == "ok")
    checks = verify(url, counts)
    for name, passed, detail in checks:
        print(f"  {'pass' if passed else 'FAIL'}  {name}: {detail}")
    failed = sum(1 for r in rows if r["outcome"] == "failed")
    return failed == 0 and all(passed for _, passed, _ in checks)


def main(argv: list[str]) -> int:
    def option(name: str, default: str) -> str:
        return argv[argv.index(name) + 1] if name in argv else default

    clients = max(1, min(MAX_CLIENTS, int(option("--clients", os.environ.get("CLIENTS", "8")))))
    seconds = max(1.0, min(MAX_SECONDS, float(option("--seconds", os.environ.get("SECONDS_", "60")))))
    which = option("--database", "both")
    kinds = [kind for kind in ("sqlite", "postgresql") if which in (kind, "both")]
    if "postgresql" in kinds and not os.environ.get("COOP_BENCH_DATABASE_URL"):
        if which == "postgresql":
            raise SystemExit("Set COOP_BENCH_DATABASE_URL to a PostgreSQL database URL to run the load there.")
        kinds.remove("postgresql")
    results = [run(kind, clients, seconds) for kind in kinds]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
