"""Co-ops: validation, slugs and suggestions, archive, and the CSV import that writes all or nothing."""

from datetime import date

import pytest
from sqlmodel import select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Coop
from coopprogram.services import coops

HEADER = "slug,name,kind,stage,city,member_count,joined_on,contact_email\n"


def _add(db, name="Casa Limpia Cleaning Cooperative", **fields):
    return coops.add_coop(db, name=name, kind=fields.pop("kind", "worker"), **fields)


def test_add_makes_a_slug_and_stores_every_field(session) -> None:
    with session() as db:
        view = _add(db, city="Lawrence", member_count=9, joined_on=date(2021, 10, 1), contact_email="rosa@example.org")
    assert view.slug == "casa-limpia-cleaning-cooperative"
    with session(write=False) as db:
        row = db.exec(select(Coop)).one()
    assert (row.city, row.member_count, row.joined_on, row.contact_email, row.stage) == (
        "Lawrence",
        9,
        date(2021, 10, 1),
        "rosa@example.org",
        "existing",
    )


def test_slug_from_accented_name() -> None:
    from coopprogram.services.text import slugify

    assert slugify("Pan y Rosas Panadería Cooperativa") == "pan-y-rosas-panaderia-cooperativa"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "cooperative"}, "not a co-op kind"),
        ({"stage": "forming"}, "not a co-op stage"),
        ({"member_count": -1}, "member count"),
        ({"contact_email": "rosa.example.org"}, "not an email"),
        ({"name": "   "}, "cannot be empty"),
        ({"name": "Casa\x1b[31m"}, "control characters"),
        ({"slug": "Casa Limpia!"}, "not a usable slug"),
    ],
)
def test_add_refuses_bad_values(session, fields, message) -> None:
    with session() as db, pytest.raises(InvalidInput, match=message):
        _add(db, **fields)


def test_duplicate_slug_is_a_conflict(session) -> None:
    with session() as db:
        _add(db, slug="casa-limpia")
    with session() as db, pytest.raises(Conflict, match="already exists"):
        _add(db, name="Another", slug="casa-limpia")


def test_unknown_slug_suggests_the_closest(session) -> None:
    with session() as db:
        _add(db, slug="casa-limpia")
        _add(db, name="Voces", slug="voces")
    with session(write=False) as db:
        with pytest.raises(NotFound, match="Did you mean 'casa-limpia'"):
            coops.get_coop(db, "casa-limpa")
        with pytest.raises(NotFound, match="Known slugs: casa-limpia, voces"):
            coops.get_coop(db, "zzz")


def test_edit_changes_only_given_fields(session) -> None:
    with session() as db:
        _add(db, slug="casa-limpia", city="Lawrence", member_count=9)
    with session() as db:
        view = coops.edit_coop(db, slug="casa-limpia", member_count=11)
    assert (view.city, view.member_count) == ("Lawrence", 11)


def test_archive_and_active_on(session) -> None:
    with session() as db:
        _add(db, slug="casa-limpia", joined_on=date(2021, 10, 1))
        _add(db, name="Late", slug="late", joined_on=date(2022, 1, 10))
        coops.archive_coop(db, slug="casa-limpia", on=date(2022, 2, 1))
    with session(write=False) as db:
        assert [c.slug for c in coops.active_coops_on(db, date(2022, 1, 5))] == ["casa-limpia"]
        assert sorted(c.slug for c in coops.active_coops_on(db, date(2022, 1, 15))) == ["casa-limpia", "late"]
        assert [c.slug for c in coops.active_coops_on(db, date(2022, 2, 1))] == ["late"]
        assert [c.slug for c in coops.list_coops(db)] == ["late"]
    with session() as db, pytest.raises(Conflict, match="already archived"):
        coops.archive_coop(db, slug="casa-limpia", on=date(2022, 3, 1))


def test_import_good_file_adds_then_is_idempotent(session) -> None:
    text = (
        HEADER
        + "casa-limpia,Casa Limpia,worker,existing,Lawrence,9,2021-10-01,rosa@example.org\nvoces,Voces,worker,budding,Lowell,,,\n"
    )
    with session() as db:
        report = coops.import_coops(db, text=text)
    assert [(r.slug, r.action) for r in report.rows] == [("casa-limpia", "added"), ("voces", "added")]
    with session() as db:
        again = coops.import_coops(db, text=text)
    assert [r.action for r in again.rows] == ["unchanged", "unchanged"]
    with session(write=False) as db:
        assert db.exec(select(Coop).where(Coop.slug == "voces")).one().member_count is None


def test_import_updates_only_columns_present(session) -> None:
    with session() as db:
        _add(db, slug="casa-limpia", city="Lawrence", contact_phone="978-555-0141")
    with session() as db:
        report = coops.import_coops(db, text="slug,city\ncasa-limpia,Methuen\n")
    assert [(r.action, r.detail) for r in report.rows] == [("updated", "city")]
    with session(write=False) as db:
        row = db.exec(select(Coop)).one()
    assert (row.city, row.contact_phone, row.name) == ("Methuen", "978-555-0141", "Casa Limpia Cleaning Cooperative")


def test_import_with_a_bad_row_writes_nothing(session) -> None:
    text = (
        HEADER
        + "casa-limpia,Casa Limpia,worker,existing,Lawrence,9,2021-10-01,\nbad,Bad,cooperative,existing,,,,\nlate,Late,worker,existing,,nine,2022-02-30,\n"
    )
    with session() as db:
        report = coops.import_coops(db, text=text)
    assert [(r.line, r.action) for r in report.rows] == [(2, "added"), (3, "rejected"), (4, "rejected")]
    assert "not a co-op kind" in report.rows[1].detail
    assert "member_count" in report.rows[2].detail
    with session(write=False) as db:
        assert db.exec(select(Coop)).all() == []


def test_import_refuses_duplicates_and_unknown_columns(session) -> None:
    with session() as db:
        report = coops.import_coops(db, text="slug,name,kind\na,A,worker\na,A again,worker\n")
    assert report.rows[1].action == "rejected" and "twice" in report.rows[1].detail
    with session() as db, pytest.raises(InvalidInput, match="Unknown column"):
        coops.import_coops(db, text="slug,name,knd\na,A,worker\n")


def test_new_row_needs_a_kind(session) -> None:
    with session() as db:
        report = coops.import_coops(db, text="slug,name\na,A\n")
    assert report.rows[0].action == "rejected" and "needs a kind" in report.rows[0].detail


def test_export_leaves_contacts_out_unless_asked(session) -> None:
    with session() as db:
        _add(db, slug="casa-limpia", contact_email="rosa@example.org")
    with session(write=False) as db:
        columns, rows = coops.export_table(db, include_contacts=False)
        assert "contact_email" not in columns and "contact_email" not in rows[0]
        columns, rows = coops.export_table(db, include_contacts=True)
        assert rows[0]["contact_email"] == "rosa@example.org"
