"""Names that become addresses: readable ASCII, Vietnamese folded, nothing that leaves the site."""

from __future__ import annotations

import pytest

from minhbach.slug import escapes_output, is_slug, slug


@pytest.mark.parametrize("text,expected", [
    ("Sở Xây dựng tỉnh Đắk Nông", "so-xay-dung-tinh-dak-nong"),
    ("ĐỒNG THÁP", "dong-thap"),
    ("Ủy ban nhân dân thành phố Phú Quốc", "uy-ban-nhan-dan-thanh-pho-phu-quoc"),
    ("Bà Rịa – Vũng Tàu", "ba-ria-vung-tau"),
    ("Quyết định 950/QĐ-TTg", "quyet-dinh-950-qd-ttg"),
    ("  Sở   Thông tin & Truyền thông  ", "so-thong-tin-truyen-thong"),
    ("../../etc/passwd", "etc-passwd"),
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("", ""),
])
def test_slugs_are_readable_ascii(text, expected):
    assert slug(text) == expected
    assert slug(text) == "" or is_slug(slug(text))


def test_every_vietnamese_letter_folds_to_its_base():
    letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    expected = "a" * 18 + "e" * 12 + "i" * 6 + "o" * 18 + "u" * 12 + "y" * 6 + "d"
    assert "".join(slug(letter) for letter in letters) == expected
    assert "".join(slug(letter) for letter in letters.upper()) == expected


def test_long_names_are_cut_at_a_word():
    name = slug("nhiệm vụ " * 40)
    assert len(name) <= 120 and name.endswith("vu") and is_slug(name)


@pytest.mark.parametrize("name", ["../x", "/etc", "a/b", "a\\b", "a\x00", "..", ".", "C:evil", "~root"])
def test_names_that_leave_the_folder(name):
    assert escapes_output(name)
    assert not is_slug(name)


@pytest.mark.parametrize("name", ["kien-giang", "950-qd-ttg-2018", "a"])
def test_ordinary_ids(name):
    assert is_slug(name) and not escapes_output(name)
