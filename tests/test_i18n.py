"""The shipped catalogs are whole (every message translated, none fuzzy, none missing from the
source) and compiled; dates, money and numbers read as a person of the locale writes them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from coopprogram.errors import InvalidInput
from coopprogram.i18n import language
from coopprogram.languages import SHIPPED, check_language

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "coopprogram" / "locale"
FOREIGN = [code for code in SHIPPED if code != "en"]


def _catalog(code: str):
    with (LOCALE / code / "LC_MESSAGES" / "coop.po").open("rb") as file:
        return read_po(file, locale=code)


def test_no_marked_string_hides_where_the_extractor_cannot_see_it() -> None:
    """`lang('...')` inside an f-string is invisible to pybabel: every literal passed to lang() is in the catalog."""
    import re

    literal = re.compile(r"""\blang\(\s*(?:"([^"\\]+)"|'([^'\\]+)')\s*\)""")
    used = {
        a or b
        for path in (ROOT / "src" / "coopprogram").rglob("*.py")
        for a, b in literal.findall(path.read_text(encoding="utf-8"))
    }
    assert used and used <= _source_ids(), sorted(used - _source_ids())


def _source_ids() -> set[str]:
    """Every string the code marks for translation, found as `make catalogs` finds them."""
    keywords = {"lang": None, "N_": None, "plural": (1, 2)}
    found = extract_from_dir(str(ROOT / "src" / "coopprogram"), method_map=[("**.py", "python")], keywords=keywords)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


@pytest.mark.parametrize("code", FOREIGN)
def test_every_message_is_translated_and_none_is_fuzzy(code: str) -> None:
    catalog = _catalog(code)
    assert not catalog.obsolete, f"{code}: strings no longer in the source: {list(catalog.obsolete)} (remove them)"
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in catalog if message.id}
    assert _source_ids() <= ids, f"not in the {code} catalog (run `make catalogs`): {sorted(_source_ids() - ids)}"
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"{code}: {message.id!r} has no translation"
        assert not message.fuzzy, f"{code}: {message.id!r} is fuzzy: check it and remove the flag"
        # Placeholders survive translation: a missing {title} would drop the session's name.
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        for original, translated in zip(source * len(strings), strings, strict=False):
            assert sorted(_fields(original)) == sorted(_fields(translated)), f"{code}: {message.id!r}"


def _fields(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def test_the_catalogs_are_compiled_and_loaded() -> None:
    assert language("es")("Attendance") == "Asistencia"
    assert language("pt")("Attendance") == "Presença"
    assert (
        language("es")
        .plural(
            "The agenda runs {count} minute past the session's {minutes} minutes: shorten items or lengthen the session.",
            "The agenda runs {count} minutes past the session's {minutes} minutes: shorten items or lengthen the session.",
            2,
        )
        .startswith("La agenda se pasa {count} minutos")
    )
    assert language("en")("Attendance") == "Attendance"


def test_dates_read_as_in_the_locale() -> None:
    day = date(2021, 10, 5)
    assert language("es").long_date(day) == "martes, 5 de octubre de 2021"
    assert language("pt").long_date(day) == "terça-feira, 5 de outubro de 2021"
    assert language("en").long_date(day) == "Tuesday October 05, 2021"  # as English documents always wrote it
    assert language("es").date(date(2022, 1, 28)) == "28 de enero de 2022"
    assert language("pt").month(2022, 1) == "janeiro de 2022"
    assert language("es").short_date_time(datetime(2022, 1, 20, 18, 0)) == "jue, 20 ene 2022, 18:00"


def test_money_and_numbers_read_as_in_the_locale() -> None:
    assert language("en").money(123450) == "$1,234.50"
    assert language("es").money(123450) == "1.234,50\xa0US$"
    assert language("pt").money(123450) == "US$\xa01.234,50"
    assert language("es").money(-5) == "-0,05\xa0US$"
    assert language("pt").number(1234567) == "1.234.567"


def test_an_unknown_language_names_the_ones_there_are() -> None:
    with pytest.raises(
        InvalidInput, match=r"no 'fr' translation: the languages are en \(English\), es \(Español\), pt \(Português\)"
    ):
        check_language("fr")
    assert check_language("ES") == "es" and check_language("pt-BR") == "pt"
