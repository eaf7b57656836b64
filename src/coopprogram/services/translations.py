"""Translations of what people wrote: a version's text in another language, pinned to the exact
text it translates (a SHA-256 of that text), so that a later change of the text shows it out of
date; which co-ops lack a current translation in their language; and the translated titles of
sessions and agenda items that documents in that language show."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session, select

from coopprogram.errors import InvalidInput
from coopprogram.languages import DEFAULT, SHIPPED, check_language
from coopprogram.models import Coop, DecisionVersion, TitleTranslation, VersionTranslation
from coopprogram.services.decisions import VersionView, check_text, get_version, parse_text
from coopprogram.services.text import clean_text


def text_hash(text: str) -> str:
    """What a translation is pinned to: the version's exact text (line ends normalized)."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TranslationView:
    version: int
    lang: str
    language_name: str
    current: bool  # made from the version's text as it is now
    title: str
    preamble: str
    points: list[str]
    updated_at: datetime

    @property
    def state(self) -> str:
        return "current" if self.current else "out of date"


def _view(row: VersionTranslation, version: DecisionVersion) -> TranslationView:
    parsed = parse_text(row.text)
    return TranslationView(
        version=version.version,
        lang=row.lang,
        language_name=SHIPPED[row.lang],
        current=row.source_hash == text_hash(version.text),
        title=parsed.title,
        preamble=parsed.preamble,
        points=parsed.points,
        updated_at=row.updated_at,
    )


def _foreign(lang: str) -> str:
    code = check_language(lang)
    if code == DEFAULT:
        raise InvalidInput("A version's own text is the English one: translate it into es or pt.")
    return code


def translate_version(db: Session, *, decision_id: int, version: int, lang: str, text: str) -> TranslationView:
    """Store (or replace) the translation of a version's text into `lang`, pinned to that text as it is now.
    Refused when its numbered points do not match the version's one for one."""
    code = _foreign(lang)
    row = get_version(db, decision_id=decision_id, version=version)
    cleaned = check_text(text)
    ours, theirs = len(parse_text(row.text).points), len(parse_text(cleaned).points)
    if ours != theirs:
        raise InvalidInput(
            f"The translation has {theirs} numbered points and version {version} has {ours}: translate every point, one for one."
        )
    found = db.exec(
        select(VersionTranslation).where(VersionTranslation.version_id == row.id, VersionTranslation.lang == code)
    ).first()
    if found is None:
        found = VersionTranslation(version_id=row.id, lang=code, text=cleaned, source_hash=text_hash(row.text))
    else:
        found.text, found.source_hash = cleaned, text_hash(row.text)
    db.add(found)
    db.flush()
    return _view(found, row)


def translations_of(db: Session, *, decision_id: int, version: int) -> list[TranslationView]:
    row = get_version(db, decision_id=decision_id, version=version)
    found = db.exec(
        select(VersionTranslation).where(VersionTranslation.version_id == row.id).order_by(VersionTranslation.lang)
    ).all()
    return [_view(translation, row) for translation in found]


def translated_text(db: Session, draft: VersionView, *, lang: str) -> TranslationView | None:
    """The version's translation into `lang`, current or not; None when there is none."""
    return next(
        (t for t in translations_of(db, decision_id=draft.decision_id, version=draft.version) if t.lang == lang), None
    )


def coops_lacking_translation(
    db: Session, *, decision_id: int, version: int, coops: list[Coop] | None = None
) -> dict[str, list[str]]:
    """The co-ops (names) whose first language coop has is not English and has no current
    translation of the version, by language code."""
    current = {t.lang for t in translations_of(db, decision_id=decision_id, version=version) if t.current}
    if coops is None:
        coops = list(db.exec(select(Coop).where(Coop.archived_on.is_(None)).order_by(Coop.name)).all())
    lacking: dict[str, list[str]] = {}
    for coop in coops:
        code = next((c for c in coop.languages.split(",") if c in SHIPPED), DEFAULT) if coop.languages else DEFAULT
        if code != DEFAULT and code not in current:
            lacking.setdefault(code, []).append(coop.name)
    return lacking


# --- translated titles ---------------------------------------------------------------------


def set_title(db: Session, *, lang: str, title: str, session_id: int | None = None, item_id: int | None = None) -> str:
    """The title of a session or an agenda item in `lang` ("" removes it); returns the title stored."""
    code = _foreign(lang)
    title = clean_text(title, what="title", required=False, limit=200)
    query = select(TitleTranslation).where(TitleTranslation.lang == code)
    query = (
        query.where(TitleTranslation.session_id == session_id)
        if session_id is not None
        else query.where(TitleTranslation.agenda_item_id == item_id)
    )
    found = db.exec(query).first()
    if not title:
        if found is not None:
            db.delete(found)
    elif found is None:
        db.add(TitleTranslation(session_id=session_id, agenda_item_id=item_id, lang=code, title=title))
    else:
        found.title = title
        db.add(found)
    db.flush()
    return title


def forget_item_titles(db: Session, *, item_id: int) -> None:
    """An agenda item's translated titles, removed with it."""
    for found in db.exec(select(TitleTranslation).where(TitleTranslation.agenda_item_id == item_id)).all():
        db.delete(found)
    db.flush()  # before the item itself goes: the rows point to it


def _titles(
    db: Session, *, session_ids: set[int] | None, item_ids: set[int]
) -> tuple[dict[int, dict[str, str]], dict[int, dict[str, str]]]:
    """The translated titles, by session id (of `session_ids`, or of every session when None) and by
    agenda item id. People write them one by one: the table is read whole, however many sessions are asked."""
    sessions: dict[int, dict[str, str]] = {}
    items: dict[int, dict[str, str]] = {}
    for row in db.exec(select(TitleTranslation)).all():
        if row.session_id is not None and (session_ids is None or row.session_id in session_ids):
            sessions.setdefault(row.session_id, {})[row.lang] = row.title
        elif row.agenda_item_id is not None and row.agenda_item_id in item_ids:
            items.setdefault(row.agenda_item_id, {})[row.lang] = row.title
    return sessions, items


def with_titles(db: Session, *, sessions: list, agendas: list | None = None, uids: bool = False) -> tuple[list, list]:
    """Session views (SessionView, or SessionEvent with `uids`) and agenda views with their
    translated titles filled in: two reads, whatever the number."""
    from coopprogram.models import ProgramSession

    agendas = agendas or []
    item_ids = {item.id for agenda in agendas for item in agenda.items} | {
        item.id for s in sessions for item in getattr(s, "agenda", [])
    }
    session_titles, item_titles = _titles(db, session_ids=None if uids else {s.id for s in sessions}, item_ids=item_ids)
    if not session_titles and not item_titles:
        return sessions, agendas
    if uids:  # the events carry their UIDs: the titles found are put under them
        translated = select(ProgramSession.id, ProgramSession.uid).where(ProgramSession.id.in_(list(session_titles)))
        session_titles = {uid: session_titles[id_] for id_, uid in db.exec(translated)} if session_titles else {}

    def items(list_):
        return [replace(item, titles=item_titles.get(item.id, {})) for item in list_]

    def session(s):
        changes = {"titles": session_titles.get(s.uid if uids else s.id, {})}
        if hasattr(s, "agenda"):
            changes["agenda"] = items(s.agenda)
        return replace(s, **changes)

    return [session(s) for s in sessions], [replace(a, items=items(a.items)) for a in agendas]


def minutes_with_titles(db: Session, view):
    """A session's minutes with the translated titles of it, its items and the next session."""
    sessions = [view.session] + ([view.next_session] if view.next_session else [])
    found, [agenda] = with_titles(db, sessions=sessions, agendas=[view.agenda])
    return replace(view, session=found[0], agenda=agenda, next_session=found[1] if view.next_session else None)


def calendar_with_titles(db: Session, view):
    """A calendar whose sessions and agenda items carry their translated titles (one read for all)."""
    return replace(view, sessions=with_titles(db, sessions=view.sessions, uids=True)[0])
