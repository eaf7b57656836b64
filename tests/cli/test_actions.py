"""`coop actions` through the command line."""


def test_actions(coop, demo_url) -> None:
    added = coop("actions", "add", "Share the needs map", "--owner", "Rosa", "--due", "2022-01-20")
    assert added.exit_code == 0 and "Added action 6" in added.stdout
    listing = coop("actions", "list", "--open", "--as-of", "2022-01-19").stdout
    lines = [line for line in listing.splitlines() if line.strip()[:1].isdigit()]
    assert lines[0].split()[0] == "3" and "OVERDUE" in lines[0]
    assert coop("actions", "done", "6", "--on", "2022-01-19").exit_code == 0
    again = coop("actions", "done", "6")
    assert again.exit_code == 1 and "already done on 2022-01-19" in again.stderr
