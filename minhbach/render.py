"""Render every page of the site, in every language, from the joined records."""

from __future__ import annotations

import functools
import hashlib
import heapq
import types
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jinja2
from markupsafe import Markup, escape

from .config import SiteConfig
from .fragments import ContentFile
from .i18n import DateFormatter, TranslatedConstants, direct_gettext, load_translations
from .markup import MarkdownRenderer
from .models import STATUSES, Task, Text
from .opendata import tables
from .pages import PAGE_SIZE, PAGINATED, PageSpec, feed_province, listed_tasks, page_count, page_languages, pager, plan_pages
from .problems import Report
from .site import Site
from .search import fold
from .security import Policy
from .seo import LOCALES, StructuredData
from .sitefiles import ContentFiles, SiteFiles
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
        self.prepared = {}
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


def css_fingerprint(css: bytes) -> str:
    return hashlib.sha256(css).hexdigest()[:10]


@dataclass
class SitePlan:
    """Every file of the site, planned before any page is rendered.

    Pages are rendered one at a time (``page_bytes``) so a build can stream them to disk,
    or spread them over processes, without holding the whole site in memory.
    """

    renderer: Renderer
    assets: dict[str, bytes]
    pages: list[tuple[str, PageSpec, str]]  # (output path, spec, language)
    specs_planned: list[PageSpec] = field(default_factory=list)
    html_pages: int | None = None
    positions: dict[PageSpec, list[int]] | None = None  # where each spec's pages are in ``pages``
    groups: dict[tuple[str, str | None], list[PageSpec]] | None = None  # the specs of each kind and key

    def index(self) -> None:
        """Index the pages by spec and the specs by record or list, once for as long as no page
        is added: an edit looks up its few pages among 25,000."""
        if self.positions is None or self.groups is None:
            self.positions, self.groups = {}, {}
            for index, (_, spec, _) in enumerate(self.pages):
                self.positions.setdefault(spec, []).append(index)
            for spec in self.positions:
                self.groups.setdefault((spec.kind, spec.key), []).append(spec)

    def indices_of(self, specs: set[PageSpec]) -> list[int]:
        """The positions of the pages of ``specs``, in order."""
        self.index()
        return sorted(index for spec in specs for index in self.positions.get(spec, ()))

    def specs_of(self, kind: str, key: str | None) -> list[PageSpec]:
        """The planned pages of one record or list (every page of a paginated list)."""
        self.index()
        return self.groups.get((kind, key), [])

    def lists_and_tasks(self, indices: Iterable[int] | None = None) -> tuple[list[int], list[int]]:
        """The positions of the pages other than tasks' (lists, agencies, provinces: few, and
        most show task cards), and of the tasks' own pages (most of the site)."""
        lists, tasks = [], []
        for index in range(len(self.pages)) if indices is None else indices:
            (tasks if self.pages[index][1].kind == "task" else lists).append(index)
        return lists, tasks

    def page_bytes(self, index: int) -> bytes:
        _, spec, lang = self.pages[index]
        return self.renderer.render(spec, lang).encode("utf-8")

    def prepare(self, indices: Iterable[int]) -> None:
        """Render ahead, together, the Markdown that the task pages among ``indices`` show (their
        descriptions and updates): see Renderer.prepare_prose. Only a hint: a template
        that shows other texts renders them as it goes, and the bytes are the same either way."""
        site, texts = self.renderer.site, []
        for index in indices:
            _, spec, lang = self.pages[index]
            task = site.tasks.get(spec.key) if spec.kind == "task" else None
            if task is None:
                continue
            for text in (task.description, *[update.text for update in task.updates]):
                if text is not None:
                    texts.append((text, lang))
        self.renderer.prepare_prose(texts)

    def extras(self) -> SiteFiles:
        """The root, 404, sitemap, robots.txt and assets: small files that list the whole site; feeds and data."""
        renderer, config = self.renderer, self.renderer.config
        files = dict(self.assets)
        files["index.html"] = renderer.render_special("root.html", config.default_language).encode("utf-8")
        files["404.html"] = renderer.render_special("404.html", config.default_language).encode("utf-8")
        entries = [
            {lang: renderer.urls.absolute(renderer.urls.href(lang, spec.kind, spec.key, page=spec.page))
             for lang in page_languages(renderer.site, spec, config.languages)}
            for spec in self.specs()
        ]
        files["sitemap.xml"] = renderer.render_special("sitemap.xml", config.default_language, entries=entries).encode("utf-8")
        files["robots.txt"] = (
            f"User-agent: *\nAllow: /\nSitemap: {renderer.urls.absolute(renderer.urls.asset('sitemap.xml'))}\n"
        ).encode("utf-8")
        return SiteFiles(files, self.content_files())

    def content_files(self) -> dict[str, ContentFile]:
        """Feeds and open data: they follow every record; each file's version tells whether it changed."""
        renderer = self.renderer
        if renderer.content is None:
            renderer.content = ContentFiles(renderer.config, renderer.urls, renderer.translations)
        return renderer.content.files(renderer.site)

    def specs(self) -> list[PageSpec]:
        """Every planned spec once, in the order of the pages."""
        self.index()
        return list(self.positions)


def plan_site(root: Path, config: SiteConfig, site: Site, markdown: MarkdownRenderer, report: Report,
              renderer: Renderer | None = None, csp_sources: dict | None = None,
              previous: SitePlan | None = None) -> SitePlan:
    """Set up the renderer and decide where every page goes; report pages that would collide.

    ``csp_sources`` adds sources to every page's Content-Security-Policy (the preview's live reload).
    """
    css = (root / "templates" / "assets" / "site.css").read_bytes()
    css_name = f"assets/site.{css_fingerprint(css)}.css"
    if renderer is None or renderer.css_hash != css_name:
        renderer = Renderer(root, config, site, markdown, report, css_hash=css_name)
    else:  # an incremental rebuild: the same compiled templates and cards, the new records
        renderer.use_site(site)
    assets: dict[str, bytes] = {css_name: css}
    owners: dict[str, str] = {}
    specs = plan_pages(site)
    policy = Policy(config.comments.origin if config.comments.active else None, csp_sources)
    for env in renderer.environments.values():
        env.globals["csp"] = policy.meta
    assets["_headers"] = policy.headers_file(config.base_path)
    # The site's icon, so a browser does not ask for /favicon.ico and get a 404 on every first visit.
    icon = root / "templates" / "assets" / "favicon.svg"
    icon_name = f"assets/favicon.{css_fingerprint(icon.read_bytes())}.svg" if icon.is_file() else ""
    if icon_name:
        assets[icon_name] = icon.read_bytes()
    for env in renderer.environments.values():
        env.globals["favicon"] = renderer.urls.asset(icon_name) if icon_name else ""
    if config.comments.enabled:  # the first-party loader that fetches the comment widget on request
        loader = (root / "templates" / "assets" / "comments.js").read_bytes()
        loader_name = f"assets/comments.{css_fingerprint(loader)}.js"
        assets[loader_name] = loader
        for env in renderer.environments.values():
            env.globals["comments_loader"] = renderer.urls.asset(loader_name)
        specs.append(PageSpec("comments-privacy", None, "comments_privacy.html"))
    search = (root / "templates" / "assets" / "search.js").read_bytes()
    search_name = f"assets/search.{css_fingerprint(search)}.js"
    assets[search_name] = search
    for env in renderer.environments.values():
        env.globals["search_script"] = renderer.urls.asset(search_name)
    renderer.load_macros()  # after every global they use is set
    if previous is not None and previous.renderer is renderer and previous.specs_planned == specs:
        return SitePlan(renderer, assets, previous.pages, specs, html_pages=previous.html_pages,
                        positions=previous.positions, groups=previous.groups)  # an edit that adds or removes no page
    pages = []
    for spec in specs:
        for lang in page_languages(site, spec, config.languages):
            path = renderer.urls.output_path(lang, spec.kind, spec.key, spec.page)
            if path in owners or path in assets:
                report.error(_source_of(site, spec, lang), 0, "",
                             f"this page would be written to {path}, which {owners.get(path, 'a file of the site')} already uses",
                             "rename the page's files" if spec.kind == "page" else "give one of them another id")
                continue
            owners[path] = _source_of(site, spec, lang)
            pages.append((path, spec, lang))
    return SitePlan(renderer, assets, pages, specs)


def render_site(root: Path, config: SiteConfig, site: Site, markdown: MarkdownRenderer, report: Report,
                csp_sources: dict | None = None) -> dict[str, bytes]:
    """Render every page in every language, plus the root, 404, sitemap, assets and _headers."""
    plan = plan_site(root, config, site, markdown, report, csp_sources=csp_sources)
    files = {path: plan.page_bytes(index) for index, (path, _, _) in enumerate(plan.pages)}
    files.update(plan.extras())
    return files


def _source_of(site: Site, spec: PageSpec, lang: str) -> str:
    """The file a page comes from, or what the site's own page is, to name both in a clash."""
    kind = {"province": "provinces", "tasks-by-province": "provinces", "task": "tasks", "agency": "agencies",
            "tasks-by-agency": "agencies", "directive": "directives"}.get(spec.kind)
    if kind and spec.key:
        return site.records.paths.get((kind, spec.key), spec.kind)
    if spec.kind == "page":
        page = site.pages.get((spec.key, lang))
        return page.path if page else f"content/pages/{spec.key}.{lang}.md"
    return f"the site's own {spec.kind.replace('-', ' ')} page"
