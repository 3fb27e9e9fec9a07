"""The full texts shown on directive pages keep every word of the original transcriptions."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from minhbach.transcription import first_difference, words

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "content" / "sources"


def _documents_by_source() -> dict[str, list[tuple[int, str]]]:
    parts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for path in sorted((ROOT / "content" / "directives").glob("*/directive.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("text_held"):
            parts[data["transcription"]["file"]].append((data["transcription"].get("part", 1), path.parent.name))
    return parts


def test_every_original_is_published():
    assert sorted(_documents_by_source()) == sorted(p.name for p in SOURCES.glob("*.txt"))


@pytest.mark.parametrize("source", sorted(_documents_by_source()))
def test_full_text_matches_original_word_for_word(source):
    original = words((SOURCES / source).read_text(encoding="utf-8"))
    published: list[str] = []
    for _, folder in sorted(_documents_by_source()[source]):
        published += words((ROOT / "content" / "directives" / folder / "text.vi.md").read_text(encoding="utf-8"))
    assert first_difference(original, published) is None


def test_a_dropped_passage_is_detected():
    original = words("Giao Sở Xây dựng chủ trì, phối hợp với Sở Thông tin và Truyền thông.")
    edited = words("**Giao Sở Xây dựng** chủ trì, phối hợp với Sở Thông tin.")
    assert first_difference(original, edited) == (
        "word 12: the original has 'tin', the text has 'tin.' (near: …trì, phối hợp với Sở Thông tin và Truyền thông.…)"
    )
    assert first_difference(original, original[:-2]) == "the text ends early after word 13: …Truyền thông.…"


def test_markup_and_sic_are_not_words():
    assert words("## **1. Về** [sic] | ô | --- |\n- + ý") == ["1.", "Về", "ô", "ý"]
