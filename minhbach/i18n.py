"""Interface strings from gettext catalogues, and dates formatted per locale (Babel)."""

from __future__ import annotations

import functools
import gettext
import io
import re
from datetime import date
from pathlib import Path

from typing import Any

from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

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


def direct_gettext(translations) -> tuple:
    """Jinja's newstyle gettext without its per-call context lookup (a task page makes ~50 calls).

    Same results: the translation as Markup, always formatted with the variables, so
    ``%%`` and escaping behave exactly as with ``install_gettext_translations(newstyle=True)``.
    """
    known: dict[str, Markup] = {}
    plain: dict[str, Markup] = {}  # strings without variables, already formatted ("%%" → "%")

    def gettext(string: str, /, **variables: Any) -> str:
        if not variables:
            done = plain.get(string)
            if done is None:
                done = plain[string] = Markup(translations.gettext(string)) % {}
            return done
        translated = known.get(string)
        if translated is None:
            translated = known[string] = Markup(translations.gettext(string))
        return translated % variables

    def ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> str:
        variables.setdefault("num", num)
        return Markup(translations.ngettext(singular, plural, num)) % variables

    return gettext, ngettext


class DateFormatter:
    """Dates in the reader's language: '30 tháng 9 năm 2022' / '30 September 2022'."""

    def __init__(self, lang: str, pattern: str):
        self.lang = lang
        self.pattern = pattern
        self.day = functools.cache(self._day)  # a site shows a few hundred distinct dates thousands of times

    def _day(self, value: date) -> str:
        return format_date(value, self.pattern, locale=self.lang)

    def month(self, value: date) -> str:
        return format_skeleton("yMMMM", value, locale=self.lang)

    def month_of_year(self, month: int, day: int | None = None) -> str:
        """A recurring date, which may not exist (31 November is kept as written)."""
        if self.lang == "vi":
            return f"ngày {day} tháng {month}" if day else f"tháng {month}"
        from babel.dates import get_month_names

        name = get_month_names("wide", locale=self.lang)[month]
        return f"{day} {name}" if day else name


class TranslatedConstants(Extension):
    """Translate ``_("…")`` calls (a literal string, no variables) once, as a template is compiled.

    Each language has its own environment (render.Renderer), so there such a call always
    gives the same Markup: the template then holds it as if it were written there, instead
    of calling gettext on every page (a task page made some fifty calls, a sixth of its
    time). The value is what the environment's ``_`` returns; calls with variables, and any
    the catalogue cannot format, are left to it.
    """

    def filter_stream(self, stream: TokenStream):
        gettext = self.environment.globals.get("_")
        tokens = list(stream)
        index = 0
        while index < len(tokens):
            token, text = tokens[index], None
            if (gettext is not None and token.type == "name" and token.value in ("_", "gettext")
                    and [t.type for t in tokens[index + 1:index + 4]] == ["lparen", "string", "rparen"]
                    and not (index and tokens[index - 1].type == "dot")):
                try:
                    text = str(gettext(tokens[index + 2].value))
                except (TypeError, ValueError, KeyError):  # e.g. a stray % in the translation
                    pass
            if text is None:
                yield token
                index += 1
                continue
            # ("…"|safe) is the same Markup, and Jinja's compiler folds it into the page's text
            line = token.lineno
            yield from (Token(line, "lparen", "("), Token(line, "string", text), Token(line, "pipe", "|"),
                        Token(line, "name", "safe"), Token(line, "rparen", ")"))
            index += 4


def N_(message: str) -> str:
    """Mark a message for the catalogue (pybabel finds it); it is translated where it is shown."""
    return message


# The engine's most frequent messages and hints, recognised so the live preview shows them in the
# editor's language (translated in locales/ like every interface string). Others stay as written.
MESSAGES: list[tuple[re.Pattern, str]] = [(re.compile(pattern), message) for pattern, message in [
    (r"a required field is missing", N_("a required field is missing")),
    (r"unknown field '(?P<name>.+)'", N_("unknown field '%(name)s'")),
    (r"'(?P<value>.*)' is not one of the allowed values", N_("'%(value)s' is not one of the allowed values")),
    (r"'(?P<value>.*)' is not a valid id", N_("'%(value)s' is not a valid id")),
    (r"unknown agency '(?P<value>.+)'", N_("unknown agency '%(value)s'")),
    (r"unknown province '(?P<value>.+)'", N_("unknown province '%(value)s'")),
    (r"unknown locality '(?P<value>.+)'", N_("unknown locality '%(value)s'")),
    (r"unknown directive '(?P<value>.+)'", N_("unknown directive '%(value)s'")),
    (r"YAML syntax error at column (?P<column>\d+): (?P<problem>.+)",
     N_("YAML syntax error at column %(column)s: %(problem)s")),
    (r"the quoted passage is not in the text of (?P<number>.+) \((?P<file>.+)\)",
     N_("the quoted passage is not in the text of %(number)s (%(file)s)")),
    (r"the English text is missing.*", N_("the English text is missing")),
    (r"'(?P<value>.*)' is not a date written as YYYY-MM-DD", N_("'%(value)s' is not a date written as YYYY-MM-DD")),
    (r"'(?P<value>.*)' is not a real date: .*", N_("'%(value)s' is not a real date")),
    (r"template syntax error: (?P<problem>.+)", N_("template syntax error: %(problem)s")),
    (r"the file is missing", N_("the file is missing")),
    (r"the file is empty", N_("the file is empty")),
    (r"must give the text in both languages", N_("must give the text in both languages")),
    (r"must be a list", N_("must be a list")),
    (r"the id '(?P<value>.+)' is already used by (?P<file>.+)", N_("the id '%(value)s' is already used by %(file)s")),
    (r"progress (?P<value>.+) is outside 0-100", N_("progress %(value)s is outside 0-100")),
    (r"did you mean '(?P<value>.+)'\?", N_("did you mean '%(value)s'?")),
    (r"add '(?P<name>[^']+):' to this record", N_("add '%(name)s:' to this record")),
    (r"put text that contains ': ' inside quotes", N_("put text that contains ': ' inside quotes")),
    (r"check the indentation: .*", N_("check the indentation: fields at the same level must start in the same column")),
    (r"indent with spaces, not tabs", N_("indent with spaces, not tabs")),
    (r"copy the words exactly from one paragraph of the text",
     N_("copy the words exactly from one paragraph of the text")),
    (r"use one of: (?P<values>.+)", N_("use one of: %(values)s")),
    (r"add 'en: \.\.\.' beside 'vi: \.\.\.'", N_("add 'en: ...' beside 'vi: ...'")),
    (r"write it as \{vi: \.\.\., en: \.\.\.\}", N_("write it as {vi: ..., en: ...}")),
    (r"check the \{% %\} and \{\{ \}\} tags", N_("check the {%% %%} and {{ }} tags")),
]]


def in_language(text: str, gettext) -> str:
    """``text`` in the preview's language when it is a message the catalogue knows."""
    for pattern, message in MESSAGES:
        match = pattern.fullmatch(text)
        if match:
            translated = gettext(message)
            return translated % match.groupdict() if "%" in message else translated
    return text
