"""A session's minutes as Markdown (for email and shared documents) and as a PDF to print:
the agenda as it ran, attendance by co-op name (never a contact), decisions, action items with
owners and dates, notes, and the next session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopprogram.exporters.markdown import escape

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from collections.abc import Callable

    from coopprogram.services.actions import ActionView
    from coopprogram.services.minutes import MinutesView
    from coopprogram.services.sessions import SessionView


def when(view: SessionView) -> str:
    """`Thursday January 20, 2022 · 18:00–20:30 (America/New_York)`: a session's time, as every message says it."""
    return f"{view.starts_local:%A %B %d, %Y} · {view.starts_local:%H:%M}–{view.ends_local:%H:%M} ({view.timezone})"


def _names(names: list[str]) -> str:
    return ", ".join(escape(name) for name in names) if names else "–"


def minutes_markdown(view: MinutesView) -> str:
    session = view.session
    out = [f"# Minutes: {escape(session.title)}", "", f"{escape(session.kind_name)} · {when(session)}"]
    if session.location:
        out.append(f"  \nWhere: {escape(session.location)}")
    if not view.closed:
        out += ["", "**Draft: the session has not been closed yet** (`coop sessions close`)."]
    out += ["", "## Agenda as it ran", ""]
    out += [f"- {item.starts_local:%H:%M} {escape(item.title)}" + (f" ({escape(item.lead)})" if item.lead else "") for item in view.agenda.items]
    if not view.agenda.items:
        out.append("No agenda was recorded.")
    out += ["", "## Attendance", ""]
    out += [f"- Attended: {_names(view.attended)}", f"- Absent: {_names(view.absent)}", f"- Excused: {_names(view.excused)}"]
    if view.not_recorded:
        out.append(f"- Not recorded: {_names(view.not_recorded)}")
    if session.headcount:
        out.append(f"- People in the room: {session.headcount}")
    out += ["", "## Decisions", ""]
    out += [f"{number}. {escape(text)}" for number, text in enumerate(view.decisions, start=1)] or ["None recorded."]
    out += ["", "## Action items", ""]
    out += [action_line(action) for action in view.actions] or ["None."]
    if view.notes:
        out += ["", "## Notes", "", view.notes.strip()]
    out += ["", "## Next session", ""]
    nxt = view.next_session
    out.append(f"{escape(nxt.title)}: {when(nxt)}" + (f", {escape(nxt.location)}" if nxt.location else "") if nxt else "Not scheduled yet.")
    return "\n".join(out) + "\n"


def action_line(action: ActionView, mark: Callable[[str], str] = escape) -> str:
    """One action item; `mark` makes its text safe for where it lands (Markdown, plain text)."""
    """`- Title — owner, due 2022-01-14 (done 2022-01-12)`."""
    return (
        f"- {mark(action.title)}" + (f" — {mark(action.owner)}" if action.owner else "")
        + (f", due {action.due_on}" if action.due_on else "") + (f" (done {action.done_on})" if action.done_on else "")
    )


def minutes_pdf(view: MinutesView) -> bytes:
    from coopprogram.exporters.pdf import render_pdf

    session, nxt = view.session, view.next_session
    attendance = [("Attended", view.attended), ("Absent", view.absent), ("Excused", view.excused), ("Not recorded", view.not_recorded)]
    return render_pdf("minutes.typ", {
        "title": session.title, "kind": session.kind_name, "when": when(session), "location": session.location, "closed": view.closed,
        "agenda": [[f"{item.starts_local:%H:%M}", item.title, item.lead] for item in view.agenda.items],
        "attendance": [[label, ", ".join(names) or "–"] for label, names in attendance if names or label != "Not recorded"],
        "decisions": view.decisions, "actions": [action_line(action, str).removeprefix("- ") for action in view.actions], "notes": view.notes.strip(),
        "next": f"{nxt.title}: {when(nxt)}" if nxt else "Not scheduled yet.",
    })
