"""`coop decisions`, `coop unity withdraw` and `coop coops ledger` through the command line,
on the sample program: a round that fails and goes again, and the documents."""

import io
import json
from pathlib import Path

from pypdf import PdfReader

PLAN = "# Phase II plan\n\nWhat we do next.\n\n1. Political education monthly.\n2. Technical assistance by request.\n3. Strategy retreat in June.\n"


def test_a_decision_with_its_own_rule_and_electorate(coop, demo_url, tmp_path: Path) -> None:
    text = tmp_path / "plan.md"
    text.write_text(PLAN, encoding="utf-8")
    proposed = coop(
        "decisions",
        "propose",
        "Phase II plan",
        "--kind",
        "phase-plan",
        "--file",
        str(text),
        "--rule",
        "3/4",
        "--coops",
        "casa-limpia,voces,tierra-viva,sabor-colectivo",
        "--deadline",
        "2022-03-25",
        "--on",
        "2022-03-10",
        "--session",
        "16",
    )
    assert proposed.exit_code == 0, proposed.stderr
    assert (
        "Decision 2 (Phase II plan): version 1 sent round on 2022-03-10, responses due by 2022-03-25."
        in proposed.stdout
    )
    shown = coop("decisions", "show", "2").stdout
    assert "Rule: no blocks allowed and at least 3/4 endorsing (this decision's own)" in shown
    assert "From session #16 Visioning session 3: the economy we want (2021-12-09)" in shown
    refused = coop("decisions", "respond", "2", "pan-y-rosas", "endorse", "--on", "2022-03-11")
    assert (
        refused.exit_code == 1 and "Pan y Rosas Bakery Cooperative is not among the co-ops deciding" in refused.stderr
    )
    for slug, day in (("casa-limpia", "2022-03-11"), ("voces", "2022-03-12")):
        assert coop("decisions", "respond", "2", slug, "endorse", "--on", day).exit_code == 0
    late = coop("decisions", "tally", "2", "--as-of", "2022-03-26").stdout
    assert "The deadline (2022-03-25) has passed; the round stays open" in late
    assert (
        "Rule: no blocks allowed and at least 3/4 endorsing (3 of 4)." in late
        and "Not yet: 1 more endorsement: 2 of the 3 needed." in late
    )
    early = coop("decisions", "tally", "2", "--as-of", "2022-03-09")
    assert (
        early.exit_code == 1
        and "There was no round on version 1 yet on 2022-03-09: it was circulated on 2022-03-10." in early.stderr
    )
    assert (
        coop(
            "decisions",
            "respond",
            "2",
            "tierra-viva",
            "stand-aside",
            "--reason",
            "No capacity in June",
            "--share-reason",
            "--on",
            "2022-03-27",
        ).exit_code
        == 0
    )
    assert coop("decisions", "adopt", "2", "--on", "2022-03-27").exit_code == 1  # two of four endorse, three are needed
    assert coop("decisions", "respond", "2", "sabor-colectivo", "endorse", "--on", "2022-03-28").exit_code == 0
    adopted = coop("decisions", "adopt", "2", "--on", "2022-03-28")
    assert adopted.exit_code == 0 and "Decision 2, version 1 adopted on 2022-03-28." in adopted.stdout
    data = json.loads(coop("decisions", "tally", "2", "--json", "--as-of", "2022-03-28").stdout)
    assert (data["status"], data["endorsements_needed"], len(data["endorsed"]), data["rule_met"]) == (
        "adopted",
        3,
        3,
        True,
    )
    markdown = coop("decisions", "export", "2").stdout
    assert "*Circulated 2022-03-10 · responses due by 2022-03-25 · adopted on 2022-03-28*" in markdown
    assert markdown.endswith("## Standing aside\n\n- Tierra Viva Urban Farm: No capacity in June\n")
    listed = json.loads(coop("decisions", "list", "--json").stdout)
    assert [(d["id"], d["kind"], d["decided_by"]) for d in listed] == [
        (1, "points-of-unity", "the cohort"),
        (2, "phase-plan", "4 named co-ops"),
    ]
    ledger = coop("coops", "ledger", "tierra-viva", "--json")
    entries = json.loads(ledger.stdout)
    assert [(e["decision_id"], e["response"], e["reason"], e["responded_on"]) for e in entries["decisions"]] == [
        (1, "endorse", "", "2022-01-13"),
        (2, "stand-aside", "No capacity in June", "2022-03-27"),
    ]
    assert entries["sessions"] and all(s["day"] < "2022-03-01" for s in entries["sessions"])
    report = coop("report", "I", "--as-of", "2022-03-28", "--format", "md").stdout
    assert (
        "## Decisions" in report
        and "### Phase II plan (decision 2)" in report
        and "version 1, adopted on 2022-03-28" in report
    )
    # The day before, the printed report shows the round still open, with the responses made by then.
    pdf = tmp_path / "report.pdf"
    assert coop("report", "I", "--as-of", "2022-03-27", "-o", str(pdf)).exit_code == 0
    printed = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages).split())
    assert "Decisions" in printed and "Phase II plan (decision 2)" in printed
    assert (
        "version 1, circulating since 2022-03-10, responses due 2022-03-25 (past the deadline; the round stays open); 2 endorse, 1 stand aside"
        in printed
    )


def test_a_blocked_points_of_unity_round_is_withdrawn_and_goes_again(coop, demo_url, tmp_path: Path) -> None:
    backdated = coop("unity", "adopt", "3", "--on", "2021-09-30")
    assert (
        backdated.exit_code == 1
        and "An adoption cannot be dated 2021-09-30, before version 3 was circulated (2022-01-12)" in backdated.stderr
    )
    assert (
        coop(
            "unity",
            "respond",
            "3",
            "harbor-food",
            "block",
            "--reason",
            "Point 6 does not fit a consumer co-op",
            "--on",
            "2022-01-17",
        ).exit_code
        == 0
    )
    withdrawn = coop("unity", "withdraw", "3", "--reason", "A block on point 6; revising", "--on", "2022-01-18")
    assert (
        withdrawn.exit_code == 0
        and "Version 3: withdrawn on 2022-01-18: A block on point 6; revising." in withdrawn.stdout
    )
    closed = coop("unity", "respond", "3", "green-hands", "endorse", "--on", "2022-01-19")
    assert closed.exit_code == 1 and "Version 3's round closed on 2022-01-18" in closed.stderr
    assert "The round is closed: withdrawn on 2022-01-18" in coop("unity", "tally", "3", "--as-of", "2022-02-01").stdout
    text = tmp_path / "v4.md"
    version_3 = (Path(__file__).parents[2] / "sample_data" / "unity" / "v3.md").read_text(encoding="utf-8")
    text.write_text(version_3.replace("6. ", "6. For consumer co-ops, members are the community: "), encoding="utf-8")
    assert coop("unity", "new", "--file", str(text)).exit_code == 0
    circulated = coop("unity", "circulate", "4", "--deadline", "2022-02-04", "--on", "2022-01-21")
    assert circulated.exit_code == 0 and "Version 4 is circulating" in circulated.stdout
    listed = coop("unity", "list", "--json").stdout
    assert [(v["version"], v["status"]) for v in json.loads(listed)] == [
        (1, "draft"),
        (2, "draft"),
        (3, "withdrawn"),
        (4, "circulating"),
    ]
    diff = coop("unity", "diff", "3", "4").stdout
    assert "Point 6 (reworded; was 6)" in diff and "Unchanged: points 1, 2, 3, 4, 5, 7." in diff
