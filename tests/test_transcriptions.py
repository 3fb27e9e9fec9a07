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


# --------------------------------------------------------------------------- as a reader sees the page

BLOCKS = ["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "br", "blockquote", "pre", "hr"]


def shown_on_page(soup) -> str:
    """The full text as a reader sees it: ordered items with their numbers, blocks apart."""
    (box,) = soup.select(".document-text")
    for ordered in box.find_all("ol"):
        start = int(ordered.get("start", 1))
        for index, item in enumerate(ordered.find_all("li", recursive=False)):
            item.insert(0, f"{start + index}. ")
    for tag in box.find_all(BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return box.get_text("")


@pytest.mark.parametrize("source", sorted(_documents_by_source()))
def test_each_directive_page_shows_the_original_word_for_word(pages, source):
    original = words((SOURCES / source).read_text(encoding="utf-8"))
    shown: list[str] = []
    for _, folder in sorted(_documents_by_source()[source]):
        soup = pages.soup(f"vi/van-ban/{folder}/index.html")
        assert soup.find(id="full-text") is not None
        shown += words(shown_on_page(soup))
    assert len(original) > 100
    assert first_difference(original, shown) is None


ORIGINAL = """ỦY BAN NHÂN DÂN TỈNH MẪU
Số: 12/UBND-KT
1. Về kế hoạch
Giao Sở Xây dựng chủ trì lập kế hoạch phát triển đô thị thông minh, báo cáo kết quả trước ngày 30/9/2022.
2. Về dữ liệu
Giao Sở Xây dựng xây dựng cơ sở dữ liệu đô thị.
"""


def transcribed_site(make_site, site_content, text: str):
    from conftest import DIRECTIVE_ID, DIRECTIVE_PATH, dedent

    site_content["content/sources/000_mau.txt"] = ORIGINAL
    site_content[DIRECTIVE_PATH] = dedent(site_content[DIRECTIVE_PATH]) + "transcription:\n  file: 000_mau.txt\n"
    site_content[f"content/directives/{DIRECTIVE_ID}/text.vi.md"] = text
    return make_site(site_content)


def check(root: Path):
    from click.testing import CliRunner

    from build import cli

    return CliRunner().invoke(cli, ["--root", str(root), "check"])


def test_the_fixture_text_matches_its_original(make_site, site_content):
    from conftest import DIRECTIVE_ID, dedent

    text = dedent(site_content[f"content/directives/{DIRECTIVE_ID}/text.vi.md"])
    result = check(transcribed_site(make_site, site_content, text))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("old,new,difference", [
    pytest.param("Giao Sở Xây dựng xây dựng cơ sở dữ liệu đô thị.", "Giao Sở Xây dựng xây dựng cơ sở dữ liệu.",
                 "word 48: the original has 'liệu', the text has 'liệu.' (near: …dựng xây dựng cơ sở dữ liệu đô thị.…)", id="dropped-words"),
    pytest.param("## 2. Về dữ liệu", "<!-- ## 2. Về dữ liệu -->",
                 "word 35: the original has '2.', the text has 'Giao' (near: …cáo kết quả trước ngày 30/9/2022. 2. Về dữ liệu Giao Sở…)",
                 id="passage-hidden-in-a-comment"),
    pytest.param("Giao Sở Xây dựng xây dựng cơ sở dữ liệu đô thị.",
                 "Giao Sở Xây dựng xây dựng cơ sở <script>dữ liệu</script> đô thị.",
                 "word 47: the original has 'dữ', the text has 'đô' (near: …Xây dựng xây dựng cơ sở dữ liệu đô thị.…)",
                 id="words-inside-a-script-tag"),
])
def test_a_passage_the_page_would_not_show_is_reported(make_site, site_content, old, new, difference):
    from conftest import DIRECTIVE_ID, dedent

    name = f"content/directives/{DIRECTIVE_ID}/text.vi.md"
    text = dedent(site_content[name])
    assert old in text
    result = check(transcribed_site(make_site, site_content, text.replace(old, new)))
    assert result.exit_code == 1
    assert result.output.splitlines()[:3] == [
        "1 error(s):",
        f"{name}: the full text differs from the original content/sources/000_mau.txt: {difference}",
        "    hint: keep every word of the original, in order; add only Markdown structure and [sic] "
        "(words inside <!-- --> or HTML tags are not shown to readers)",
    ]
