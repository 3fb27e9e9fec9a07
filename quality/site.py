"""A built output folder as the gates read it: its pages, their links, ids and resources."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from minhbach.urls import SEGMENTS


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one page (``page`` is relative to the output folder)."""

    page: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.message}"


def report(problems: list[Problem], limit: int = 60) -> str:
    """The problems, one a line, for a failing test or the command line."""
    lines = [str(p) for p in sorted(problems)]
    more = f"\n… and {len(lines) - limit} more" if len(lines) > limit else ""
    return f"{len(lines)} problem(s):\n" + "\n".join(lines[:limit]) + more


@dataclass(frozen=True)
class Ref:
    """A URL a page points at: where (tag, attribute, line) and how it is used."""

    tag: str
    attr: str
    url: str
    line: int
    rel: frozenset[str] = frozenset()
    hreflang: str = ""
    resource: bool = False  # fetched by the browser when the page loads
    blocking: bool = False  # holds up the first paint (stylesheet, synchronous script)


@dataclass
class ParsedPage:
    lang: str = ""
    ids: dict[str, int] = field(default_factory=dict)  # id → first line
    duplicate_ids: list[tuple[str, int]] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    images: list[tuple[str, int, bool]] = field(default_factory=list)  # src, line, has width and height


# Link types whose href the browser fetches (or connects to) on its own.
RESOURCE_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "prefetch", "modulepreload",
                 "manifest", "preconnect", "dns-prefetch", "mask-icon"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def _id(self, value: str) -> None:
        line = self.getpos()[0]
        if value in self.page.ids:
            self.page.duplicate_ids.append((value, line))
        else:
            self.page.ids[value] = line

    def _ref(self, tag: str, attr: str, url: str | None, **kw) -> None:
        if url is not None:
            self.page.refs.append(Ref(tag, attr, url.strip(), self.getpos()[0], **kw))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.page.lang = a.get("lang", "")
        if "id" in a:
            self._id(a["id"])
        if tag == "a" and a.get("name") and a.get("name") != a.get("id"):
            self._id(a["name"])
        if tag in ("a", "area"):
            self._ref(tag, "href", a.get("href"), hreflang=a.get("hreflang", ""))
        elif tag == "link":
            rel = frozenset(a.get("rel", "").lower().split())
            self._ref(tag, "href", a.get("href"), rel=rel, hreflang=a.get("hreflang", ""),
                      resource=bool(rel & RESOURCE_RELS),
                      blocking="stylesheet" in rel and a.get("media", "all") in ("", "all", "screen"))
        elif tag == "script":
            blocking = not ({"async", "defer"} & a.keys()) and a.get("type", "") != "module"
            self._ref(tag, "src", a.get("src"), resource=True, blocking=blocking)
        elif tag == "form":
            self._ref(tag, "action", a.get("action"))
        else:
            for attr in ("src", "poster", "data"):
                self._ref(tag, attr, a.get(attr), resource=True)
        for attr in ("srcset", "imagesrcset"):
            for candidate in split_srcset(a.get(attr, "")):
                self._ref(tag, attr, candidate, resource=True)
        if tag == "img":
            self.page.images.append((a.get("src", ""), self.getpos()[0], bool(a.get("width") and a.get("height"))))

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)


def split_srcset(value: str) -> list[str]:
    """The URLs of a srcset: comma-separated candidates, each a URL and an optional descriptor."""
    return [part.split()[0] for part in value.split(",") if part.strip()]


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


def css_urls(css: str) -> list[str]:
    """Every url(...) and @import a stylesheet fetches."""
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(css)]


class BuiltSite:
    """An output folder served at ``base_url`` + ``base_path``; pages are parsed once each."""

    def __init__(self, output: Path, base_url: str = "", base_path: str = "/"):
        self.output = Path(output)
        self.base_url = base_url.rstrip("/")
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        self.pages = sorted(p.relative_to(self.output).as_posix() for p in self.output.rglob("*.html"))
        self._parsed: dict[str, tuple[tuple[int, int], ParsedPage]] = {}

    @classmethod
    def from_config(cls, output: Path, root: Path) -> "BuiltSite":
        """The site built from ``root`` (its site_config.yaml says where it is published)."""
        from minhbach.config import load_config

        config = load_config(root)
        return cls(output, config.base_url, config.base_path)

    def parsed(self, page: str) -> ParsedPage:
        """The page parsed, once for each version of the file (tests change pages between checks)."""
        stat = (self.output / page).stat()
        version = (stat.st_mtime_ns, stat.st_size)
        cached = self._parsed.get(page)
        if cached is None or cached[0] != version:
            reader = _Reader()
            reader.feed((self.output / page).read_text(encoding="utf-8"))
            reader.close()
            cached = self._parsed[page] = (version, reader.page)
        return cached[1]

    def url_of(self, page: str) -> str:
        """The root-relative address a page is served at (index.html → its folder)."""
        path = PurePosixPath(page)
        if path.name == "index.html":
            folder = path.parent.as_posix()
            return self.base_path + ("" if folder == "." else folder + "/")
        return self.base_path + page

    def locate(self, page: str, url: str) -> tuple[str | None, str] | None:
        """The file a URL on ``page`` is served from, and its fragment; None if it leaves the site.

        The file is None when the URL is on this site but outside its base path.
        """
        parts = urlsplit(url)
        if parts.scheme in ("data", "mailto", "tel", "javascript", "blob", "about"):
            return None
        absolute = urljoin(f"{self.base_url or 'http://site.invalid'}{self.url_of(page)}", url)
        parts = urlsplit(absolute)
        site = urlsplit(self.base_url or "http://site.invalid")
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None
        path = unquote(parts.path)
        if not path.startswith(self.base_path):
            return None, parts.fragment
        relative = path[len(self.base_path):]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        return relative, unquote(parts.fragment)

    def exists(self, relative: str) -> bool:
        target = self.output / relative
        return target.is_file() and self.output.resolve() in target.resolve().parents

    def page_type(self, page: str) -> str:
        """What kind of page this is, the same in every language: "task/{id}", "province" (the list), "about"…

        Path segments the site's URL scheme names (tasks/nhiem-vu → task) keep their name;
        record ids become "{id}"; a one-segment page of its own (about) keeps its slug.
        """
        parts = PurePosixPath(page).parts
        if len(parts) < 2 or parts[0] not in SEGMENTS:
            return PurePosixPath(page).stem if len(parts) == 1 else page
        words = {word: name for segments in SEGMENTS.values() for name, word in segments.items()}
        inner = parts[1:-1]
        if not inner:
            return "home"
        if len(inner) == 1:
            return words.get(inner[0], inner[0])
        return "/".join(words.get(part, "{id}") for part in inner)

    def language_of(self, page: str) -> str:
        """The language folder a page is in; "root" for the pages beside them (404, language choice)."""
        first = PurePosixPath(page).parts[0]
        return first if first in SEGMENTS and first != page else "root"

    def sample(self) -> list[str]:
        """One page of each type in each language: the largest, which has the most to get wrong."""
        chosen: dict[tuple[str, str], tuple[int, str]] = {}
        for page in self.pages:
            key = (self.page_type(page), self.language_of(page))
            size = (self.output / page).stat().st_size
            if key not in chosen or size > chosen[key][0]:
                chosen[key] = (size, page)
        return sorted(page for _, page in chosen.values())
