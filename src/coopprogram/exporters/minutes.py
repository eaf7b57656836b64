"""A session's minutes as Markdown (for email and shared documents) and as a PDF to print:
the agenda as it ran, attendance by co-op name (never a contact), decisions, action items with
owners and dates, notes, and the next session; in English or a co-op's language (i18n)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopprogram.exporters.markdown import escape
from coopprogram.i18n import ENGLISH, Language

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from collections.abc import Callable

    from coopprogram.services.actions import ActionView
    from coopprogram.services.minutes import MinutesView
    from coopprogram.services.sessions import SessionView


def when(view: SessionView, lang: Language = ENGLISH) -> str:
    """`Thursday January 20, 2022 · 18:00–20:30 (America/New_York)`: a session's time, as every message says it."""
    return f"{lang.long_date(view.starts_local)} · {view.starts_local:%H:%M}–{view.ends_local:%H:%M} ({view.timezone})"


def _names(names: list[str]) -> str:
    return ", ".join(escape(name) for name in names) if names else "–"


def minutes_markdown(view: MinutesView, lang: Language = ENGLISH) -> str:
    session = view.session
    out = [
        lang("# Minutes: {title}").format(title=escape(session.title_in(lang.code))),
        "",
        f"{escape(session.kind_name)} · {when(session, lang)}",
    ]
    if session.location:
        out.append("  \n" + lang("Where: {place}").format(place=escape(session.location)))
    if not view.closed:
        out += ["", lang("**Draft: the session has not been closed yet** (`coop sessions close`).")]
    out += ["", lang("## Agenda as it ran"), ""]
    out += [
        f"- {item.starts_local:%H:%M} {escape(item.title_in(lang.code))}"
        + (f" ({escape(item.lead)})" if item.lead else "")
        for item in view.agenda.items
    ]
    if not view.agenda.items:
        out.append(lang("No agenda was recorded."))
    out += ["", lang("## Attendance"), ""]
    out += [
        f"- {lang('Attended')}: {_names(view.attended)}",
        f"- {lang('Absent')}: {_names(view.absent)}",
        f"- {lang('Excused')}: {_names(view.excused)}",
    ]
    if view.not_recorded:
        out.append(f"- {lang('Not recorded')}: {_names(view.not_recorded)}")
    if session.headcount:
        out.append(lang("- People in the room: {count}").format(count=session.headcount))
    out += ["", lang("## Decisions"), ""]
    out += [f"{number}. {escape(text)}" for number, text in enumerate(view.decisions, start=1)] or [
        lang("None recorded.")
    ]
    out += ["", lang("## Action items"), ""]
    out += [action_line(action, escape, lang) for action in view.actions] or [lang("None.")]
    if view.notes:
        out += ["", lang("## Notes"), "", view.notes.strip()]
    out += ["", lang("## Next session"), ""]
    nxt = view.next_session
    out.append(
        f"{escape(nxt.title_in(lang.code))}: {when(nxt, lang)}" + (f", {escape(nxt.location)}" if nxt.location else "")
        if nxt
        else lang("Not scheduled yet.")
    )
    return "\n".join(out) + "\n"


def action_line(action: ActionView, mark: Callable[[str], str] = escape, lang: Language = ENGLISH) -> str:
    """`- Title — owner, due 2022-01-14 (done 2022-01-12)`; `mark` makes its text safe for where
    it lands (Markdown, plain text)."""
    return (
        f"- {mark(action.title)}"
        + (f" — {mark(action.owner)}" if action.owner else "")
        + (lang(", due {day}").format(day=lang.date(action.due_on)) if action.due_on else "")
        + (lang(" (done {day})").format(day=lang.date(action.done_on)) if action.done_on else "")
    )


def minutes_pdf(view: MinutesView, lang: Language = ENGLISH) -> bytes:
    from coopprogram.exporters.pdf import render_pdf

    session, nxt = view.session, view.next_session
    attendance = [
        (lang("Attended"), view.attended),
        (lang("Absent"), view.absent),
        (lang("Excused"), view.excused),
        (None, view.not_recorded),
    ]
    return render_pdf(
        "minutes.typ",
        {
            "title": session.title_in(lang.code),
            "kind": session.kind_name,
            "when": when(session, lang),
            "location": session.location,
            "closed": view.closed,
            "agenda": [
                [f"{item.starts_local:%H:%M}", item.title_in(lang.code), item.lead] for item in view.agenda.items
            ],
            "attendance": [
                [label or lang("Not recorded"), ", ".join(names) or "–"]
                for label, names in attendance
                if names or label
            ],
            "decisions": view.decisions,
            "actions": [action_line(action, str, lang).removeprefix("- ") for action in view.actions],
            "notes": view.notes.strip(),
            "next": f"{nxt.title_in(lang.code)}: {when(nxt, lang)}" if nxt else lang("Not scheduled yet."),
        },
        labels={
            "minutes": lang("Minutes: {title}").format(title=""),
            "where": lang("Where: {place}").format(place=""),
            "draft": lang("Draft: the session has not been closed yet."),
            "agenda": lang("Agenda as it ran"),
            "no_agenda": lang("No agenda was recorded."),
            "attendance": lang("Attendance"),
            "decisions": lang("Decisions"),
            "none_recorded": lang("None recorded."),
            "actions": lang("Action items"),
            "none": lang("None."),
            "notes": lang("Notes"),
            "next": lang("Next session"),
            "page": lang("page"),
            "of": lang("of"),
        },
    )
