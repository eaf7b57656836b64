"""Points of unity: the adoption rule's edges (one block, exactly two thirds, archived co-ops
not counted), frozen text once circulating, response history, and reworded points."""

from datetime import date

import pytest

from coopprogram.errors import Conflict, InvalidInput
from coopprogram.services import unity
from coopprogram.services.coops import add_coop, archive_coop
from coopprogram.services.milestones import add_milestone

TEXT = "# Points of unity\n\nWhy we meet.\n\n1. Worker ownership.\n2. Democratic governance.\n3. Mutual aid: we share what we have.\n"
DAY = date(2022, 1, 20)


def _cohort(db, count: int) -> list[str]:
    slugs = [f"coop-{n:02d}" for n in range(1, count + 1)]
    for slug in slugs:
        add_coop(db, name=slug.replace("-", " ").title(), kind="worker", slug=slug)
    return slugs


def _circulating(db, count: int) -> list[str]:
    slugs = _cohort(db, count)
    unity.new_draft(db, text=TEXT)
    unity.circulate(db, version=1, on=DAY)
    return slugs


def _respond_all(db, slugs, decision="endorse"):
    for slug in slugs:
        unity.respond(
            db, version=1, coop=slug, decision=decision, on=DAY, reason="because" if decision == "block" else ""
        )


def test_parse_text() -> None:
    parsed = unity.parse_text("# Our points\n\nPreamble line.\n\n1. First\n   continued here\n2) Second\n")
    assert (parsed.title, parsed.preamble, parsed.points) == (
        "Our points",
        "Preamble line.",
        ["First continued here", "Second"],
    )
    with pytest.raises(InvalidInput, match="no numbered points"):
        unity.check_text("Just a paragraph.")


def test_exactly_two_thirds_is_enough(session) -> None:
    with session() as db:
        slugs = _circulating(db, 12)  # two thirds of 12 is exactly 8
        _respond_all(db, slugs[:7])
        result = unity.tally(db, version=1, as_of=DAY)
        assert (result.endorsements_needed, result.rule_met, result.missing) == (
            8,
            False,
            ["1 more endorsement: 7 of the 8 needed"],
        )
        _respond_all(db, slugs[7:8])
        assert unity.tally(db, version=1, as_of=DAY).rule_met is True


def test_thirteen_need_nine(session) -> None:
    with session() as db:
        slugs = _circulating(db, 13)  # 13 * 2/3 = 8.67: nine are needed
        _respond_all(db, slugs[:8])
        assert unity.tally(db, version=1, as_of=DAY).rule_met is False
        _respond_all(db, slugs[8:9])
        assert unity.tally(db, version=1, as_of=DAY).rule_met is True


def test_a_single_block_stops_adoption(session) -> None:
    with session() as db:
        slugs = _circulating(db, 6)
        _respond_all(db, slugs[:5])
        unity.respond(db, version=1, coop=slugs[5], decision="block", on=DAY, reason="Point 2 leaves out our members")
        result = unity.tally(db, version=1, as_of=DAY)
        assert result.rule_met is False and "1 block (" in result.missing[0]
        with pytest.raises(Conflict, match="cannot be adopted yet: 1 block"):
            unity.adopt(db, version=1, on=DAY)
        with pytest.raises(InvalidInput, match="reason cannot be empty"):
            unity.respond(db, version=1, coop=slugs[5], decision="block", on=DAY)


def test_archived_coops_are_not_counted(session) -> None:
    with session() as db:
        slugs = _circulating(db, 4)  # 3 of 4 needed
        _respond_all(db, slugs[:2])
        unity.respond(db, version=1, coop=slugs[3], decision="block", on=DAY, reason="no")
        archive_coop(db, slug=slugs[3], on=date(2022, 1, 21))
        after = unity.tally(db, version=1, as_of=date(2022, 1, 22))
        assert (after.active, after.endorsements_needed, len(after.blocked), after.rule_met) == (3, 2, 0, True)
        with pytest.raises(InvalidInput, match="was archived"):
            unity.respond(db, version=1, coop=slugs[3], decision="endorse", on=date(2022, 1, 22))


def test_response_history_and_one_current_per_coop(session) -> None:
    with session() as db:
        slugs = _circulating(db, 3)
        unity.respond(db, version=1, coop=slugs[0], decision="block", on=DAY, reason="Point 3 is too vague")
        unity.respond(db, version=1, coop=slugs[0], decision="endorse", on=date(2022, 1, 21))
        with pytest.raises(Conflict, match="already responded endorse"):
            unity.respond(db, version=1, coop=slugs[0], decision="endorse", on=date(2022, 1, 22))
        result = unity.tally(db, version=1, as_of=date(2022, 1, 22))
        assert [(r.decision, r.current) for r in result.history] == [("block", False), ("endorse", True)]
        assert [r.coop for r in result.endorsed] == [slugs[0]] and result.blocked == []
        with pytest.raises(InvalidInput, match="not a decision"):
            unity.respond(db, version=1, coop=slugs[1], decision="maybe", on=DAY)


def test_text_freezes_when_circulated_and_adoption_supersedes(session) -> None:
    with session() as db:
        slugs = _circulating(db, 3)
        with pytest.raises(Conflict, match="frozen"):
            unity.edit_draft(db, version=1, text=TEXT + "4. More.\n")
    with session() as db:
        _respond_all(db, slugs)
        milestone = add_milestone(db, title="Points of unity adopted", phase="I", due_on=date(2022, 2, 28), today=DAY)
        adopted = unity.adopt(db, version=1, on=DAY, milestone_id=milestone.id)
        assert (adopted.status, adopted.adopted_on) == ("adopted", DAY)
        from coopprogram.services.milestones import show_milestone

        assert show_milestone(db, milestone_id=milestone.id, today=DAY).status == "done"
        unity.new_draft(db, text=TEXT + "4. Care for each other.\n")
        unity.circulate(db, version=2, on=date(2022, 3, 1))
        for slug in slugs:
            unity.respond(db, version=2, coop=slug, decision="endorse", on=date(2022, 3, 2))
        unity.adopt(db, version=2, on=date(2022, 3, 3))
        assert [(v.version, v.status, v.superseded_on) for v in unity.list_drafts(db)] == [
            (1, "superseded", date(2022, 3, 3)),
            (2, "adopted", None),
        ]
        with pytest.raises(Conflict, match="frozen"):
            unity.edit_draft(db, version=2, text=TEXT)


def test_comments_and_their_outcome(session) -> None:
    with session() as db:
        _cohort(db, 2)
        unity.new_draft(db, text=TEXT)
        comment = unity.add_comment(db, version=1, text="Name undocumented workers", coop="coop-01", point=2)
        with pytest.raises(InvalidInput, match="points 1 to 3; there is no point 9"):
            unity.add_comment(db, version=1, text="x", point=9)
        with pytest.raises(InvalidInput, match="later version"):
            unity.resolve_comment(db, comment_id=comment.id, incorporated_in=1)
        unity.new_draft(db, text=TEXT)
        resolved = unity.resolve_comment(db, comment_id=comment.id, incorporated_in=2)
        assert (resolved.status, resolved.incorporated_in, resolved.coop, resolved.point) == (
            "incorporated",
            2,
            "coop-01",
            2,
        )
        declined = unity.resolve_comment(db, comment_id=comment.id, declined="Kept the wording")
        assert (declined.status, declined.decline_reason) == ("declined", "Kept the wording")


def test_diff_marks_reworded_added_and_removed_points(session) -> None:
    with session() as db:
        unity.new_draft(db, text=TEXT)
        unity.new_draft(
            db,
            text=(
                "# Points of unity\n\nWhy we meet.\n\n1. Worker ownership.\n"
                "2. Mutual aid: we share skills and space with each other.\n3. Care for each other.\n"
            ),
        )
        view = unity.diff(db, old=1, new=2)
    kinds = [(p.kind, p.old_number, p.new_number) for p in view.points]
    assert kinds == [("unchanged", 1, 1), ("reworded", 3, 2), ("removed", 2, None), ("added", None, 3)]
    reworded = next(p for p in view.points if p.kind == "reworded")
    assert [(w.kind, w.text) for w in reworded.words] == [
        ("same", "Mutual aid: we share"),
        ("removed", "what we have."),
        ("added", "skills and space with each other."),
    ]
    assert view.preamble is None


def test_only_a_circulating_version_is_adopted_or_answered(session) -> None:
    with session() as db:
        _cohort(db, 1)
        unity.new_draft(db, text=TEXT)
        with pytest.raises(Conflict, match="only a circulating version"):
            unity.adopt(db, version=1, on=DAY)
        with pytest.raises(Conflict, match="co-ops respond to a circulating version"):
            unity.respond(db, version=1, coop="coop-01", decision="endorse", on=DAY)
        unity.circulate(db, version=1, on=DAY)
        with pytest.raises(Conflict, match="Version 1 is already circulating; a version is sent round once"):
            unity.circulate(db, version=1, on=DAY)


def test_withdraw_then_recirculate_keeps_the_responses(session) -> None:
    with session() as db:
        slugs = _circulating(db, 3)
        unity.respond(db, version=1, coop=slugs[0], decision="block", on=DAY, reason="Point 2 leaves out our members")
        unity.respond(db, version=1, coop=slugs[1], decision="endorse", on=DAY)
        with pytest.raises(InvalidInput, match=r"[Ww]ithdrawal cannot be dated 2022-01-19"):
            unity.withdraw(db, version=1, reason="revising", on=date(2022, 1, 19))
        with pytest.raises(InvalidInput, match="reason"):
            unity.withdraw(db, version=1, reason=" ", on=date(2022, 1, 21))
        withdrawn = unity.withdraw(db, version=1, reason="One block on point 2; revising it", on=date(2022, 1, 21))
        assert (withdrawn.status, withdrawn.closed_on, withdrawn.round_end) == (
            "withdrawn",
            date(2022, 1, 21),
            "withdrawn on 2022-01-21: One block on point 2; revising it",
        )
        with pytest.raises(Conflict, match="round closed on 2022-01-21"):
            unity.respond(db, version=1, coop=slugs[2], decision="endorse", on=date(2022, 1, 21))
        # The closed round's tally stays readable, on any later day, with the responses it had.
        closed = unity.tally(db, version=1, as_of=date(2022, 6, 1))
        assert (closed.status, [r.coop for r in closed.blocked], [r.coop for r in closed.endorsed]) == (
            "withdrawn",
            [slugs[0]],
            [slugs[1]],
        )
        assert closed.round_end.startswith("withdrawn on 2022-01-21") and not closed.overdue
        # As of a day inside the round, it was still open.
        assert unity.tally(db, version=1, as_of=DAY).status == "circulating"

        unity.new_draft(
            db, text=TEXT.replace("Democratic governance.", "Democratic governance, with every member heard.")
        )
        unity.circulate(db, version=2, on=date(2022, 1, 24))
        _respond_all_to(db, 2, slugs, on=date(2022, 1, 25))
        adopted = unity.adopt(db, version=2, on=date(2022, 1, 26))
        assert adopted.status == "adopted"
        assert [(r.coop, r.decision) for r in unity.tally(db, version=1, as_of=date(2022, 1, 26)).history] == [
            (slugs[0], "block"),
            (slugs[1], "endorse"),
        ]


def _respond_all_to(db, version, slugs, *, on, decision="endorse"):
    for slug in slugs:
        unity.respond(db, version=version, coop=slug, decision=decision, on=on)


def test_circulating_a_revised_version_replaces_the_open_round(session) -> None:
    with session() as db:
        slugs = _circulating(db, 3)
        unity.respond(db, version=1, coop=slugs[0], decision="block", on=date(2022, 1, 22), reason="No")
        unity.new_draft(db, text=TEXT + "4. A fourth point.\n")
        with pytest.raises(InvalidInput, match="before its last response"):
            unity.circulate(db, version=2, on=date(2022, 1, 21))
        unity.circulate(db, version=2, on=date(2022, 1, 23), deadline=date(2022, 2, 1))
        first = unity.show_draft(db, version=1)
        assert (first.status, first.replaced_by, first.closed_on) == ("replaced", 2, date(2022, 1, 23))
        assert first.round_end == "not adopted, replaced by version 2 on 2022-01-23"
        with pytest.raises(Conflict, match="only a circulating version can be adopted"):
            unity.adopt(db, version=1, on=date(2022, 1, 23))
        assert [r.decision for r in unity.tally(db, version=1, as_of=date(2022, 2, 1)).blocked] == ["block"]
        # The new round starts empty; the deadline passing flags it but does not close it.
        late = unity.tally(db, version=2, as_of=date(2022, 2, 2))
        assert (late.status, late.overdue, late.blocked, len(late.not_answered)) == ("circulating", True, [], 3)
        _respond_all_to(db, 2, slugs, on=date(2022, 2, 3))
        assert unity.adopt(db, version=2, on=date(2022, 2, 3)).adopted_on == date(2022, 2, 3)


def test_dates_are_honest(session) -> None:
    today = date(2022, 2, 1)
    with session() as db:
        slugs = _circulating(db, 3)
        with pytest.raises(InvalidInput, match="before version 1 was circulated"):
            unity.respond(db, version=1, coop=slugs[0], decision="endorse", on=date(2022, 1, 19), today=today)
        with pytest.raises(InvalidInput, match="after today"):
            unity.respond(db, version=1, coop=slugs[0], decision="endorse", on=date(2022, 2, 2), today=today)
        _respond_all(db, slugs)
        with pytest.raises(
            InvalidInput, match="An adoption cannot be dated 2022-01-19, before version 1 was circulated"
        ):
            unity.adopt(db, version=1, on=date(2022, 1, 19), today=today)
        with pytest.raises(InvalidInput, match="after today"):
            unity.adopt(db, version=1, on=date(2022, 2, 2), today=today)
        with pytest.raises(
            InvalidInput, match="There was no round on version 1 yet on 2022-01-19: it was circulated on 2022-01-20"
        ):
            unity.tally(db, version=1, as_of=date(2022, 1, 19))
        with pytest.raises(InvalidInput, match="after today"):
            unity.withdraw(db, version=1, reason="x", on=date(2022, 2, 2), today=today)
        unity.new_draft(db, text=TEXT)
        with pytest.raises(InvalidInput, match="after today"):
            unity.circulate(db, version=2, on=date(2022, 2, 2), today=today)
        with pytest.raises(InvalidInput, match="has not been sent round"):
            unity.tally(db, version=2, as_of=today)


def test_adoption_before_the_cohort_joined_is_refused(session) -> None:
    with session() as db:
        for n in (1, 2):
            add_coop(db, name=f"Coop {n}", kind="worker", slug=f"coop-{n}", joined_on=date(2021, 10, 1))
        unity.new_draft(db, text=TEXT)
        unity.circulate(db, version=1, on=date(2021, 9, 1))
        with pytest.raises(
            InvalidInput, match="Coop 1 joined the cohort on 2021-10-01; a response from it cannot be dated 2021-09-15"
        ):
            unity.respond(db, version=1, coop="coop-1", decision="endorse", on=date(2021, 9, 15))
        with pytest.raises(Conflict, match="No one was in the electorate on 2021-09-30"):
            unity.adopt(db, version=1, on=date(2021, 9, 30))
        assert unity.tally(db, version=1, as_of=date(2021, 9, 30)).rule_met is False


def test_diff_recognises_moved_points(session) -> None:
    points = [f"Point about topic {n} and nothing else" for n in range(1, 9)]
    with session() as db:
        unity.new_draft(db, text="# P\n\n" + "".join(f"{n}. {p}\n" for n, p in enumerate(points, 1)))
        moved = points[:1] + points[6:7] + points[1:6] + points[7:]  # point 7 moved to 2
        unity.new_draft(db, text="# P\n\n" + "".join(f"{n}. {p}\n" for n, p in enumerate(moved, 1)))
        view = unity.diff(db, old=1, new=2)
        assert [(c.kind, c.old_number, c.new_number) for c in view.points] == [
            ("unchanged", 1, 1),
            ("moved", 7, 2),
            ("unchanged", 2, 3),
            ("unchanged", 3, 4),
            ("unchanged", 4, 5),
            ("unchanged", 5, 6),
            ("unchanged", 6, 7),
            ("unchanged", 8, 8),
        ]
        assert view.points[1].label == "2 (moved from 7)"
        assert view.unchanged_line == "Unchanged: points 1, 3 (was 2), 4 (was 3), 5 (was 4), 6 (was 5), 7 (was 6), 8."
