"""Cells that spreadsheets would run as formulas: quoted on the way out, unquoted on the way in.

A text cell starting with = + - @ tab or CR is prefixed with an apostrophe (OWASP's advice for
CSV injection). So that an import gives back exactly what was exported, a text that already
starts with apostrophes in front of such a character gets one more.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def needs_quote(text: str) -> bool:
    stripped = text.lstrip(QUOTE)
    return stripped.startswith(FORMULA_STARTS)


def neutralize(text: str) -> str:
    return QUOTE + text if needs_quote(text) else text


def restore(text: str) -> str:
    return text[1:] if text.startswith(QUOTE) and needs_quote(text[1:]) else text
