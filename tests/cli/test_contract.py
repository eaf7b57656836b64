"""`coop contract`: the demo's Phase I contract (cap, rate, hours used) and an amendment with
its effective day; a rate outside the band is refused."""

import json


def test_show_and_amend_the_contract(coop, demo_url, unchanged) -> None:
    contract = json.loads(coop("contract", "show", "--json").stdout)
    assert (contract["hour_cap_minutes"], contract["rate_cents"], contract["used_minutes"]) == (6000, 6500, 3000)
    assert "Cap:   100:00 h; 50:00 used (50%), 50:00 left" in coop("contract", "show").stdout
    amended = coop(
        "contract", "amend", "--cap", "120", "--rate", "70", "--reason", "Strategy sessions", "--on", "2022-01-16"
    )
    assert amended.stdout == "Phase I contract amended from 2022-01-16: cap 120:00 h, rate $70.00/h.\n"
    contract = json.loads(coop("contract", "show", "--json").stdout)
    assert (contract["hour_cap_minutes"], contract["rate_cents"], contract["left_minutes"]) == (7200, 7000, 4200)
    assert [(a["effective_on"], a["old_rate_cents"], a["new_rate_cents"]) for a in contract["amendments"]] == [
        ("2022-01-16", 6500, 7000)
    ]
    with unchanged(demo_url):
        refused = coop("contract", "amend", "--rate", "80", "--reason", "raise")
    assert refused.exit_code == 1 and "outside the band $50.00-$75.00" in refused.stderr
