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
from coopprogram.services.text import check_slug, clean_text, is_email, slugify
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
    "languages",
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
    languages: str  # codes, most used first: "es,en"
    contact_name: str
    contact_email: str
    contact_phone: str

    @property
    def active(self) -> bool:
        return self.archived_on is None

    @property
    def language_codes(self) -> list[str]:
        return self.languages.split(",") if self.languages else []

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
        return (
            f"There is no co-op '{slug}': no co-ops are recorded yet. Add one with `coop coops add NAME --kind worker`."
        )
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
    if value and not is_email(value):
        # Personal data: the message says what is wrong without repeating the address.
        raise InvalidInput(
            "The contact email is not an email address: it needs one @, no spaces, and a domain with a dot (name@example.org)."
        )
    return value


def check_languages(value: str) -> str:
    """`es, EN` as `es,en`: language codes (ISO 639, as `ht` Haitian Creole, `kea` Cape Verdean
    Creole, `km` Khmer) the locale data knows, each once, in the order given."""
    from babel import Locale

    names = Locale("en").languages
    codes: list[str] = []
    for part in value.replace(";", ",").split(","):
        code = part.strip().lower().replace("_", "-")
        if not code:
            continue
        if code.split("-")[0] not in names or not code.replace("-", "").isalpha():
            raise InvalidInput(
                f"{part.strip()!r} is not a language code: give codes such as es, pt, ht, kea, km, en, comma-separated."
            )
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


def language_names(codes: list[str]) -> str:
    """`es (Spanish), en (English)`."""
    from babel import Locale

    names = Locale("en").languages
    return ", ".join(f"{code} ({names.get(code.split('-')[0], code)})" for code in codes)


def validate_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The given fields, cleaned and checked; raises InvalidInput naming every bad one."""
    checked: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in changes.items():
        try:
            checked[name] = _validate_field(name, value)
        except InvalidInput as error:
            problems.append(error.message)
    if problems:
        raise InvalidInput("; ".join(problem.rstrip(".") for problem in problems) + ".")
    return checked


def _validate_field(name: str, value: Any) -> Any:
    if name == "slug":
        return check_slug(clean_text(value, what="slug").lower())
    if name == "name":
        return clean_text(value, what="co-op name", limit=200)
    if name == "kind":
        return one_of(CoopKind, value, what="a co-op kind").value
    if name == "stage":
        return one_of(CoopStage, value, what="a co-op stage").value
    if name == "member_count":
        if value is not None and (not isinstance(value, int) or value < 0 or value > 100_000):
            raise InvalidInput(f"A member count of {value} is not possible: give a whole number from 0.")
        return value
    if name in ("joined_on", "archived_on"):
        return value
    if name == "notes":
        return clean_text(value, what="notes", required=False, multiline=True)
    if name == "languages":
        return check_languages(value)
    if name == "contact_email":
        return _check_email(clean_text(value, what="contact email", required=False, limit=254))
    if name in CSV_FIELDS:
        return clean_text(value, what=name.replace("_", " "), required=False, limit=300)
    raise InvalidInput(f"'{name}' is not a co-op field.")  # pragma: no cover - callers pass only known fields


# --- changes ---------------------------------------------------------------------------------


def add_coop(
    db: Session, *, name: str, kind: str, stage: str = CoopStage.EXISTING.value, slug: str | None = None, **fields: Any
) -> CoopView:
    changes = validate_changes({"name": name, "kind": kind, "stage": stage, **fields})
    changes["slug"] = check_slug(slug.strip().lower()) if slug else slugify(changes["name"])
    if not changes["slug"]:
        raise InvalidInput(f"No slug can be made from '{name}'; give one with --slug.")
    if db.exec(select(Coop.id).where(Coop.slug == changes["slug"])).first() is not None:
        raise Conflict(f"A co-op with the slug '{changes['slug']}' already exists. Give this one another with --slug.")
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


# What a person calls the records that can point at a co-op (table -> one, many).
_REFERRING = {
    "timeentry": ("time entry", "time entries"),
    "invitation": ("session invitation", "session invitations"),
    "withdrawninvitation": ("withdrawn invitation", "withdrawn invitations"),
    "timer": ("running timer", "running timers"),
    "actionitem": ("action item", "action items"),
    "decisioncomment": ("comment", "comments"),
    "decisionresponse": ("response", "responses"),
    "decisionvoter": ("place among a decision's voters", "places among decisions' voters"),
    "material": ("material", "materials"),
    "message": ("message", "messages"),
}


def references_to(db: Session, coop: Coop) -> list[tuple[str, int]]:
    """(what, how many) of every record that refers to a co-op, found from the schema's foreign
    keys so a table added later is counted too."""
    from sqlalchemy import func as sql_func
    from sqlalchemy import select as sql_select

    from coopprogram.models import load_all

    found = []
    for table in load_all().sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == Coop.__tablename__:
                count = db.exec(sql_select(sql_func.count()).select_from(table).where(key.parent == coop.id)).one()[0]
                if count:
                    one, many = _REFERRING.get(table.name, (table.name, table.name))
                    found.append((one if count == 1 else many, int(count)))
    return found


def remove_coop(db: Session, *, slug: str) -> CoopView:
    """Delete a co-op added by mistake; refused while anything refers to it (archive it then)."""
    coop = get_coop(db, slug)
    references = references_to(db, coop)
    if references:
        listed = ", ".join(f"{count} {what}" for what, count in references)
        raise Conflict(
            f"{coop.name} cannot be removed: {listed} refer to it. Archive it instead (`coop coops archive {coop.slug}`): "
            "it leaves the cohort and its history stays."
        )
    view = to_view(coop)
    db.delete(coop)
    db.flush()
    return view


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


def _semicolon_hint(text: str) -> str:
    first = text.split("\n", 1)[0]
    if ";" in first and "," not in first:
        return (
            " Its columns look separated by semicolons (;), as spreadsheets set to some languages save CSV: save it as "
            "'CSV UTF-8 (comma delimited)', or replace the ; with commas, and import again."
        )
    return ""


def _row_values(cells: dict[str, str], slug: str) -> tuple[dict[str, Any], list[str]]:
    """A row's cleaned values and every problem found in it (not only the first)."""
    parsed: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in cells.items():
        if name == "slug":
            continue
        try:
            parsed[name] = _parse_cell(name, value)
        except InvalidInput as error:
            problems.append(error.message)
    values: dict[str, Any] = {}
    for name, value in (parsed | {"slug": slug}).items():
        try:
            values[name] = _validate_field(name, value)
        except InvalidInput as error:
            problems.append(error.message)
    return values, problems


def import_coops(db: Session, *, text: str, dry_run: bool = False) -> ImportReport:
    """Add or update co-ops by slug from CSV text. Writes nothing unless every row is good (nor
    when `dry_run`). A rejected row names every problem it has.

    Columns left out of the file leave those fields as they are; an empty cell clears one.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    unknown = [name for name in header if name not in CSV_FIELDS]
    if not header or ("name" not in header and "slug" not in header):
        raise InvalidInput(
            "The file has no 'name' or 'slug' column. Its first line must name the columns, e.g. slug,name,kind,stage."
            + _semicolon_hint(text)
        )
    if unknown:
        raise InvalidInput(
            f"Unknown column(s) {', '.join(unknown)}. Columns can be: {', '.join(CSV_FIELDS)}." + _semicolon_hint(text)
        )
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
        if not slug:
            planned.append((ImportRow(line, "", "rejected", "no slug and no name"), {}))
            continue
        values, problems = _row_values(cells, slug)
        if slug in seen:
            problems.insert(0, f"the slug '{slug}' appears twice in the file")
        seen.add(slug)
        current = existing.get(slug)
        if current is None:
            problems += [f"a new co-op needs a {required}" for required in ("name", "kind") if required not in cells]
        if problems:
            planned.append(
                (ImportRow(line, slug, "rejected", "; ".join(problem.rstrip(".") for problem in problems)), {})
            )
        elif current is None:
            values.setdefault("stage", CoopStage.EXISTING.value)
            planned.append((ImportRow(line, slug, "added"), values))
        else:
            changed = {name: value for name, value in values.items() if getattr(current, name) != value}
            planned.append(
                (ImportRow(line, slug, "updated" if changed else "unchanged", ", ".join(sorted(changed))), changed)
            )
    report = ImportReport(rows=[row for row, _ in planned])
    if not report.rows:
        raise InvalidInput("The file has no rows under its header; nothing was imported.")
    if report.rejected or dry_run:
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
