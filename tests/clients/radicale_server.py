"""A real CalDAV server (Radicale) on 127.0.0.1 and a free port, for the sync tests and the benchmark:
started in a child process, waited for (at most 20 s), stopped on leaving."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def radicale(folder: Path, *, user: str, password: str) -> Iterator[str]:
    """The server's base address; its calendars are stored under folder/storage."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "users").write_text(f"{user}:{password}\n")
    port = free_port()
    log = (folder / "radicale.log").open("wb")  # a pipe nobody reads would fill up and stop the server
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            "",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--storage-filesystem-folder",
            str(folder / "storage"),
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(folder / "users"),
            "--auth-htpasswd-encryption",
            "plain",
            "--auth-delay",
            "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(
                        f"Radicale did not start: {(folder / 'radicale.log').read_text()[-500:]}"
                    ) from None
                time.sleep(0.1)
        else:
            raise RuntimeError("Radicale did not start listening within 20 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # busy with a long request: stop it outright
            server.kill()
            server.wait(timeout=10)
        log.close()


def make_calendar(base: str, *, user: str, password: str, name: str) -> str:
    """A new, empty calendar; its address."""
    import caldav

    with caldav.DAVClient(url=f"{base}/", username=user, password=password) as client:
        client.principal().make_calendar(name=name, cal_id=name)
    return f"{base}/{user}/{name}/"
