"""The words and formats of documents in a language: the gettext catalogs shipped in `locale/`
(compiled from the `.po` sources when the package is built or installed) and Babel's dates,
numbers and money for the locale. English is the source text and keeps the program's own
formats, so an English document reads exactly as before. Loaded only by document commands."""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import date as Date  # `Language.date` shadows the type inside the class
from decimal import Decimal
from functools import cache
from importlib.resources import files

from coopprogram.errors import CoopError
from coopprogram.languages import DEFAULT, SHIPPED, check_language, choose_language
from coopprogram.units import format_hours_decimal, format_money

DOMAIN = "coop"


def N_(message: str) -> str:
    """Marks a string for the catalog where it is defined; it is translated where it is used."""
    return message


@dataclass(frozen=True)
class Language:
    code: str
    catalog: gettext.NullTranslations = field(compare=False, repr=False)

    @property
    def english(self) -> bool:
        return self.code == DEFAULT

    def __call__(self, message: str) -> str:
        """The message in this language (`lang("Agenda:")`)."""
        return self.catalog.gettext(message)

    def plural(self, singular: str, plural: str, count: int) -> str:
        return self.catalog.ngettext(singular, plural, count)

    def long_date(self, day: date) -> str:
        """`Thursday January 20, 2022` · `jueves, 20 de enero de 2022` · `quinta-feira, 20 de janeiro de 2022`."""
        if self.english:
            return f"{day:%A %B %d, %Y}"
        from babel.dates import format_date

        return format_date(day, "full", locale=self.code)

    def short_date_time(self, moment: datetime) -> str:
        """`Thu Jan 20, 2022, 18:00` (a subject line) · `jue., 20 ene. 2022, 18:00`."""
        if self.english:
            return f"{moment:%a %b %d, %Y, %H:%M}"
        from babel.dates import format_date

        return f"{format_date(moment, 'EEE, d MMM y', locale=self.code)}, {moment:%H:%M}"

    def date(self, day: date | None) -> str:
        """A bare date: ISO in English documents (as before), else the locale's long form (`28 de enero de 2022`)."""
        if day is None:
            return ""
        if self.english:
            return str(day)
        from babel.dates import format_date

        return format_date(day, "long", locale=self.code)

    def table_date(self, day: Date) -> str:
        """A date in a table's narrow column: ISO in English, else the locale's medium form (`4 nov 2021`)."""
        if self.english:
            return str(day)
        from babel.dates import format_date

        return format_date(day, "medium", locale=self.code)

    def month(self, year: int, month: int) -> str:
        """`January 2022` · `enero de 2022` · `janeiro de 2022`."""
        from babel.dates import format_skeleton

        return format_skeleton("yMMMM", date(year, month, 1), locale="en" if self.english else self.code)

    def money(self, cents: int) -> str:
        """`$1,234.50` · `1234,50 US$` (Babel's pattern for the locale; the amount stays exact)."""
        if self.english:
            return format_money(cents)
        from babel.numbers import format_currency

        return format_currency(Decimal(cents) / 100, "USD", locale=self.code)

    def hours(self, minutes: int) -> str:
        """Invoice hours to the hundredth: `2.50` · `2,50`."""
        if self.english:
            return format_hours_decimal(minutes)
        from babel.numbers import format_decimal

        return format_decimal(Decimal(format_hours_decimal(minutes)), "#,##0.00", locale=self.code)

    def number(self, value: int | Decimal) -> str:
        if self.english:
            return str(value)
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.code)


@cache
def language(code: str = DEFAULT) -> Language:
    """The language for `code` (checked: one line naming the shipped languages otherwise)."""
    code = check_language(code)
    if code == DEFAULT:
        return Language(code, gettext.NullTranslations())
    folder = files("coopprogram").joinpath("locale")
    try:
        catalog = gettext.translation(DOMAIN, localedir=str(folder), languages=[code])
    except FileNotFoundError:
        raise CoopError(
            f"The {SHIPPED[code]} catalog is not compiled (locale/{code}/LC_MESSAGES/{DOMAIN}.mo): run `make install`, or install the wheel."
        ) from None
    return Language(code, catalog)


ENGLISH = Language(DEFAULT, gettext.NullTranslations())


def document_language(flag: str | None, coop_languages: Iterable[str] = ()) -> Language:
    """The language a document is written in (languages.choose_language), loaded."""
    return language(choose_language(flag, coop_languages))
