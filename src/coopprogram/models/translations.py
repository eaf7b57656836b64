"""Translations people made of a version's text and of titles."""

from datetime import datetime

from sqlmodel import Field, UniqueConstraint

from coopprogram.models.base import Table
from coopprogram.units import utc_now


class VersionTranslation(Table, table=True):
    """A version's text in another language, pinned to the text it translates (`source_hash`):
    out of date once that text changes."""

    __table_args__ = (UniqueConstraint("version_id", "lang"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="decisionversion.id", index=True)
    lang: str
    text: str
    source_hash: str  # sha256 of the version's text when the translation was stored
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class TitleTranslation(Table, table=True):
    """A session's or an agenda item's title in another language (exactly one of the two is set)."""

    __table_args__ = (UniqueConstraint("session_id", "agenda_item_id", "lang"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int | None = Field(default=None, foreign_key="programsession.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id", index=True)
    lang: str
    title: str
