"""`coop phases` through the command line: the demo's two phases, a focus edited, a refused edit."""

import json


def test_list_show_and_edit_a_phase(coop, demo_url, unchanged) -> None:
    phases = json.loads(coop("phases", "list", "--json").stdout)
    assert [(p["number"], p["starts_on"], p["ends_on"], p["days"]) for p in phases] == [
        (1, "2021-10-01", "2022-03-31", 182),
        (2, "2022-04-01", "2022-08-31", 153),
    ]
    assert coop("phases", "edit", "II", "--focus", "Strategy").exit_code == 0
    shown = coop("phases", "show", "II").stdout
    assert shown.startswith("Phase II: 2022-04-01 to 2022-08-31 (153 days)\nFocus: Strategy\n")
    assert "Contract: none for this phase yet." in shown
    with unchanged(demo_url):
        overlap = coop("phases", "edit", "I", "--ends", "2022-04-30")
    assert overlap.exit_code == 1 and "overlap" in overlap.stderr
