"""Compare a Markdown full text with its original transcription, word for word.

Editors may add Markdown structure and [sic] marks; they must not drop, add or
reorder words, so the published text stays the document of record.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_MARKUP = str.maketrans("", "", "*_#|>\\")
_LAYOUT_TOKEN = re.compile(r"^[-+:=|]*$")


def words(text: str) -> list[str]:
    """The words of a text, ignoring Markdown punctuation, layout rules and [sic]."""
    text = text.replace("[sic]", " ")
    found = []
    for token in text.translate(_MARKUP).split():
        if _LAYOUT_TOKEN.match(token):
            continue
        found.append(token)
    return found


def first_difference(original: list[str], published: list[str]) -> str | None:
    """Describe where two word sequences part, or None when they are the same."""
    for index, (a, b) in enumerate(zip(original, published)):
        if a != b:
            context = " ".join(original[max(0, index - 6): index + 6])
            return f"word {index + 1}: the original has '{a}', the text has '{b}' (near: …{context}…)"
    if len(original) != len(published):
        shorter = "the text ends early" if len(published) < len(original) else "the text has extra words at the end"
        index = min(len(original), len(published))
        tail = " ".join((original if len(published) < len(original) else published)[index: index + 12])
        return f"{shorter} after word {index}: …{tail}…"
    return None


_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "br", "hr", "blockquote", "pre",
               "ul", "ol", "table", "div"}


class _ShownText(HTMLParser):
    """The text a reader sees in rendered HTML: blocks apart, list numbers shown, tags and comments gone."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[int | None] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "ol":
            start = dict(attrs).get("start") or "1"
            self.lists.append(int(start) if start.isdigit() else 1)
        elif tag == "ul":
            self.lists.append(None)
        elif tag == "li" and self.lists and self.lists[-1] is not None:
            self.parts.append(f"{self.lists[-1]}. ")  # the browser shows the number of an ordered item
            self.lists[-1] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def shown_words(html: str) -> list[str]:
    """The words of rendered HTML as a reader sees them, to compare with the original."""
    parser = _ShownText()
    parser.feed(html)
    parser.close()
    return words("".join(parser.parts))
