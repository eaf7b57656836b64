"""A version of a decision's text as the document sent round (the points of unity are one):
its status, the day it was circulated and the deadline for responses, and the sign-on page of
those who endorsed it and those who stand aside (with their reason when they agreed to share it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from coopprogram.vocab import Stance

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from coopprogram.services.decisions import ResponseView, VersionView


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

    @property
    def dates_line(self) -> str:
        """`Circulated 2022-01-12 · responses due by 2022-01-28`, or how the round ended."""
        parts = [f"circulated {self.circulated_on}"] if self.circulated_on else ["not yet circulated"]
        if self.deadline:
            parts.append(f"responses due by {self.deadline}")
        if self.round_end:
            parts.append(self.round_end)
        line = " · ".join(parts)
        return line[0].upper() + line[1:]

    @classmethod
    def of(cls, program: str, organization: str, draft: VersionView, sign_on: list[ResponseView]) -> UnityDocument:
        return cls(
            program=program, organization=organization, version=draft.version, status=draft.status,
            title=draft.title or draft.decision_title, preamble=draft.preamble, points=draft.points, circulated_on=draft.circulated_on,
            deadline=draft.deadline, round_end=draft.round_end,
            endorsed_by=[s.coop_name for s in sign_on if s.decision == Stance.ENDORSE],
            stood_aside=[s.coop_name + (f": {s.reason}" if s.share_reason and s.reason else "") for s in sign_on if s.decision == Stance.STAND_ASIDE],
        )

