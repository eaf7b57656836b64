"""The PostgreSQL side of `make bench` and `make load` (COOP_BENCH_DATABASE_URL): the large
programs generated once into databases of their own and kept, and fresh copies of them per run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


class Server:
    """The PostgreSQL side: the large program generated once into `<name>_<size>` (kept, like
    benchmarks/.data), and each run on fresh copies of it (CREATE DATABASE ... TEMPLATE)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.base = self.url.database or "coop_bench"

    def named(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _admin(self, *statements: str) -> list:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.named("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                return [
                    connection.execute(text(statement)).all()
                    if statement.startswith("SELECT")
                    else connection.execute(text(statement))
                    for statement in statements
                ]
        finally:
            engine.dispose()

    def exists(self, name: str) -> bool:
        return bool(self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")[0])

    def fresh(self, name: str, *, template: str | None = None) -> str:
        self._admin(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""),
        )
        return self.named(name)

    def drop(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def large(self, size: str, source: Path, *, copy: str = "run") -> str:
        """A fresh copy of the large program, loaded first from its SQLite file `source` (at the
        current schema) when the server does not hold it yet."""
        kept = f"{self.base}_{size}"
        if not self.exists(kept):
            print(f"Loading the large program ({size}) into PostgreSQL (once; kept as database {kept})...", flush=True)
            partial = self.fresh(f"{kept}_partial")
            with (
                tempfile.TemporaryDirectory() as folder
            ):  # a copy brought to the current schema (the file may be older)
                current = Path(folder) / "large.db"
                shutil.copy(source, current)
                os.chmod(current, 0o600)
                subprocess.run(
                    [PY, "-m", "coopprogram", "--db", str(current), "db", "upgrade"],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    env={**os.environ, "COOP_USER": "bench"},
                )
                # In a process of its own: a process this one starts later would report this one's
                # memory as its peak (Linux carries the parent's high-water mark through fork and exec).
                subprocess.run([PY, __file__, f"sqlite:///{current}", partial], check=True)
            self._admin(f'ALTER DATABASE "{kept}_partial" RENAME TO "{kept}"')
        subprocess.run(
            [PY, "-m", "coopprogram", "--db", self.named(kept), "db", "upgrade"],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "COOP_USER": "bench"},
        )
        return self.fresh(f"{self.base}_{copy}", template=kept)


def load(source_url: str, target_url: str) -> None:
    """Every row of a SQLite program into an empty PostgreSQL database with COPY (a million rows
    in a minute or so, where one INSERT per row would take far longer), then its id sequences
    moved past the copied ids. `coop db copy` does the same with checks, more slowly."""
    from psycopg.types.json import Jsonb
    from sqlalchemy import select, text

    from coopprogram import db as database
    from coopprogram.models import load_all
    from coopprogram.services.transfer import _advance_sequences

    database.create_database(target_url)
    source, target = database.make_engine(source_url), database.make_engine(target_url)
    try:
        with source.connect() as reading, target.connect() as writing:
            for table in load_all().sorted_tables:
                names = [column.name for column in table.columns]
                columns = ", ".join(f'"{name}"' for name in names)  # quoted: `user` is a keyword
                rows = reading.execution_options(yield_per=10_000).execute(
                    select(table).order_by(*table.primary_key.columns)
                )
                with (
                    writing.connection.driver_connection.cursor() as cursor,
                    cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as stream,
                ):
                    for row in rows:  # JSON documents (dicts) go in as jsonb
                        stream.write_row([Jsonb(value) if isinstance(value, dict | list) else value for value in row])
            _advance_sequences(writing)
            writing.commit()
            # The planner's statistics, as autovacuum would gather them soon after on a real server.
            writing.execute(text("ANALYZE"))
            writing.commit()
    finally:
        source.dispose()
        target.dispose()


if __name__ == "__main__":  # server.py SOURCE_URL TARGET_URL: what Server.large runs
    load(sys.argv[1], sys.argv[2])
