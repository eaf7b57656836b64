"""What `coop calendar publish` keeps between runs: the events it rendered."""

from sqlmodel import Field

from coopprogram.models.base import Table


class RenderedEvent(Table, table=True):
    """A session's calendar event as icalendar wrote it, kept under a fingerprint of everything it
    was written from (the event, its language's phrases, the time zone, the renderer's version), so
    a publish renders only the events that changed since. A cache: emptying it loses nothing."""

    key: str = Field(primary_key=True)
    ics: bytes
