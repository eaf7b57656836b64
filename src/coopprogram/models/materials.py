"""The materials register."""

from datetime import date, datetime

from sqlmodel import Field

from coopprogram.models.base import Table
from coopprogram.units import utc_now


class Material(Table, table=True):
    """A document of the program: a file kept in the private materials folder (by its SHA-256)
    or a link."""

    id: int | None = Field(default=None, primary_key=True)
    title: str
    file_name: str = ""  # the name it was added under; empty for a link
    stored_name: str = ""  # its name in the materials folder
    sha256: str = ""
    size: int = 0
    url: str = ""
    session_id: int | None = Field(default=None, foreign_key="programsession.id", index=True)
    phase_id: int | None = Field(default=None, foreign_key="phase.id")
    lang: str = "en"
    added_on: date
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})
