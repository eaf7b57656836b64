"""Stress tests run small in CI; `COOP_STRESS=1 make test` (or `make stress`) runs them long."""

import os

STRESS = os.environ.get("COOP_STRESS") == "1"


def scale(ci: int, stress: int) -> int:
    return stress if STRESS else ci
