"""Light: what a phone on a slow network must fetch before it can show a page, and from where."""

from __future__ import annotations

import gzip
import statistics
from dataclasses import dataclass

from .site import BuiltSite, Problem, css_urls

BUDGET = 30 * 1024  # bytes, gzipped: HTML + stylesheets + render-blocking scripts
GZIP_LEVEL = 6  # what a typical web server sends


@dataclass(frozen=True)
class Weight:
    page: str
    html: int
    blocking: int  # stylesheets and synchronous scripts, gzipped

    @property
    def total(self) -> int:
        return self.html + self.blocking


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


def page_weights(site: BuiltSite) -> list[Weight]:
    """Every page's gzipped HTML plus the gzipped files that hold up its first paint."""
    sizes: dict[str, int] = {}
    weights = []
    for page in site.pages:
        blocking = 0
        for ref in site.parsed(page).refs:
            found = site.locate(page, ref.url) if ref.blocking else None
            if found and found[0] and site.exists(found[0]):
                if found[0] not in sizes:
                    sizes[found[0]] = gzipped((site.output / found[0]).read_bytes())
                blocking += sizes[found[0]]
        weights.append(Weight(page, gzipped((site.output / page).read_bytes()), blocking))
    return weights


def check_weight(site: BuiltSite, budget: int = BUDGET) -> list[Problem]:
    """Pages over the budget, resources from other hosts, and images without their size."""
    problems = [Problem(w.page, f"weighs {w.total / 1024:.1f} KB gzipped (HTML {w.html / 1024:.1f} KB + "
                                f"stylesheets and blocking scripts {w.blocking / 1024:.1f} KB), over the "
                                f"{budget / 1024:.0f} KB budget for a phone on a slow network")
                for w in page_weights(site) if w.total > budget]
    for page in site.pages:
        parsed = site.parsed(page)
        for ref in parsed.refs:
            if ref.resource and ref.url and site.locate(page, ref.url) is None and _fetches(ref.url):
                problems.append(Problem(page, f"line {ref.line}: <{ref.tag} {ref.attr}=\"{ref.url}\"> makes the "
                                              "reader's browser fetch from another host; serve it from this site"))
        for src, line, sized in parsed.images:
            if not sized:
                problems.append(Problem(page, f"line {line}: <img src=\"{src}\"> has no width and height, so "
                                              "the text jumps when it loads"))
    for css in sorted(site.output.rglob("*.css")):
        name = css.relative_to(site.output).as_posix()
        for url in css_urls(css.read_text(encoding="utf-8")):
            if site.locate(name, url) is None and _fetches(url):
                problems.append(Problem(name, f"url({url}) makes the reader's browser fetch from another host"))
    return problems


def _fetches(url: str) -> bool:
    """True for URLs that go over the network (not data:, not about:)."""
    return url.lower().startswith(("http:", "https:", "//"))


def summary(weights: list[Weight]) -> str:
    totals = sorted(w.total for w in weights)
    heaviest = max(weights, key=lambda w: w.total)
    return (f"{len(weights)} pages, gzipped HTML + blocking CSS/JS: median {statistics.median(totals) / 1024:.1f} KB, "
            f"max {heaviest.total / 1024:.1f} KB ({heaviest.page}), budget {BUDGET / 1024:.0f} KB")
