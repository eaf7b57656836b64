"""The consultant's profile: the payee every invoice names (name, address, email, phone, tax
ID, how to pay), one record, set with `coop consultant set`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from coopprogram.errors import InvalidInput
from coopprogram.models import ConsultantProfile
from coopprogram.services.text import clean_text, is_email

# The option a person types, the column it sets, and the longest text it takes.
FIELDS = {
    "name": ("name", 200),
    "address": ("address", 500),
    "email": ("email", 200),
    "phone": ("phone", 60),
    "tax-id": ("tax_id", 60),
    "payment": ("payment", 1000),
}


@dataclass(frozen=True)
class PayeeView:
    name: str
    address: str = ""
    email: str = ""
    phone: str = ""
    tax_id: str = ""
    payment: str = ""

    @property
    def missing(self) -> list[str]:
        """What an invoice needs from the profile before a treasurer can pay it."""
        return [option for option, value in (("--name", self.name), ("--payment", self.payment)) if not value]


def _profile(db: Session) -> ConsultantProfile | None:
    return db.exec(select(ConsultantProfile).order_by(ConsultantProfile.id)).first()


def payee(db: Session) -> PayeeView:
    row = _profile(db)
    if row is None:
        return PayeeView(name="")
    return PayeeView(row.name, row.address, row.email, row.phone, row.tax_id, row.payment)


def set_profile(db: Session, **changes: str | None) -> PayeeView:
    """Set the fields given (keyword names: name, address, email, phone, tax_id, payment)."""
    columns = dict(FIELDS.values())
    given = {column: value for column, value in changes.items() if value is not None}
    if unknown := set(given) - set(columns):
        raise InvalidInput(f"The consultant's profile has no {', '.join(sorted(unknown))}.")
    if not given:
        raise InvalidInput("Nothing to set: give --name, --address, --email, --phone, --tax-id or --payment.")
    row = _profile(db) or ConsultantProfile()
    for column, value in given.items():
        text = clean_text(
            value, what=f"consultant's {column.replace('_', ' ')}", required=column == "name", limit=columns[column]
        )
        if column == "email" and text and not is_email(text):
            raise InvalidInput(f"'{text}' is not an email address: write it as name@example.org.")
        setattr(row, column, text)
    db.add(row)
    db.flush()
    return payee(db)
