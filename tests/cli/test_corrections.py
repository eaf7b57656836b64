"""Corrections: hours edit relinks an entry; coops import says what would happen and every
problem of every row; an email needs a domain with a dot; a co-op added by mistake is removed
while nothing refers to it."""

from __future__ import annotations

import json

from sqlmodel import select

from coopprogram.db import unit_of_work
from coopprogram.models import AuditEntry, Coop, TimeEntry


def _coop_slugs(url):
    with unit_of_work(url, write=False) as db:
        return sorted(db.exec(select(Coop.slug)).all())


def test_hours_edit_links_coop_milestone_and_session(coop, demo_url) -> None:
    assert coop("hours", "log", "1", "Call with Voces", "--date", "2022-01-03").exit_code == 0
    entry_id = json.loads(coop("hours", "list", "--json").stdout)[-1]["id"]
    edited = coop("hours", "edit", str(entry_id), "--coop", "voces", "--milestone", "5", "--session", "14")
    assert edited.exit_code == 0, edited.stderr
    with unit_of_work(demo_url, write=False) as db:
        row = db.get(TimeEntry, entry_id)
        voces = db.exec(select(Coop).where(Coop.slug == "voces")).one()
        assert (row.coop_id, row.milestone_id, row.session_id) == (voces.id, 5, 14)
    missing = coop("hours", "edit", str(entry_id), "--milestone", "999")
    assert missing.stderr == "Error: There is no milestone 999. `coop milestones list` shows their numbers.\n"


def test_import_lists_every_problem_and_says_what_would_be_added(coop, demo_url, tmp_path, unchanged) -> None:
    bad = tmp_path / "cohort.csv"
    bad.write_text(
        "slug,name,kind,contact_email,member_count\nroxbury-print,Roxbury Print,worker,,12\n"
        "bad-one,,alien,jamal@example,-2\n",
        encoding="utf-8",
    )
    with unchanged(demo_url):
        refused = coop("coops", "import", str(bad))
    assert refused.exit_code == 1
    assert refused.stdout == "line 2: roxbury-print: would be added\n"
    assert refused.stderr.splitlines() == [
        "line 3: bad-one: rejected (member_count: '-2' is not a whole member count (0 or more, digits only); "
        "The co-op name cannot be empty; 'alien' is not a co-op kind: use one of worker, producer, consumer, housing, multi-stakeholder; "
        "The contact email is not an email address: it needs one @, no spaces, and a domain with a dot (name@example.org))",
        "Error: Nothing was imported: 1 of 2 rows have errors (listed above). Fix them and import again.",
    ]
    good = tmp_path / "good.csv"
    good.write_text("slug,name,kind\nroxbury-print,Roxbury Print,worker\n", encoding="utf-8")
    with unchanged(demo_url):
        checked = coop("coops", "import", str(good), "--dry-run")
    assert checked.stdout.splitlines() == [
        "line 2: roxbury-print: would be added",
        f"Checked {good}: 1 would be added, 0 updated, 0 unchanged; nothing was changed.",
    ]
    assert coop("coops", "import", str(good)).stdout.splitlines()[0] == "line 2: roxbury-print: added"
    assert "roxbury-print" in _coop_slugs(demo_url)


def test_semicolon_file_gets_a_hint(coop, demo_url, tmp_path) -> None:
    semicolons = tmp_path / "cohort.csv"
    semicolons.write_text("slug;name;kind\nroxbury-print;Roxbury Print;worker\n", encoding="utf-8")
    result = coop("coops", "import", str(semicolons))
    assert result.exit_code == 1
    assert "look separated by semicolons (;)" in result.stderr and "'CSV UTF-8 (comma delimited)'" in result.stderr


def test_an_email_needs_a_domain_with_a_dot(coop, demo_url) -> None:
    for address in (
        "jamal@example",
        "jamal@.org",
        "jamal@example.",
        "@example.org",
        "ja mal@example.org",
        "a@b@example.org",
    ):
        result = coop("coops", "edit", "voces", "--contact-email", address)
        assert result.exit_code == 1, address
        assert "needs one @, no spaces, and a domain with a dot" in result.stderr
    assert coop("coops", "edit", "voces", "--contact-email", "jamal@example.org").exit_code == 0
    assert coop("consultant", "set", "--email", "me@example").exit_code == 1


def test_remove_a_coop_added_by_mistake(coop, demo_url, unchanged, monkeypatch) -> None:
    monkeypatch.setenv("COOP_USER", "Ana")
    assert coop("coops", "add", "Roxbury Print Collective", "--kind", "worker").exit_code == 0
    removed = coop("coops", "remove", "roxbury-print-collective")
    assert removed.stdout == "Removed Roxbury Print Collective (roxbury-print-collective).\n"
    assert "roxbury-print-collective" not in _coop_slugs(demo_url)
    with unit_of_work(demo_url, write=False) as db:
        audit = db.exec(select(AuditEntry).where(AuditEntry.entity == "coop", AuditEntry.action == "delete")).all()
        assert [(a.actor, a.command) for a in audit] == [("Ana", "coop coops remove")]
        assert audit[0].changes["slug"] == "roxbury-print-collective"
    with unchanged(demo_url):
        refused = coop("coops", "remove", "voces")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "Error: Voces Language Justice Cooperative cannot be removed: 8 session invitations, "
    )
    assert "1 time entry, 1 comment, 2 responses" in refused.stderr
    assert refused.stderr.endswith(
        "refer to it. Archive it instead (`coop coops archive voces`): it leaves the cohort and its history stays.\n"
    )
