"""Plan the site: every file it will have, where each page goes, before any is rendered."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .config import SiteConfig
from .fragments import ContentFile
from .markup import MarkdownRenderer
from .pages import PageSpec, page_languages, plan_pages
from .problems import Report
from .render import Renderer
from .security import Policy
from .site import Site
from .sitefiles import ContentFiles, SiteFiles


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
