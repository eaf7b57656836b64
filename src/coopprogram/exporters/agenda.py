"""The printable agenda: what a meeting's handout shows (no attendee or contact details)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from coopprogram.services.agenda import AgendaItemView, AgendaView
    from coopprogram.services.sessions import SessionView



@dataclass(frozen=True)
class AgendaDocument:
    title: str
    kind_name: str
    starts_local: datetime
    ends_local: datetime
    time_span: str
    timezone: str
    location: str
    link: str
    facilitator: str
    status: str
    items: list[AgendaItemView]
    total_minutes: int
    session_minutes: int
    over_minutes: int
    overrun: str  # the warning when the agenda runs past the session, as the terminal shows it

    @classmethod
    def of(cls, session: SessionView, agenda: AgendaView) -> AgendaDocument:
        return cls(
            title=session.title, kind_name=session.kind_name, starts_local=session.starts_local, ends_local=session.ends_local,
            time_span=session.time_span,
            timezone=session.timezone, location=session.location, link=session.link, facilitator=session.facilitator,
            status=session.status, items=agenda.items, total_minutes=agenda.total_minutes,
            session_minutes=agenda.session_minutes, over_minutes=agenda.over_minutes, overrun=agenda.overrun,
        )
