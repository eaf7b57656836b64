"""The program record and its setup from a program file (defaults.toml or a sample's)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from coopprogram.errors import Conflict, InvalidInput, NotFound
from coopprogram.models import Contract, Phase, Program
from coopprogram.services.contracts import check_rate_in_band
from coopprogram.services.phases import check_phase_calendar
from coopprogram.services.text import clean_text
from coopprogram.units import parse_cap, parse_money, utc_now

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "defaults.toml"

# `coop program set FIELD VALUE`: the names a person types, and the column each sets.
SETTABLE_FIELDS = {
    "name": "name",
    "organization": "organization",
    "short-name": "short_name",
    "cohort": "cohort",
    "timezone": "timezone",
}


@dataclass(frozen=True)
class ProgramView:
    name: str
    organization: str
    short_name: str
    cohort: str
    timezone: str
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
        created_at=program.created_at,
        updated_at=program.updated_at,
    )


def has_program(db: Session) -> bool:
    return db.exec(select(Program.id)).first() is not None


def validate_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"'{name}' is not a time zone name. Use an IANA name such as America/New_York."
        ) from None
    return name


def set_program_field(db: Session, *, field: str, value: str) -> ProgramView:
    column = SETTABLE_FIELDS.get(field)
    if column is None:
        raise InvalidInput(f"'{field}' cannot be set. Settable fields: {', '.join(SETTABLE_FIELDS)}.")
    program = get_program(db)
    cleaned = clean_text(value, what=field, required=field != "cohort")
    if column == "timezone":
        validate_timezone(cleaned)
    setattr(program, column, cleaned)
    program.updated_at = utc_now()
    db.add(program)
    db.flush()
    return program_view(db)


def setup_program(db: Session, *, spec: dict[str, Any]) -> Program:
    """Write the program, its phases and its contracts from a parsed program file."""
    if has_program(db):
        raise Conflict("This database already holds a program; nothing was changed.")
    try:
        facts = spec["program"]
        program = Program(
            name=clean_text(facts["name"], what="program name"),
            organization=clean_text(facts["organization"], what="organization"),
            short_name=clean_text(facts["short_name"], what="short name"),
            cohort=clean_text(facts.get("cohort", ""), what="cohort", required=False),
            timezone=validate_timezone(facts.get("timezone", "America/New_York")),
        )
        db.add(program)
        db.flush()
        phases: dict[int, Phase] = {}
        for entry in spec["phases"]:
            phase = Phase(
                program_id=program.id,
                number=int(entry["number"]),
                name=clean_text(entry["name"], what="phase name"),
                starts_on=entry["starts"],
                ends_on=entry["ends"],
                focus=clean_text(entry.get("focus", ""), what="focus", required=False),
            )
            db.add(phase)
            phases[phase.number] = phase
        db.flush()
        check_phase_calendar(db)
        for entry in spec.get("contracts", []):
            contract = Contract(
                phase_id=phases[int(entry["phase"])].id,
                consultant=clean_text(entry["consultant"], what="consultant"),
                hour_cap_minutes=parse_cap(str(entry["hour_cap"])),
                rate_cents=parse_money(str(entry["rate"])),
                rate_min_cents=parse_money(str(entry["rate_min"])),
                rate_max_cents=parse_money(str(entry["rate_max"])),
            )
            check_rate_in_band(contract.rate_cents, contract.rate_min_cents, contract.rate_max_cents)
            db.add(contract)
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"The program file is incomplete or malformed ({error}); nothing was written.") from None
    db.flush()
    return program
