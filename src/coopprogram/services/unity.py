"""The points of unity: one decision by consent (see services/decisions.py), addressed by
version number alone, with the messages and hints of `coop unity`. The decision is made with
the first version."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from coopprogram.errors import NotFound
from coopprogram.models import Decision
from coopprogram.services import decisions
from coopprogram.services.decisions import (
    CommentView,
    DecisionState,
    DiffView,
    ResponseView,
    TallyView,
    VersionView,
)

# The text rules of every decision serve `coop unity` too (named here, not re-imported: an import
# kept only to re-export it is what a lint autofix removes).
parse_text = decisions.parse_text
check_text = decisions.check_text

NO_DRAFT = "There is no draft of the points of unity yet. Start one with `coop unity new --file draft.md`."
SKELETON = "# Points of unity\n\nWhy we come together...\n\n1. First point\n2. Second point\n"


def _decision(db: Session) -> Decision:
    found = decisions.points_of_unity(db)
    if found is None:
        raise NotFound(NO_DRAFT)
    return found


def _id(db: Session) -> int:
    return _decision(db).id


def show_draft(db: Session, *, version: int | None = None) -> VersionView:
    return decisions.version_view(db, decisions.get_version(db, decision_id=_id(db), version=version))


def list_drafts(db: Session) -> list[VersionView]:
    found = decisions.points_of_unity(db)
    return decisions.decision_view(db, found).versions if found else []


def new_draft(db: Session, *, text: str) -> VersionView:
    return decisions.new_version(db, decision_id=decisions.points_of_unity(db, create=True).id, text=text)


def starting_text(db: Session, *, version: int | None) -> str:
    """The text a new version starts from: the version named, else the latest, else a skeleton."""
    if version is None and not list_drafts(db):
        return SKELETON
    return decisions.get_version(db, decision_id=_id(db), version=version).text


def editable_text(db: Session, *, version: int) -> str:
    """The text of a version that may still change; refused once it circulates."""
    return decisions.editable(db, decision_id=_id(db), version=version, hint=f"coop unity new --from {version}").text


def edit_draft(db: Session, *, version: int, text: str) -> VersionView:
    return decisions.edit_version(
        db, decision_id=_id(db), version=version, text=text, hint=f"coop unity new --from {version}"
    )


def circulate(
    db: Session, *, version: int, on: date, deadline: date | None = None, today: date | None = None
) -> VersionView:
    return decisions.circulate(db, decision_id=_id(db), version=version, on=on, deadline=deadline, today=today)


def withdraw(db: Session, *, version: int, reason: str, on: date, today: date | None = None) -> VersionView:
    return decisions.withdraw(db, decision_id=_id(db), version=version, reason=reason, on=on, today=today)


def add_comment(
    db: Session, *, version: int, text: str, coop: str | None = None, point: int | None = None
) -> CommentView:
    return decisions.add_comment(db, decision_id=_id(db), version=version, text=text, coop=coop, point=point)


def resolve_comment(
    db: Session, *, comment_id: int, incorporated_in: int | None = None, declined: str | None = None
) -> CommentView:
    return decisions.resolve_comment(db, comment_id=comment_id, incorporated_in=incorporated_in, declined=declined)


def respond(
    db: Session,
    *,
    version: int,
    coop: str,
    decision: str,
    on: date,
    reason: str = "",
    share_reason: bool = False,
    today: date | None = None,
) -> ResponseView:
    return decisions.respond(
        db,
        decision_id=_id(db),
        version=version,
        voter=coop,
        decision=decision,
        on=on,
        reason=reason,
        share_reason=share_reason,
        today=today,
    )


def tally(db: Session, *, version: int, as_of: date) -> TallyView:
    return decisions.tally(db, decision_id=_id(db), version=version, as_of=as_of)


def adopt(
    db: Session, *, version: int, on: date, milestone_id: int | None = None, today: date | None = None
) -> VersionView:
    return decisions.adopt(
        db,
        decision_id=_id(db),
        version=version,
        on=on,
        today=today,
        milestone_id=milestone_id,
        hint=f"coop unity tally {version}",
    )


def diff(db: Session, *, old: int, new: int) -> DiffView:
    return decisions.diff(db, decision_id=_id(db), old=old, new=new)


def sign_on(db: Session, *, version: int) -> list[ResponseView]:
    return decisions.sign_on(db, decision_id=_id(db), version=version)


def unity_state(db: Session, as_of: date) -> DecisionState | None:
    """The points of unity as they stood at the end of `as_of` (None before the first version)."""
    states = decisions.decision_states(db, as_of, kind=decisions.POINTS_OF_UNITY)
    return states[0] if states else None


def unity_summary(state: DecisionState | None) -> str:
    """One line on the points of unity as they stood (`unity_state`), for the dashboard."""
    return decisions.state_summary(state)


def translate(db: Session, *, version: int, lang: str, text: str):
    """Store a version's translation, pinned to its text as it is now (services/translations)."""
    from coopprogram.services.translations import translate_version

    return translate_version(db, decision_id=_id(db), version=version, lang=lang, text=text)


def translations(db: Session, *, version: int) -> list:
    from coopprogram.services.translations import translations_of

    return translations_of(db, decision_id=_id(db), version=version)


def lacking_translations(db: Session, *, version: int) -> dict[str, list[str]]:
    """The co-ops, by language, whose language has no current translation of the version."""
    from coopprogram.services.translations import coops_lacking_translation

    return coops_lacking_translation(db, decision_id=_id(db), version=version)
