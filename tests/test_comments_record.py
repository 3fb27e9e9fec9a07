"""The published record of comments: read from content/comments/, checked, and shown in the pages."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from build import cli
from comment_site import ONE_COMMENT, TASK_ID, TASK_THREAD, comments_config, thread
from conftest import FIXTURE_CONTENT, Pages, visible_text
from minhbach.pipeline import build_site
from minhbach.problems import SiteError

TASK_VI = f"vi/nhiem-vu/{TASK_ID}/index.html"
TASK_EN = f"en/tasks/{TASK_ID}/index.html"
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def build(make_site, extra: dict, config: str | None = None):
    root = make_site({**FIXTURE_CONTENT, **extra}, config=config or comments_config())
    output = root / "output"
    result = build_site(root, output)
    return root, Pages(output), result


def errors_of(make_site, extra: dict, config: str | None = None) -> list[str]:
    root = make_site({**FIXTURE_CONTENT, **extra}, config=config or comments_config())
    with pytest.raises(SiteError) as caught:
        build_site(root, root / "output")
    assert not (root / "output").exists(), "a failed build must not write output/"
    return [p.format() for p in caught.value.problems]


def section(pages: Pages, page: str):
    return pages.soup(page).find("section", id="comments")


def test_both_languages_share_one_thread_in_their_own_language(make_site):
    _, pages, _ = build(make_site, {})
    vi, en = section(pages, TASK_VI), section(pages, TASK_EN)
    assert vi.find(id="isso-thread")["data-isso-id"] == en.find(id="isso-thread")["data-isso-id"] == f"tasks/{TASK_ID}"
    assert vi.find(id="isso-thread")["data-isso-lang"] == "vi"
    assert en.find(id="isso-thread")["data-isso-lang"] == "en"
    assert vi.find(id="isso-thread")["data-isso"] == "http://127.0.0.1:9/"
    # The thread title a moderator sees is the Vietnamese one on both pages.
    assert vi.find(id="isso-thread")["data-title"] == en.find(id="isso-thread")["data-title"] == \
        "Lập kế hoạch phát triển đô thị thông minh"
    assert "Góp ý (0)" in visible_text(vi.find("button"))
    assert "Comments (0)" in visible_text(en.find("button"))
    province = pages.soup("vi/tinh/tinh-mau/index.html").find(id="isso-thread")
    directive = pages.soup("en/documents/12-ubnd-kt-2022/index.html").find(id="isso-thread")
    assert province["data-isso-id"] == "provinces/tinh-mau"
    assert directive["data-isso-id"] == "directives/12-ubnd-kt-2022"


def test_the_widget_is_not_on_the_page_only_a_first_party_loader(make_site):
    _, pages, _ = build(make_site, {})
    for page in (TASK_VI, TASK_EN, "vi/tinh/tinh-mau/index.html"):
        soup = pages.soup(page)
        scripts = soup.find_all("script")
        assert [s["src"] for s in scripts] == [s["src"] for s in scripts if s["src"].startswith("/assets/comments.")]
        assert len(scripts) == 1 and not scripts[0].string, "no inline script"
        assert "embed" not in str(soup), "Isso's widget script must not be referenced before the reader asks"
        assert not soup.find(style=True) or all(not el.find_parent(id="comments") for el in soup.find_all(style=True))
    loader = next((pages.output / "assets").glob("comments.*.js")).read_text()
    assert "embed.min.js" in loader and "http" not in loader, "the loader takes the server's address from the page"


def test_without_javascript_the_page_says_how_to_take_part(make_site):
    config = comments_config(contact="{vi: thư gửi gopy@tinh-mau.gov.vn, en: e-mail gopy@tinh-mau.gov.vn}")
    _, pages, _ = build(make_site, {}, config)
    vi = section(pages, TASK_VI)
    assert vi.find("button")["hidden"] is not None, "the button appears only when the loader runs"
    help_text = visible_text(vi.find(attrs={"data-comments-nojs": True}))
    assert "cần JavaScript" in help_text and "gopy@tinh-mau.gov.vn" in help_text
    privacy = vi.find("a", string=re.compile("Quyền riêng tư"))
    target = pages.file_for(privacy["href"])
    assert target.exists()
    notice = visible_text(pages.soup(target.relative_to(pages.output)))
    assert "30 ngày" in notice and "15 phút" in notice and "2 ý kiến mỗi phút" in notice


def test_published_comments_are_in_the_html_of_both_languages(make_site):
    _, pages, _ = build(make_site, {TASK_THREAD: ONE_COMMENT})
    for page, official, count in ((TASK_VI, "Trả lời chính thức của Sở Xây dựng tỉnh Mẫu", "2 ý kiến"),
                                  (TASK_EN, "Official reply from Mau Department of Construction", "2 comments")):
        record = section(pages, page)
        text = visible_text(record)
        assert "Đề nghị công bố lộ trình cụ thể cho phường Vĩnh Thanh." in text
        assert "Trần Thị Ánh" in text and count in text
        first = record.find(id="comment-7")
        reply = first.find(id="comment-9")
        assert reply is not None, "the agency's answer is shown under the comment it answers"
        assert official in visible_text(reply) and "comment--official" in reply["class"]
        assert "comment--official" not in first["class"]
    assert section(pages, TASK_VI).find(id="comment-7").find("time")["datetime"] == "2026-11-20T08:15:03Z"
    assert "20 tháng 11 năm 2026" in visible_text(section(pages, TASK_VI).find(id="comment-7"))
    assert "Góp ý (2)" in visible_text(section(pages, TASK_VI).find("button"))


def test_lists_count_the_comments(make_site):
    _, pages, _ = build(make_site, {TASK_THREAD: ONE_COMMENT})
    for page, words in (("vi/nhiem-vu/index.html", "2 ý kiến"), ("en/tasks/index.html", "2 comments"),
                        ("vi/van-ban/12-ubnd-kt-2022/index.html", "2 ý kiến")):
        counts = [visible_text(c) for c in pages.soup(page).select(".comment-count")]
        assert counts == [words], page


def test_hostile_text_is_inert_in_the_static_record(make_site):
    hostile = thread("""
    - id: 1
      created: 2026-11-20T08:15:03Z
      author: "<b onmouseover=alert(1)>Kẻ xấu</b>\u202e"
      text: |
        <script>alert("x")</script> <img src=x onerror=alert(1)> [bấm vào](javascript:alert(1))
        <a href="javascript:alert(2)">link</a> \u202eđảo ngược\u202c [an toàn](https://example.org/a)
    """)
    _, pages, _ = build(make_site, {TASK_THREAD: hostile})
    page = pages.soup(TASK_VI)
    comment = page.find(id="comment-1")
    assert not comment.find(["script", "img", "b"]), "markup in a comment is shown as text, never as elements"
    assert '<script>alert("x")</script>' in comment.get_text()
    assert "<b onmouseover=alert(1)>Kẻ xấu</b>" in visible_text(comment.find(class_="comment__author"))
    links = comment.find_all("a")
    assert [a.get("href") for a in links] == [None, "https://example.org/a"], "a javascript: link loses its address"
    assert '<a href="javascript:alert(2)">link</a>' in comment.get_text()
    assert "nofollow" in links[1]["rel"] and "ugc" in links[1]["rel"]
    assert all(not attribute.startswith("on") for el in page.find_all(True) for attribute in el.attrs)
    assert not BIDI.search((pages.output / TASK_VI).read_text(encoding="utf-8")), "bidi controls are dropped"
    assert comment.find(class_="comment__text")["dir"] == "auto", "each comment is isolated from the page's text"


def test_a_long_comment_is_folded_but_whole(make_site):
    body = "Ý kiến rất dài. " * 4000  # 64,000 characters, about 90 KB of UTF-8
    long_thread = thread(f"""
    - id: 3
      created: 2026-11-20T08:15:03Z
      text: "{body.strip()}"
    """)
    _, pages, _ = build(make_site, {TASK_THREAD: long_thread})
    details = section(pages, TASK_EN).find(id="comment-3").find("details")
    assert "show it all" in visible_text(details.find("summary"))
    assert visible_text(details.find(class_="comment__text")).count("Ý kiến rất dài.") == 4000


def test_a_removed_comment_keeps_its_replies(make_site):
    removed = thread("""
    - id: 1
      created: 2026-11-20T08:15:03Z
      removed: true
    - id: 2
      parent: 1
      created: 2026-11-20T09:00:00Z
      text: Tôi đồng ý.
    """)
    _, pages, _ = build(make_site, {TASK_THREAD: removed})
    first = section(pages, TASK_VI).find(id="comment-1")
    assert "đã được người kiểm duyệt gỡ bỏ" in visible_text(first)
    assert "Tôi đồng ý." in visible_text(first.find(id="comment-2"))
    assert "(1 ý kiến)" in visible_text(section(pages, TASK_VI).find("h3"))


@pytest.mark.parametrize("comments, expected", [
    ("- id: 1\n  created: 2026-11-20T08:15:03Z\n  official_agency: so-xay-dung-tinh-mua\n  text: Trả lời.",
     "content/comments/tasks/mau-1-sxd-ke-hoach.yaml:5: comments[0].official_agency: unknown agency "
     "'so-xay-dung-tinh-mua'\n    hint: did you mean 'so-xay-dung-tinh-mau'?"),
    ("- id: 1\n  created: 2026-11-20T08:15:03Z\n  text: A.\n- id: 1\n  created: 2026-11-20T08:16:03Z\n  text: B.",
     "content/comments/tasks/mau-1-sxd-ke-hoach.yaml:6: comments[1].id: comment 1 appears twice"),
    ("- id: 2\n  parent: 5\n  created: 2026-11-20T08:15:03Z\n  text: A.",
     "content/comments/tasks/mau-1-sxd-ke-hoach.yaml:4: comments[0].parent: comment 2 answers comment 5, "
     "which is not in this thread"),
    ("- id: 2\n  created: 2026-11-20T08:15:03Z",
     "content/comments/tasks/mau-1-sxd-ke-hoach.yaml:3: comments[0]: a comment needs its text"),
    ("- id: 2\n  created: 2026-11-20 08:15\n  text: A.",
     "content/comments/tasks/mau-1-sxd-ke-hoach.yaml:4: comments[0].created: '2026-11-20 08:15' has no time zone"),
    ("- id: 2\n  created: 2026-11-20T08:15:03Z\n  text: " + "x" * 100_000,
     "content/comments/tasks/mau-1-sxd-ke-hoach.yaml:5: comments[0].text: String should have at most 65535 characters"),
])
def test_mistakes_in_a_comment_file_are_reported_with_file_and_line(make_site, comments, expected):
    problems = errors_of(make_site, {TASK_THREAD: thread(comments)})
    assert any(p.startswith(expected) for p in problems), problems


def test_a_thread_must_belong_to_a_page(make_site):
    problems = errors_of(make_site, {
        "content/comments/tasks/mau-1-sxd-ke-hoac.yaml": "thread: tasks/mau-1-sxd-ke-hoac\ncomments: []\n",
        "content/comments/tasks/other.yaml": f"thread: tasks/{TASK_ID}\ncomments: []\n",
    })
    assert ("content/comments/tasks/mau-1-sxd-ke-hoac.yaml:1: thread: there is no task 'mau-1-sxd-ke-hoac' for these "
            "comments\n    hint: did you mean 'mau-1-sxd-ke-hoach'?") in "\n".join(problems)
    assert any(p.startswith("content/comments/tasks/other.yaml:1: thread: the thread 'tasks/mau-1-sxd-ke-hoach' does "
                            "not match the file name 'tasks/other'") for p in problems), problems


def test_an_unknown_agency_account_is_an_error_in_site_config(make_site):
    config = comments_config() + "  agency_accounts:\n    so-xay-dung-tinh-mua: [sxd@tinh-mau.gov.vn]\n"
    problems = errors_of(make_site, {}, config)
    assert any(p.startswith("site_config.yaml:11: comments.agency_accounts.so-xay-dung-tinh-mua: unknown agency")
               for p in problems), problems


def test_an_official_reply_from_an_agency_not_in_charge_is_a_warning(make_site):
    stranger = thread("- id: 1\n  created: 2026-11-20T08:15:03Z\n  official_agency: ubnd-tinh-mau\n  text: Trả lời.")
    config_ok = build(make_site, {TASK_THREAD: stranger})[2]
    assert not config_ok.warnings, "the coordinating agency is responsible"
    other = {**FIXTURE_CONTENT, TASK_THREAD: stranger}
    other["content/agencies/bo-xay-dung.yaml"] = """
        id: bo-xay-dung
        kind: ministry
        name: {vi: Bộ Xây dựng, en: Ministry of Construction}
        short: {vi: Bộ Xây dựng, en: Ministry of Construction}
        """
    other[TASK_THREAD] = stranger.replace("ubnd-tinh-mau", "bo-xay-dung")
    root = make_site(other, config=comments_config())
    warnings = [p.format() for p in build_site(root, root / "output").warnings]
    assert any("'bo-xay-dung' is not among the agencies responsible for this task" in w for w in warnings), warnings


def test_check_reports_comment_mistakes_without_a_traceback(make_site):
    root = make_site({**FIXTURE_CONTENT, TASK_THREAD: thread("- id: 0\n  created: x\n  text: A.")},
                     config=comments_config())
    result = CliRunner().invoke(cli, ["--root", str(root), "check"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "mau-1-sxd-ke-hoach.yaml:3: comments[0].id: 0 is out of range (>= 1)" in result.output
    assert "mau-1-sxd-ke-hoach.yaml:4: comments[0].created: 'x' is not a time such as 2026-11-20T08:15:03Z" in result.output


def test_comments_switched_off_leave_no_trace(make_site):
    root = make_site({**FIXTURE_CONTENT, TASK_THREAD: ONE_COMMENT},
                     config=comments_config().replace("enabled: true", "enabled: false"))
    result = build_site(root, root / "output")
    pages = Pages(root / "output")
    assert section(pages, TASK_VI) is None and not pages.soup(TASK_VI).find("script")
    assert not list((root / "output" / "assets").glob("comments.*"))
    assert not (root / "output" / "vi" / "gop-y").exists()
    assert [w.path for w in result.warnings] == ["content/comments"]


def test_comments_need_the_server_address(make_site):
    config = comments_config().replace("  url: http://127.0.0.1:9/\n", "")
    root = make_site(config=config)
    with pytest.raises(SiteError) as caught:
        build_site(root, root / "output")
    assert caught.value.problems[0].format() == ("site_config.yaml:7: comments: comments are enabled but 'url' "
                                                 "(the comment server's public address) is missing")
