"""What the calendar commands keep between runs: the events they rendered."""

from sqlmodel import Field

from coopprogram.models.base import Table


class RenderedEvent(Table, table=True):
    """A session's calendar event as icalendar wrote it, in one rendering (language, time zone,
    renderer), with the session's event token it was written at: still the session's event while
    the session has that token (the database renews it on every change, migration 0018). A cache:
    emptying it loses nothing."""

    session_id: int = Field(foreign_key="programsession.id", primary_key=True, ondelete="CASCADE")
    rendering: str = Field(primary_key=True)
    token: str
    ics: bytes
