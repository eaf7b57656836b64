"""JSON text from views: dates as ISO strings, dataclasses as objects, stable key order."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    """A value JSON and CSV can hold: ISO dates, enum values, dicts for dataclasses."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(item) for name, item in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def render_json(value: Any) -> str:
    return json.dumps(plain(value), indent=2, ensure_ascii=False) + "\n"
