"""The points of unity: versioned drafts (a preamble and numbered points, in Markdown),
comments per point, circulation (the text freezes), each co-op's response with its
history, the tally against the program's adoption rule, adoption, and the point-by-point
difference between two versions.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlmodel import Session, func, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Coop, CommentStatus, Decision, DraftStatus, UnityComment, UnityDraft, UnityResponse
from coopprogram.services.as_of import draft_status
from coopprogram.services.coops import active_coops_on, get_coop
from coopprogram.services.milestones import finish_milestone
from coopprogram.services.program import get_program
from coopprogram.services.text import clean_text
from coopprogram.units import plural, utc_now

_POINT = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
DECISIONS = [d.value for d in Decision]
# How alike (difflib's ratio over words) a removed and an added point must be to count as one
# point reworded: "Mutual aid: we share what we have..." and "Mutual aid: we share skills..." are 0.48.
REWORDED_AT = 0.4


# --- the text --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnityText:
    title: str
    preamble: str
    points: list[str]


def parse_text(text: str) -> UnityText:
    """`# Title`, preamble paragraphs, then `1. ...` points (continuation lines join their point)."""
    title, preamble, points = "", [], []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        match = _POINT.match(line)
        if match:
            points.append(match[2].strip())
        elif points and line.strip():
            points[-1] = f"{points[-1]} {line.strip()}"
        elif not points and line.startswith("# ") and not title and not any(preamble):
            title = line[2:].strip()
        elif not points:
            preamble.append(line)
    return UnityText(title=title, preamble="\n".join(preamble).strip(), points=points)


def check_text(text: str) -> str:
    cleaned = clean_text(text, what="text", multiline=True, limit=50_000)
    if not parse_text(cleaned).points:
        raise InvalidInput("The text has no numbered points: write them as a numbered list (1. ..., 2. ...).")
    return cleaned


# --- views -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentView:
    id: int
    version: int
    coop: str | None
    point: int | None
    text: str
    status: str
    incorporated_in: int | None
    decline_reason: str


@dataclass(frozen=True)
class DraftView:
    version: int
    based_on: int | None
    status: str
    title: str
    preamble: str
    points: list[str]
    deadline: date | None
    circulated_on: date | None
    adopted_on: date | None
    superseded_on: date | None
    comments: list[CommentView]


@dataclass(frozen=True)
class ResponseView:
    coop: str
    coop_name: str
    decision: str
    reason: str
    responded_on: date
    current: bool


@dataclass(frozen=True)
class TallyView:
    version: int
    status: str
    as_of: date
    active: int
    endorsed: list[ResponseView]
    stood_aside: list[ResponseView]
    blocked: list[ResponseView]
    not_answered: list[str]  # co-op names
    fraction: str  # the rule: endorsements needed, as a fraction of the active co-ops
    max_blocks: int
    endorsements_needed: int
    history: list[ResponseView]

    @property
    def rule_met(self) -> bool:
        return len(self.blocked) <= self.max_blocks and len(self.endorsed) >= self.endorsements_needed

    @property
    def missing(self) -> list[str]:
        """What stands between this version and adoption, in words."""
        reasons = []
        if len(self.blocked) > self.max_blocks:
            names = ", ".join(r.coop_name for r in self.blocked)
            reasons.append(f"{plural(len(self.blocked), 'block')} ({names}); {blocks_allowed(self.max_blocks)}")
        short = self.endorsements_needed - len(self.endorsed)
        if short > 0:
            reasons.append(f"{short} more {'endorsement' if short == 1 else 'endorsements'}: {len(self.endorsed)} of the {self.endorsements_needed} needed")
        return reasons


def blocks_allowed(max_blocks: int) -> str:
    """The blocks part of the adoption rule, in words."""
    return "no blocks allowed" if max_blocks == 0 else f"no more than {plural(max_blocks, 'block')}"


def _comment_views(db: Session, drafts: dict[int, int]) -> list[CommentView]:
    if not drafts:
        return []
    slugs = {c.id: c.slug for c in db.exec(select(Coop)).all()}
    rows = db.exec(select(UnityComment).where(UnityComment.draft_id.in_(drafts)).order_by(UnityComment.id)).all()
    return [
        CommentView(c.id, drafts[c.draft_id], slugs.get(c.coop_id), c.point, c.text, c.status, c.incorporated_in, c.decline_reason)
        for c in rows
    ]


def _views(db: Session, drafts: list[UnityDraft]) -> list[DraftView]:
    """Views of versions with their comments, in a fixed number of queries."""
    comments = _comment_views(db, {draft.id: draft.version for draft in drafts})
    views = []
    for draft in drafts:
        parsed = parse_text(draft.text)
        views.append(DraftView(
            version=draft.version, based_on=draft.based_on, status=draft.status, title=parsed.title, preamble=parsed.preamble,
            points=parsed.points, deadline=draft.deadline, circulated_on=draft.circulated_on, adopted_on=draft.adopted_on,
            superseded_on=draft.superseded_on, comments=[c for c in comments if c.version == draft.version],
        ))
    return views


def _view(db: Session, draft: UnityDraft) -> DraftView:
    return _views(db, [draft])[0]


# --- drafts ----------------------------------------------------------------------------------


def get_draft(db: Session, version: int | None = None, *, lock: bool = False) -> UnityDraft:
    """A version, or the latest when none is named. With `lock`, its row is locked and read
    afresh (on a server), so changes that depend on it take turns."""
    query = select(UnityDraft)
    query = query.where(UnityDraft.version == version) if version is not None else query.order_by(UnityDraft.version.desc())
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    draft = db.exec(query).first()
    if draft is None:
        if version is None:
            raise NotFound("There is no draft of the points of unity yet. Start one with `coop unity new --file draft.md`.")
        raise NotFound(f"There is no version {version} of the points of unity. `coop unity list` shows the versions.")
    return draft


def show_draft(db: Session, *, version: int | None = None) -> DraftView:
    return _view(db, get_draft(db, version))


def list_drafts(db: Session) -> list[DraftView]:
    return _views(db, list(db.exec(select(UnityDraft).order_by(UnityDraft.version)).all()))


def new_draft(db: Session, *, text: str) -> DraftView:
    latest = db.exec(select(UnityDraft).order_by(UnityDraft.version.desc())).first()
    draft = UnityDraft(version=(latest.version + 1) if latest else 1, based_on=latest.version if latest else None, text=check_text(text))
    db.add(draft)
    db.flush()
    return _view(db, draft)


def starting_text(db: Session, *, version: int | None) -> str:
    """The text a new version starts from: the version named, else the latest, else a skeleton."""
    if version is None and db.exec(select(UnityDraft.id)).first() is None:
        return "# Points of unity\n\nWhy we come together...\n\n1. First point\n2. Second point\n"
    return get_draft(db, version).text


def _editable(db: Session, version: int) -> UnityDraft:
    draft = get_draft(db, version)
    if draft.status != DraftStatus.DRAFT:
        raise Conflict(
            f"Version {version} is {draft.status} and its text is frozen. Start a new version from it: `coop unity new --from {version}`."
        )
    return draft


def editable_text(db: Session, *, version: int) -> str:
    """The text of a version that may still change; refused once it circulates."""
    return _editable(db, version).text


def edit_draft(db: Session, *, version: int, text: str) -> DraftView:
    draft = _editable(db, version)
    draft.text, draft.updated_at = check_text(text), utc_now()
    db.add(draft)
    db.flush()
    return _view(db, draft)


def circulate(db: Session, *, version: int, on: date, deadline: date | None = None) -> DraftView:
    draft = get_draft(db, version)
    if draft.status != DraftStatus.DRAFT:
        raise Conflict(f"Version {version} is already {draft.status}.")
    if deadline is not None and deadline < on:
        raise InvalidInput(f"The deadline {deadline} is before the day it is sent ({on}).")
    other = db.exec(select(UnityDraft).where(UnityDraft.status == DraftStatus.CIRCULATING)).first()
    if other is not None:
        raise Conflict(f"Version {other.version} is circulating already; adopt it or start a new version before sending another round.")
    draft.status, draft.circulated_on, draft.deadline, draft.updated_at = DraftStatus.CIRCULATING.value, on, deadline, utc_now()
    db.add(draft)
    db.flush()
    return _view(db, draft)


# --- comments --------------------------------------------------------------------------------


def add_comment(db: Session, *, version: int, text: str, coop: str | None = None, point: int | None = None) -> CommentView:
    draft = get_draft(db, version)
    count = len(parse_text(draft.text).points)
    if point is not None and not 1 <= point <= count:
        raise InvalidInput(f"Version {version} has points 1 to {count}; there is no point {point}.")
    comment = UnityComment(
        draft_id=draft.id, coop_id=get_coop(db, coop).id if coop else None, point=point,
        text=clean_text(text, what="comment", multiline=True, limit=5_000),
    )
    db.add(comment)
    db.flush()
    return _comment_views(db, {draft.id: draft.version})[-1]


def resolve_comment(db: Session, *, comment_id: int, incorporated_in: int | None = None, declined: str | None = None) -> CommentView:
    comment = db.get(UnityComment, comment_id)
    if comment is None:
        raise NotFound(f"There is no comment {comment_id}. `coop unity show VERSION` lists the comments with their numbers.")
    if (incorporated_in is None) == (declined is None):
        raise InvalidInput("Say what became of the comment: --incorporated VERSION or --declined REASON.")
    if incorporated_in is not None:
        target = get_draft(db, incorporated_in)
        source = db.get(UnityDraft, comment.draft_id)
        if target.version <= source.version:
            raise InvalidInput(f"The comment was made on version {source.version}; it can only be taken into a later version.")
        comment.status, comment.incorporated_in, comment.decline_reason = CommentStatus.INCORPORATED.value, target.version, ""
    else:
        comment.status, comment.incorporated_in = CommentStatus.DECLINED.value, None
        comment.decline_reason = clean_text(declined, what="reason", limit=1_000)
    comment.updated_at = utc_now()
    db.add(comment)
    db.flush()
    draft = db.get(UnityDraft, comment.draft_id)
    return next(c for c in _comment_views(db, {draft.id: draft.version}) if c.id == comment.id)


# --- responses, tally, adoption --------------------------------------------------------------


def parse_decision(text: str) -> str:
    cleaned = text.strip().lower().replace(" ", "-").replace("_", "-")
    if cleaned not in DECISIONS:
        raise InvalidInput(f"'{text}' is not a decision: use endorse, stand-aside or block.")
    return cleaned


def respond(db: Session, *, version: int, coop: str, decision: str, on: date, reason: str = "") -> ResponseView:
    # The version's row is locked so that two responses for one co-op cannot both become current.
    draft = get_draft(db, version, lock=True)
    if draft.status != DraftStatus.CIRCULATING:
        raise Conflict(f"Version {version} is {draft.status}; co-ops respond to a circulating version (`coop unity circulate {version}`).")
    member = get_coop(db, coop)
    if member.archived_on is not None and member.archived_on <= on:
        raise InvalidInput(f"{member.name} was archived on {member.archived_on}; only co-ops in the cohort respond.")
    chosen = parse_decision(decision)
    reason = clean_text(reason, what="reason", required=chosen == Decision.BLOCK, multiline=True, limit=2_000)
    previous = db.exec(select(UnityResponse).where(UnityResponse.draft_id == draft.id, UnityResponse.coop_id == member.id, UnityResponse.current.is_(True))).first()
    if previous is not None:
        if previous.decision == chosen and previous.reason == reason:
            raise Conflict(f"{member.name} already responded {chosen} to version {version} on {previous.responded_on}.")
        previous.current = False
        db.add(previous)
        db.flush()
    response = UnityResponse(draft_id=draft.id, coop_id=member.id, decision=chosen, reason=reason, responded_on=on)
    db.add(response)
    db.flush()
    return ResponseView(member.slug, member.name, chosen, reason, on, True)


def adoption_rule(db: Session) -> tuple[Fraction, int]:
    program = get_program(db)
    return Fraction(program.adoption_endorse_fraction), program.adoption_max_blocks


def tally(db: Session, *, version: int, as_of: date) -> TallyView:
    draft = get_draft(db, version)
    fraction, max_blocks = adoption_rule(db)
    active = active_coops_on(db, as_of)
    active_ids = {coop.slug for coop in active}
    coops = {c.id: c for c in db.exec(select(Coop)).all()}
    rows = db.exec(
        select(UnityResponse).where(UnityResponse.draft_id == draft.id, UnityResponse.responded_on <= as_of).order_by(UnityResponse.id)
    ).all()
    latest = {row.coop_id: row.id for row in rows}  # each co-op's last word by that day
    history = [ResponseView(coops[r.coop_id].slug, coops[r.coop_id].name, r.decision, r.reason, r.responded_on, latest[r.coop_id] == r.id) for r in rows]
    # Only co-ops in the cohort on the day count, and only their last response by then.
    current = [r for r in history if r.current and r.coop in active_ids]
    answered = {r.coop for r in current}
    needed = -(-len(active) * fraction.numerator // fraction.denominator)  # ceiling
    return TallyView(
        version=draft.version, status=draft.status, as_of=as_of, active=len(active),
        endorsed=[r for r in current if r.decision == Decision.ENDORSE],
        stood_aside=[r for r in current if r.decision == Decision.STAND_ASIDE],
        blocked=[r for r in current if r.decision == Decision.BLOCK],
        not_answered=[coop.name for coop in active if coop.slug not in answered],
        fraction=str(fraction), max_blocks=max_blocks, endorsements_needed=needed, history=history,
    )


def adopt(db: Session, *, version: int, on: date, milestone_id: int | None = None) -> DraftView:
    draft = get_draft(db, version)
    if draft.status != DraftStatus.CIRCULATING:
        raise Conflict(f"Version {version} is {draft.status}; only a circulating version can be adopted.")
    result = tally(db, version=version, as_of=on)
    if not result.rule_met:
        raise Conflict(f"Version {version} cannot be adopted yet: {'; '.join(result.missing)}. See `coop unity tally {version}`.")
    for earlier in db.exec(select(UnityDraft).where(UnityDraft.status == DraftStatus.ADOPTED)).all():
        earlier.status, earlier.superseded_on, earlier.updated_at = DraftStatus.SUPERSEDED.value, on, utc_now()
        db.add(earlier)
    draft.status, draft.adopted_on, draft.updated_at = DraftStatus.ADOPTED.value, on, utc_now()
    db.add(draft)
    db.flush()
    if milestone_id is not None:
        finish_milestone(db, milestone_id=milestone_id, on=on, today=on)
    return _view(db, draft)


# --- differences -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WordChange:
    kind: str  # same, added, removed
    text: str


@dataclass(frozen=True)
class PointChange:
    kind: str  # unchanged, added, removed, reworded
    old_number: int | None
    new_number: int | None
    words: list[WordChange]


@dataclass(frozen=True)
class DiffView:
    old_version: int
    new_version: int
    preamble: list[WordChange] | None  # None when the preamble did not change
    points: list[PointChange]


def _word_diff(old: str, new: str) -> list[WordChange]:
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


def diff(db: Session, *, old: int, new: int) -> DiffView:
    before, after = parse_text(get_draft(db, old).text), parse_text(get_draft(db, new).text)
    points: list[PointChange] = []
    matcher = difflib.SequenceMatcher(a=before.points, b=after.points, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            points += [PointChange("unchanged", i + 1, j + 1, [WordChange("same", before.points[i])]) for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        removed, added = list(range(i1, i2)), list(range(j1, j2))
        # Pair a removed point with the most similar added one: that is a rewording.
        for i in list(removed):
            scores = [(difflib.SequenceMatcher(a=before.points[i].split(), b=after.points[j].split()).ratio(), j) for j in added]
            best = max(scores, default=(0.0, None))
            if best[1] is not None and best[0] >= REWORDED_AT:
                points.append(PointChange("reworded", i + 1, best[1] + 1, _word_diff(before.points[i], after.points[best[1]])))
                removed.remove(i)
                added.remove(best[1])
        points += [PointChange("removed", i + 1, None, [WordChange("removed", before.points[i])]) for i in removed]
        points += [PointChange("added", None, j + 1, [WordChange("added", after.points[j])]) for j in added]
    points.sort(key=lambda p: (p.new_number if p.new_number is not None else p.old_number + 0.5))
    preamble = None if before.preamble == after.preamble else _word_diff(before.preamble, after.preamble)
    return DiffView(old_version=old, new_version=new, preamble=preamble, points=points)


def signatories(db: Session, *, version: int) -> list[ResponseView]:
    """The co-ops whose current response endorses the version: its sign-on page."""
    draft = get_draft(db, version)
    rows = db.exec(
        select(UnityResponse, Coop).join(Coop, UnityResponse.coop_id == Coop.id).where(
            UnityResponse.draft_id == draft.id, UnityResponse.current.is_(True), UnityResponse.decision == Decision.ENDORSE
        ).order_by(Coop.name)
    ).all()
    return [ResponseView(c.slug, c.name, r.decision, r.reason, r.responded_on, True) for r, c in rows]


@dataclass(frozen=True)
class UnityState:
    version: int
    status: str
    circulated_on: date | None
    adopted_on: date | None
    deadline: date | None
    open_comments: int
    tally: TallyView | None  # for a circulating or adopted version


def unity_state(db: Session, as_of: date) -> UnityState | None:
    """The latest version of the points of unity written by the day, as it stood then (services.as_of),
    its tally as of the day and the open comments."""
    zone = get_program(db).timezone
    dated = ((draft, draft_status(draft, as_of, zone)) for draft in db.exec(select(UnityDraft).order_by(UnityDraft.version.desc())).all())
    latest, status = next(((draft, status) for draft, status in dated if status is not None), (None, None))
    if latest is None:
        return None
    open_comments = db.exec(select(func.count(UnityComment.id)).where(UnityComment.status == "open")).one()
    decided = status in (DraftStatus.CIRCULATING, DraftStatus.ADOPTED)
    return UnityState(
        version=latest.version, status=status, circulated_on=latest.circulated_on if decided else None,
        adopted_on=latest.adopted_on if status == DraftStatus.ADOPTED else None,
        deadline=latest.deadline if decided else None, open_comments=open_comments,
        tally=tally(db, version=latest.version, as_of=as_of) if decided else None,
    )


def unity_summary(unity: UnityState | None) -> str:
    """`version 3, circulating since 2022-01-12, responses due ...; 8 endorse, ...; 1 open comment`."""
    if unity is None:
        return "no draft yet"
    line = f"version {unity.version}, {unity.status}"
    if unity.adopted_on:
        line += f" on {unity.adopted_on}"
    elif unity.circulated_on:
        line += f" since {unity.circulated_on}" + (f", responses due {unity.deadline}" if unity.deadline else "")
    if unity.tally and unity.status == "circulating":
        t = unity.tally
        line += f"; {len(t.endorsed)} endorse, {len(t.stood_aside)} stand aside, {len(t.blocked)} block, {len(t.not_answered)} not answered"
    return line + f"; {plural(unity.open_comments, 'open comment')}"
