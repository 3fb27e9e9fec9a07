"""Search as a resident uses it: a phone-sized Chromium, queries typed without diacritics."""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from playwright import sync_api as playwright_api

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


@pytest.fixture(scope="module")
def server(bundled_site):
    output, _ = bundled_site
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(output))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.problems = []
    # Console errors (CSP violations, script errors) and missing files; browsers ask for /favicon.ico on their own.
    page.on("console", lambda message: message.type == "error" and not message.text.startswith("Failed to load resource")
            and page.problems.append(message.text))
    page.on("response", lambda response: response.status >= 400 and not response.url.endswith("/favicon.ico")
            and page.problems.append(f"{response.status} {response.url}"))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def search(page, server: str, lang: str, query: str) -> list[dict]:
    """Type the query into the search page's box, as a resident does; return the results shown."""
    folder = "tim-kiem" if lang == "vi" else "search"
    page.goto(f"{server}/{lang}/{folder}/")
    page.wait_for_selector("#search[data-ready]")
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    page.wait_for_selector("#search[data-searched]", state="attached", timeout=15000)
    return page.eval_on_selector_all(".search-results li", """items => items.map(li => ({
        href: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').textContent,
        facts: (li.querySelector('.search-facts') || {}).textContent || ''}))""")


def says(bundled_site, href: str, words: str) -> bool:
    """Whether the page at href says these words (compared without diacritics)."""
    from minhbach.search import fold

    output, _ = bundled_site
    html = (output / href.lstrip("/") / "index.html").read_text(encoding="utf-8")
    return fold(words) in fold(BeautifulSoup(html, "html.parser").main.get_text(" "))


def test_so_xay_dung_finds_the_department_of_constructions_tasks(phone, server, bundled_site):
    _, result = bundled_site
    site = result.site
    led = {t.id for t in site.tasks.values() if any(a.startswith("so-xay-dung-") for a in t.lead)}
    results = search(phone, server, "vi", "so xay dung")
    tasks = [r for r in results if r["href"].startswith("/vi/nhiem-vu/")]
    assert any(r["href"].split("/")[3] in led for r in tasks), results
    assert all(says(bundled_site, r["href"], "Sở Xây dựng") for r in results[:5]), results[:5]
    # Status and deadline are shown with each task.
    assert all(r["facts"].count(" · ") >= 2 for r in tasks), tasks
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert not phone.problems


@pytest.mark.parametrize("query, expected", [
    ("dak nong", "/vi/tinh/dak-nong/"),
    ("dak nong", "/vi/co-quan/ubnd-dak-nong/"),
    ("phu quoc", "/vi/co-quan/ubnd-phu-quoc/"),
    ("so xay dung kien giang", "/vi/co-quan/so-xay-dung-kien-giang/"),
])
def test_accent_free_queries_rank_the_page_that_says_it_near_the_top(phone, server, query, expected):
    results = search(phone, server, "vi", query)
    assert expected in [r["href"] for r in results[:5]], results[:5]


def test_do_thi_thong_minh_finds_pages_that_say_it(phone, server, bundled_site):
    results = search(phone, server, "vi", "do thi thong minh")
    assert len(results) >= 5
    assert all(says(bundled_site, r["href"], "đô thị thông minh") for r in results[:5]), results[:5]


def test_english_queries_work_on_english_pages(phone, server):
    results = search(phone, server, "en", "Department of Construction")
    hrefs = [r["href"] for r in results[:10]]
    assert hrefs and all(h.startswith("/en/") for h in hrefs)
    assert any(h.startswith("/en/agencies/so-xay-dung-") for h in hrefs), hrefs


def test_filter_by_province_without_words(phone, server):
    phone.goto(f"{server}/vi/tim-kiem/")
    phone.wait_for_selector("#search[data-ready]")
    phone.click("summary:has-text('Lọc kết quả')")
    phone.select_option("#filter-province", "Đắk Nông")
    phone.wait_for_selector("#search[data-searched]", state="attached")
    hrefs = phone.eval_on_selector_all(".search-results li a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs
    tasks = [h.split("/")[3] for h in hrefs if h.startswith("/vi/nhiem-vu/")]
    assert tasks and all(task.startswith("dn-") for task in tasks), hrefs


def test_query_in_the_address_runs_the_search(phone, server):
    phone.goto(f"{server}/vi/tim-kiem/?q={quote('dak nong')}")
    phone.wait_for_selector(".search-results li")
    assert phone.input_value("#search-query") == "dak nong"


def test_without_javascript_the_search_page_points_to_the_lists(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{server}/vi/tim-kiem/")
    assert not page.is_visible("#search-query")
    links = page.eval_on_selector_all("main a", "links => links.map(a => a.getAttribute('href'))")
    assert "/vi/nhiem-vu/" in links
    assert any(h.startswith("/vi/nhiem-vu/tinh/") for h in links)
    assert any(h.startswith("/vi/nhiem-vu/trang-thai/") for h in links)
    context.close()


def test_structured_data_breaks_no_content_security_policy(phone, server):
    """JSON-LD is data, not script: the pages' policy (no inline script) lets it stand, with no violation."""
    for path in ("/vi/", "/en/documents/950-qd-ttg-2018/", "/vi/co-quan/so-xay-dung-kien-giang/"):
        phone.goto(server + path)
        assert phone.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)['@type']")
    assert not phone.problems, phone.problems
