"""`coop consultant`: the payee's profile shown and set; an issued invoice keeps the profile it
was issued with."""


def test_show_and_set_the_profile(coop, demo_url, unchanged) -> None:
    shown = coop("consultant", "show").stdout
    assert "Name:    Marisol Okafor-Reyes\n" in shown and "Phone:   617-555-0148\n" in shown
    assert coop("consultant", "set", "--phone", "617-555-0199").exit_code == 0
    assert "Phone:   617-555-0199\n" in coop("consultant", "show").stdout
    issued = coop("invoices", "export", "SEI-2021-002", "-f", "md").stdout
    assert "617-555-0148" in issued and "617-555-0199" not in issued
    with unchanged(demo_url):
        refused = coop("consultant", "set", "--email", "me@example")
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1
