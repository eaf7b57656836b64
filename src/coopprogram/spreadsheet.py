"""Cells that spreadsheets would run as formulas: quoted on the way out, unquoted on the way in.

A text cell starting with = + - @ tab or CR is prefixed with an apostrophe (OWASP's
advice for CSV injection); an import strips exactly that prefix again.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralize(text: str) -> str:
    return QUOTE + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    if text.startswith(QUOTE) and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text
