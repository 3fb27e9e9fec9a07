"""Residents' comments in a real browser: Debian's Chromium, the built site and a real Isso.

The site is served on one 127.0.0.1 port with a Content-Security-Policy that allows no
inline script or style, and Isso runs on another port, as a separate comment host would.
"""

from __future__ import annotations

import functools
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from playwright.sync_api import sync_playwright

from build import cli
from comment_site import TASK_ID, comments_config
from conftest import FIXTURE_CONTENT
from isso_client import IssoClient
from minhbach.config import load_config
from minhbach.isso import IssoServer, free_ports
from minhbach.pipeline import build_site

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
THREAD = f"tasks/{TASK_ID}"
TALL = {"width": 1000, "height": 2400}  # the whole fixture page fits: the reader need not scroll
PHONE = {"width": 360, "height": 640}
COMMENT = "Đề nghị Sở Xây dựng công bố lộ trình cho phường Vĩnh Thanh trước Tết — ý kiến của cư dân khu phố 3"


class _Handler(SimpleHTTPRequestHandler):
    csp = ""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


class StaticSite:
    """The built output/ served on 127.0.0.1 with a strict Content-Security-Policy."""

    def __init__(self, output: Path, comments_origin: str, port: int):
        handler = type("Handler", (_Handler,), {"csp": (
            f"default-src 'self'; script-src 'self' {comments_origin}; style-src 'self' {comments_origin}; "
            f"connect-src {comments_origin}; img-src 'self' data:; base-uri 'none'; form-action 'none'")})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(output)))
        self.url = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def commented_site(make_site):
    """Factory: a built fixture site, a real Isso for it, and the site served, all on 127.0.0.1."""
    started: list = []

    def start(comments_port: int | None = None, with_isso: bool = True, **settings):
        site_port, other_port = free_ports(2)
        isso_port = comments_port or other_port
        root = make_site(FIXTURE_CONTENT, config=comments_config(url=f"http://127.0.0.1:{isso_port}/", **settings))
        isso = None
        if with_isso:
            isso = IssoServer(load_config(root).comments, root / ".comments", [f"http://127.0.0.1:{site_port}"],
                              port=isso_port).start()
            started.append(isso)
        build_site(root, root / "output")
        site = StaticSite(root / "output", f"http://127.0.0.1:{isso_port}", site_port)
        started.append(site)
        return root, site, isso

    yield start
    for thing in reversed(started):
        thing.close() if isinstance(thing, StaticSite) else thing.stop()


class Watch:
    """What a page asked the network for, and what the browser complained about."""

    def __init__(self, page, comments_url: str):
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", lambda message: self.problems.append(message.text)
                if "Content Security Policy" in message.text or "Refused" in message.text else None)
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.comments_url = comments_url

    @property
    def to_comment_server(self) -> list[str]:
        return [url for url in self.requests if url.startswith(self.comments_url)]


def open_widget(page) -> None:
    page.get_by_role("button", name=re.compile(r"^(Góp ý|Comments) \(\d+\)$")).click()
    page.wait_for_selector("#isso-thread .isso-postbox textarea", timeout=20_000)


def test_a_comment_goes_from_the_widget_through_moderation_into_the_published_record(browser, commented_site):
    root, site, isso = commented_site()
    context = browser.new_context(viewport=TALL)
    page = context.new_page()
    watch = Watch(page, isso.url)

    # A resident opens the task in Vietnamese: nothing comes from the comment server yet.
    page.goto(f"{site.url}/vi/nhiem-vu/{TASK_ID}/", wait_until="networkidle")
    page.wait_for_timeout(300)
    assert watch.to_comment_server == [], "the widget must not load before the reader asks"
    assert page.get_by_text("Chưa có ý kiến nào được công bố.").is_visible()

    # ... asks for the comments, and writes one with diacritics, in a Vietnamese form.
    open_widget(page)
    assert any(url.endswith("/js/embed.min.js") for url in watch.to_comment_server)
    assert page.locator("#isso-thread input[type=submit]").get_attribute("value") == "Gửi"
    page.fill("#isso-thread .isso-postbox textarea", COMMENT)
    page.fill("#isso-thread .isso-postbox input[name=author]", "Trần Thị Ánh")
    page.click("#isso-thread .isso-postbox input[type=submit]")
    page.wait_for_selector("#isso-root .isso-comment", timeout=10_000)
    assert "Bình luận đang chờ duyệt" in page.inner_text("#isso-root"), "moderation is on: the comment waits"
    context.close()

    # A moderator approves it on Isso's own admin page.
    moderator = browser.new_context(viewport=TALL)
    admin = moderator.new_page()
    admin.goto(f"{isso.url}admin/")
    admin.fill("input[name=password]", isso.admin_password)
    admin.locator("input[name=password]").press("Enter")
    admin.wait_for_selector(".isso-comment")
    assert COMMENT in admin.inner_text(".isso-comment .isso-text")
    with admin.expect_response(re.compile(r"/activate/")) as activated:
        admin.click(".isso-comment a.validate")
    assert activated.value.status == 200
    moderator.close()
    assert [c["text"] for c in IssoClient(isso.url, site.url).published(THREAD)] == [COMMENT]

    # A reader of the English twin sees it in the same conversation, in an English widget.
    reader = browser.new_context(viewport=TALL)
    page = reader.new_page()
    watch = Watch(page, isso.url)
    page.goto(f"{site.url}/en/tasks/{TASK_ID}/", wait_until="networkidle")
    open_widget(page)
    page.wait_for_selector("#isso-root .isso-comment")
    assert COMMENT in page.inner_text("#isso-root .isso-comment .isso-text")
    assert "Trần Thị Ánh" in page.inner_text("#isso-root .isso-comment .isso-author")
    assert page.locator("#isso-thread input[type=submit]").get_attribute("value") == "Submit"
    assert watch.problems == [], "the widget works under a policy without inline scripts or styles"
    reader.close()

    # The editor exports the approved comment and rebuilds: it is now part of the static pages.
    exported = CliRunner().invoke(cli, ["--root", str(root), "comments", "export"])
    assert exported.exit_code == 0, exported.output
    record = yaml.safe_load((root / "content" / "comments" / "tasks" / f"{TASK_ID}.yaml").read_text(encoding="utf-8"))
    assert [(c["author"], c["text"]) for c in record["comments"]] == [("Trần Thị Ánh", COMMENT)]
    build_site(root, root / "output")

    offline = browser.new_context(viewport=TALL, java_script_enabled=False)
    page = offline.new_page()
    watch = Watch(page, isso.url)
    for path, count, how in ((f"/vi/nhiem-vu/{TASK_ID}/", "1 ý kiến", "cần JavaScript"),
                             (f"/en/tasks/{TASK_ID}/", "1 comment", "needs JavaScript")):
        page.goto(site.url + path)
        record = page.locator("#comments .comment-list")
        assert COMMENT in record.inner_text() and "Trần Thị Ánh" in record.inner_text()
        assert count in page.inner_text("#comments h3")
        assert how in page.inner_text("[data-comments-nojs]"), "without JavaScript the page says how to take part"
        assert not page.get_by_role("button", name=re.compile("Góp ý|Comments")).is_visible()
    page.goto(f"{site.url}/vi/nhiem-vu/")
    assert "1 ý kiến" in page.inner_text(".task-card")
    assert watch.to_comment_server == []
    offline.close()


def test_the_widget_loads_when_the_reader_scrolls_to_the_thread(browser, commented_site):
    _, site, isso = commented_site()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    watch = Watch(page, isso.url)
    page.goto(f"{site.url}/vi/nhiem-vu/{TASK_ID}/", wait_until="networkidle")
    page.wait_for_timeout(500)
    assert watch.to_comment_server == []
    assert page.locator("#isso-thread").bounding_box()["y"] > PHONE["height"] + 400, "far below the fold on a phone"
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(300)
    assert watch.to_comment_server == [], "a scroll that does not reach the thread asks for nothing"
    page.locator("#isso-thread").scroll_into_view_if_needed()
    page.wait_for_selector("#isso-thread .isso-postbox", timeout=20_000)
    assert any(url.endswith("/js/embed.min.js") for url in watch.to_comment_server)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "nothing overflows a phone"
    context.close()


def test_the_page_still_works_when_the_comment_server_is_down(browser, commented_site):
    _, site, _ = commented_site(with_isso=False)
    context = browser.new_context(viewport=TALL)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site.url}/vi/nhiem-vu/{TASK_ID}/")
    page.get_by_role("button", name="Góp ý (0)").click()
    status = page.locator("[data-comments-status]")
    status.filter(has_text="Hiện chưa thể góp ý").wait_for(timeout=10_000)
    assert "không kết nối được máy chủ góp ý" in status.inner_text()
    assert page.locator("h1").inner_text() == "Lập kế hoạch phát triển đô thị thông minh"
    assert page.get_by_role("link", name="Sở Xây dựng tỉnh Mẫu").is_visible()
    assert errors == []
    context.close()


def test_hostile_comments_are_inert_in_the_widget(browser, commented_site):
    _, site, isso = commented_site(load_on_scroll=False)  # on a phone, opened with the button only
    resident = IssoClient(isso.url, site.url, isso.admin_password)
    hostile = ('<script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2"> '
               '[bấm đây](javascript:window.pwned=3) <a href="javascript:window.pwned=4">liên kết</a> '
               '\u202eđảo chiều\u202c hết.')
    _, comment = resident.post(THREAD, hostile, author='<b onmouseover="window.pwned=5">Kẻ xấu</b>\u202e')
    resident.approve(comment["id"])
    long_text = "Rất dài. " * 7000  # 63,000 characters: under Isso's limit, about 70 KB
    _, long_comment = resident.post(THREAD, long_text, source="127.0.8.1")
    resident.approve(long_comment["id"])
    too_long = resident.post(THREAD, "x" * 100_000, source="127.0.9.1")
    assert too_long[0] == 400 and "too long" in too_long[1], "Isso refuses bodies over 65,535 characters"

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    watch = Watch(page, isso.url)
    page.goto(f"{site.url}/vi/nhiem-vu/{TASK_ID}/")
    open_widget(page)
    page.wait_for_selector(f"#isso-{comment['id']} .isso-text")
    shown = page.locator(f"#isso-{comment['id']}")
    assert "<script>window.pwned = 1</script>" in shown.locator(".isso-text").inner_text()
    assert shown.locator(".isso-text script, .isso-text img, .isso-author b").count() == 0
    for link in shown.locator(".isso-text a").all():
        assert not (link.get_attribute("href") or "").lower().startswith("javascript")
        link.click()
    page.hover(f"#isso-{comment['id']} .isso-author")
    page.wait_for_timeout(200)
    assert page.evaluate("window.pwned") is None and watch.dialogs == []
    assert page.evaluate(f"getComputedStyle(document.querySelector('#isso-{comment['id']} .isso-text')).unicodeBidi") \
        == "isolate", "reversed text stays inside its comment"
    page.wait_for_selector(f"#isso-{long_comment['id']} .isso-text")
    height = page.evaluate(f"document.querySelector('#isso-{long_comment['id']} .isso-text').clientHeight")
    assert height < 600, "a very long comment scrolls inside its box instead of taking over the page"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert watch.problems == []
    context.close()
