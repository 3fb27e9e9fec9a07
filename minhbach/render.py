"""Render one page at a time, in its language, from the joined records (plan.py says which pages there are)."""

from __future__ import annotations

import functools
import heapq
import types
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

import jinja2
from markupsafe import Markup, escape

from .config import SiteConfig
from .i18n import DateFormatter, TranslatedConstants, direct_gettext, load_translations
from .markup import MarkdownRenderer
from .models import STATUSES, Task, Text
from .opendata import tables
from .pages import PAGE_SIZE, PAGINATED, PageSpec, feed_province, listed_tasks, page_count, page_languages, pager
from .problems import Report
from .site import Site
from .search import fold
from .seo import LOCALES, StructuredData
from .sitefiles import ContentFiles
from .urls import Urls

OTHER = {"vi": "en", "en": "vi"}
# Macro files every template may use, by the name templates call them with (m.task_item(...)).
MACRO_FILES = (("m", "_macros.html"), ("comments", "_comments.html"), ("search_index", "_search.html"))
# Macros whose HTML depends only on their arguments (ids, statuses, kinds) and the site, so each is
# rendered once per language and arguments: a task page links five or so agencies and provinces.
REUSED_MACROS = {"m": ("agency_link", "province_link", "status_label", "directive_kind", "agency_kind", "relation_label")}
# The site's derived index of the home page's latest updates (Site.derived), carried over by rebuilds.
LATEST_UPDATES = "latest_updates"


class PageContext(jinja2.runtime.Context):
    """Jinja's template context, calling plain Python functions and methods straight away.

    A task page calls url(), the feed and data helpers and the like some sixty times, and
    Jinja's Context.call first looks each callable over for pass_context markers (a tenth
    of the page's time). Functions carrying such a marker, macros and anything else still
    go through it; the result and the errors are the same.
    """

    PLAIN = (types.FunctionType, types.MethodType, types.BuiltinFunctionType, type(functools.cache(len)))

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        if type(__obj) not in PageContext.PLAIN or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


class Renderer:
    """Holds one Jinja environment per language, with that language's strings and dates."""

    def __init__(self, root: Path, config: SiteConfig, site: Site, markdown: MarkdownRenderer, report: Report,
                 css_hash: str = ""):
        self.config = config
        self.site = site
        self.markdown = markdown
        self.urls = Urls(config.base_url, config.base_path)
        self.css_hash = css_hash
        self.environments: dict[str, jinja2.Environment] = {}
        self.translations: dict[str, Any] = {}
        self.structured = StructuredData(site, config, self.urls)
        self.cards: dict[tuple[str, str, bool], bytes] = {}  # UTF-8: half the memory of Vietnamese str
        self.content: ContentFiles | None = None  # made on first use, from the translations below
        self.prepared: dict[tuple[int, str], tuple[Any, Markup]] = {}  # see prepare_prose
        for lang in config.languages:
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(str(root / "templates")),
                autoescape=jinja2.select_autoescape(["html", "xml"]),
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n", TranslatedConstants],
                trim_blocks=True,
                lstrip_blocks=True,
                auto_reload=False,  # one renderer per build; a template edit makes a new one
            )
            env.context_class = PageContext
            translations = load_translations(root / "locales", lang, report)
            self.translations[lang] = translations
            env.install_gettext_translations(translations, newstyle=True)
            gettext, ngettext = direct_gettext(translations)
            env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
            dates = DateFormatter(lang, config.date_format.get(lang, "d MMMM y"))
            env.filters.update(
                t=lambda text, lang=lang: self.text(text, lang),
                plain=lambda text, lang=lang: self.plain(text, lang),
                md=lambda text, lang=lang: self.prose(text, lang),
                day=dates.day,
                month=dates.month,
                fold=fold,
                agency_name=lambda agency_id, lang=lang: self.plain(self.site.agencies[agency_id].name, lang),
            )
            env.globals.update(
                site=site, config=config, lang=lang, other_lang=OTHER[lang], urls=self.urls,
                url=lambda kind, key=None, anchor=None, lang=lang: self.urls.href(lang, kind, key, anchor),
                dates=dates, statuses=STATUSES, status_counts=self.status_counts, css_hash=css_hash,
                latest_updates=self.latest_updates,
                overdue_count=lambda tasks: sum(1 for t in tasks if self.site.deadlines[t.id].overdue),
                task_card=lambda task, show_province=True, lang=lang: self.task_card(task, lang, show_province),
                structured_data=lambda kind, key, lang=lang: self.structured.for_page(kind, key, lang),
                feed_province=lambda kind, key: feed_province(self.site, kind, key),
                og_locales=LOCALES, data_tables=lambda: tables(self.site, self.urls),
            )
            self.environments[lang] = env

    def text(self, value: Text | None, lang: str) -> Markup:
        """Pick the reader's language; a fallback is marked with its own language."""
        if value is None:
            return Markup("")
        chosen = getattr(value, lang, None)
        if chosen:
            return escape(chosen)
        return Markup('<span lang="vi">{}</span>').format(value.vi)

    @staticmethod
    def plain(value: Text | None, lang: str) -> str:
        """The reader's language (or the Vietnamese) as plain text on one line, for attributes and
        the search index: what ``|t|striptags`` gives, without making HTML first."""
        if value is None:
            return ""
        return " ".join((getattr(value, lang, None) or value.vi).split())

    def prose(self, value: Text | None, lang: str) -> Markup:
        """Render a Markdown text field in the reader's language (sanitised)."""
        if value is None:
            return Markup("")
        prepared = self.prepared.pop((id(value), lang), None)
        if prepared is not None and prepared[0] is value:
            return prepared[1]
        chosen = getattr(value, lang, None)
        source, fallback = (chosen, False) if chosen else (value.vi, True)
        html = Markup(self.markdown.prose(source))  # cmark is fast; keeping 20,000 bodies would cost 150 MB
        return Markup('<div lang="vi">{}</div>').format(html) if fallback else html

    def prepare_prose(self, texts: Iterable[tuple[Text, str]]) -> None:
        """Render these Markdown texts (each with its language) now, one after another, for
        prose() to hand out once each; forget those prepared before and not asked for.

        A few pages' texts rendered together, rather than each amid its page's template code,
        find cmark's and nh3's code and tables still in the processor's caches: a national
        site's task page takes 5-10 % less time (benchmarks/README.md). Each is kept with the
        text it was made from, so no other text can be given it.
        """
        self.prepared = {}  # the last batch's leftovers go before this one is made
        self.prepared = {(id(value), lang): (value, self.prose(value, lang)) for value, lang in texts}

    @staticmethod
    def status_counts(tasks: list[Task]) -> Counter:
        return Counter(t.status for t in tasks)

    def latest_updates(self, tasks: list[Task] | None = None, limit: int = 10) -> list[tuple[Any, Task]]:
        """The newest dated updates, newest first, with their tasks."""
        return self.latest_updates_of(self.site, tasks, limit)

    @staticmethod
    def latest_updates_of(site: Site, tasks: list[Task] | None = None, limit: int = 10) -> list[tuple[Any, Task]]:
        if tasks is None and limit == 10:  # the home page's, asked again by incremental rebuilds
            return site.derived(LATEST_UPDATES, lambda: Renderer.latest_updates_of(site, list(site.tasks.values())))
        pool = tasks if tasks is not None else site.tasks.values()
        return heapq.nlargest(limit, ((u, t) for t in pool for u in t.updates), key=lambda pair: (pair[0].date, pair[1].id))

    def task_card(self, task: Task, lang: str, show_province: bool = True) -> Markup:
        """A task's card, rendered once and reused by every list that shows it."""
        key = (lang, task.id, show_province)
        card = self.cards.get(key)
        if card is None:
            card = self.cards[key] = str(self.environments[lang].globals["m"].task_item(task, show_province)).encode("utf-8")
        return Markup(card.decode("utf-8"))

    def task_cards(self, tasks: Iterable[Task]) -> None:
        """Render every card of ``tasks`` (each language, with and without the province) not yet rendered."""
        for task in tasks:
            for lang in self.config.languages:
                for show_province in (True, False):
                    if (lang, task.id, show_province) not in self.cards:
                        self.task_card(task, lang, show_province)

    def use_site(self, site: Site) -> None:
        self.site = site
        self.prepared = {}
        self.structured = StructuredData(site, self.config, self.urls)
        for env in self.environments.values():
            env.globals["site"] = site
        self.load_macros()

    def load_macros(self) -> None:
        """Evaluate the macro files once, with the site's globals, and offer them to every template.

        Importing them in each page (``{% import ... with context %}``) evaluated them again
        for each of a national site's 25,000 pages.
        """
        for env in self.environments.values():
            for alias, _ in MACRO_FILES:
                env.globals.pop(alias, None)
            for alias, name in MACRO_FILES:
                module = env.get_template(name).make_module()
                for macro in REUSED_MACROS.get(alias, ()):
                    if hasattr(module, macro):  # a site's own _macros.html may lack one
                        setattr(module, macro, functools.cache(getattr(module, macro)))
                env.globals[alias] = module

    def forget_cards(self, task_ids) -> None:
        """Drop the cards of tasks whose facts changed (an incremental rebuild renders them again)."""
        for task_id in task_ids:
            for lang in self.config.languages:
                for show_province in (True, False):
                    self.cards.pop((lang, task_id, show_province), None)

    def render(self, spec: PageSpec, lang: str) -> str:
        env = self.environments[lang]
        template = env.get_template(spec.template)
        alternates = {other: self.urls.href(other, spec.kind, spec.key, page=spec.page)
                      for other in page_languages(self.site, spec, self.config.languages)}
        context = {}
        if spec.template == "task_list.html":
            listed = listed_tasks(self.site, spec.kind, spec.key)
            pages = page_count(len(listed)) if spec.kind in PAGINATED else 1
            start = (spec.page - 1) * PAGE_SIZE if spec.kind in PAGINATED else 0
            context = {
                "tasks": listed[start:start + PAGE_SIZE] if spec.kind in PAGINATED else listed,
                "total": len(listed), "page": spec.page, "pages": pages, "pager": pager(spec.page, pages),
                "page_url": lambda n: self.urls.href(lang, spec.kind, spec.key, page=n),
            }
        return template.render(
            kind=spec.kind, key=spec.key, alternates=alternates,
            canonical=self.urls.absolute(self.urls.href(lang, spec.kind, spec.key, page=spec.page)), **context,
        )

    def render_special(self, template_name: str, lang: str, **context: Any) -> str:
        return self.environments[lang].get_template(template_name).render(**context)
