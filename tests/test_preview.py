"""The live preview as an editor uses it: `build.py serve` running, files saved, broken and fixed, pages fetched.

Every test starts the real command on a free port of 127.0.0.1 in a copy of the fixture site and
stops it at the end.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect, sync_playwright

from conftest import FIXTURE_CONTENT, ROOT, TASK_PATH, dedent
from minhbach.isso import free_port

TASK_URL = "/vi/nhiem-vu/mau-1-sxd-ke-hoach/"
TITLE = "Lập kế hoạch phát triển đô thị thông minh"
BROKEN_LEAD = f"{TASK_PATH}:12: lead[0]: unknown agency 'so-xay-dung'"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


class Preview:
    """`build.py serve` on a fixture site, with helpers to edit files and wait for the pages to follow."""

    def __init__(self, root: Path, log: Path):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "--root", str(root), "serve", "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=root)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve stopped:\n{self.output}"
            try:
                self.fetch("/_preview/")
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"serve did not start:\n{self.output}")

    @property
    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def fetch(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as answer:
                return answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def edit(self, relative: str, old: str | None = None, new: str = "") -> None:
        """Save a file as an editor does: replace text, write whole text, or delete (new=None via delete())."""
        path = self.root / relative
        text = new if old is None else path.read_text(encoding="utf-8").replace(old, new)
        assert old is None or old in path.read_text(encoding="utf-8"), f"{old!r} not in {relative}"
        path.write_text(text, encoding="utf-8")

    def wait_for(self, path: str, check, what: str, timeout: float = 30) -> tuple[int, BeautifulSoup]:
        deadline = time.monotonic() + timeout
        while True:
            assert self.process.poll() is None, f"the preview died:\n{self.output}"
            status, text = self.fetch(path)
            page = BeautifulSoup(text, "html.parser")
            if check(status, page):
                return status, page
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} never happened at {path} (status {status}):\n{text[:3000]}\n{self.output}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def problems(page: BeautifulSoup) -> list[str]:
    """The problems the banner lists, each as the terminal prints it: `file:line: field: message`."""
    banner = page.find(class_="preview-problems")
    return [item["data-problem"] for item in banner.find_all("li")] if banner else []


def heading(page: BeautifulSoup) -> str:
    return " ".join(page.find("h1").get_text(" ").split()) if page.find("h1") else ""


@pytest.fixture
def preview(built_site_copy, tmp_path):
    shutil.rmtree(built_site_copy / "output")
    running = Preview(built_site_copy, tmp_path / "serve.log")
    yield running
    running.stop()


def test_a_saved_change_shows_up_and_a_mistake_is_shown_over_the_last_good_page(preview):
    status, page = preview.wait_for(TASK_URL, lambda s, p: s == 200, "the first build")
    assert heading(page) == TITLE and not problems(page)
    assert page.find("script", string=lambda s: s and "livereload.js" in s), "the page reloads itself"

    preview.edit(TASK_PATH, TITLE, "Lập kế hoạch đô thị thông minh năm 2023")
    preview.wait_for(TASK_URL, lambda s, p: heading(p) == "Lập kế hoạch đô thị thông minh năm 2023", "the rebuild")

    preview.edit(TASK_PATH, "lead: [so-xay-dung-tinh-mau]", "lead: [so-xay-dung]")
    status, page = preview.wait_for(TASK_URL, lambda s, p: problems(p), "the problem banner")
    assert status == 200
    assert problems(page) == [BROKEN_LEAD]
    item = " ".join(page.find(class_="preview-problems").find("li").get_text(" ").split())
    assert item.startswith(f"{TASK_PATH}:12 : lead[0] : không có cơ quan 'so-xay-dung' (unknown agency 'so-xay-dung')")
    assert "Gợi ý: có phải là 'so-xay-dung-tinh-mau'?" in " ".join(page.find(class_="preview-hint").get_text().split())
    assert heading(page) == "Lập kế hoạch đô thị thông minh năm 2023", "the last good page stays under the banner"
    banner = page.find(class_="preview-problems")
    assert banner["role"] == "alert" and banner["lang"] == "vi"
    assert "lỗi" in banner.find("h2").get_text(), "the editor's language: the site's default, Vietnamese"
    _, other = preview.fetch("/en/")
    assert problems(BeautifulSoup(other, "html.parser")) == [BROKEN_LEAD]
    _, listing = preview.fetch("/_preview/")
    assert problems(BeautifulSoup(listing, "html.parser")) == [BROKEN_LEAD]
    assert BROKEN_LEAD in preview.output, "the terminal shows the same"
    assert preview.fetch("/_preview/preview.css")[0] == 200

    preview.edit(TASK_PATH, "lead: [so-xay-dung]", "lead: [so-xay-dung-tinh-mau]")
    status, page = preview.wait_for(TASK_URL, lambda s, p: s == 200 and not problems(p), "the recovery")
    assert heading(page) == "Lập kế hoạch đô thị thông minh năm 2023"
    _, listing = preview.fetch("/_preview/")
    assert not problems(BeautifulSoup(listing, "html.parser"))


def test_the_search_index_follows_the_pages_in_the_background(preview):
    """Pages come first; Pagefind runs after each good rebuild, and the index it replaces stays until then."""
    def entry_when(check, what: str) -> str:
        deadline = time.monotonic() + 60
        while True:
            status, text = preview.fetch("/pagefind/pagefind-entry.json")
            if status == 200 and check(text):
                return text
            assert time.monotonic() < deadline, f"{what} never happened:\n{preview.output}"
            time.sleep(0.3)

    first = entry_when(lambda text: '"vi"' in text, "the first search index")
    preview.edit(TASK_PATH, TITLE, "Lập kế hoạch đô thị thông minh năm 2023")
    preview.wait_for(TASK_URL, lambda s, p: heading(p) == "Lập kế hoạch đô thị thông minh năm 2023", "the rebuild")
    entry_when(lambda text: text != first, "the index of the edited page")
    assert "Search index updated" in preview.output


def test_every_problem_is_listed_at_once(preview):
    preview.edit(TASK_PATH, "lead: [so-xay-dung-tinh-mau]", "lead: [so-xay-dung]")
    preview.edit(TASK_PATH, "status: no-report", "status: done")
    preview.edit("content/agencies/ubnd-tinh-mau.yaml", "kind: provincial-committee", "kind: committee")
    _, page = preview.wait_for(TASK_URL, lambda s, p: len(problems(p)) >= 2, "two problems")
    listed = problems(page)
    assert f"{TASK_PATH}:18: status: 'done' is not one of the allowed values" in listed
    assert "content/agencies/ubnd-tinh-mau.yaml:2: kind: 'committee' is not one of the allowed values" in listed


def test_template_syntax_errors_and_deleted_files_do_not_stop_it(preview):
    preview.wait_for(TASK_URL, lambda s, p: s == 200, "the first build")
    template = preview.root / "templates" / "task.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{% endblock %}", "{% endblok %}", 1), encoding="utf-8")
    _, page = preview.wait_for(TASK_URL, lambda s, p: problems(p), "the template problem")
    (listed,) = problems(page)
    assert listed.startswith("templates/task.html:") and "template syntax error" in listed
    assert heading(page) == TITLE
    template.write_text(good, encoding="utf-8")
    preview.wait_for(TASK_URL, lambda s, p: s == 200 and not problems(p), "the recovery from the template")

    (preview.root / TASK_PATH).unlink()
    preview.wait_for(TASK_URL, lambda s, p: s == 404, "the deleted task's page to go")
    preview.wait_for("/vi/", lambda s, p: s == 200 and not problems(p), "the rest of the site")

    config = (preview.root / "site_config.yaml").read_text(encoding="utf-8")
    (preview.root / "site_config.yaml").unlink()
    _, page = preview.wait_for("/vi/", lambda s, p: problems(p), "the missing settings")
    assert problems(page) == ["site_config.yaml: the file is missing"]
    (preview.root / "site_config.yaml").write_text(config, encoding="utf-8")

    shutil.rmtree(preview.root / "templates")
    _, page = preview.wait_for("/vi/", lambda s, p: problems(p), "the missing templates")
    assert heading(page), "the last good home page is still there"
    shutil.copytree(ROOT / "templates", preview.root / "templates")
    preview.wait_for("/vi/", lambda s, p: s == 200 and not problems(p), "the recovery from deleted templates")
    assert preview.process.poll() is None


def test_a_preview_started_on_broken_content_waits_for_the_fix(make_site, tmp_path):
    content = dict(FIXTURE_CONTENT)
    content[TASK_PATH] = FIXTURE_CONTENT[TASK_PATH].replace("lead: [so-xay-dung-tinh-mau]", "lead: [so-xay-dung]")
    root = make_site(content)
    running = Preview(root, tmp_path / "serve.log")
    try:
        status, page = running.wait_for(TASK_URL, lambda s, p: problems(p), "the problem page")
        assert status == 503 and problems(page) == [BROKEN_LEAD]
        running.edit(TASK_PATH, "lead: [so-xay-dung]", "lead: [so-xay-dung-tinh-mau]")
        _, page = running.wait_for(TASK_URL, lambda s, p: s == 200, "the first good build")
        assert heading(page) == TITLE and not problems(page)
    finally:
        running.stop()


def test_the_open_tab_reloads_by_itself_and_shows_the_problem(preview):
    preview.wait_for(TASK_URL, lambda s, p: s == 200, "the first build")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 640})
            refused: list[str] = []
            page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(preview.url + TASK_URL)
            page.wait_for_function("() => window.LiveReload !== undefined", timeout=20_000)
            page.wait_for_timeout(500)  # let the socket say hello
            page.evaluate("window.scrollTo(0, 400)")  # the editor is reading further down the page
            preview.edit(TASK_PATH, "lead: [so-xay-dung-tinh-mau]", "lead: [so-xay-dung]")
            alert = page.get_by_role("alert")
            alert.wait_for(timeout=30_000)
            assert "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:12" in alert.inner_text()
            assert "unknown agency 'so-xay-dung'" in alert.inner_text()
            assert page.get_by_role("heading", level=1).inner_text() == TITLE
            expect(alert).to_be_in_viewport()  # a reload keeps the scroll position: the box must still be seen
            box = alert.bounding_box()
            assert box["width"] <= 360 and box["y"] >= 0, "the banner fits a phone screen"
            assert alert.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid", "its stylesheet loads"
            preview.edit(TASK_PATH, "lead: [so-xay-dung]", "lead: [so-xay-dung-tinh-mau]")
            alert.wait_for(state="detached", timeout=30_000)
            assert page.get_by_role("heading", level=1).inner_text() == TITLE
            assert not refused, refused
        finally:
            browser.close()


def test_a_template_saved_while_a_record_is_broken_keeps_the_record_problem(preview):
    preview.edit(TASK_PATH, "lead: [so-xay-dung-tinh-mau]", "lead: [so-xay-dung]")
    preview.wait_for(TASK_URL, lambda s, p: problems(p) == [BROKEN_LEAD], "the problem banner")
    preview.edit("templates/task.html", "{% endblock %}", "{% endblock %}{# a comment #}")
    deadline = time.monotonic() + 30
    while "Changed: templates/task.html" not in preview.output:
        assert time.monotonic() < deadline, preview.output
        time.sleep(0.2)
    time.sleep(0.5)
    _, text = preview.fetch(TASK_URL)
    assert problems(BeautifulSoup(text, "html.parser")) == [BROKEN_LEAD]
    preview.edit(TASK_PATH, "lead: [so-xay-dung]", "lead: [so-xay-dung-tinh-mau]")
    preview.wait_for(TASK_URL, lambda s, p: s == 200 and not problems(p), "the recovery")


def test_the_terminal_leaves_out_warnings_acknowledged_in_site_config(make_site):
    from minhbach.problems import WARNING, Problem
    from minhbach.serve import Preview as Served

    config = dedent("""
        title: {vi: Trang thử nghiệm, en: Test site}
        as_of: 2026-11-23
        acknowledged:
          - {file: content/tasks/*.yaml, field: deadline.day, reason: kept as written}
        """)
    root = make_site(config=config)
    kept = Problem(TASK_PATH, 17, "deadline.day", "day 31 does not exist in month 11", "", WARNING)
    other = Problem(TASK_PATH, 3, "funding", "the English text is missing", "", WARNING, "missing-english")
    from minhbach.incremental import Builder

    preview = Served(root, Builder(root, root / "preview", manifest=False))
    assert preview._open([kept, other]) == [other]
