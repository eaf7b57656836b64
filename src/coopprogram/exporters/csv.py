"""CSV text from columns and rows, with spreadsheet formulas neutralized."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from coopprogram.exporters.json import plain
from coopprogram.spreadsheet import neutralize

if TYPE_CHECKING:
    from coopprogram.services.invoices import InvoiceDocument


def render_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: _cell(row.get(name)) for name in columns})
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    value = plain(value)
    return neutralize(value) if isinstance(value, str) else str(value)


def invoice_csv(doc: InvoiceDocument) -> str:
    """One row per line, with the invoice's number and period on each, for the books."""
    columns = [
        "invoice",
        "kind",
        "status",
        "period",
        "date",
        "description",
        "category",
        "minutes",
        "hours",
        "rate_cents",
        "amount_cents",
    ]
    rows = [
        {
            "invoice": doc.reference,
            "kind": doc.kind,
            "status": doc.status,
            "period": doc.period,
            "date": line.worked_on,
            "description": line.description,
            "category": line.category,
            "minutes": line.minutes,
            "hours": line.hours,
            "rate_cents": line.rate_cents,
            "amount_cents": line.amount_cents,
        }
        for line in doc.lines
    ]
    return render_csv(columns, rows)
