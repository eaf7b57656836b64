"""Invoices and credit notes, their lines and payments, and the payee printed on them."""

from datetime import date, datetime
from typing import Any

from sqlmodel import Field

from coopprogram.models.base import JSON_DOCUMENT, Table, held_to
from coopprogram.units import utc_now
from coopprogram.vocab import InvoiceKind, InvoiceStatus


class ConsultantProfile(Table, table=True):
    """The payee printed on every invoice: one row, set with `coop consultant set`."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    tax_id: str = ""
    payment: str = ""  # how to pay: check payable to..., ACH details
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class Invoice(Table, table=True):
    """A monthly invoice or a credit note. Numbered only when issued; every printed figure is
    kept in `snapshot` (a JSON document; none for a draft) at that moment, so the document never
    changes afterwards."""

    __table_args__ = (held_to("kind", InvoiceKind), held_to("status", InvoiceStatus))

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    kind: str = InvoiceKind.INVOICE.value
    period: str  # YYYY-MM
    status: str = Field(default=InvoiceStatus.DRAFT.value, index=True)
    sequence: int | None = Field(default=None, unique=True)
    number: str | None = Field(default=None, unique=True)
    credit_for_id: int | None = Field(default=None, foreign_key="invoice.id")
    total_cents: int = 0
    total_minutes: int = 0
    issued_on: date | None = None
    due_on: date | None = None
    paid_on: date | None = None  # the day it was paid in full (its payments are Payment rows)
    voided_on: date | None = None
    void_reason: str = ""
    snapshot: dict[str, Any] | None = Field(default=None, sa_type=JSON_DOCUMENT)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, sa_column_kwargs={"onupdate": utc_now})


class InvoiceLine(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    time_entry_id: int | None = Field(default=None, foreign_key="timeentry.id")
    position: int
    worked_on: date
    description: str
    category: str
    minutes: int  # the billed minutes: the entry's, rounded to the billing increment
    rate_cents: int
    amount_cents: int
    logged_minutes: int | None = None  # the entry's own minutes when it was billed


class Payment(Table, table=True):
    """Money received against an invoice. A payment recorded by mistake is undone, not deleted:
    `undone_on` and `undo_reason` keep the record."""

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount_cents: int
    paid_on: date = Field(index=True)
    note: str = ""
    undone_on: date | None = None
    undo_reason: str = ""
    created_at: datetime = Field(default_factory=utc_now)
