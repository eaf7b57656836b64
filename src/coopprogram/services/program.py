"""The program record and its setup from a program file (defaults.toml or a sample's)."""

from __future__ import annotations

import re
import tomllib
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Category, ConsultantProfile, Contract, Phase, Program, SessionKind
from coopprogram.services.contracts import check_rate_in_band
from coopprogram.services.phases import check_phase_calendar
from coopprogram.services.text import check_slug, clean_text
from coopprogram.units import BILLING_INCREMENTS, MAX_NUMBER, parse_cap, parse_money

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "defaults.toml"

# `coop program set FIELD VALUE`: the names a person types, and the column each sets.
SETTABLE_FIELDS = {
    "name": "name",
    "organization": "organization",
    "short-name": "short_name",
    "cohort": "cohort",
    "timezone": "timezone",
    "bill-to": "bill_to",
    "invoice-pattern": "invoice_pattern",
    "payment-days": "payment_days",
    "billing-increment": "billing_increment_minutes",
    "adoption-endorsements": "adoption_endorse_fraction",
    "adoption-max-blocks": "adoption_max_blocks",
    "mail-from": "mail_from",
    "reminder-days": "reminder_days",
}


@dataclass(frozen=True)
class ProgramView:
    name: str
    organization: str
    short_name: str
    cohort: str
    timezone: str
    bill_to: str
    invoice_pattern: str
    payment_days: int
    billing_increment_minutes: int
    adoption_endorse_fraction: str
    adoption_max_blocks: int
    mail_from: str
    reminder_days: int
    created_at: datetime
    updated_at: datetime


def load_program_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput(f"The program file {path} could not be read: {error}") from None


def get_program(db: Session) -> Program:
    program = db.exec(select(Program)).first()
    if program is None:
        raise NotFound("This database has no program yet. Run `coop init` to set it up.")
    return program


def program_view(db: Session) -> ProgramView:
    program = get_program(db)
    return ProgramView(
        name=program.name,
        organization=program.organization,
        short_name=program.short_name,
        cohort=program.cohort,
        timezone=program.timezone,
        bill_to=program.bill_to,
        invoice_pattern=program.invoice_pattern,
        payment_days=program.payment_days,
        billing_increment_minutes=program.billing_increment_minutes,
        adoption_endorse_fraction=program.adoption_endorse_fraction,
        adoption_max_blocks=program.adoption_max_blocks,
        mail_from=program.mail_from,
        reminder_days=program.reminder_days,
        created_at=program.created_at,
        updated_at=program.updated_at,
    )


def has_program(db: Session) -> bool:
    return db.exec(select(Program.id)).first() is not None


def validate_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones, such as "America"
        raise InvalidInput(f"'{name}' is not a time zone name. Use an IANA name such as America/New_York.") from None
    return name


def validate_fraction(text: str) -> str:
    """A share of the active co-ops, written 2/3, 3/4 or 1/2: more than nothing, at most all."""
    from fractions import Fraction

    try:
        share = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise InvalidInput(f"'{text}' is not a share: write it as a fraction, e.g. 2/3.") from None
    if not 0 < share <= 1:
        raise InvalidInput(f"'{text}' is not a share of the co-ops: give a fraction above 0 and at most 1.")
    return f"{share.numerator}/{share.denominator}"


MAX_BLOCKS = 1000  # more than any cohort: "any number of blocks"
INVOICE_FIELDS = ("prefix", "year", "seq")
_NUMBER_SPEC = re.compile(r"^0?[1-9]?d?$")  # {seq}, {seq:03d}, {year:04}: a plain number, at most 9 digits wide


def validate_invoice_pattern(pattern: str) -> str:
    """The pattern must make distinct, short numbers: it uses {seq}; {prefix} and {year} may appear,
    numbers only as plain digits (no attributes, no other formats), checked when it is set."""
    from string import Formatter

    usage = "use {prefix}, {year} and {seq}, e.g. {prefix}-{year}-{seq:03d}"
    try:
        fields = [
            (name, spec, conversion) for _, name, spec, conversion in Formatter().parse(pattern) if name is not None
        ]
    except ValueError:
        raise InvalidInput(f"'{pattern}' is not an invoice number pattern: {usage}.") from None
    for name, spec, conversion in fields:
        if (
            name not in INVOICE_FIELDS
            or conversion is not None
            or (spec and (name == "prefix" or not _NUMBER_SPEC.match(spec)))
        ):
            raise InvalidInput(
                f"'{pattern}' is not an invoice number pattern: {usage} (numbers as plain digits, e.g. {{seq:03d}})."
            )
    if "seq" not in (name for name, _, _ in fields):
        raise InvalidInput(
            f"The pattern '{pattern}' must contain {{seq}}, the running number, so each invoice gets its own."
        )
    if len(pattern.format(prefix="SEI", year=2099, seq=MAX_NUMBER)) > 60:
        raise InvalidInput(f"The pattern '{pattern}' makes invoice numbers too long; keep them under 60 characters.")
    return pattern


def validate_billing_increment(text: str) -> int:
    """Minutes each billable entry is rounded to: one that prints as exact hundredths of an hour."""
    allowed = ", ".join(str(step) for step in BILLING_INCREMENTS)
    if not (text.isascii() and text.isdigit()) or int(text) not in BILLING_INCREMENTS:
        raise InvalidInput(
            f"'{text}' is not a billing increment: give minutes, one of {allowed} (6 = tenths of an hour)."
        )
    return int(text)


MAX_REMINDER_DAYS = 30


def validate_sender(text: str) -> str:
    """Who messages come from: `Name <address@example.org>` or a bare address."""
    from email.utils import formataddr, parseaddr

    name, address = parseaddr(text)
    local, _, domain = address.partition("@")
    if not text:
        return ""
    if not local or "." not in domain or " " in address:
        raise InvalidInput(
            f"'{text}' is not an email sender: write it as \"SEI Co-op Working Group <coop@example.org>\"."
        )
    return formataddr((name, address))


def set_program_field(db: Session, *, field: str, value: str) -> ProgramView:
    column = SETTABLE_FIELDS.get(field)
    if column is None and field.startswith("consultant"):
        raise InvalidInput(
            "The consultant's details are set with `coop consultant set --name TEXT --payment TEXT` (and --address, --email, --phone, --tax-id)."
        )
    if column is None:
        raise InvalidInput(f"'{field}' cannot be set. Settable fields: {', '.join(SETTABLE_FIELDS)}.")
    program = get_program(db)
    cleaned: str | int = clean_text(value, what=field, required=field not in ("cohort", "bill-to", "mail-from"))
    if column == "timezone":
        validate_timezone(cleaned)
    elif column == "invoice_pattern":
        validate_invoice_pattern(cleaned)
    elif column == "adoption_endorse_fraction":
        cleaned = validate_fraction(cleaned)
    elif column == "adoption_max_blocks":
        if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 4 or int(cleaned) > MAX_BLOCKS:
            raise InvalidInput(
                f"'{value}' is not a number of blocks: give a whole number from 0 (none allowed) to {MAX_BLOCKS}."
            )
        cleaned = int(cleaned)
    elif column == "mail_from":
        cleaned = validate_sender(cleaned)
    elif column == "reminder_days":
        if not (cleaned.isascii() and cleaned.isdigit()) or not 0 <= int(cleaned) <= MAX_REMINDER_DAYS:
            raise InvalidInput(
                f"'{value}' is not a number of days: give 0 to {MAX_REMINDER_DAYS} (days before a session its reminder goes)."
            )
        cleaned = int(cleaned)
    elif column == "payment_days":
        if not (cleaned.isascii() and cleaned.isdigit()) or not 0 <= int(cleaned) <= 365:
            raise InvalidInput(f"'{value}' is not a payment term: give a number of days from 0 to 365.")
        cleaned = int(cleaned)
    elif column == "billing_increment_minutes":
        cleaned = validate_billing_increment(cleaned)
    setattr(program, column, cleaned)
    db.add(program)
    db.flush()
    return program_view(db)


def _payee(spec: dict[str, Any]) -> ConsultantProfile:
    """The program file's [consultant] payee, else the first contract's consultant."""
    given = spec.get("consultant") or {}
    contracts = spec.get("contracts") or [{}]
    name = given.get("name") or contracts[0].get("consultant", "")
    address = given.get("address") or contracts[0].get("consultant_address", "")
    values = {
        "name": name,
        "address": address,
        **{key: given.get(key, "") for key in ("email", "phone", "tax_id", "payment")},
    }
    return ConsultantProfile(
        **{key: clean_text(value, what=f"consultant {key}", required=False) for key, value in values.items()}
    )


def setup_program(db: Session, *, spec: dict[str, Any]) -> Program:
    """Write the program, its phases and its contracts from a parsed program file."""
    if has_program(db):
        raise Conflict("This database already holds a program; nothing was changed.")
    try:
        facts = spec["program"]
        program = Program(
            uid=str(uuid.uuid4()),
            name=clean_text(facts["name"], what="program name"),
            organization=clean_text(facts["organization"], what="organization"),
            short_name=clean_text(facts["short_name"], what="short name"),
            cohort=clean_text(facts.get("cohort", ""), what="cohort", required=False),
            timezone=validate_timezone(facts.get("timezone", "America/New_York")),
            bill_to=clean_text(facts.get("bill_to", ""), what="bill to", required=False),
            invoice_pattern=validate_invoice_pattern(
                facts.get("invoice_pattern", Program.model_fields["invoice_pattern"].default)
            ),
            payment_days=int(facts.get("payment_days", 30)),
            billing_increment_minutes=validate_billing_increment(str(facts.get("billing_increment", 6))),
            adoption_endorse_fraction=validate_fraction(str(facts.get("adoption_endorsements", "2/3"))),
            adoption_max_blocks=int(facts.get("adoption_max_blocks", 0)),
            mail_from=validate_sender(facts.get("mail_from", "")),
            reminder_days=int(facts.get("reminder_days", 2)),
        )
        db.add(program)
        categories = {}
        for position, entry in enumerate(spec.get("categories", []), start=1):
            category = Category(
                slug=check_slug(entry["slug"]),
                name=clean_text(entry["name"], what="category name"),
                phase_number=entry.get("phase"),
                position=position,
            )
            db.add(category)
            categories[category.slug] = category
        for position, entry in enumerate(spec.get("session_kinds", []), start=1):
            db.add(
                SessionKind(
                    slug=check_slug(entry["slug"]),
                    name=clean_text(entry["name"], what="session kind name"),
                    category_slug=entry.get("category", ""),
                    position=position,
                )
            )
        db.flush()
        phases: dict[int, Phase] = {}
        for entry in spec["phases"]:
            default_category = categories.get(entry.get("default_category", ""))
            phase = Phase(
                program_id=program.id,
                number=int(entry["number"]),
                name=clean_text(entry["name"], what="phase name"),
                starts_on=entry["starts"],
                ends_on=entry["ends"],
                focus=clean_text(entry.get("focus", ""), what="focus", required=False),
                default_category_id=default_category.id if default_category else None,
            )
            db.add(phase)
            phases[phase.number] = phase
        db.flush()
        check_phase_calendar(db)
        for entry in spec.get("contracts", []):
            contract = Contract(
                phase_id=phases[int(entry["phase"])].id,
                consultant=clean_text(entry["consultant"], what="consultant"),
                consultant_address=clean_text(
                    entry.get("consultant_address", ""), what="consultant address", required=False
                ),
                hour_cap_minutes=parse_cap(str(entry["hour_cap"])),
                rate_cents=parse_money(str(entry["rate"])),
                rate_min_cents=parse_money(str(entry["rate_min"])),
                rate_max_cents=parse_money(str(entry["rate_max"])),
            )
            check_rate_in_band(contract.rate_cents, contract.rate_min_cents, contract.rate_max_cents)
            db.add(contract)
        db.add(_payee(spec))
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"The program file is incomplete or malformed ({error}); nothing was written.") from None
    db.flush()
    return program
