"""Milestones of each phase: their due dates, their status (planned, in progress, done,
blocked with a reason) and which are overdue on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Milestone, MilestoneStatus, Phase
from coopprogram.services.as_of import happened, milestone_status
from coopprogram.services.phases import get_phase
from coopprogram.services.text import clean_text
from coopprogram.vocab import one_of


@dataclass(frozen=True)
class MilestoneView:
    id: int
    phase_number: int
    phase_name: str
    title: str
    description: str
    due_on: date
    status: str
    started_on: date | None
    done_on: date | None
    blocked_reason: str
    overdue: bool


def to_view(milestone: Milestone, phase: Phase, *, today: date) -> MilestoneView:
    """The milestone as it stood at the end of `today` (see services.as_of)."""
    status = milestone_status(milestone, today)
    return MilestoneView(
        id=milestone.id,
        phase_number=phase.number,
        phase_name=phase.name,
        title=milestone.title,
        description=milestone.description,
        due_on=milestone.due_on,
        status=status,
        started_on=milestone.started_on if happened(milestone.started_on, today) else None,
        done_on=milestone.done_on if status == MilestoneStatus.DONE else None,
        blocked_reason=milestone.blocked_reason if status == MilestoneStatus.BLOCKED else "",
        overdue=status != MilestoneStatus.DONE and milestone.due_on < today,
    )


def parse_status(text: str) -> str:
    return one_of(MilestoneStatus, text, what="a milestone status").value


def list_milestones(
    db: Session, *, today: date, phase: str | None = None, status: str | None = None
) -> list[MilestoneView]:
    query = select(Milestone, Phase).join(Phase).order_by(Phase.number, Milestone.due_on, Milestone.id)
    if phase is not None:
        query = query.where(Milestone.phase_id == get_phase(db, phase).id)
    wanted = parse_status(status) if status is not None else None
    views = [to_view(milestone, row_phase, today=today) for milestone, row_phase in db.exec(query).all()]
    return [view for view in views if wanted is None or view.status == wanted]


def _get(db: Session, milestone_id: int) -> tuple[Milestone, Phase]:
    row = db.exec(select(Milestone, Phase).join(Phase).where(Milestone.id == milestone_id)).first()
    if row is None:
        raise NotFound(f"There is no milestone {milestone_id}. `coop milestones list` shows their numbers.")
    return row[0], row[1]


def show_milestone(db: Session, *, milestone_id: int, today: date) -> MilestoneView:
    milestone, phase = _get(db, milestone_id)
    return to_view(milestone, phase, today=today)


def _check_due(phase: Phase, due_on: date) -> None:
    if not phase.starts_on <= due_on <= phase.ends_on:
        raise InvalidInput(
            f"The due date {due_on} is outside {phase.name} ({phase.starts_on} to {phase.ends_on}); "
            "choose a date within the phase or another --phase."
        )


def add_milestone(
    db: Session, *, title: str, phase: str, due_on: date, description: str = "", today: date
) -> MilestoneView:
    target = get_phase(db, phase)
    _check_due(target, due_on)
    milestone = Milestone(
        phase_id=target.id,
        title=clean_text(title, what="milestone title", limit=200),
        description=clean_text(description, what="description", required=False, multiline=True),
        due_on=due_on,
    )
    db.add(milestone)
    db.flush()
    return to_view(milestone, target, today=today)


def edit_milestone(
    db: Session,
    *,
    milestone_id: int,
    today: date,
    title: str | None = None,
    phase: str | None = None,
    due_on: date | None = None,
    description: str | None = None,
) -> MilestoneView:
    milestone, current_phase = _get(db, milestone_id)
    if all(value is None for value in (title, phase, due_on, description)):
        raise InvalidInput("Nothing to change: give at least one option, e.g. --due 2022-02-15.")
    target = get_phase(db, phase) if phase is not None else current_phase
    if title is not None:
        milestone.title = clean_text(title, what="milestone title", limit=200)
    if description is not None:
        milestone.description = clean_text(description, what="description", required=False, multiline=True)
    if due_on is not None:
        milestone.due_on = due_on
    _check_due(target, milestone.due_on)
    milestone.phase_id = target.id
    return _save(db, milestone, target, today=today)


def _save(db: Session, milestone: Milestone, phase: Phase, *, today: date) -> MilestoneView:
    milestone.calendar_sequence += 1  # its title, date or status changed: calendars must update it
    db.add(milestone)
    db.flush()
    return to_view(milestone, phase, today=today)


def _refuse_if_done(milestone: Milestone) -> None:
    if milestone.status == MilestoneStatus.DONE:
        raise Conflict(f"Milestone {milestone.id} was already done on {milestone.done_on}; nothing changed.")


def start_milestone(db: Session, *, milestone_id: int, on: date, today: date) -> MilestoneView:
    milestone, phase = _get(db, milestone_id)
    _refuse_if_done(milestone)
    if milestone.status == MilestoneStatus.IN_PROGRESS:
        raise Conflict(f"Milestone {milestone.id} is already in progress (since {milestone.started_on}).")
    milestone.status = MilestoneStatus.IN_PROGRESS.value
    milestone.started_on = milestone.started_on or on
    milestone.blocked_reason, milestone.blocked_on = "", None
    return _save(db, milestone, phase, today=max(today, on))  # the change shows even when dated ahead


def finish_milestone(db: Session, *, milestone_id: int, on: date, today: date) -> MilestoneView:
    milestone, phase = _get(db, milestone_id)
    _refuse_if_done(milestone)
    if milestone.started_on and on < milestone.started_on:
        raise InvalidInput(
            f"Milestone {milestone.id} started on {milestone.started_on}; it cannot be done before that."
        )
    milestone.status = MilestoneStatus.DONE.value
    milestone.done_on = on
    milestone.blocked_reason = ""
    return _save(db, milestone, phase, today=max(today, on))  # the change shows even when dated ahead


def block_milestone(db: Session, *, milestone_id: int, reason: str, on: date, today: date) -> MilestoneView:
    milestone, phase = _get(db, milestone_id)
    _refuse_if_done(milestone)
    if milestone.started_on and on < milestone.started_on:
        raise InvalidInput(
            f"Milestone {milestone.id} started on {milestone.started_on}; it cannot be blocked before that."
        )
    milestone.status = MilestoneStatus.BLOCKED.value
    milestone.blocked_on = on
    milestone.blocked_reason = clean_text(reason, what="reason", limit=500)
    return _save(db, milestone, phase, today=max(today, on))  # the change shows even when dated ahead
