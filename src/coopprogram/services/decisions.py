"""Decisions by consent: what the cohort or the working group decides (the points of unity,
the Phase II plan, the program calendar, how funds are shared). Each decision has versioned
text, an adoption rule (the program's unless overridden), who decides (the cohort, named
co-ops or named working-group members), and rounds: a version circulates, responses come in,
and the round ends adopted, withdrawn, or replaced by a revised version. Every dated view
reads the facts' own dates, so a past day shows what stood then.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlmodel import Session, func, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import (
    CommentStatus,
    Coop,
    Decision,
    DecisionComment,
    DecisionResponse,
    DecisionVersion,
    DecisionVoter,
    DraftStatus,
    Electorate,
    ProgramSession,
    Stance,
)
from coopprogram.services.coops import active_coops_on, get_coop
from coopprogram.services.milestones import finish_milestone
from coopprogram.services.program import get_program, validate_fraction
from coopprogram.services.text import clean_text
from coopprogram.services.textdiff import PointChange, WordChange, diff_points, word_diff
from coopprogram.units import plural
from coopprogram.vocab import one_of

POINTS_OF_UNITY = "points-of-unity"
OPEN = DraftStatus.CIRCULATING.value
CLOSED_WITHOUT_ADOPTION = (DraftStatus.WITHDRAWN.value, DraftStatus.REPLACED.value)
_POINT = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")


# --- the text --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedText:
    title: str
    preamble: str
    points: list[str]


def parse_text(text: str) -> ParsedText:
    """`# Title`, preamble paragraphs, then `1. ...` points (continuation lines join their point)."""
    title = ""
    preamble: list[str] = []
    points: list[str] = []
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
    return ParsedText(title=title, preamble="\n".join(preamble).strip(), points=points)


def check_text(text: str) -> str:
    cleaned = clean_text(text, what="text", multiline=True, limit=500_000)
    if not parse_text(cleaned).points:
        raise InvalidInput("The text has no numbered points: write them as a numbered list (1. ..., 2. ...).")
    return cleaned


# --- views -----------------------------------------------------------------------------------


def blocks_allowed(max_blocks: int) -> str:
    """The blocks part of an adoption rule, in words."""
    return "no blocks allowed" if max_blocks == 0 else f"no more than {plural(max_blocks, 'block')}"


def rule_text(fraction: str, max_blocks: int) -> str:
    return f"{blocks_allowed(max_blocks)} and at least {fraction} endorsing"


def status_on(version: DecisionVersion, day: date) -> str | None:
    """The version's status at the end of `day`, from its own dates; None if it did not exist yet."""
    if version.circulated_on is None or version.circulated_on > day:
        exists = version.circulated_on is None and version.created_at.date() <= day
        return DraftStatus.DRAFT.value if exists else None
    if version.superseded_on is not None and version.superseded_on <= day:
        return DraftStatus.SUPERSEDED.value
    if version.adopted_on is not None and version.adopted_on <= day:
        return DraftStatus.ADOPTED.value
    if version.closed_on is not None and version.closed_on <= day:
        return version.status
    return OPEN


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
class VersionView:
    decision_id: int
    decision_title: str
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
    closed_on: date | None
    close_reason: str
    replaced_by: int | None
    comments: list[CommentView]

    @property
    def round_end(self) -> str:
        """How the round ended, in words ('' while it is open or before it starts)."""
        if self.status == DraftStatus.WITHDRAWN:
            return f"withdrawn on {self.closed_on}: {self.close_reason}"
        if self.status == DraftStatus.REPLACED:
            return f"not adopted, replaced by version {self.replaced_by} on {self.closed_on}"
        if self.adopted_on is not None:
            return f"adopted on {self.adopted_on}"
        return ""


@dataclass(frozen=True)
class ResponseView:
    coop: str  # the co-op's slug, or the working-group member's name
    coop_name: str
    decision: str
    reason: str
    responded_on: date
    current: bool
    share_reason: bool = False


@dataclass(frozen=True)
class TallyView:
    decision_id: int
    title: str
    version: int
    status: str  # as of the day
    as_of: date
    circulated_on: date
    deadline: date | None
    round_end: str
    active: int  # how many decide on the day
    endorsed: list[ResponseView]
    stood_aside: list[ResponseView]
    blocked: list[ResponseView]
    not_answered: list[str]  # names
    fraction: str  # the rule: endorsements needed, as a fraction of those who decide
    max_blocks: int
    endorsements_needed: int
    history: list[ResponseView]

    @property
    def rule_met(self) -> bool:
        return (
            self.active > 0 and len(self.blocked) <= self.max_blocks and len(self.endorsed) >= self.endorsements_needed
        )

    @property
    def overdue(self) -> bool:
        """The deadline has passed with the round still open: flagged, never closed by itself."""
        return self.status == OPEN and self.deadline is not None and self.as_of > self.deadline

    @property
    def rule(self) -> str:
        return f"{rule_text(self.fraction, self.max_blocks)} ({self.endorsements_needed} of {self.active})"

    @property
    def rule_sentence(self) -> str:
        """The adoption rule as a sentence: "No more than 0 blocks and at least 2/3 endorsing (9 of 13)."."""
        return f"{self.rule[0].upper()}{self.rule[1:]}."

    @property
    def adoptable(self) -> bool:
        """The round is open and its rule holds: the version can be adopted on the day."""
        return self.rule_met and self.status == OPEN

    @property
    def verdict(self) -> str:
        return "The rule is met." if self.rule_met else "Not yet: " + "; ".join(self.missing) + "."

    @property
    def missing(self) -> list[str]:
        """What stands between this version and adoption, in words."""
        reasons = []
        if self.active == 0:
            reasons.append(f"no one was in the electorate on {self.as_of}")
        if len(self.blocked) > self.max_blocks:
            names = ", ".join(r.coop_name for r in self.blocked)
            reasons.append(f"{plural(len(self.blocked), 'block')} ({names}); {blocks_allowed(self.max_blocks)}")
        short = self.endorsements_needed - len(self.endorsed)
        if short > 0:
            reasons.append(
                f"{short} more {'endorsement' if short == 1 else 'endorsements'}: {len(self.endorsed)} of the {self.endorsements_needed} needed"
            )
        return reasons


@dataclass(frozen=True)
class DecisionView:
    id: int
    kind: str
    title: str
    rule: str  # "no more than 0 block(s) and at least 3/4 endorsing"
    rule_is_default: bool
    electorate: str  # cohort, coops or members
    voters: list[str]  # the named co-ops' or members' names (empty for the cohort)
    supersedes: int | None
    session: str | None  # "#14 Visioning session 2 (2022-01-12)"
    versions: list[VersionView]

    @property
    def decided_by(self) -> str:
        return {
            Electorate.COOPS: f"{len(self.voters)} named co-ops",
            Electorate.MEMBERS: f"{len(self.voters)} working-group members",
        }.get(self.electorate, "the cohort")

    @property
    def latest(self) -> VersionView | None:
        return self.versions[-1] if self.versions else None


def _comments(db: Session, versions: dict[int, int]) -> dict[int, list[CommentView]]:
    """The comments on the given versions (id -> number), by version id."""
    found: dict[int, list[CommentView]] = {version_id: [] for version_id in versions}
    if not versions:
        return found
    slugs = {c.id: c.slug for c in db.exec(select(Coop)).all()}
    rows = db.exec(
        select(DecisionComment).where(DecisionComment.version_id.in_(versions)).order_by(DecisionComment.id)
    ).all()
    for c in rows:
        found[c.version_id].append(
            CommentView(
                c.id,
                versions[c.version_id],
                slugs.get(c.coop_id),
                c.point,
                c.text,
                c.status,
                c.incorporated_in,
                c.decline_reason,
            )
        )
    return found


def _version_views(db: Session, rows: list[DecisionVersion]) -> list[VersionView]:
    """Views of versions with their comments, in a fixed number of queries."""
    if not rows:
        return []
    comments = _comments(db, {row.id: row.version for row in rows})
    titles = {
        d.id: d.title for d in db.exec(select(Decision).where(Decision.id.in_({r.decision_id for r in rows}))).all()
    }
    views = []
    for row in rows:
        parsed = parse_text(row.text)
        views.append(
            VersionView(
                decision_id=row.decision_id,
                decision_title=titles[row.decision_id],
                version=row.version,
                based_on=row.based_on,
                status=row.status,
                title=parsed.title,
                preamble=parsed.preamble,
                points=parsed.points,
                deadline=row.deadline,
                circulated_on=row.circulated_on,
                adopted_on=row.adopted_on,
                superseded_on=row.superseded_on,
                closed_on=row.closed_on,
                close_reason=row.close_reason,
                replaced_by=row.replaced_by,
                comments=comments[row.id],
            )
        )
    return views


def version_view(db: Session, row: DecisionVersion) -> VersionView:
    return _version_views(db, [row])[0]


# --- decisions -------------------------------------------------------------------------------


def get_decision(db: Session, decision_id: int) -> Decision:
    decision = db.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"There is no decision {decision_id}. `coop decisions list` shows them with their numbers.")
    return decision


def points_of_unity(db: Session, *, create: bool = False) -> Decision | None:
    """The decision that holds the points of unity (made with their first version)."""
    found = db.exec(select(Decision).where(Decision.kind == POINTS_OF_UNITY).order_by(Decision.id)).first()
    if found is None and create:
        found = Decision(kind=POINTS_OF_UNITY, title="Points of unity")
        db.add(found)
        db.flush()
    return found


def _rule(db: Session, decision: Decision) -> tuple[Fraction, int]:
    program = get_program(db)
    fraction = decision.endorse_fraction or program.adoption_endorse_fraction
    blocks = decision.max_blocks if decision.max_blocks is not None else program.adoption_max_blocks
    return Fraction(fraction), blocks


def _voters(db: Session, decision: Decision) -> list[DecisionVoter]:
    return list(
        db.exec(select(DecisionVoter).where(DecisionVoter.decision_id == decision.id).order_by(DecisionVoter.id)).all()
    )


def electorate_on(db: Session, decision: Decision, day: date) -> list[tuple[str, str]]:
    """Who decides on `day`, as (key, name): a co-op's slug and name, or a member's name twice.
    Named co-ops count only while they are in the cohort."""
    if decision.electorate == Electorate.MEMBERS:
        return [(v.member, v.member) for v in _voters(db, decision)]
    active = active_coops_on(db, day)
    if decision.electorate == Electorate.COOPS:
        named = set(
            db.exec(
                select(Coop.slug)
                .join(DecisionVoter, DecisionVoter.coop_id == Coop.id)
                .where(DecisionVoter.decision_id == decision.id)
            ).all()
        )
        active = [c for c in active if c.slug in named]
    return [(c.slug, c.name) for c in active]


def _session_label(db: Session, session_id: int | None) -> str | None:
    if session_id is None:
        return None
    session = db.get(ProgramSession, session_id)
    return f"#{session.id} {session.title} ({session.starts_at.date()})" if session else None


def decision_view(db: Session, decision: Decision) -> DecisionView:
    fraction, blocks = _rule(db, decision)
    voters = _voters(db, decision)
    names = {c.id: c.name for c in db.exec(select(Coop)).all()}
    rows = db.exec(
        select(DecisionVersion).where(DecisionVersion.decision_id == decision.id).order_by(DecisionVersion.version)
    ).all()
    return DecisionView(
        id=decision.id,
        kind=decision.kind,
        title=decision.title,
        rule=rule_text(str(fraction), blocks),
        rule_is_default=decision.endorse_fraction is None and decision.max_blocks is None,
        electorate=decision.electorate,
        voters=[v.member or names.get(v.coop_id, "") for v in voters],
        supersedes=decision.supersedes_id,
        session=_session_label(db, decision.session_id),
        versions=_version_views(db, list(rows)),
    )


def show_decision(db: Session, *, decision_id: int) -> DecisionView:
    return decision_view(db, get_decision(db, decision_id))


def list_decisions(db: Session) -> list[DecisionView]:
    return [decision_view(db, d) for d in db.exec(select(Decision).order_by(Decision.id)).all()]


def _electorate(db: Session, *, coops: list[str], members: list[str]) -> tuple[str, list[DecisionVoter]]:
    if coops and members:
        raise InvalidInput(
            "A decision is made either by co-ops or by working-group members: give --coops or --members, not both."
        )
    if members:
        names = [clean_text(name, what="member's name", limit=200) for name in members]
        if len({n.lower() for n in names}) != len(names):
            raise InvalidInput("A member is named twice in --members: name each once.")
        return Electorate.MEMBERS.value, [DecisionVoter(member=name) for name in names]
    if coops:
        chosen = {get_coop(db, slug.strip()).id for slug in coops}
        return Electorate.COOPS.value, [DecisionVoter(coop_id=coop_id) for coop_id in sorted(chosen)]
    return Electorate.COHORT.value, []


def propose(
    db: Session,
    *,
    title: str,
    text: str,
    on: date,
    today: date | None = None,
    kind: str = "decision",
    deadline: date | None = None,
    endorse_fraction: str | None = None,
    max_blocks: int | None = None,
    coops: Sequence[str] = (),
    members: Sequence[str] = (),
    supersedes: int | None = None,
    session_id: int | None = None,
) -> VersionView:
    """A new decision, its first version sent round on `on`."""
    cleaned_kind = clean_text(kind, what="kind", limit=60).lower().replace(" ", "-")
    if cleaned_kind == POINTS_OF_UNITY:
        raise InvalidInput(
            "The points of unity are one decision already: revise them with `coop unity new` and `coop unity circulate`."
        )
    if max_blocks is not None and max_blocks < 0:
        raise InvalidInput("--max-blocks is a number of blocks: 0 or more.")
    if supersedes is not None:
        get_decision(db, supersedes)
    if session_id is not None and db.get(ProgramSession, session_id) is None:
        raise NotFound(f"There is no session {session_id}. `coop sessions list` shows them with their numbers.")
    electorate, voters = _electorate(db, coops=list(coops), members=list(members))
    decision = Decision(
        kind=cleaned_kind,
        title=clean_text(title, what="title", limit=200),
        electorate=electorate,
        endorse_fraction=validate_fraction(endorse_fraction) if endorse_fraction else None,
        max_blocks=max_blocks,
        supersedes_id=supersedes,
        session_id=session_id,
    )
    db.add(decision)
    db.flush()
    for voter in voters:
        voter.decision_id = decision.id
        db.add(voter)
    new_version(db, decision_id=decision.id, text=text)
    return circulate(db, decision_id=decision.id, version=1, on=on, today=today, deadline=deadline)


# --- versions --------------------------------------------------------------------------------


def _describe(decision: Decision, version: int | None = None) -> str:
    name = "the points of unity" if decision.kind == POINTS_OF_UNITY else f"decision {decision.id} ({decision.title})"
    return f"version {version} of {name}" if version is not None else name


def get_version(db: Session, *, decision_id: int, version: int | None = None, lock: bool = False) -> DecisionVersion:
    """A version, or the latest when none is named. With `lock`, its row is locked and read
    afresh (on a server), so changes that depend on it take turns."""
    decision = get_decision(db, decision_id)
    query = select(DecisionVersion).where(DecisionVersion.decision_id == decision_id)
    query = (
        query.where(DecisionVersion.version == version)
        if version is not None
        else query.order_by(DecisionVersion.version.desc())
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = db.exec(query).first()
    if row is None:
        if version is None:
            raise NotFound(f"There is no version of {_describe(decision)} yet.")
        listing = "coop unity list" if decision.kind == POINTS_OF_UNITY else f"coop decisions show {decision_id}"
        raise NotFound(f"There is no {_describe(decision, version)}. `{listing}` lists its versions.")
    return row


def new_version(db: Session, *, decision_id: int, text: str) -> VersionView:
    latest = db.exec(
        select(DecisionVersion)
        .where(DecisionVersion.decision_id == decision_id)
        .order_by(DecisionVersion.version.desc())
    ).first()
    row = DecisionVersion(
        decision_id=decision_id,
        version=(latest.version + 1) if latest else 1,
        based_on=latest.version if latest else None,
        text=check_text(text),
    )
    db.add(row)
    db.flush()
    return version_view(db, row)


def edit_version(db: Session, *, decision_id: int, version: int, text: str, hint: str) -> VersionView:
    row = editable(db, decision_id=decision_id, version=version, hint=hint)
    row.text = check_text(text)
    db.add(row)
    db.flush()
    return version_view(db, row)


def editable(db: Session, *, decision_id: int, version: int, hint: str) -> DecisionVersion:
    row = get_version(db, decision_id=decision_id, version=version)
    if row.status != DraftStatus.DRAFT:
        raise Conflict(
            f"Version {version} is {row.status} and its text is frozen. Start a new version from it: `{hint}`."
        )
    return row


def _check_day(on: date, *, today: date | None, what: str, not_before: date | None, since: str) -> None:
    """Refuse a day after today (the calendar's, unless given) or before the day it depends on."""
    today = today or date.today()
    if on > today:
        raise InvalidInput(f"{what} cannot be dated {on}, after today ({today}).")
    if not_before is not None and on < not_before:
        raise InvalidInput(f"{what} cannot be dated {on}, before {since} ({not_before}).")


def _open_round(db: Session, decision_id: int) -> DecisionVersion | None:
    return db.exec(
        select(DecisionVersion)
        .where(DecisionVersion.decision_id == decision_id, DecisionVersion.status == OPEN)
        .with_for_update()
    ).first()


def _last_response_day(db: Session, row: DecisionVersion) -> date | None:
    return db.exec(select(func.max(DecisionResponse.responded_on)).where(DecisionResponse.version_id == row.id)).one()


def circulate(
    db: Session, *, decision_id: int, version: int, on: date, today: date | None = None, deadline: date | None = None
) -> VersionView:
    """Send a version round. A round still open on an earlier version closes: not adopted,
    replaced by this one, its responses kept as history."""
    row = get_version(db, decision_id=decision_id, version=version, lock=True)
    if row.status != DraftStatus.DRAFT:
        raise Conflict(
            f"Version {version} is already {row.status}; a version is sent round once. Start a new one from it to send it again."
        )
    _check_day(on, today=today, what="Sending a version round", not_before=None, since="")
    if deadline is not None and deadline < on:
        raise InvalidInput(f"The deadline {deadline} is before the day it is sent ({on}).")
    earlier = _open_round(db, decision_id)
    if earlier is not None:
        if earlier.version > version:
            raise Conflict(
                f"Version {earlier.version}, a later one, is circulating; withdraw it first if version {version} should go round instead."
            )
        last = _last_response_day(db, earlier)
        _check_day(
            on,
            today=today,
            what=f"Replacing version {earlier.version}'s round",
            not_before=max(d for d in (earlier.circulated_on, last) if d),
            since=f"its {'last response' if last and last > earlier.circulated_on else 'circulation'}",
        )
        earlier.status, earlier.closed_on, earlier.replaced_by = DraftStatus.REPLACED.value, on, version
        earlier.close_reason = f"replaced by version {version}"
        db.add(earlier)
    row.status, row.circulated_on, row.deadline = OPEN, on, deadline
    db.add(row)
    db.flush()
    return version_view(db, row)


def withdraw(
    db: Session, *, decision_id: int, version: int, reason: str, on: date, today: date | None = None
) -> VersionView:
    """End a round without adoption (the text goes back for revision); responses stay as history."""
    row = get_version(db, decision_id=decision_id, version=version, lock=True)
    if row.status != OPEN:
        raise Conflict(f"Version {version} is {row.status}; only a circulating version's round can be withdrawn.")
    last = _last_response_day(db, row)
    _check_day(
        on,
        today=today,
        what="The withdrawal",
        not_before=max(d for d in (row.circulated_on, last) if d),
        since="the round's last recorded day",
    )
    cleaned = clean_text(reason, what="reason", limit=1_000)
    row.status, row.closed_on, row.close_reason = DraftStatus.WITHDRAWN.value, on, cleaned
    db.add(row)
    db.flush()
    return version_view(db, row)


# --- comments --------------------------------------------------------------------------------


def add_comment(
    db: Session, *, decision_id: int, version: int, text: str, coop: str | None = None, point: int | None = None
) -> CommentView:
    row = get_version(db, decision_id=decision_id, version=version)
    count = len(parse_text(row.text).points)
    if point is not None and not 1 <= point <= count:
        raise InvalidInput(f"Version {version} has points 1 to {count}; there is no point {point}.")
    comment = DecisionComment(
        version_id=row.id,
        coop_id=get_coop(db, coop).id if coop else None,
        point=point,
        text=clean_text(text, what="comment", multiline=True, limit=5_000),
    )
    db.add(comment)
    db.flush()
    return _comments(db, {row.id: row.version})[row.id][-1]


def resolve_comment(
    db: Session, *, comment_id: int, incorporated_in: int | None = None, declined: str | None = None
) -> CommentView:
    comment = db.get(DecisionComment, comment_id)
    if comment is None:
        raise NotFound(
            f"There is no comment {comment_id}. `coop unity show VERSION` lists the comments with their numbers."
        )
    if (incorporated_in is None) == (declined is None):
        raise InvalidInput("Say what became of the comment: --incorporated VERSION or --declined REASON.")
    source = db.get(DecisionVersion, comment.version_id)
    if incorporated_in is not None:
        target = get_version(db, decision_id=source.decision_id, version=incorporated_in)
        if target.version <= source.version:
            raise InvalidInput(
                f"The comment was made on version {source.version}; it can only be taken into a later version."
            )
        comment.status, comment.incorporated_in, comment.decline_reason = (
            CommentStatus.INCORPORATED.value,
            target.version,
            "",
        )
    else:
        comment.status, comment.incorporated_in = CommentStatus.DECLINED.value, None
        comment.decline_reason = clean_text(declined, what="reason", limit=1_000)
    db.add(comment)
    db.flush()
    return next(c for c in _comments(db, {source.id: source.version})[source.id] if c.id == comment.id)


# --- responses, tally, adoption --------------------------------------------------------------


def parse_stance(text: str) -> str:
    return one_of(Stance, text, what="a decision").value


def _voter(db: Session, decision: Decision, who: str, on: date) -> tuple[int | None, str, str, str]:
    """(coop id, member, key, name) of one who decides, refused if not in the electorate."""
    if decision.electorate == Electorate.MEMBERS:
        names = [v.member for v in _voters(db, decision)]
        match = next((n for n in names if n.lower() == who.strip().lower()), None)
        if match is None:
            raise InvalidInput(
                f"'{who}' does not decide on {_describe(decision)}; its members are: {', '.join(names)}."
            )
        return None, match, match, match
    member = get_coop(db, who)
    if member.archived_on is not None and member.archived_on <= on:
        raise InvalidInput(f"{member.name} was archived on {member.archived_on}; only co-ops in the cohort respond.")
    if member.joined_on is not None and member.joined_on > on:
        raise InvalidInput(
            f"{member.name} joined the cohort on {member.joined_on}; a response from it cannot be dated {on}."
        )
    if decision.electorate == Electorate.COOPS and member.id not in {v.coop_id for v in _voters(db, decision)}:
        raise InvalidInput(
            f"{member.name} is not among the co-ops deciding {_describe(decision)} (`coop decisions show {decision.id}`)."
        )
    return member.id, "", member.slug, member.name


def respond(
    db: Session,
    *,
    decision_id: int,
    version: int,
    voter: str,
    decision: str,
    on: date,
    today: date | None = None,
    reason: str = "",
    share_reason: bool = False,
) -> ResponseView:
    # The version's row is locked so that two responses for one voter cannot both become current.
    row = get_version(db, decision_id=decision_id, version=version, lock=True)
    owner = get_decision(db, decision_id)
    if row.status in CLOSED_WITHOUT_ADOPTION or row.status == DraftStatus.ADOPTED:
        raise Conflict(
            f"Version {version}'s round closed on {row.closed_on or row.adopted_on} ({version_view(db, row).round_end}); responses go to a circulating version."
        )
    if row.status != OPEN:
        # Only the points of unity keep drafts unsent (other decisions go round as they are proposed).
        raise Conflict(
            f"Version {version} is {row.status}; co-ops respond to a circulating version (`coop unity circulate {version}`)."
        )
    _check_day(
        on, today=today, what="A response", not_before=row.circulated_on, since=f"version {version} was circulated"
    )
    coop_id, member, key, name = _voter(db, owner, voter, on)
    chosen = parse_stance(decision)
    reason = clean_text(reason, what="reason", required=chosen == Stance.BLOCK, multiline=True, limit=2_000)
    previous = db.exec(
        select(DecisionResponse).where(
            DecisionResponse.version_id == row.id,
            DecisionResponse.coop_id == coop_id if coop_id else DecisionResponse.member == member,
            DecisionResponse.current.is_(True),
        )
    ).first()
    if previous is not None:
        if previous.decision == chosen and previous.reason == reason and previous.share_reason == share_reason:
            raise Conflict(f"{name} already responded {chosen} to version {version} on {previous.responded_on}.")
        if on < previous.responded_on:
            raise InvalidInput(
                f"{name} last responded on {previous.responded_on}; a change of mind cannot be dated before it ({on})."
            )
        previous.current = False
        db.add(previous)
        db.flush()
    db.add(
        DecisionResponse(
            version_id=row.id,
            coop_id=coop_id,
            member=member,
            decision=chosen,
            reason=reason,
            share_reason=share_reason,
            responded_on=on,
        )
    )
    db.flush()
    return ResponseView(key, name, chosen, reason, on, True, share_reason)


def _response_views(db: Session, rows: list[DecisionResponse]) -> list[ResponseView]:
    coops = {c.id: c for c in db.exec(select(Coop)).all()}
    latest: dict[tuple[int | None, str], int] = {(r.coop_id, r.member): r.id for r in rows}  # each one's last word
    return [
        ResponseView(
            coops[r.coop_id].slug if r.coop_id else r.member,
            coops[r.coop_id].name if r.coop_id else r.member,
            r.decision,
            r.reason,
            r.responded_on,
            latest[(r.coop_id, r.member)] == r.id,
            r.share_reason,
        )
        for r in rows
    ]


def tally(db: Session, *, decision_id: int, version: int, as_of: date) -> TallyView:
    """Where the round stood at the end of `as_of`: only responses made by then, only those who decided then."""
    row = get_version(db, decision_id=decision_id, version=version)
    decision = get_decision(db, decision_id)
    if row.circulated_on is None:
        raise InvalidInput(f"Version {version} has not been sent round; there is no tally until it circulates.")
    if as_of < row.circulated_on:
        raise InvalidInput(
            f"There was no round on version {version} yet on {as_of}: it was circulated on {row.circulated_on}."
        )
    fraction, max_blocks = _rule(db, decision)
    electorate = electorate_on(db, decision, as_of)
    keys = {key for key, _ in electorate}
    rows = db.exec(
        select(DecisionResponse)
        .where(DecisionResponse.version_id == row.id, DecisionResponse.responded_on <= as_of)
        .order_by(DecisionResponse.id)
    ).all()
    history = _response_views(db, list(rows))
    current = [r for r in history if r.current and r.coop in keys]
    answered = {r.coop for r in current}
    status = status_on(row, as_of)
    view = version_view(db, row)
    return TallyView(
        decision_id=decision.id,
        title=decision.title,
        version=row.version,
        status=status,
        as_of=as_of,
        circulated_on=row.circulated_on,
        deadline=row.deadline,
        round_end=view.round_end if status != OPEN else "",
        active=len(electorate),
        endorsed=[r for r in current if r.decision == Stance.ENDORSE],
        stood_aside=[r for r in current if r.decision == Stance.STAND_ASIDE],
        blocked=[r for r in current if r.decision == Stance.BLOCK],
        not_answered=[name for key, name in electorate if key not in answered],
        fraction=str(fraction),
        max_blocks=max_blocks,
        endorsements_needed=-(-len(electorate) * fraction.numerator // fraction.denominator),  # ceiling
        history=history,
    )


def adopt(
    db: Session,
    *,
    decision_id: int,
    version: int,
    on: date,
    today: date | None = None,
    milestone_id: int | None = None,
    hint: str = "",
) -> VersionView:
    row = get_version(db, decision_id=decision_id, version=version, lock=True)
    if row.status != OPEN:
        raise Conflict(f"Version {version} is {row.status}; only a circulating version can be adopted.")
    _check_day(
        on, today=today, what="An adoption", not_before=row.circulated_on, since=f"version {version} was circulated"
    )
    result = tally(db, decision_id=decision_id, version=version, as_of=on)
    if result.active == 0:
        raise Conflict(
            f"No one was in the electorate on {on}, so nothing could be adopted that day; give the day of the decision with --on."
        )
    if not result.rule_met:
        raise Conflict(
            f"Version {version} cannot be adopted yet: {'; '.join(result.missing)}. See `{hint or f'coop decisions tally {decision_id}'}`."
        )
    decision = get_decision(db, decision_id)
    earlier = select(DecisionVersion).where(DecisionVersion.status == DraftStatus.ADOPTED)
    ids = [decision_id] + ([decision.supersedes_id] if decision.supersedes_id else [])
    for previous in db.exec(earlier.where(DecisionVersion.decision_id.in_(ids))).all():
        previous.status, previous.superseded_on = DraftStatus.SUPERSEDED.value, on
        db.add(previous)
    row.status, row.adopted_on = DraftStatus.ADOPTED.value, on
    db.add(row)
    db.flush()
    if milestone_id is not None:
        finish_milestone(db, milestone_id=milestone_id, on=on, today=today or date.today())
    return version_view(db, row)


def sign_on(db: Session, *, decision_id: int, version: int) -> list[ResponseView]:
    """The current endorsements and stand-asides on a version, by name: its sign-on page."""
    row = get_version(db, decision_id=decision_id, version=version)
    rows = db.exec(
        select(DecisionResponse).where(
            DecisionResponse.version_id == row.id,
            DecisionResponse.current.is_(True),
            DecisionResponse.decision != Stance.BLOCK,
        )
    ).all()
    return sorted(_response_views(db, list(rows)), key=lambda r: r.coop_name)


# --- differences -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffView:
    old_version: int
    new_version: int
    preamble: list[WordChange] | None  # None when the preamble did not change
    points: list[PointChange]

    @property
    def unchanged_line(self) -> str:
        """`Unchanged: points 1, 2 (was 3), ...`: each unchanged point, with its old number when that changed."""
        unchanged = [
            str(c.new_number) + (f" (was {c.old_number})" if c.old_number != c.new_number else "")
            for c in self.points
            if c.kind == "unchanged"
        ]
        return f"Unchanged: points {', '.join(unchanged)}." if unchanged else "Every point changed."


def diff(db: Session, *, decision_id: int, old: int, new: int) -> DiffView:
    before = parse_text(get_version(db, decision_id=decision_id, version=old).text)
    after = parse_text(get_version(db, decision_id=decision_id, version=new).text)
    preamble = None if before.preamble == after.preamble else word_diff(before.preamble, after.preamble)
    return DiffView(
        old_version=old, new_version=new, preamble=preamble, points=diff_points(before.points, after.points)
    )


# --- as of a day -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionState:
    """A decision as it stood at the end of a day: its latest version then, and the tally of
    that version's round if it had one."""

    id: int
    kind: str
    title: str
    version: int
    status: str
    circulated_on: date | None
    deadline: date | None
    adopted_on: date | None
    round_end: str
    open_comments: int
    tally: TallyView | None

    @property
    def summary(self) -> str:
        """`version 3, circulating since 2022-01-12, responses due ...; 8 endorse, ...; 1 open comment`."""
        line = f"version {self.version}, {self.status}"
        if self.adopted_on:
            line += f" on {self.adopted_on}"
        elif self.round_end:
            line = f"version {self.version}, {self.round_end}"
        elif self.circulated_on:
            line += f" since {self.circulated_on}" + (f", responses due {self.deadline}" if self.deadline else "")
            if self.tally is not None and self.tally.overdue:
                line += " (past the deadline; the round stays open)"
        if self.tally and self.status == OPEN:
            t = self.tally
            line += f"; {len(t.endorsed)} endorse, {len(t.stood_aside)} stand aside, {len(t.blocked)} block, {len(t.not_answered)} not answered"
        return line + f"; {plural(self.open_comments, 'open comment')}"


def decision_states(db: Session, as_of: date, *, kind: str | None = None) -> list[DecisionState]:
    """Every decision with a version by `as_of`, as it stood at the end of that day: its latest
    round then (or its latest draft, before any round)."""
    query = select(DecisionVersion).order_by(DecisionVersion.decision_id, DecisionVersion.version)
    if kind is not None:
        query = query.join(Decision, Decision.id == DecisionVersion.decision_id).where(Decision.kind == kind)
    latest: dict[int, tuple[DecisionVersion, str]] = {}
    existed: set[int] = set()
    for row in db.exec(query).all():
        status = status_on(row, as_of)
        if status is None:
            continue
        existed.add(row.id)
        # The latest round by then speaks for the decision; a draft only while none has gone round.
        earlier = latest.get(row.decision_id)
        if earlier is None or status != DraftStatus.DRAFT or earlier[1] == DraftStatus.DRAFT:
            latest[row.decision_id] = (row, status)
    # Open comments on the versions that existed by then (a comment carries no day of its own).
    existing: dict[int, list[int]] = {}
    for comment_id, decision_id in db.exec(
        select(DecisionComment.id, DecisionVersion.decision_id)
        .join(DecisionVersion, DecisionVersion.id == DecisionComment.version_id)
        .where(DecisionComment.status == CommentStatus.OPEN, DecisionComment.version_id.in_(existed or {0}))
    ).all():
        existing.setdefault(decision_id, []).append(comment_id)
    if not latest:
        return []
    decisions = {d.id: d for d in db.exec(select(Decision).where(Decision.id.in_(latest))).all()}
    states = []
    for decision_id, (row, status) in latest.items():
        open_comments = len(existing.get(decision_id, []))
        counted = (
            tally(db, decision_id=decision_id, version=row.version, as_of=as_of)
            if status != DraftStatus.DRAFT
            else None
        )
        states.append(
            DecisionState(
                id=decision_id,
                kind=decisions[decision_id].kind,
                title=decisions[decision_id].title,
                version=row.version,
                status=status,
                circulated_on=row.circulated_on if status != DraftStatus.DRAFT else None,
                deadline=row.deadline,
                adopted_on=row.adopted_on if status in (DraftStatus.ADOPTED, DraftStatus.SUPERSEDED) else None,
                round_end=counted.round_end if counted else "",
                open_comments=open_comments,
                tally=counted,
            )
        )
    return states


def state_summary(state: DecisionState | None) -> str:
    """A decision's state in a line (see DecisionState.summary); "no draft yet" when there is none."""
    return "no draft yet" if state is None else state.summary
