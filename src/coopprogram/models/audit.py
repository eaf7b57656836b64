"""The audit trail's rows."""

from datetime import datetime
from typing import Any

from sqlmodel import Field

from coopprogram.models.base import JSON_DOCUMENT, Table
from coopprogram.units import utc_now


class AuditEntry(Table, table=True):
    """One change to one record: who, when, through which command, and the fields' values
    before and after (JSON). Contact details are recorded as changed, never with their values."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, index=True)
    actor: str
    command: str = ""
    action: str  # create, update, delete
    entity: str = Field(index=True)
    entity_id: int | None = Field(default=None, index=True)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_DOCUMENT, nullable=False)
