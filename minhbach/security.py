"""The site's Content-Security-Policy and the other security headers, kept in one place.

Every page carries its policy in a ``<meta>`` tag, so the site is protected on any static
host. Hosts that can set headers get ``_headers`` (Netlify, Cloudflare Pages) or the nginx
example in docs/hosting.md: the header policy is the union of every page's policy plus what
only a header can say (``frame-ancestors``). A browser enforces both, so each page ends up
with its own, narrower, meta policy.

A feature that needs more than the base policy on its pages registers it with
:func:`add_sources`, e.g. a search page that runs WebAssembly::

    add_sources("search", {"script-src": ["'wasm-unsafe-eval'"]})
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

# No inline script or style anywhere: scripts and stylesheets are files from the site itself.
BASE_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'none'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'",),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "manifest-src": ("'self'",),
    "form-action": ("'self'",),
    "base-uri": ("'none'",),
    "object-src": ("'none'",),
}
# Directives browsers ignore in a <meta> policy: sent only as a header.
HEADER_ONLY: dict[str, tuple[str, ...]] = {"frame-ancestors": ("'none'",)}

OTHER_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# Page kinds (as in urls.ROUTES) → extra sources their pages need.
PAGE_SOURCES: dict[str, dict[str, tuple[str, ...]]] = {}

# Pages that carry the comment thread, whose widget comes from the comment server.
COMMENT_PAGES = ("task", "directive", "province")


def add_sources(kind: str, sources: dict[str, Iterable[str]]) -> None:
    """Let pages of ``kind`` use more sources, e.g. {"script-src": ["'wasm-unsafe-eval'"]}."""
    current = PAGE_SOURCES.setdefault(kind, {})
    for directive, values in sources.items():
        current[directive] = _merge(current.get(directive, ()), values)


def _merge(first: Iterable[str], second: Iterable[str]) -> tuple[str, ...]:
    merged = [value for value in first if value != "'none'"] if second else list(first)
    for value in second:
        if value not in merged:
            merged.append(value)
    return tuple(merged)


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script (for tools such as live reload)."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


class Policy:
    """The policy of one site configuration: per page kind, and for the whole site."""

    def __init__(self, comments_origin: str | None = None, extra: dict[str, Iterable[str]] | None = None):
        self.comments_origin = comments_origin
        self.extra = {directive: tuple(values) for directive, values in (extra or {}).items()}

    def directives(self, kind: str | None = None) -> dict[str, tuple[str, ...]]:
        """Every directive and its sources for a page of ``kind`` (None: a page with no extras)."""
        found = dict(BASE_POLICY)
        added: list[dict[str, Iterable[str]]] = [self.extra]
        if kind in COMMENT_PAGES and self.comments_origin:
            origin = self.comments_origin
            added.append({"script-src": [origin], "style-src": [origin], "connect-src": [origin],
                          "img-src": ["data:"]})
        if kind in PAGE_SOURCES:
            added.append(PAGE_SOURCES[kind])
        for sources in added:
            for directive, values in sources.items():
                found[directive] = _merge(found.get(directive, ()), values)
        return found

    def meta(self, kind: str | None = None) -> str:
        """The policy for one page's ``<meta http-equiv="Content-Security-Policy">``."""
        return _format(self.directives(kind))

    def header(self) -> str:
        """The policy for a header covering every page: the union of all pages' policies."""
        found: dict[str, tuple[str, ...]] = {}
        for kind in (None, *COMMENT_PAGES, *sorted(PAGE_SOURCES)):
            for directive, values in self.directives(kind).items():
                found[directive] = _merge(found.get(directive, ()), values)
        found.update(HEADER_ONLY)
        return _format(found)

    def headers(self) -> dict[str, str]:
        """Every security header, in a fixed order."""
        return {"Content-Security-Policy": self.header(), **OTHER_HEADERS}

    def headers_file(self, base_path: str = "/") -> bytes:
        """``_headers`` for hosts that read it (Netlify, Cloudflare Pages)."""
        lines = ["# Security headers for every page (written by build.py; see docs/hosting.md).",
                 f"{base_path}*"]
        lines += [f"  {name}: {value}" for name, value in self.headers().items()]
        return ("\n".join(lines) + "\n").encode("utf-8")


def _format(directives: dict[str, tuple[str, ...]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
