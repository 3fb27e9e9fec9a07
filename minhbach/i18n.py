"""Interface strings from gettext catalogues, and dates formatted per locale (Babel)."""

from __future__ import annotations

import gettext
import io
from datetime import date
from pathlib import Path

from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .problems import Report


def load_translations(locales_dir: Path, lang: str, report: Report) -> gettext.NullTranslations:
    """Compile ``locales/<lang>/LC_MESSAGES/messages.po`` in memory; warn about gaps."""
    po_path = locales_dir / lang / "LC_MESSAGES" / "messages.po"
    name = f"{locales_dir.name}/{lang}/LC_MESSAGES/messages.po"
    if not po_path.exists():
        if lang != "en":
            report.warning(name, 0, "", f"no interface translation for '{lang}'; English strings are shown",
                           "run: pybabel init -i locales/messages.pot -d locales -l " + lang)
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        try:
            catalog = read_po(handle, locale=lang)
        except Exception as error:  # Babel raises several types for broken catalogues
            report.error(name, 0, "", f"the catalogue cannot be read: {error}")
            return gettext.NullTranslations()
    if lang != "en":
        for message in catalog:
            if message.id and not message.string and not message.fuzzy:
                report.warning(name, message.lineno, "msgstr", f"'{message.id}' has no {lang} translation",
                               "translate it; the English string is shown meanwhile")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class DateFormatter:
    """Dates in the reader's language: '30 tháng 9 năm 2022' / '30 September 2022'."""

    def __init__(self, lang: str, pattern: str):
        self.lang = lang
        self.pattern = pattern
        self._days: dict[date, str] = {}  # a site shows a few hundred distinct dates thousands of times

    def day(self, value: date) -> str:
        known = self._days.get(value)
        if known is None:
            known = self._days[value] = format_date(value, self.pattern, locale=self.lang)
        return known

    def month(self, value: date) -> str:
        return format_skeleton("yMMMM", value, locale=self.lang)

    def month_of_year(self, month: int, day: int | None = None) -> str:
        """A recurring date, which may not exist (31 November is kept as written)."""
        if self.lang == "vi":
            return f"ngày {day} tháng {month}" if day else f"tháng {month}"
        from babel.dates import get_month_names

        name = get_month_names("wide", locale=self.lang)[month]
        return f"{day} {name}" if day else name
