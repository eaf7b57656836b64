"""The points of unity as a document: the text of one version, its status and date, and the
sign-on page of the co-ops that endorsed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coopprogram.services.unity import DraftView, ResponseView


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
    adopted_on: date | None
    endorsed_by: list[str]

    @classmethod
    def of(cls, program: str, organization: str, draft: DraftView, signatories: list[ResponseView]) -> UnityDocument:
        return cls(
            program=program, organization=organization, version=draft.version, status=draft.status, title=draft.title,
            preamble=draft.preamble, points=draft.points, circulated_on=draft.circulated_on, adopted_on=draft.adopted_on,
            endorsed_by=[s.coop_name for s in signatories],
        )
