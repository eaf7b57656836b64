"""A version of a decision's text as the document sent round (the points of unity are one):
its status, the day it was circulated and the deadline for responses, and the sign-on page of
those who endorsed it and those who stand aside (with their reason when they agreed to share it);
its fixed words in the document's language, its text as translated when a current translation exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from coopprogram.i18n import ENGLISH, N_, Language

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from coopprogram.services.decisions import ResponseView, VersionView

# The words of a version's status, for the catalogs (the status itself stays an English code).
STATUS_WORDS = {
    "draft": N_("draft"),
    "circulating": N_("circulating"),
    "adopted": N_("adopted"),
    "superseded": N_("superseded"),
    "withdrawn": N_("withdrawn"),
    "replaced": N_("replaced"),
}


@dataclass(frozen=True)
class UnityDocument:
    program: str
    organization: str
    version: int
    status: str
    title: str
    preamble: str
    points: list[str]
    circulated_on: date | None
    deadline: date | None
    round_end: str
    endorsed_by: list[str]
    stood_aside: list[str]  # "Name" or "Name: reason"
    status_word: str = ""  # the status in the document's language
    dates_line: str = ""  # `Circulated 2022-01-12 · responses due by 2022-01-28`, or how the round ended
    translation_note: str = ""  # why the text is in English when another language was asked for

    @classmethod
    def of(
        cls,
        program: str,
        organization: str,
        draft: VersionView,
        sign_on: list[ResponseView],
        lang: Language = ENGLISH,
        *,
        text: VersionView | None = None,
        translation_note: str = "",
    ) -> UnityDocument:
        """The document in `lang`; `text`: the version's translation (its title, preamble and points) when current."""
        words = text or draft
        round_end = draft.round_end if lang.english else _round_end(draft, lang)
        return cls(
            program=program,
            organization=organization,
            version=draft.version,
            status=draft.status,
            title=words.title or draft.decision_title,
            preamble=words.preamble,
            points=words.points,
            circulated_on=draft.circulated_on,
            deadline=draft.deadline,
            round_end=round_end,
            status_word=lang(STATUS_WORDS.get(draft.status, draft.status)),
            dates_line=_dates_line(draft, round_end, lang),
            translation_note=translation_note,
            endorsed_by=[s.coop_name for s in sign_on if s.decision == "endorse"],
            stood_aside=[
                s.coop_name + (f": {s.reason}" if s.share_reason and s.reason else "")
                for s in sign_on
                if s.decision == "stand-aside"
            ],
        )


def _round_end(draft: VersionView, lang: Language) -> str:
    """VersionView.round_end in `lang`."""
    if draft.status == "withdrawn":
        return lang("withdrawn on {day}: {reason}").format(day=lang.date(draft.closed_on), reason=draft.close_reason)
    if draft.status == "replaced":
        return lang("not adopted, replaced by version {version} on {day}").format(
            version=draft.replaced_by, day=lang.date(draft.closed_on)
        )
    if draft.adopted_on is not None:
        return lang("adopted on {day}").format(day=lang.date(draft.adopted_on))
    return ""


def _dates_line(draft: VersionView, round_end: str, lang: Language) -> str:
    parts = (
        [lang("circulated {day}").format(day=lang.date(draft.circulated_on))]
        if draft.circulated_on
        else [lang("not yet circulated")]
    )
    if draft.deadline:
        parts.append(lang("responses due by {day}").format(day=lang.date(draft.deadline)))
    if round_end:
        parts.append(round_end)
    line = " · ".join(parts)
    return line[0].upper() + line[1:]


def unity_labels(doc: UnityDocument, lang: Language = ENGLISH) -> dict[str, str]:
    """The PDF template's fixed words (templates/unity.typ)."""
    return {
        "points_of_unity": lang("Points of unity"),
        "version": lang("version"),
        "Version": lang("Version"),
        "not_adopted": lang("{status}: not yet adopted").format(status=doc.status_word.upper()),
        "endorsed_by": lang("Endorsed by"),
        "no_one": lang("No one has endorsed this version yet."),
        "coop": lang("Co-op"),
        "signature": lang("Signature and date"),
        "standing_aside": lang("Standing aside"),
        "page": lang("page"),
        "of": lang("of"),
    }


def unity_pdf(doc: UnityDocument, lang: Language = ENGLISH) -> bytes:
    from coopprogram.exporters.pdf import render_pdf

    return render_pdf("unity.typ", doc, unity_labels(doc, lang))


def unity_document(
    program: str, organization: str, draft: VersionView, sign_on: list[ResponseView], lang: Language, found
) -> UnityDocument:
    """The document in `lang`: the translation's words when it is current, else the version's own
    words under a note saying why (no translation, or one made from an earlier text)."""
    if lang.english:
        return UnityDocument.of(program, organization, draft, sign_on)
    if found is not None and found.current:
        return UnityDocument.of(program, organization, draft, sign_on, lang, text=found)
    note = (
        lang("The text below is not yet translated: it is shown as written.")
        if found is None
        else lang(
            "The translation of this version is out of date (the text changed after it was made): the text below is shown as written."
        )
    )
    return UnityDocument.of(program, organization, draft, sign_on, lang, translation_note=note)
