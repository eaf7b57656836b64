"""Action items: the communication between meetings, each with an owner and a due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from coopprogram.errors import Conflict, NotFound
from coopprogram.models import ActionItem, Coop
from coopprogram.services.as_of import happened, not_yet
from coopprogram.services.coops import get_coop
from coopprogram.services.sessions import get_session
from coopprogram.services.text import clean_text

if TYPE_CHECKING:
    from sqlmodel.sql.expression import SelectOfScalar


@dataclass(frozen=True)
class ActionView:
    id: int
    title: str
    owner: str
    due_on: date | None
    session_id: int | None
    done_on: date | None
    overdue: bool
    coop: str = ""  # the slug of the co-op that owns it, if one does


def _view(item: ActionItem, today: date, coop: str = "") -> ActionView:
    """The item as it stood at the end of `today` (see services.as_of)."""
    done_on = item.done_on if happened(item.done_on, today) else None
    overdue = done_on is None and item.due_on is not None and item.due_on < today
    return ActionView(item.id, item.title, item.owner, item.due_on, item.session_id, done_on, overdue, coop)


def add_action(
    db: Session,
    *,
    title: str,
    today: date,
    owner: str = "",
    due_on: date | None = None,
    session_id: int | None = None,
    coop: str | None = None,
) -> ActionView:
    if session_id is not None:
        get_session(db, session_id)
    owning = get_coop(db, coop) if coop else None
    item = ActionItem(
        title=clean_text(title, what="action", limit=300),
        owner=clean_text(owner, what="owner", required=False, limit=200),
        due_on=due_on,
        session_id=session_id,
        coop_id=owning.id if owning else None,
    )
    db.add(item)
    db.flush()
    return _view(item, today, owning.slug if owning else "")


def _views(db: Session, query: SelectOfScalar[ActionItem], today: date) -> list[ActionView]:
    """Overdue first, then by due date (undated last)."""
    slugs = dict(db.exec(select(Coop.id, Coop.slug)).all())
    views = [_view(item, today, slugs.get(item.coop_id, "")) for item in db.exec(query).all()]
    return sorted(views, key=lambda v: (v.done_on is not None, not v.overdue, v.due_on or date.max, v.id))


def list_actions(db: Session, *, today: date, open_only: bool = False) -> list[ActionView]:
    query = select(ActionItem)
    if open_only:
        query = query.where(not_yet(ActionItem.done_on, today))
    return _views(db, query, today)


def actions_of(db: Session, *, coop_id: int, today: date) -> list[ActionView]:
    """A co-op's open action items, for the follow-up it receives."""
    return _views(db, select(ActionItem).where(ActionItem.coop_id == coop_id, ActionItem.done_on.is_(None)), today)


def session_actions(db: Session, *, session_id: int, today: date) -> list[ActionView]:
    """The action items agreed at a session, for its minutes."""
    return _views(db, select(ActionItem).where(ActionItem.session_id == session_id), today)


def finish_action(db: Session, *, action_id: int, on: date, today: date) -> ActionView:
    item = db.get(ActionItem, action_id)
    if item is None:
        raise NotFound(f"There is no action item {action_id}. `coop actions list` shows their numbers.")
    if item.done_on is not None:
        raise Conflict(f"Action item {action_id} was already done on {item.done_on}.")
    item.done_on = on
    db.add(item)
    db.flush()
    return _views(db, select(ActionItem).where(ActionItem.id == item.id), max(today, on))[
        0
    ]  # the change shows even when dated ahead
