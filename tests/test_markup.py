"""Markdown for descriptions and updates: cmark's HTML, sanitised, and no memory kept per text."""

from __future__ import annotations

from minhbach.markup import MarkdownRenderer

DESCRIPTION = """## Nội dung 1
Xây dựng **Trung tâm điều hành đô thị thông minh** của tỉnh, kết nối dữ liệu các sở, ngành.

- Triển khai camera giám sát giao thông.
- Chia sẻ dữ liệu mở cho người dân.

| Hạng mục | Năm |
| --- | --- |
| Giai đoạn 1 | 2025 |

[Tài liệu](https://example.org/tai-lieu) <script>alert(1)</script>
""" * 3


def _resident_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_prose_renders_tables_lists_and_links_and_drops_scripts():
    html = MarkdownRenderer().prose(DESCRIPTION)
    assert "<table>" in html and "<td>Giai đoạn 1</td>" in html
    assert "<li>Triển khai camera giám sát giao thông.</li>" in html
    assert '<a href="https://example.org/tai-lieu" rel="noopener noreferrer">Tài liệu</a>' in html
    assert "<script" not in html and "alert(1)" not in html


def test_rendering_thousands_of_texts_keeps_no_memory():
    # cmarkgfm leaks the parsed document and the HTML of every text (about 10 KB each):
    # 5,000 texts would keep some 50 MB. The renderer frees both.
    markdown = MarkdownRenderer()
    for _ in range(200):
        markdown.prose(DESCRIPTION)
    before = _resident_kb()
    for _ in range(5000):
        markdown.prose(DESCRIPTION)
    assert _resident_kb() - before < 8 * 1024


def test_full_texts_rendered_ahead_in_two_processes_are_those_of_one():
    texts = [f"# Điều {n}\n\nKhoản {n}: giao **Sở {n}** chủ trì.\n\n- một\n- hai\n\n| a | b |\n|---|---|\n| {n} | x |\n"
             for n in range(60)]
    ahead = MarkdownRenderer()
    ahead.render_documents(texts + texts[:5], jobs=2)

    def engine_not_used(*_args, **_kwargs):
        raise AssertionError("a text rendered ahead was rendered again")

    ahead._full.convert = engine_not_used
    one = MarkdownRenderer()
    for text in texts:
        assert ahead.document(text) == one.document(text)
        assert ahead.document(text).blocks and 'id="p1"' in ahead.document(text).html
