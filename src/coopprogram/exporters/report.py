"""The phase report as PDF: the view's figures formatted once here, the pages laid out and
the burn chart and participation grid drawn by the Typst template `report.typ`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopprogram.exporters.markdown import attending
from coopprogram.exporters.pdf import render_pdf
from coopprogram.units import format_minutes, format_money, format_pace, format_percent
from coopprogram.vocab import InvoiceKind

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from coopprogram.services.decisions import TallyView
    from coopprogram.services.report import ReportView

MARKS = {"attended": "●", "absent": "○", "excused": "E", "invited": "?", "": ""}
# The printed report keeps each list to what fits its section (about a page): the latest sessions
# held and cancelled, the next ones coming up, the first open action items. The counts above each
# list cover the whole phase, and the Markdown report (`coop report -o FILE.md`) lists everything.
PRINTED_SESSIONS = 25
PRINTED_ACTIONS = 40


def report_pdf(view: ReportView) -> bytes:
    return render_pdf("report.typ", report_data(view))


def report_data(view: ReportView) -> dict[str, Any]:
    phase, money = view.phase, view.money
    data: dict[str, Any] = {
        "program": view.program,
        "organization": view.organization,
        "as_of": view.as_of.isoformat(),
        "phase": phase.name,
        "dates": f"{phase.starts_on} to {phase.ends_on}",
        "elapsed": f"day {view.elapsed_days} of {phase.days} ({format_percent(view.elapsed_days, phase.days)})",
        "elapsed_share": view.elapsed_days / phase.days if phase.days else 0,
        "milestones_line": f"{view.milestones_done} of {len(view.milestones)} done, {len(view.overdue_milestones)} overdue",
        "unity_line": view.unity_line,
        "carry_over": {"phase": view.carry_over.phase_name, "lines": view.carry_over.lines}
        if view.carry_over and view.carry_over.lines
        else None,
        "previous_phase": view.previous_phase or "",
        "not_reached_line": f"{len(view.not_reached)} of {len(view.participation)} co-ops not reached in {view.not_reached_days} days",
        "milestones": [
            {
                "title": m.title,
                "due": m.due_on.isoformat(),
                "status": m.status + (f" ({m.blocked_reason})" if m.blocked_reason else ""),
                "overdue": m.overdue,
                "done": m.done_on.isoformat() if m.done_on else "",
            }
            for m in view.milestones
        ],
        "sessions_line": (
            f"Held {len(view.held)} · cancelled {len(view.cancelled)} · "
            f"next {view.upcoming_days} days {len(view.upcoming)} · to close {len(view.to_close)}"
        ),
        "held": [
            {"day": f"{s.starts_local:%Y-%m-%d}", "title": s.title, "attending": attending(s)}
            for s in view.held[-PRINTED_SESSIONS:]
        ],
        "upcoming": [f"{s.starts_local:%Y-%m-%d %H:%M} {s.title}" for s in view.upcoming[:PRINTED_SESSIONS]],
        "to_close": [f"{s.starts_local:%Y-%m-%d %H:%M} {s.title}" for s in view.to_close[:PRINTED_SESSIONS]],
        "cancelled": [
            f"{s.starts_local:%Y-%m-%d} {s.title}" + (f" ({s.cancel_reason})" if s.cancel_reason else "")
            for s in view.cancelled[-PRINTED_SESSIONS:]
        ],
        "grid_columns": [f"{s.starts_local:%m/%d}" for s in view.grid_sessions],
        "grid_titles": [f"{s.starts_local:%m/%d} {s.title}" for s in view.grid_sessions],
        "participation": [
            {
                "coop": r.coop,
                "marks": [MARKS[m] for m in r.marks],
                "attended": f"{r.attended}/{r.invited}",
                "share": r.share_text,
                "earlier": r.earlier_share_text,
                "last": r.last_attended.isoformat() if r.last_attended else "–",
                "not_reached": r.not_reached,
            }
            for r in view.participation
        ],
        "decisions": [
            {"title": f"{d.title} (decision {d.id})", "line": d.summary, "tally": _tally(d.tally) if d.tally else None}
            for d in view.decisions
        ],
        "money": None,
        "actions": [
            {"title": a.title, "owner": a.owner, "due": a.due_on.isoformat() if a.due_on else "", "overdue": a.overdue}
            for a in view.actions[:PRINTED_ACTIONS]
        ],
    }
    # What a list leaves out, said under it (only when it leaves something out: a short phase's
    # report is unchanged).
    left_out = {
        "held_more": len(view.held) - len(data["held"]),
        "upcoming_more": len(view.upcoming) - len(data["upcoming"]),
        "to_close_more": len(view.to_close) - len(data["to_close"]),
        "cancelled_more": len(view.cancelled) - len(data["cancelled"]),
        "actions_more": len(view.actions) - len(data["actions"]),
    }
    data |= {key: count for key, count in left_out.items() if count}
    if money is not None:
        data["cap_share"] = min(1.0, money.used_minutes / money.cap_minutes) if money.cap_minutes else 0
        data["money"] = {
            "hours_line": (
                f"{format_minutes(money.used_minutes)} of {format_minutes(money.cap_minutes)} h "
                f"({format_percent(money.used_minutes, money.cap_minutes)})"
            ),
            "left": f"{format_minutes(money.left_minutes)} h left · {format_money(money.left_cents)} at {format_money(money.contract.rate_cents)}/h",
            "pace": f"{format_pace(money.pace_minutes).capitalize()} ({format_minutes(money.planned_minutes)} h planned by now).",
            "forecast": (
                f"At this pace the cap runs out on {money.run_out_on}"
                + (" — before the phase ends." if money.runs_out_before_phase_ends else ", after the phase ends.")
            )
            if money.run_out_on
            else "No billable hours yet.",
            "by_category": [{"key": r.key, "hours": format_minutes(r.billable_minutes)} for r in money.by_category],
            "by_month": [{"key": r.key, "hours": format_minutes(r.billable_minutes)} for r in money.by_month],
            "invoices": [
                {
                    "ref": i.reference,
                    "period": i.period,
                    "total": format_money(i.total_cents),
                    "status": i.status if i.kind == InvoiceKind.INVOICE else "credit note",
                    "due": i.due_on.isoformat() if i.due_on and i.kind == InvoiceKind.INVOICE else "",
                    "overdue": i.overdue,
                }
                for i in view.invoices
            ],
            "invoiced": (
                f"Invoiced {format_money(money.billed_cents)} · paid {format_money(money.paid_cents)} · "
                f"outstanding {format_money(view.outstanding_cents)}"
            ),
            "amendments": view.amendments,
            "cap_minutes": money.cap_minutes,
            "burn": [{"offset": (p.day - phase.starts_on).days, "minutes": p.used_minutes} for p in view.burn],
            "days": phase.days,
            "cap_label": f"{money.cap_minutes // 60} h",
            "first_day": phase.starts_on.isoformat(),
            "last_day": phase.ends_on.isoformat(),
        }
    return data


def _tally(t: TallyView) -> dict[str, Any]:
    return {
        "endorse": [r.coop_name for r in t.endorsed],
        "stand_aside": [r.coop_name for r in t.stood_aside],
        "block": [f"{r.coop_name} ({r.reason})" for r in t.blocked],
        "not_answered": t.not_answered,
        "rule": t.rule_sentence,
        "verdict": t.verdict,
    }
