"""`coop unity` through the command line on the sample consent round, and the documents."""

import io
import json
from pathlib import Path

from pypdf import PdfReader


def test_sample_round_and_adoption(coop, demo_url) -> None:
    tally = coop("unity", "tally", "3", "--as-of", "2022-01-15").stdout
    assert "Endorse (8):" in tally and "Stand aside (1): Building Power" in tally
    assert "Not yet: 1 more endorsement: 8 of the 9 needed." in tally
    assert "Voces Language Justice Cooperative was block on 2022-01-13" in tally
    refused = coop("unity", "adopt", "3", "--on", "2022-01-15")
    assert refused.exit_code == 1 and "cannot be adopted yet" in refused.stderr
    assert coop("unity", "respond", "3", "green-hands", "endorse", "--on", "2022-01-20").exit_code == 0
    adopted = coop("unity", "adopt", "3", "--on", "2022-01-21", "--milestone", "7")
    assert adopted.exit_code == 0, adopted.stderr
    assert "Version 3 adopted on 2022-01-21" in adopted.stdout and "Milestone 7 is done" in adopted.stdout
    frozen = coop("unity", "edit", "3", "--file", "/dev/null")
    assert frozen.exit_code == 1 and "coop unity new --from 3" in frozen.stderr


def test_new_version_from_file_and_show(coop, demo_url, tmp_path: Path) -> None:
    text = tmp_path / "v4.md"
    text.write_text("# Points of unity\n\nPreamble.\n\n1. One.\n2. Two.\n", encoding="utf-8")
    created = coop("unity", "new", "--file", str(text))
    assert created.exit_code == 0 and "Version 4 saved as a draft with 2 points" in created.stdout
    shown = coop("unity", "show", "3").stdout
    assert "comment 6 from harbor-food (open)" in shown
    assert "comment 5 from building-power" not in shown  # made on version 2, shown there
    assert "declined: The working group kept" in coop("unity", "show", "2").stdout
    bad = tmp_path / "bad.md"
    bad.write_text("No list here.", encoding="utf-8")
    assert "no numbered points" in coop("unity", "new", "--file", str(bad)).stderr


def test_exports(coop, demo_url, tmp_path: Path) -> None:
    markdown = coop("unity", "export", "3").stdout
    assert "*Movement Co-op Program pilot · version 3 · circulating*" in markdown
    assert "*Circulated 2022-01-12 · responses due by 2022-01-28*" in markdown
    assert "7. Care for each other" in markdown
    endorsers, standing_aside = markdown.split("## Endorsed by")[1].split("## Standing aside")
    assert endorsers.count("\n- ") == 8 and "Building Power" not in endorsers
    # A stand-aside is on the sign-on page; its reason only when the co-op agreed to share it.
    assert standing_aside.strip() == "- Building Power Construction Co-op"
    shared = coop(
        "unity",
        "respond",
        "3",
        "building-power",
        "stand-aside",
        "--reason",
        "We would name wage-setting",
        "--share-reason",
        "--on",
        "2022-01-16",
    )
    assert shared.exit_code == 0, shared.stderr
    assert coop("unity", "export", "3").stdout.endswith(
        "## Standing aside\n\n- Building Power Construction Co-op: We would name wage-setting\n"
    )
    pdf = tmp_path / "pou.pdf"
    assert coop("unity", "export", "3", "-o", str(pdf)).exit_code == 0
    pages = PdfReader(io.BytesIO(pdf.read_bytes())).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert len(pages) == 2 and "Endorsed by" in text and "Casa Limpia Cleaning Cooperative" in text
    assert "Circulated 2022-01-12 · responses due by 2022-01-28" in text
    assert "Standing aside" in text and "Building Power Construction Co-op: We would name wage-setting" in text
    assert "CIRCULATING: not yet adopted" in text and "Version 3" in text
    diff = coop("unity", "diff", "2", "3", "--markdown").stdout
    assert "**Point 7 (added):** **Care for each other" in diff
    data = json.loads(coop("unity", "tally", "3", "--json", "--as-of", "2022-01-15").stdout)
    assert (data["endorsements_needed"], len(data["endorsed"]), len(data["not_answered"])) == (9, 8, 4)
    # Derived figures come with the JSON too: what stands between the version and adoption.
    assert (data["rule_met"], data["missing"]) == (False, ["1 more endorsement: 8 of the 9 needed"])
