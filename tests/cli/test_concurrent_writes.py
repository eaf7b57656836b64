"""Two terminals writing at once: every write begins IMMEDIATE and waits its turn, so no
"database is locked" reaches anyone and every accepted change is there afterwards."""

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
