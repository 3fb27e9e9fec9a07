"""Compare a Markdown full text with its original transcription, word for word.

Editors may add Markdown structure and [sic] marks; they must not drop, add or
reorder words, so the published text stays the document of record.
"""

from __future__ import annotations

import re

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
