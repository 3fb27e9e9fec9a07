"""Markdown to safe HTML, with numbered paragraphs that tasks can point to."""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree

from cmarkgfm import _cmark as _cmark_binding
import markdown
import nh3
from cmarkgfm.cmark import Options
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .parallel import fork_map

BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th")
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i",
    "a", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "abbr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "td": {"id", "colspan", "rowspan"},
    "th": {"id", "colspan", "rowspan", "scope"},
    **{tag: {"id"} for tag in ("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote")},
}
# Fewer full texts than this are rendered in one process: forking would cost more than it saves.
PARALLEL_MIN_DOCUMENTS = 40
_PLACEHOLDER = re.compile("\x02wzxhzdk:\\d+\x03")


def normalise(text: str) -> str:
    """Collapse whitespace and drop emphasis marks, as quotes are compared."""
    if "\x02" in text:
        text = _PLACEHOLDER.sub(" ", text)
    return " ".join(text.replace("*", "").replace("_", "").split())  # str.split's whitespace is re's \s


@dataclass
class Rendered:
    """HTML of a Markdown text, and the plain text of each numbered block."""

    html: str
    blocks: list[tuple[str, str]] = field(default_factory=list)

    found: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)

    def find(self, quote: str) -> str | None:
        """Return the id of the smallest block that contains ``quote`` (remembered: rebuilds ask again)."""
        if quote not in self.found:
            wanted = normalise(quote)
            matches = [(len(text), block_id) for block_id, text in self.blocks if wanted and wanted in text]
            self.found[quote] = min(matches)[1] if matches else None
        return self.found[quote]


class _Blocks(Treeprocessor):
    """Demote headings under the page's h1 and number every block."""

    def __init__(self, md: markdown.Markdown, prefix: str):
        super().__init__(md)
        self.prefix = prefix
        self.found: list[tuple[str, str]] = []

    def run(self, root: ElementTree.Element) -> None:
        self.found = []
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5"):
                element.tag = "h" + str(int(element.tag[1]) + 1)
        count = 0
        for element in root.iter():
            if element.tag in BLOCK_TAGS:
                count += 1
                block_id = f"{self.prefix}{count}"
                element.set("id", block_id)
                if element.tag == "th":
                    element.set("scope", "col")
                self.found.append((block_id, normalise("".join(element.itertext()))))


class _BlocksExtension(Extension):
    def __init__(self, prefix: str):
        super().__init__()
        self.processor: _Blocks | None = None
        self.prefix = prefix

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        self.processor = _Blocks(md, self.prefix)
        md.treeprocessors.register(self.processor, "minhbach_blocks", 0)


class _Cmark:
    """cmark-gfm through cmarkgfm's own binding, without its leak.

    cmarkgfm (2025.10.22) never frees the parsed document nor the rendered HTML: about
    10 KB per text, 300 MB over a national site's descriptions and updates. cmark exports
    cmark_node_free, and its default allocator is the C library's, so both are freed here.
    """

    def __init__(self) -> None:
        self.lib, self.ffi = _cmark_binding.lib, _cmark_binding.ffi
        self.lib.cmark_gfm_core_extensions_ensure_registered()
        self.table = self.lib.cmark_find_syntax_extension(b"table")
        library = ctypes.CDLL(_cmark_binding.__file__)
        self.node_free = library.cmark_node_free
        self.node_free.argtypes, self.node_free.restype = [ctypes.c_void_p], None
        self.free = ctypes.CDLL(None).free
        self.free.argtypes, self.free.restype = [ctypes.c_void_p], None

    def html(self, text: str, options: int) -> str:
        lib, ffi = self.lib, self.ffi
        parser = lib.cmark_parser_new(options)
        try:
            lib.cmark_parser_attach_syntax_extension(parser, self.table)
            data = text.encode("utf-8")
            lib.cmark_parser_feed(parser, data, len(data))
            document = lib.cmark_parser_finish(parser)
            try:
                rendered = lib.cmark_render_html(document, options, lib.cmark_parser_get_syntax_extensions(parser))
                try:
                    return ffi.string(rendered).decode("utf-8")
                finally:
                    self.free(int(ffi.cast("uintptr_t", rendered)))
            finally:
                self.node_free(int(ffi.cast("uintptr_t", document)))
        finally:
            lib.cmark_parser_free(parser)


# Built once: nh3.clean() builds its rules again on every call, a third of its time.
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
)


def sanitise(html: str) -> str:
    """Keep only the tags and attributes a document text needs; links get rel=noopener."""
    return _CLEANER.clean(html)


class MarkdownRenderer:
    """One Markdown engine reused for every text (building it is costly)."""

    def __init__(self) -> None:
        self._blocks = _BlocksExtension("p")
        self._full = markdown.Markdown(extensions=["tables", "sane_lists", self._blocks])
        self._documents: dict[str, Rendered] = {}
        self._cmark = _Cmark()

    def document(self, text: str) -> Rendered:
        """Render a document's full text with numbered blocks (p1, p2, …).

        Kept by text, so a rebuild after an edit elsewhere does not render it again.
        """
        rendered = self._documents.get(text)
        if rendered is None:
            html = self._full.reset().convert(text)
            found = list(self._blocks.processor.found) if self._blocks.processor else []
            rendered = self._documents[text] = Rendered(sanitise(html), found)
        return rendered

    def render_documents(self, texts: list[str], jobs: int = 1) -> None:
        """Render many full texts ahead, spread over ``jobs`` processes: a national site's 550
        texts take a second in one, while the build's other core has nothing to do."""
        todo = sorted(set(texts) - self._documents.keys())
        if jobs <= 1 or len(todo) < PARALLEL_MIN_DOCUMENTS:
            return
        for found in fork_map(lambda chunk: {text: self.document(text) for text in chunk},
                              [todo[k::jobs] for k in range(jobs)]):
            self._documents.update(found)

    def prose(self, text: str) -> str:
        """Render a short Markdown text such as a summary or a description.

        cmark (C) renders the national set's 20,000 descriptions ten times faster than
        Python-Markdown, with the same HTML for the tables, lists and links editors write;
        raw HTML passes to nh3, which remains the one sanitiser, as for full texts.
        """
        return sanitise(self._cmark.html(text, Options.CMARK_OPT_UNSAFE).rstrip("\n"))

    def inline(self, text: str) -> str:
        """Render one line of Markdown without the surrounding paragraph."""
        html = self.prose(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return html
