"""The printable agenda: what a meeting's handout shows (no attendee or contact details), with
its titles and fixed words in the document's language."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from coopprogram.services.agenda import AgendaItemView, AgendaView
    from coopprogram.services.sessions import SessionView

from coopprogram.i18n import ENGLISH, Language


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
    def of(cls, session: SessionView, agenda: AgendaView, lang: Language = ENGLISH) -> AgendaDocument:
        """The agenda in `lang`: translated titles where they exist, and the overrun warning in its words."""
        items = (
            [replace(item, title=item.title_in(lang.code)) for item in agenda.items]
            if not lang.english
            else agenda.items
        )
        overrun = (
            agenda.overrun
            if lang.english or not agenda.overrun
            else lang.plural(
                "The agenda runs {count} minute past the session's {minutes} minutes: shorten items or lengthen the session.",
                "The agenda runs {count} minutes past the session's {minutes} minutes: shorten items or lengthen the session.",
                agenda.over_minutes,
            ).format(count=agenda.over_minutes, minutes=agenda.session_minutes)
        )
        return cls(
            title=session.title_in(lang.code),
            kind_name=session.kind_name,
            starts_local=session.starts_local,
            ends_local=session.ends_local,
            time_span=session.time_span,
            timezone=session.timezone,
            location=session.location,
            link=session.link,
            facilitator=session.facilitator,
            status=session.status,
            items=items,
            total_minutes=agenda.total_minutes,
            session_minutes=agenda.session_minutes,
            over_minutes=agenda.over_minutes,
            overrun=overrun,
        )


def agenda_labels(doc: AgendaDocument, lang: Language = ENGLISH) -> dict[str, str]:
    """The PDF template's fixed words (templates/agenda.typ)."""
    return {
        "date": lang.long_date(doc.starts_local) if not lang.english else f"{doc.starts_local:%Y-%m-%d}",
        "cancelled": lang("This session is cancelled."),
        "where": lang("Where:"),
        "online": lang("Online:"),
        "facilitator": lang("Facilitator:"),
        "time": lang("Time"),
        "item": lang("Item"),
        "lead": lang("Lead"),
        "min": lang("Min."),
        "planned": lang("{total} of {minutes} minutes planned.").format(
            total=doc.total_minutes, minutes=doc.session_minutes
        ),
        "page": lang("page"),
        "of": lang("of"),
    }


def agenda_pdf(doc: AgendaDocument, lang: Language = ENGLISH) -> bytes:
    from coopprogram.exporters.pdf import render_pdf

    return render_pdf("agenda.typ", doc, agenda_labels(doc, lang))
