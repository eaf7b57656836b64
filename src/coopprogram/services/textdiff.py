"""The point-by-point difference between two versions of a decision's text: points unchanged
(with their old and new numbers), moved, reworded (the words marked), added and removed.
Fast on long texts: identical points are paired by their text, and a reworded point is looked
for only among the few changed points near it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

# How alike (difflib's ratio over words) a removed and an added point must be to count as one
# point reworded: "Mutual aid: we share what we have..." and "Mutual aid: we share skills..." are 0.48.
REWORDED_AT = 0.4
# A reworded point is looked for among this many changed points on either side of its place,
# which keeps two long drafts rewritten throughout from costing every pair of points.
NEARBY = 12
# The share of distinct words two points must have in common before they are compared in full:
# well below REWORDED_AT, so that no rewording is missed for repeating a word.
SHARED_WORDS = 0.25


@dataclass(frozen=True)
class WordChange:
    kind: str  # same, added, removed
    text: str


@dataclass(frozen=True)
class PointChange:
    kind: str  # unchanged, moved, added, removed, reworded
    old_number: int | None
    new_number: int | None
    words: list[WordChange]

    @property
    def label(self) -> str:
        """`3 (moved from 7)`, `4 (reworded; was 3)`, `2 (added)`, `5 (removed)`, `1` (unchanged)."""
        return {
            "unchanged": f"{self.new_number}", "added": f"{self.new_number} (added)", "removed": f"{self.old_number} (removed)",
            "reworded": f"{self.new_number} (reworded; was {self.old_number})", "moved": f"{self.new_number} (moved from {self.old_number})",
        }[self.kind]


def word_diff(old: str, new: str) -> list[WordChange]:
    a, b = old.split(), new.split()
    changes: list[WordChange] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            changes.append(WordChange("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            changes.append(WordChange("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            changes.append(WordChange("added", " ".join(b[j1:j2])))
    return changes


def _rewordings(before: list[str], after: list[str], removed: list[int], added: list[int]) -> list[tuple[int, int]]:
    """Pairs (old, new) of a removed and an added point similar enough to be one point reworded."""
    pairs: list[tuple[int, int]] = []
    taken: set[int] = set()
    words = {j: after[j].split() for j in added}
    vocabulary = {j: set(text) for j, text in words.items()}
    for rank, i in enumerate(removed):
        old = before[i].split()
        distinct = set(old)
        best, best_j = REWORDED_AT, None
        for j in added[max(0, rank - NEARBY): rank + NEARBY + 1]:
            # Points that share few words are told apart without the full (costly) comparison.
            if j in taken or 2 * len(distinct & vocabulary[j]) < SHARED_WORDS * (len(distinct) + len(vocabulary[j])):
                continue
            score = difflib.SequenceMatcher(a=old, b=words[j], autojunk=False).ratio()
            if score >= best:
                best, best_j = score, j
        if best_j is not None:
            taken.add(best_j)
            pairs.append((i, best_j))
    return pairs


def diff_points(before: list[str], after: list[str]) -> list[PointChange]:
    """Every point of both texts, in the new text's order (removed ones after their old neighbour)."""
    changes: list[PointChange] = []
    pending: list[tuple[list[int], list[int]]] = []  # the changed stretches: (removed, added)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            changes += [PointChange("unchanged", i + 1, j + 1, [WordChange("same", before[i])]) for i, j in zip(range(i1, i2), range(j1, j2))]
        else:
            pending.append((list(range(i1, i2)), list(range(j1, j2))))
    # A point found unchanged elsewhere in the other text moved there.
    places: dict[str, list[int]] = {}
    for _, added in pending:
        for j in added:
            places.setdefault(after[j], []).append(j)
    moved: dict[int, int] = {}
    for removed, _ in pending:
        for i in removed:
            if places.get(before[i]):
                moved[i] = places[before[i]].pop(0)
    landed = set(moved.values())
    changes += [PointChange("moved", i + 1, j + 1, [WordChange("same", before[i])]) for i, j in moved.items()]
    for removed, added in pending:
        removed = [i for i in removed if i not in moved]
        added = [j for j in added if j not in landed]
        reworded = _rewordings(before, after, removed, added)
        changes += [PointChange("reworded", i + 1, j + 1, word_diff(before[i], after[j])) for i, j in reworded]
        paired_old, paired_new = {i for i, _ in reworded}, {j for _, j in reworded}
        changes += [PointChange("removed", i + 1, None, [WordChange("removed", before[i])]) for i in removed if i not in paired_old]
        changes += [PointChange("added", None, j + 1, [WordChange("added", after[j])]) for j in added if j not in paired_new]
    changes.sort(key=lambda p: (p.new_number if p.new_number is not None else p.old_number + 0.5))
    return changes
