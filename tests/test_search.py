"""The accent-free copy of names that the search index matches what residents type."""

from __future__ import annotations

import unicodedata

import pytest

from minhbach.search import fold


def by_decomposing(text: str) -> str:
    """Fold the long way, on the whole text at once: what fold() must give."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def test_vietnamese_names_lose_their_diacritics():
    assert fold("Sở Xây dựng Đắk Nông") == "so xay dung dak nong"
    assert fold("ỦY BAN NHÂN DÂN TỈNH THỪA THIÊN HUẾ") == "uy ban nhan dan tinh thua thien hue"


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_every_latin_letter_folds_as_the_whole_text_decomposed(form):
    """Precomposed or typed as letter + marks (as some phones send them), in any script range
    a name might use: the same as decomposing the whole text."""
    letters = "".join(chr(code) for ranges in ((0x20, 0x250), (0x1E00, 0x1F00), (0x300, 0x370)) for code in range(*ranges))
    text = unicodedata.normalize(form, letters + " Nguyễn Thị Ánh Tuyết, Đà Nẵng — Ωμέγα, Ёлка")
    assert fold(text) == by_decomposing(text)
