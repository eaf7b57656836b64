"""How long the point-by-point diff takes on two drafts of 4,000 points each, in the shapes a
long revision takes (points reworded, added, moved; every point reworded; nothing in common;
the order reversed). Target: under a second each, on a machine not busy with other work (the
CPU time is printed too). Run: .venv/bin/python benchmarks/diff.py"""

from __future__ import annotations

import random
import sys
import time

from coopprogram.services.textdiff import diff_points

POINTS = 4_000
TARGET_SECONDS = 1.0


def drafts() -> dict[str, tuple[list[str], list[str]]]:
    rng = random.Random(16)
    words = [f"word{n}" for n in range(3_000)]
    old = [" ".join(rng.choices(words, k=15)) for _ in range(POINTS)]
    mixed = list(old)
    for k in range(0, POINTS, 7):
        mixed[k] = mixed[k].replace(mixed[k].split()[3], "changed")
    for k in range(0, POINTS, 50):
        mixed.insert(k, " ".join(rng.choices(words, k=12)))
    for _ in range(300):
        mixed.insert(rng.randrange(len(mixed)), mixed.pop(rng.randrange(len(mixed))))
    return {
        "reworded, added and moved": (old, mixed[:POINTS]),
        "every point reworded": (old, [point + " and more" for point in old]),
        "nothing in common": (old, [" ".join(rng.choices(words, k=15)) for _ in range(POINTS)]),
        "order reversed": (old, old[::-1]),
    }


def main() -> int:
    slowest = 0.0
    for shape, (old, new) in drafts().items():
        started, cpu = time.perf_counter(), time.process_time()
        changes = diff_points(old, new)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        slowest = max(slowest, seconds)
        kinds = {
            kind: sum(c.kind == kind for c in changes)
            for kind in ("unchanged", "moved", "reworded", "added", "removed")
        }
        print(
            f"{shape:<28} {seconds:6.3f} s ({cpu_seconds:.3f} s of CPU)  "
            + ", ".join(f"{k} {v}" for k, v in kinds.items() if v)
        )
    print(
        f"slowest {slowest:.3f} s (target under {TARGET_SECONDS} s): {'pass' if slowest < TARGET_SECONDS else 'FAIL'}"
    )
    return 0 if slowest < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
