"""Where each page lives, in each language; links honour the site's sub-path."""

from __future__ import annotations

import functools
from urllib.parse import quote

SEGMENTS = {
    "vi": {"province": "tinh", "task": "nhiem-vu", "agency": "co-quan", "directive": "van-ban",
           "status": "trang-thai", "page": "trang", "search": "tim-kiem", "comments": "gop-y", "privacy": "rieng-tu",
           "data": "du-lieu"},
    "en": {"province": "provinces", "task": "tasks", "agency": "agencies", "directive": "documents",
           "status": "status", "page": "page", "search": "search", "comments": "comments", "privacy": "privacy",
           "data": "data"},
}

# Page kinds and the segments after the language: a function of (segments, key).
ROUTES = {
    "home": lambda s, key: [],
    "province-list": lambda s, key: [s["province"]],
    "province": lambda s, key: [s["province"], key],
    "task-list": lambda s, key: [s["task"]],
    "tasks-by-province": lambda s, key: [s["task"], s["province"], key],
    "tasks-by-status": lambda s, key: [s["task"], s["status"], key],
    "tasks-by-agency": lambda s, key: [s["task"], s["agency"], key],
    "task": lambda s, key: [s["task"], key],
    "agency-list": lambda s, key: [s["agency"]],
    "agency": lambda s, key: [s["agency"], key],
    "directive-list": lambda s, key: [s["directive"]],
    "directive": lambda s, key: [s["directive"], key],
    "page": lambda s, key: [key],
    "comments-privacy": lambda s, key: [s["comments"], s["privacy"]],
    "search": lambda s, key: [s["search"]],
    "data": lambda s, key: [s["data"]],
}

# Atom feeds: the whole site, or one province (key), beside the home or province page.
FEED_NAME = "atom.xml"
# The open data files, one folder for both languages (their columns are bilingual).
DATA_FOLDER = "data"


class Urls:
    """Builds links and output paths for one site configuration."""

    def __init__(self, base_url: str, base_path: str):
        self.base_url = base_url.rstrip("/")
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        # A national site links the same few thousand pages hundreds of thousands of times.
        self.href = functools.cache(self._href)

    @staticmethod
    def parts(lang: str, kind: str, key: str | None = None, page: int = 1) -> list[str]:
        """Page 1 of a long list keeps the list's address; page n is at <list>/page/n/."""
        more = [SEGMENTS[lang]["page"], str(page)] if page > 1 else []
        return [lang, *ROUTES[kind](SEGMENTS[lang], key), *more]

    def output_path(self, lang: str, kind: str, key: str | None = None, page: int = 1) -> str:
        """The file the page is written to, relative to output/."""
        return "/".join([*self.parts(lang, kind, key, page), "index.html"])

    def _href(self, lang: str, kind: str, key: str | None = None, anchor: str | None = None, page: int = 1) -> str:
        """A root-relative link that includes the sub-path (``href``, remembered)."""
        path = self.base_path + "".join(quote(p) + "/" for p in self.parts(lang, kind, key, page))
        return path + (f"#{anchor}" if anchor else "")

    def feed_path(self, lang: str, province: str | None = None) -> str:
        kind = "province" if province else "home"
        return "/".join([*self.parts(lang, kind, province), FEED_NAME])

    def feed(self, lang: str, province: str | None = None) -> str:
        return self.base_path + "".join(quote(p) + "/" for p in self.parts(lang, "province" if province else "home",
                                                                          province)) + FEED_NAME

    def asset(self, name: str) -> str:
        return self.base_path + name

    def absolute(self, href: str) -> str:
        return self.base_url + href
