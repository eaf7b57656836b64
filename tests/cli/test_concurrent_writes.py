"""Two terminals writing at once: every write begins IMMEDIATE and waits its turn, so no
"database is locked" reaches anyone and every accepted change is there afterwards; a command
that reads while another writes sees the program at one moment."""

import os
import subprocess
import sys

from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.services.coops import list_coops

WRITERS = 3
ADDS_EACH = 8


def test_parallel_processes_adding_coops(coop, db_url) -> None:
    script = (
        "import sys\n"
        "from coopprogram.cli import main\n"
        "writer = sys.argv[1]\n"
        f"for i in range({ADDS_EACH}):\n"
        "    sys.argv = ['coop', 'coops', 'add', f'Co-op {writer}-{i}', '--kind', 'worker']\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as done:\n"
        "        if done.code:\n"
        "            sys.exit(done.code)\n"
    )
    env = dict(os.environ)  # COOP_DB: the test's database, a file or the server
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(n)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for n in range(WRITERS)
    ]
    outcomes = [worker.communicate(timeout=120) for worker in workers]
    for worker, (_, stderr) in zip(workers, outcomes, strict=True):
        assert worker.returncode == 0, stderr
        assert "locked" not in stderr
    with unit_of_work(resolve_database(None), write=False) as db:
        names = {view.name for view in list_coops(db)}
    assert names == {f"Co-op {n}-{i}" for n in range(WRITERS) for i in range(ADDS_EACH)}


def test_a_reading_command_sees_the_program_at_one_moment_while_another_writes(demo_url) -> None:
    """Every query of a reading unit of work sees the program as it stood at its first read, on
    SQLite (its read transaction) as on PostgreSQL (REPEATABLE READ): a change another terminal
    commits meanwhile shows in the next command, not halfway through this one."""
    from sqlalchemy import create_engine, text

    title = text("SELECT title FROM programsession WHERE id = 14")
    with unit_of_work(demo_url, write=False) as db:
        before = db.connection().execute(title).scalar_one()
        other = create_engine(demo_url)
        try:
            with other.begin() as connection:
                connection.execute(text("UPDATE programsession SET title = 'Renamed meanwhile' WHERE id = 14"))
        finally:
            other.dispose()
        assert db.connection().execute(title).scalar_one() == before != "Renamed meanwhile"
    with unit_of_work(demo_url, write=False) as db:
        assert db.connection().execute(title).scalar_one() == "Renamed meanwhile"
