"""`coop coops` through the command line, checked in the database; contacts stay private; import
says what would happen and every problem of every row; an email needs a domain with a dot; a
co-op added by mistake is removed while nothing refers to it."""

import csv
import io
import json
import stat
from pathlib import Path

from sqlmodel import select

from coopprogram.config import resolve_database
from coopprogram.db import unit_of_work
from coopprogram.models import AuditEntry, Coop


def _coop(slug: str) -> Coop | None:
    with unit_of_work(resolve_database(None), write=False) as db:
        return db.exec(select(Coop).where(Coop.slug == slug)).first()


def test_add_edit_show(coop, db_url) -> None:
    added = coop(
        "coops",
        "add",
        "Casa Limpia Cleaning Cooperative",
        "--kind",
        "worker",
        "--slug",
        "casa-limpia",
        "--city",
        "Lawrence",
        "--members",
        "9",
        "--joined",
        "2021-10-01",
        "--contact-email",
        "rosa@example.org",
    )
    assert added.exit_code == 0, added.stderr
    assert "'casa-limpia'" in added.stdout
    assert coop("coops", "edit", "casa-limpia", "--members", "11", "--stage", "budding").exit_code == 0
    row = _coop("casa-limpia")
    assert (row.member_count, row.stage, row.city, row.contact_email) == (11, "budding", "Lawrence", "rosa@example.org")
    shown = coop("coops", "show", "casa-limpia")
    assert "rosa@example.org" in shown.stdout and "Lawrence" in shown.stdout


def test_list_and_json_leave_contacts_out(coop, demo_url) -> None:
    listing = coop("coops", "list")
    assert listing.exit_code == 0
    assert "Casa Limpia Cleaning Cooperative" in listing.stdout and "13 co-ops" in listing.stdout
    assert "rosa@" not in listing.stdout and "978-555" not in listing.stdout

    data = json.loads(coop("coops", "list", "--json").stdout)
    assert len(data) == 13 and "contact_email" not in data[0]
    shown = json.loads(coop("coops", "show", "casa-limpia", "--json").stdout)
    assert shown["contact_email"] == "rosa@casalimpia.example.org"


def test_bad_input_is_one_line_and_changes_nothing(coop, demo_url, unchanged) -> None:
    with unchanged(resolve_database(None)):
        cases = [
            (("coops", "add", "X", "--kind", "cooperative"), 2, "'cooperative' is not one of 'worker', 'producer'"),
            (("coops", "add", "X", "--kind", "worker", "--members", "-3"), 2, "--members"),
            (("coops", "add", "X", "--kind", "worker", "--joined", "2021-02-30"), 2, "not a day of the calendar"),
            (("coops", "add", "Casa Limpia", "--kind", "worker", "--slug", "casa-limpia"), 1, "already exists"),
            (("coops", "edit", "casa-limpa", "--city", "Lowell"), 1, "Did you mean 'casa-limpia'"),
            (("coops", "edit", "casa-limpia"), 1, "Nothing to change"),
            (("coops", "show", "nope"), 1, "There is no co-op 'nope'"),
            (("coops", "archive", "voces", "--on", "tomorrow"), 2, "not a date"),
        ]
        for args, code, message in cases:
            result = coop(*args)
            assert result.exit_code == code, (args, result.stderr)
            assert message in result.stderr, (args, result.stderr)
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert result.stderr.startswith("Error: ")


def test_contact_details_stay_out_of_error_messages(coop, demo_url) -> None:
    result = coop("coops", "edit", "voces", "--contact-email", "sophal.at.voces")
    assert result.exit_code == 1 and "not an email address" in result.stderr
    assert "sophal" not in result.stderr


def test_archive_and_undo(coop, demo_url) -> None:
    assert coop("coops", "archive", "harbor-food", "--on", "2022-02-01").exit_code == 0
    assert "Harbor Community Food Co-op" not in coop("coops", "list").stdout
    assert "archived 2022-02-01" in coop("coops", "list", "--all").stdout
    assert coop("coops", "archive", "harbor-food", "--undo").exit_code == 0
    assert _coop("harbor-food").archived_on is None


def test_import_reports_row_by_row(coop, db_url, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "slug,name,kind,stage\ncasa-limpia,Casa Limpia,worker,existing\nvoces,Voces,worker,budding\n", encoding="utf-8"
    )
    result = coop("coops", "import", str(good))
    assert result.exit_code == 0, result.stderr
    assert "line 2: casa-limpia: added" in result.stdout and "2 added, 0 updated, 0 unchanged" in result.stdout
    again = coop("coops", "import", str(good))
    assert "0 added, 0 updated, 2 unchanged" in again.stdout


def test_import_with_errors_is_refused_whole(coop, db_url, tmp_path: Path, unchanged) -> None:
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("slug,name,kind\nfine,Fine Co-op,worker\nbad,Bad Co-op,collective\n", encoding="utf-8")
    with unchanged(resolve_database(None)):
        result = coop("coops", "import", str(mixed))
    assert result.exit_code == 1
    assert "line 3: bad: rejected ('collective' is not a co-op kind" in result.stderr
    assert "Nothing was imported: 1 of 2 rows have errors" in result.stderr
    assert "line 2: fine: would be added" in result.stdout
    assert _coop("fine") is None


def test_import_refuses_a_file_that_is_not_utf8_or_empty(coop, db_url, tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("slug,name,kind\nx,Panader\xeda,worker\n".encode("latin-1"))
    assert "not UTF-8" in coop("coops", "import", str(latin)).stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("slug,name,kind\n", encoding="utf-8")
    assert "has no rows" in coop("coops", "import", str(empty)).stderr
    missing = coop("coops", "import", str(tmp_path / "missing.csv"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_export_neutralizes_formulas_and_round_trips(coop, demo_url, tmp_path: Path) -> None:
    coop("coops", "edit", "voces", "--notes", '=HYPERLINK("http://evil")', "--contact-phone", "+1 978 555 0172")
    exported = coop("coops", "export").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 13 and "contact_phone" not in rows[0]
    voces = next(row for row in rows if row["slug"] == "voces")
    assert voces["notes"] == '\'=HYPERLINK("http://evil")'
    target = tmp_path / "cohort.csv"
    assert coop("coops", "export", "--include-contacts", "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with_contacts = list(csv.DictReader(target.open(encoding="utf-8")))
    assert next(r for r in with_contacts if r["slug"] == "voces")["contact_phone"] == "'+1 978 555 0172"
    reimport = coop("coops", "import", str(target))
    assert "0 added, 0 updated, 13 unchanged" in reimport.stdout, reimport.stdout + reimport.stderr
    assert _coop("voces").notes == '=HYPERLINK("http://evil")'


def _coop_slugs(url):
    with unit_of_work(url, write=False) as db:
        return sorted(db.exec(select(Coop.slug)).all())


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
