"""Which language a document is written in: the languages shipped with the program, the
`--lang` check, and the choice for a document (the flag, else the co-op's first shipped
language, else COOP_LANG or the config's `language`, else English). Light: loads for --help."""

from __future__ import annotations

from collections.abc import Iterable

from coopprogram.errors import InvalidInput

DEFAULT = "en"
# The languages with a catalog in locale/ (English is the source text itself).
SHIPPED = {"en": "English", "es": "Español", "pt": "Português"}


def available() -> str:
    return ", ".join(f"{code} ({name})" for code, name in SHIPPED.items())


def check_language(code: str) -> str:
    """A shipped language's code (`ES` and `es-MX` are read as `es`), or one line saying which there are."""
    normal = code.strip().lower().replace("_", "-").split("-")[0]
    if normal not in SHIPPED:
        raise InvalidInput(f"There is no {code!r} translation: the languages are {available()}.")
    return normal


def choose_language(flag: str | None, coop_languages: Iterable[str] = ()) -> str:
    """The language of a document: --lang, else the first of the co-op's languages the program
    speaks (for a document meant for one co-op), else COOP_LANG or the config's `language`, else English."""
    if flag:
        return check_language(flag)
    for code in coop_languages:
        if code in SHIPPED:
            return code
    from coopprogram.userconfig import setting

    configured = setting("language")
    return check_language(configured) if configured else DEFAULT
