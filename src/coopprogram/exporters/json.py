"""JSON text from views: dates as ISO strings, dataclasses as objects (with the figures their
properties derive, such as the hours left), stable key order."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time
from enum import Enum
from functools import cache
from typing import Any


def plain(value: Any) -> Any:
    """A value JSON and CSV can hold: ISO dates, enum values, dicts for dataclasses."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [field.name for field in dataclasses.fields(value)] + _derived(type(value))
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


@cache
def _derived(view: type) -> list[str]:
    """The public properties of a view class, in the order they are declared."""
    return [
        name
        for klass in reversed(view.__mro__)
        for name, member in vars(klass).items()
        if isinstance(member, property) and not name.startswith("_")
    ]


def render_json(value: Any) -> str:
    return json.dumps(plain(value), indent=2, ensure_ascii=False) + "\n"
