"""Render every page of the site, in every language, from the joined records."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .config import SiteConfig
from .i18n import DateFormatter, load_translations
from .markup import MarkdownRenderer
from .models import STATUSES, Task, Text
from .problems import Report
from .resolve import Site
from .security import Policy
from .urls import Urls

OTHER = {"vi": "en", "en": "vi"}


@dataclass(frozen=True)
class PageSpec:
    """One page to render: its kind and key are the same in both languages."""

    kind: str
    key: str | None
    template: str


def plan_pages(site: Site) -> list[PageSpec]:
    """List every page the site has, so twins and the sitemap agree with what is written."""
    specs = [PageSpec("home", None, "home.html"), PageSpec("province-list", None, "province_list.html"),
             PageSpec("task-list", None, "task_list.html"), PageSpec("agency-list", None, "agency_list.html"),
             PageSpec("directive-list", None, "directive_list.html")]
    shown_provinces = sorted(p.id for p in site.provinces.values() if p.parent is None)
    specs += [PageSpec("province", p, "province.html") for p in shown_provinces]
    specs += [PageSpec("tasks-by-province", p, "task_list.html") for p in shown_provinces if site.province_tasks(p)]
    specs += [PageSpec("tasks-by-status", s, "task_list.html") for s in STATUSES]
    specs += [PageSpec("task", t, "task.html") for t in sorted(site.tasks)]
    specs += [PageSpec("agency", a, "agency.html") for a in sorted(site.agencies)]
    specs += [PageSpec("tasks-by-agency", a, "task_list.html") for a in sorted(site.agencies)
              if site.tasks_led.get(a) or site.tasks_coordinated.get(a)]
    specs += [PageSpec("directive", d, "directive.html") for d in sorted(site.directives)]
    specs += [PageSpec("page", slug, "page.html") for slug in sorted({s for s, _ in site.pages})]
    return specs


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
        self._prose_cache: dict[str, Markup] = {}
        for lang in config.languages:
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(str(root / "templates")),
                autoescape=jinja2.select_autoescape(["html", "xml"]),
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.install_gettext_translations(load_translations(root / "locales", lang, report), newstyle=True)
            dates = DateFormatter(lang, config.date_format.get(lang, "d MMMM y"))
            env.filters.update(
                t=lambda text, lang=lang: self.text(text, lang),
                md=lambda text, lang=lang: self.prose(text, lang),
                day=dates.day,
                month=dates.month,
            )
            env.globals.update(
                site=site, config=config, lang=lang, other_lang=OTHER[lang], urls=self.urls,
                url=lambda kind, key=None, anchor=None, lang=lang: self.urls.href(lang, kind, key, anchor),
                dates=dates, statuses=STATUSES, status_counts=self.status_counts, css_hash=css_hash,
                latest_updates=self.latest_updates,
                overdue_count=lambda tasks: sum(1 for t in tasks if site.deadlines[t.id].overdue),
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

    def prose(self, value: Text | None, lang: str) -> Markup:
        """Render a Markdown text field in the reader's language (sanitised)."""
        if value is None:
            return Markup("")
        chosen = getattr(value, lang, None)
        source, fallback = (chosen, False) if chosen else (value.vi, True)
        if source not in self._prose_cache:
            self._prose_cache[source] = Markup(self.markdown.prose(source))
        html = self._prose_cache[source]
        return Markup('<div lang="vi">{}</div>').format(html) if fallback else html

    @staticmethod
    def status_counts(tasks: list[Task]) -> Counter:
        return Counter(t.status for t in tasks)

    def latest_updates(self, tasks: list[Task] | None = None, limit: int = 10) -> list[tuple[Any, Task]]:
        """The newest dated updates, newest first, with their tasks."""
        pool = tasks if tasks is not None else list(self.site.tasks.values())
        found = [(u, t) for t in pool for u in t.updates]
        found.sort(key=lambda pair: (pair[0].date, pair[1].id), reverse=True)
        return found[:limit]

    def render(self, spec: PageSpec, lang: str) -> str:
        env = self.environments[lang]
        template = env.get_template(spec.template)
        alternates = {other: self.urls.href(other, spec.kind, spec.key) for other in self.config.languages}
        return template.render(
            kind=spec.kind, key=spec.key, alternates=alternates,
            canonical=self.urls.absolute(self.urls.href(lang, spec.kind, spec.key)),
        )

    def render_special(self, template_name: str, lang: str, **context: Any) -> str:
        return self.environments[lang].get_template(template_name).render(**context)


def css_fingerprint(css: bytes) -> str:
    return hashlib.sha256(css).hexdigest()[:10]


def render_site(root: Path, config: SiteConfig, site: Site, markdown: MarkdownRenderer, report: Report,
                csp_sources: dict | None = None) -> dict[str, bytes]:
    """Render every page in every language, plus the root, 404, sitemap, assets and _headers.

    ``csp_sources`` adds sources to every page's Content-Security-Policy (the preview's live reload).
    """
    css = (root / "templates" / "assets" / "site.css").read_bytes()
    css_name = f"assets/site.{css_fingerprint(css)}.css"
    renderer = Renderer(root, config, site, markdown, report, css_hash=css_name)
    files: dict[str, bytes] = {css_name: css}
    owners: dict[str, str] = {}
    specs = plan_pages(site)
    policy = Policy(config.comments.origin if config.comments.active else None, csp_sources)
    for env in renderer.environments.values():
        env.globals["csp"] = policy.meta
    files["_headers"] = policy.headers_file(config.base_path)
    if config.comments.enabled:  # the first-party loader that fetches the comment widget on request
        loader = (root / "templates" / "assets" / "comments.js").read_bytes()
        loader_name = f"assets/comments.{css_fingerprint(loader)}.js"
        files[loader_name] = loader
        for env in renderer.environments.values():
            env.globals["comments_loader"] = renderer.urls.asset(loader_name)
        specs.append(PageSpec("comments-privacy", None, "comments_privacy.html"))
    for spec in specs:
        for lang in config.languages:
            path = renderer.urls.output_path(lang, spec.kind, spec.key)
            if path in files:
                report.error(_source_of(site, spec, lang), 0, "",
                             f"this page would be written to {path}, which {owners[path]} already uses",
                             "rename the page's files" if spec.kind == "page" else "give one of them another id")
                continue
            owners[path] = _source_of(site, spec, lang)
            files[path] = renderer.render(spec, lang).encode("utf-8")
    files["index.html"] = renderer.render_special("root.html", config.default_language).encode("utf-8")
    files["404.html"] = renderer.render_special("404.html", config.default_language).encode("utf-8")
    entries = [
        {lang: renderer.urls.absolute(renderer.urls.href(lang, spec.kind, spec.key)) for lang in config.languages}
        for spec in specs
    ]
    files["sitemap.xml"] = renderer.render_special("sitemap.xml", config.default_language, entries=entries).encode("utf-8")
    files["robots.txt"] = (
        f"User-agent: *\nAllow: /\nSitemap: {renderer.urls.absolute(renderer.urls.asset('sitemap.xml'))}\n"
    ).encode("utf-8")
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
