"""Cleaning of free text a person types: trimmed, no control characters, bounded length."""

from __future__ import annotations

import re
import unicodedata

from coopprogram.errors import InvalidInput

MAX_TEXT = 2_000
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def clean_text(
    value: object, *, what: str, required: bool = True, multiline: bool = False, limit: int = MAX_TEXT
) -> str:
    text = str(value).strip()
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
        raise InvalidInput(f"The {what} contains control characters; type it again as plain text.")
    if required and not text:
        raise InvalidInput(f"The {what} cannot be empty.")
    if len(text) > limit:
        raise InvalidInput(f"The {what} is {len(text)} characters long; keep it under {limit}.")
    return text


def slugify(name: str) -> str:
    """`Cooperativa Limpia Lawrence` -> `cooperativa-limpia-lawrence` (ASCII, hyphens)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")


def check_slug(slug: str) -> str:
    if not _SLUG.match(slug) or len(slug) > 60:
        raise InvalidInput(
            f"'{slug}' is not a usable slug: use lower-case letters, digits and single hyphens, e.g. casa-limpia."
        )
    return slug


def is_email(value: str) -> bool:
    """One @, no spaces, something before it and a domain with a dot inside it after it (jamal@example is not one)."""
    local, at, domain = value.partition("@")
    labels = domain.split(".")
    return bool(at) and bool(local) and " " not in value and "@" not in domain and len(labels) > 1 and all(labels)
