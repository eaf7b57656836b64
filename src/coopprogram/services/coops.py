"""The pilot co-ops: adding, editing, archiving, finding by slug (with a suggestion when
mistyped), and the CSV import and export of the cohort list.

Contact details are personal data: views carry them, but every listing and export leaves
them out unless the caller asks for them.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from coopprogram import spreadsheet
from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Coop, CoopKind, CoopStage
from coopprogram.services.text import check_slug, clean_text, slugify
from coopprogram.units import parse_count, parse_date
from coopprogram.vocab import one_of

CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
# The CSV columns, in the order `coop coops export` writes them; import takes the same names.
PUBLIC_FIELDS = (
    "slug",
    "name",
    "kind",
    "stage",
    "sector",
    "city",
    "sponsor",
    "member_count",
    "focus_communities",
    "joined_on",
    "archived_on",
    "notes",
)
CSV_FIELDS = PUBLIC_FIELDS + CONTACT_FIELDS


@dataclass(frozen=True)
class CoopView:
    slug: str
    name: str
    kind: str
    stage: str
    sector: str
    city: str
    sponsor: str
    member_count: int | None
    focus_communities: str
    joined_on: date | None
    archived_on: date | None
    notes: str
    contact_name: str
    contact_email: str
    contact_phone: str

    @property
    def active(self) -> bool:
        return self.archived_on is None

    def as_dict(self, *, include_contacts: bool) -> dict[str, Any]:
        data = asdict(self)
        if not include_contacts:
            for name in CONTACT_FIELDS:
                data.pop(name)
        return data


def to_view(coop: Coop) -> CoopView:
    return CoopView(**{name: getattr(coop, name) for name in CSV_FIELDS})


# --- finding -------------------------------------------------------------------------------


def _slugs(db: Session) -> list[str]:
    return list(db.exec(select(Coop.slug).order_by(Coop.slug)).all())


def unknown_slug_message(db: Session, slug: str) -> str:
    slugs = _slugs(db)
    if not slugs:
        return f"There is no co-op '{slug}': no co-ops are recorded yet. Add one with `coop coops add NAME --kind worker`."
    close = difflib.get_close_matches(slug, slugs, n=1, cutoff=0.6)
    if close:
        return f"There is no co-op '{slug}'. Did you mean '{close[0]}'? (`coop coops list --all` shows every slug.)"
    if len(slugs) <= 15:
        return f"There is no co-op '{slug}'. Known slugs: {', '.join(slugs)}."
    return f"There is no co-op '{slug}'. Run `coop coops list --all` to see every slug."


def get_coop(db: Session, slug: str) -> Coop:
    coop = db.exec(select(Coop).where(Coop.slug == slug.strip().lower())).first()
    if coop is None:
        raise NotFound(unknown_slug_message(db, slug))
    return coop


def list_coops(db: Session, *, include_archived: bool = False) -> list[CoopView]:
    query = select(Coop).order_by(Coop.name)
    if not include_archived:
        query = query.where(Coop.archived_on.is_(None))
    return [to_view(coop) for coop in db.exec(query).all()]


def show_coop(db: Session, slug: str) -> CoopView:
    return to_view(get_coop(db, slug))


def active_coops_on(db: Session, day: date) -> list[CoopView]:
    """Co-ops in the cohort on `day`: joined by then (or with no date) and not archived before it."""
    return [
        view
        for view in list_coops(db, include_archived=True)
        if (view.joined_on is None or view.joined_on <= day) and (view.archived_on is None or view.archived_on > day)
    ]


# --- validation shared by add, edit and import ------------------------------------------------


def _check_email(value: str) -> str:
    if value and ("@" not in value or " " in value or value.startswith("@") or value.endswith("@")):
        # Personal data: the message says what is wrong without repeating the address.
        raise InvalidInput("The contact email is not an email address: it needs one @ and no spaces.")
    return value


def validate_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The given fields, cleaned and checked; raises InvalidInput on the first bad one."""
    checked: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "slug":
            checked[name] = check_slug(clean_text(value, what="slug").lower())
        elif name == "name":
            checked[name] = clean_text(value, what="co-op name", limit=200)
        elif name == "kind":
            checked[name] = one_of(CoopKind, value, what="a co-op kind").value
        elif name == "stage":
            checked[name] = one_of(CoopStage, value, what="a co-op stage").value
        elif name == "member_count":
            if value is not None and (not isinstance(value, int) or value < 0 or value > 100_000):
                raise InvalidInput(f"A member count of {value} is not possible: give a whole number from 0.")
            checked[name] = value
        elif name in ("joined_on", "archived_on"):
            checked[name] = value
        elif name == "notes":
            checked[name] = clean_text(value, what="notes", required=False, multiline=True)
        elif name == "contact_email":
            checked[name] = _check_email(clean_text(value, what="contact email", required=False, limit=254))
        elif name in CSV_FIELDS:
            checked[name] = clean_text(value, what=name.replace("_", " "), required=False, limit=300)
        else:  # pragma: no cover - callers pass only known fields
            raise InvalidInput(f"'{name}' is not a co-op field.")
    return checked


# --- changes ---------------------------------------------------------------------------------


def add_coop(db: Session, *, name: str, kind: str, stage: str = CoopStage.EXISTING.value, slug: str | None = None, **fields: Any) -> CoopView:
    changes = validate_changes({"name": name, "kind": kind, "stage": stage, **fields})
    changes["slug"] = check_slug(slug.strip().lower()) if slug else slugify(changes["name"])
    if not changes["slug"]:
        raise InvalidInput(f"No slug can be made from '{name}'; give one with --slug.")
    if db.exec(select(Coop.id).where(Coop.slug == changes["slug"])).first() is not None:
        raise Conflict(
            f"A co-op with the slug '{changes['slug']}' already exists. Give this one another with --slug."
        )
    coop = Coop(**changes)
    db.add(coop)
    db.flush()
    return to_view(coop)


def edit_coop(db: Session, *, slug: str, **fields: Any) -> CoopView:
    coop = get_coop(db, slug)
    changes = validate_changes({name: value for name, value in fields.items() if value is not None})
    if not changes:
        raise InvalidInput("Nothing to change: give at least one option, e.g. --city Lowell.")
    new_slug = changes.get("slug")
    if new_slug and new_slug != coop.slug and db.exec(select(Coop.id).where(Coop.slug == new_slug)).first():
        raise Conflict(f"The slug '{new_slug}' is taken by another co-op; choose another.")
    for name, value in changes.items():
        setattr(coop, name, value)
    db.add(coop)
    db.flush()
    return to_view(coop)


def archive_coop(db: Session, *, slug: str, on: date, undo: bool = False) -> CoopView:
    coop = get_coop(db, slug)
    if undo:
        if coop.archived_on is None:
            raise Conflict(f"{coop.name} is not archived; nothing changed.")
        coop.archived_on = None
    else:
        if coop.archived_on is not None:
            raise Conflict(f"{coop.name} was already archived on {coop.archived_on}; nothing changed.")
        coop.archived_on = on
    db.add(coop)
    db.flush()
    return to_view(coop)


# --- CSV import and export -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRow:
    line: int
    slug: str
    action: str  # added, updated, unchanged, rejected
    detail: str = ""


@dataclass(frozen=True)
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def rejected(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == "rejected"]


def _parse_cell(name: str, text: str) -> Any:
    text = spreadsheet.restore(text.strip())
    try:
        if name == "member_count":
            return parse_count(text, what="member count") if text else None
        if name in ("joined_on", "archived_on"):
            return parse_date(text) if text else None
    except ValueError as error:
        raise InvalidInput(f"{name}: {error}") from None
    return text


def import_coops(db: Session, *, text: str) -> ImportReport:
    """Add or update co-ops by slug from CSV text. Writes nothing unless every row is good.

    Columns left out of the file leave those fields as they are; an empty cell clears one.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    unknown = [name for name in header if name not in CSV_FIELDS]
    if not header or ("name" not in header and "slug" not in header):
        raise InvalidInput("The file has no 'name' or 'slug' column. Its first line must name the columns, e.g. slug,name,kind,stage.")
    if unknown:
        raise InvalidInput(f"Unknown column(s) {', '.join(unknown)}. Columns can be: {', '.join(CSV_FIELDS)}.")
    reader.fieldnames = header
    existing = {coop.slug: coop for coop in db.exec(select(Coop)).all()}
    seen: set[str] = set()
    planned: list[tuple[ImportRow, dict[str, Any]]] = []
    for line, raw in enumerate(reader, start=2):
        if raw.get(None):
            planned.append((ImportRow(line, "", "rejected", "more cells than columns"), {}))
            continue
        cells = {name: value or "" for name, value in raw.items()}
        slug = cells.get("slug", "").strip().lower() or slugify(cells.get("name", ""))
        try:
            if not slug:
                raise InvalidInput("no slug and no name")
            if slug in seen:
                raise InvalidInput(f"the slug '{slug}' appears twice in the file")
            seen.add(slug)
            values = validate_changes({name: _parse_cell(name, value) for name, value in cells.items() if name != "slug"} | {"slug": slug})
            current = existing.get(slug)
            if current is None:
                for required in ("name", "kind"):
                    if not values.get(required):
                        raise InvalidInput(f"a new co-op needs a {required}")
                values.setdefault("stage", CoopStage.EXISTING.value)
                planned.append((ImportRow(line, slug, "added"), values))
            else:
                changed = {name: value for name, value in values.items() if getattr(current, name) != value}
                action = "updated" if changed else "unchanged"
                detail = ", ".join(sorted(changed)) if changed else ""
                planned.append((ImportRow(line, slug, action, detail), changed))
        except InvalidInput as error:
            planned.append((ImportRow(line, slug, "rejected", error.message), {}))
    report = ImportReport(rows=[row for row, _ in planned])
    if not report.rows:
        raise InvalidInput("The file has no rows under its header; nothing was imported.")
    if report.rejected:
        return report
    for row, values in planned:
        if row.action == "added":
            db.add(Coop(**values))
        elif row.action == "updated":
            coop = existing[row.slug]
            for name, value in values.items():
                setattr(coop, name, value)
            db.add(coop)
    db.flush()
    return report


def export_table(db: Session, *, include_contacts: bool) -> tuple[list[str], list[dict[str, Any]]]:
    """Every co-op (archived ones too, with their date) as CSV columns and rows."""
    columns = list(CSV_FIELDS if include_contacts else PUBLIC_FIELDS)
    rows = [view.as_dict(include_contacts=include_contacts) for view in list_coops(db, include_archived=True)]
    return columns, rows
