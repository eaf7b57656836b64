"""Decisions beyond the points of unity: a rule of their own (3/4), who decides (named co-ops
or working-group members), links (supersedes, from a session), and the decisions section of a
report as it stood at the end of a past day."""

from datetime import date

import pytest

from coopprogram.errors import Conflict, InvalidInput
from coopprogram.services import decisions, unity
from coopprogram.services.coops import add_coop, archive_coop
from coopprogram.services.ledger import ledger
from coopprogram.services.report import report

PLAN = "# Phase II plan\n\nWhat we do next.\n\n1. Political education monthly.\n2. Technical assistance by request.\n"


def _cohort(db, count: int) -> list[str]:
    slugs = [f"coop-{n:02d}" for n in range(1, count + 1)]
    for slug in slugs:
        add_coop(db, name=slug.replace("-", " ").title(), kind="worker", slug=slug)
    return slugs


def test_three_quarters_of_named_coops(session) -> None:
    with session() as db:
        slugs = _cohort(db, 8)
        named = slugs[:4]  # the four co-ops in the Phase II pilot decide, the rest do not
        view = decisions.propose(
            db,
            title="Phase II plan",
            kind="phase-plan",
            text=PLAN,
            on=date(2022, 3, 10),
            deadline=date(2022, 3, 25),
            endorse_fraction="3/4",
            coops=named,
        )
        decision_id = view.decision_id
        shown = decisions.show_decision(db, decision_id=decision_id)
        assert (shown.rule, shown.rule_is_default, shown.decided_by) == (
            "no blocks allowed and at least 3/4 endorsing",
            False,
            "4 named co-ops",
        )
        with pytest.raises(InvalidInput, match="Coop 05 is not among the co-ops deciding"):
            decisions.respond(
                db, decision_id=decision_id, version=1, voter=slugs[4], decision="endorse", on=date(2022, 3, 11)
            )
        for slug in named[:2]:
            decisions.respond(
                db, decision_id=decision_id, version=1, voter=slug, decision="endorse", on=date(2022, 3, 11)
            )
        count = decisions.tally(db, decision_id=decision_id, version=1, as_of=date(2022, 3, 11))
        # 3/4 of 4 is 3: two endorsements are not enough, and the four others in the cohort are not waited for.
        assert (count.active, count.endorsements_needed, count.rule_met, count.not_answered) == (
            4,
            3,
            False,
            ["Coop 03", "Coop 04"],
        )
        with pytest.raises(Conflict, match="1 more endorsement"):
            decisions.adopt(db, decision_id=decision_id, version=1, on=date(2022, 3, 11))
        # A named co-op that leaves the cohort no longer counts: 3/4 of 3 is 3 (2.25 rounded up).
        archive_coop(db, slug=named[3], on=date(2022, 3, 12))
        assert decisions.tally(db, decision_id=decision_id, version=1, as_of=date(2022, 3, 12)).endorsements_needed == 3
        decisions.respond(
            db, decision_id=decision_id, version=1, voter=named[2], decision="endorse", on=date(2022, 3, 13)
        )
        adopted = decisions.adopt(db, decision_id=decision_id, version=1, on=date(2022, 3, 26))
        assert (adopted.status, adopted.adopted_on) == ("adopted", date(2022, 3, 26))
        # Past the deadline it was only flagged, and it could still be adopted.
        assert decisions.tally(db, decision_id=decision_id, version=1, as_of=date(2022, 3, 25)).overdue is False
        assert decisions.tally(db, decision_id=decision_id, version=1, as_of=date(2022, 3, 26)).status == "adopted"


def test_working_group_members_decide_and_a_decision_supersedes_another(session) -> None:
    with session() as db:
        _cohort(db, 2)
        first = decisions.propose(
            db,
            title="How funds are shared",
            kind="funds",
            text=PLAN,
            on=date(2022, 2, 1),
            members=["Ana Ruiz", "Bo Chen"],
        )
        with pytest.raises(InvalidInput, match=r"'coop-01' does not decide .* its members are: Ana Ruiz, Bo Chen"):
            decisions.respond(
                db, decision_id=first.decision_id, version=1, voter="coop-01", decision="endorse", on=date(2022, 2, 2)
            )
        decisions.respond(
            db, decision_id=first.decision_id, version=1, voter="ana ruiz", decision="endorse", on=date(2022, 2, 2)
        )
        decisions.respond(
            db, decision_id=first.decision_id, version=1, voter="Bo Chen", decision="stand-aside", on=date(2022, 2, 2)
        )
        count = decisions.tally(db, decision_id=first.decision_id, version=1, as_of=date(2022, 2, 2))
        # The program's 2/3 of two members is two endorsements.
        assert ([r.coop for r in count.endorsed], [r.coop for r in count.stood_aside], count.endorsements_needed) == (
            ["Ana Ruiz"],
            ["Bo Chen"],
            2,
        )
        decisions.respond(
            db, decision_id=first.decision_id, version=1, voter="Bo Chen", decision="endorse", on=date(2022, 2, 3)
        )
        decisions.adopt(db, decision_id=first.decision_id, version=1, on=date(2022, 2, 3))

        second = decisions.propose(
            db,
            title="How funds are shared (revised)",
            kind="funds",
            text=PLAN,
            on=date(2022, 5, 1),
            members=["Ana Ruiz"],
            supersedes=first.decision_id,
            max_blocks=1,
        )
        assert decisions.show_decision(db, decision_id=second.decision_id).supersedes == first.decision_id
        decisions.respond(
            db, decision_id=second.decision_id, version=1, voter="Ana Ruiz", decision="endorse", on=date(2022, 5, 2)
        )
        decisions.adopt(db, decision_id=second.decision_id, version=1, on=date(2022, 5, 2))
        earlier = decisions.show_decision(db, decision_id=first.decision_id).versions[0]
        assert (earlier.status, earlier.superseded_on) == ("superseded", date(2022, 5, 2))
        with pytest.raises(InvalidInput, match="--coops or --members, not both"):
            decisions.propose(db, title="X", text=PLAN, on=date(2022, 5, 1), members=["A"], coops=["coop-01"])
        with pytest.raises(InvalidInput, match="The points of unity are one decision already"):
            decisions.propose(db, title="X", kind="points-of-unity", text=PLAN, on=date(2022, 5, 1))


def test_report_and_ledger_as_of_a_day(session) -> None:
    with session() as db:
        slugs = _cohort(db, 3)
        unity.new_draft(db, text=PLAN)
        unity.circulate(db, version=1, on=date(2022, 1, 10))
        unity.respond(db, version=1, coop=slugs[0], decision="block", on=date(2022, 1, 11), reason="Point 2")
        unity.withdraw(db, version=1, reason="Revising point 2", on=date(2022, 1, 12))
        unity.new_draft(db, text=PLAN.replace("by request", "by request, in Spanish too"))
        unity.circulate(db, version=2, on=date(2022, 1, 20))
        unity.respond(db, version=2, coop=slugs[0], decision="endorse", on=date(2022, 1, 21))
        plan = decisions.propose(db, title="Phase II plan", text=PLAN, on=date(2022, 1, 15), endorse_fraction="3/4")

        def section(day):
            return {(d.title, d.version, d.status, d.round_end) for d in report(db, phase="I", as_of=day).decisions}

        assert section(date(2022, 1, 9)) == set()  # no version had gone round yet
        assert section(date(2022, 1, 11)) == {("Points of unity", 1, "circulating", "")}
        assert section(date(2022, 1, 16)) == {
            ("Points of unity", 1, "withdrawn", "withdrawn on 2022-01-12: Revising point 2"),
            ("Phase II plan", 1, "circulating", ""),
        }
        day = report(db, phase="I", as_of=date(2022, 1, 20))
        assert [len(d.tally.endorsed) for d in day.decisions] == [0, 0]  # the endorsement came on the 21st
        assert day.unity.version == 2 and day.unity.tally.history == []
        assert [len(d.tally.endorsed) for d in report(db, phase="I", as_of=date(2022, 1, 21)).decisions] == [1, 0]

        entries = ledger(db, slug=slugs[0]).decisions
        assert [(e.title, e.version, e.status, e.response, e.reason, e.responded_on) for e in entries] == [
            ("Points of unity", 1, "withdrawn", "block", "Point 2", date(2022, 1, 11)),
            ("Phase II plan", 1, "circulating", "", "", None),
            ("Points of unity", 2, "circulating", "endorse", "", date(2022, 1, 21)),
        ]
        assert plan.decision_id == 2
