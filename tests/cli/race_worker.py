"""A worker for the race tests: runs each `coop` command of a JSON plan in-process, in order
(with the stress tests' runner), and prints one JSON line per command: its arguments, exit
code and stderr."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "stress"))
from worker import run

if __name__ == "__main__":
    for command in json.loads(sys.argv[1]):
        code, _, err = run(command)
        print(json.dumps({"args": command, "code": code, "stderr": err}), flush=True)
