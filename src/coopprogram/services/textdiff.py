"""The point-by-point difference between two versions of a decision's text: points unchanged
(with their old and new numbers), moved, reworded (the words marked), added and removed.
Fast on long texts: the points are aligned by RapidFuzz (compiled), identical points elsewhere
are paired by their text, and a reworded point is looked for only among the few changed points
near it."""

from __future__ import annotations

from dataclasses import dataclass

# How alike a removed and an added point must be to count as one point reworded: the share of
# their words kept in order (2 x common / total). "Mutual aid: we share what we have..." and
# "Mutual aid: we share skills..." are about 0.5.
REWORDED_AT = 0.4
# A reworded point is looked for among this many changed points on either side of its place,
# which keeps two long drafts rewritten throughout from costing every pair of points.
NEARBY = 6


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
            "unchanged": f"{self.new_number}",
            "added": f"{self.new_number} (added)",
            "removed": f"{self.old_number} (removed)",
            "reworded": f"{self.new_number} (reworded; was {self.old_number})",
            "moved": f"{self.new_number} (moved from {self.old_number})",
        }[self.kind]


def word_diff(old: str, new: str) -> list[WordChange]:
    from rapidfuzz.distance import Indel

    a, b = old.split(), new.split()
    changes: list[WordChange] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if removed:
            changes.append(WordChange("removed", " ".join(removed)))
        if added:
            changes.append(WordChange("added", " ".join(added)))
        removed.clear()
        added.clear()

    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            flush()
            changes.append(WordChange("same", " ".join(a[op.src_start : op.src_end])))
        else:
            removed += a[op.src_start : op.src_end]
            added += b[op.dest_start : op.dest_end]
    flush()
    return changes


def _rewordings(before: list[str], after: list[str], removed: list[int], added: list[int]) -> list[tuple[int, int]]:
    """Pairs (old, new) of a removed and an added point similar enough to be one point reworded."""
    from rapidfuzz.distance import Indel

    pairs: list[tuple[int, int]] = []
    taken: set[int] = set()
    # Each distinct word becomes one character, so that points compare as short strings (fast).
    letters: dict[str, str] = {}

    def encode(text: str) -> str:
        return "".join(letters.setdefault(word, chr(0x10000 + len(letters))) for word in text.split())

    words = {j: encode(after[j]) for j in added}
    for rank, i in enumerate(removed):
        old = encode(before[i])
        best, best_j = REWORDED_AT, None
        for j in added[max(0, rank - NEARBY) : rank + NEARBY + 1]:
            if j not in taken:
                # The share of words kept in order (2 x common / total); below the cutoff it reads 0.
                score = Indel.normalized_similarity(old, words[j], score_cutoff=best)
                if score >= best and score > 0:
                    best, best_j = score, j
        if best_j is not None:
            taken.add(best_j)
            pairs.append((i, best_j))
    return pairs


def _stretches(before: list[str], after: list[str]) -> tuple[list[tuple[int, int]], list[tuple[list[int], list[int]]]]:
    """The points kept in order (old, new), and the changed stretches between them (removed, added)."""
    from rapidfuzz.distance import Indel

    kept: list[tuple[int, int]] = []
    stretches: list[tuple[list[int], list[int]]] = []
    removed: list[int] = []
    added: list[int] = []
    for op in Indel.opcodes(before, after):
        if op.tag == "equal":
            if removed or added:
                stretches.append((removed, added))
                removed, added = [], []
            kept += zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True)
        else:
            removed += range(op.src_start, op.src_end)
            added += range(op.dest_start, op.dest_end)
    if removed or added:
        stretches.append((removed, added))
    return kept, stretches


def diff_points(before: list[str], after: list[str]) -> list[PointChange]:
    """Every point of both texts, in the new text's order (removed ones after their old neighbour)."""
    kept, pending = _stretches(before, after)
    changes = [PointChange("unchanged", i + 1, j + 1, [WordChange("same", before[i])]) for i, j in kept]
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
    for stretch_removed, stretch_added in pending:
        removed = [i for i in stretch_removed if i not in moved]
        added = [j for j in stretch_added if j not in landed]
        reworded = _rewordings(before, after, removed, added)
        changes += [PointChange("reworded", i + 1, j + 1, word_diff(before[i], after[j])) for i, j in reworded]
        paired_old, paired_new = {i for i, _ in reworded}, {j for _, j in reworded}
        changes += [
            PointChange("removed", i + 1, None, [WordChange("removed", before[i])])
            for i in removed
            if i not in paired_old
        ]
        changes += [
            PointChange("added", None, j + 1, [WordChange("added", after[j])]) for j in added if j not in paired_new
        ]
    changes.sort(key=lambda p: p.new_number if p.new_number is not None else (p.old_number or 0) + 0.5)
    return changes
