"""Every page carries a Content-Security-Policy without inline scripts or styles; hosts that set
headers get the same policy (and frame-ancestors) from _headers or the nginx example."""

from __future__ import annotations

import json

import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from conftest import BASE_URL, FIXTURE_CONFIG, ROOT, Pages, nginx_test
from minhbach import security
from minhbach.isso import free_port
from minhbach.pipeline import build_site

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
COMMENTS_ORIGIN = "https://binhluan.example.org"  # site_config.yaml's comment server


def parse_policy(text: str) -> dict[str, set[str]]:
    found = {}
    for part in text.split(";"):
        name, *values = part.split()
        assert name not in found, f"{name} twice in {text}"
        found[name] = set(values)
    return found


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def meta_policy(soup) -> dict[str, set[str]]:
    metas = soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert len(metas) == 1
    return parse_policy(metas[0]["content"])


def test_every_page_has_a_policy_without_inline_code(bundled_site, pages):
    output, _ = bundled_site
    checked = 0
    for path in html_pages(output):
        soup = pages.soup(path.relative_to(output))
        head = soup.head
        # The policy must come before anything it governs: right after the charset.
        first = [tag for tag in head.find_all(True, recursive=False)][:2]
        assert first[0].get("charset") == "utf-8" and first[1].get("http-equiv") == "Content-Security-Policy", path
        policy = meta_policy(soup)
        assert policy["default-src"] == {"'none'"}
        assert policy["base-uri"] == {"'none'"} and policy["object-src"] == {"'none'"}
        for directive in ("script-src", "style-src"):
            assert "'self'" in policy[directive]
            assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & policy[directive], path
        # Nothing the policy would block: no inline script or style, no handler attributes.
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":  # schema.org data: never run, so no policy governs it
                json.loads(script.string)
                continue
            assert script.get("src") and not script.string, (path, script)
        assert soup.find("style") is None, path
        assert not soup.find_all(style=True), path
        assert not [t for t in soup.find_all(True) if any(a.lower().startswith("on") for a in t.attrs)], path
        checked += 1
    assert checked > 300


def test_only_pages_with_comments_allow_the_comment_server(bundled_site, pages):
    output, _ = bundled_site
    with_comments = {"vi/nhiem-vu/kg-1320-1-sxd-lo-trinh/index.html", "en/documents/950-qd-ttg-2018/index.html",
                     "vi/tinh/kien-giang/index.html"}
    for name in with_comments:
        soup = pages.soup(name)
        assert soup.find(id="isso-thread") is not None, name
        policy = meta_policy(soup)
        for directive in ("script-src", "style-src", "connect-src"):
            assert COMMENTS_ORIGIN in policy[directive], name
    for name in ("vi/index.html", "en/tasks/index.html", "en/agencies/index.html", "404.html", "index.html"):
        soup = pages.soup(name)
        assert soup.find(id="isso-thread") is None
        assert not any(COMMENTS_ORIGIN in values for values in meta_policy(soup).values()), name


def test_headers_file_covers_every_page_and_forbids_framing(bundled_site, pages):
    output, _ = bundled_site
    text = (output / "_headers").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines[0] == "/*"
    headers = dict(line.strip().split(": ", 1) for line in lines[1:])
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    header = parse_policy(headers["Content-Security-Policy"])
    assert header["frame-ancestors"] == {"'none'"}
    # A browser enforces header and meta both: the header must allow all that any page's meta allows,
    # so each page keeps exactly its own policy.
    for path in html_pages(output)[::7]:
        for directive, values in meta_policy(pages.soup(path.relative_to(output))).items():
            assert values <= header[directive], (path, directive)


def test_headers_file_follows_the_sub_path(make_site, tmp_path):
    root = make_site(config=FIXTURE_CONFIG.replace("base_path: /", "base_path: /minh-bach/"))
    build_site(root, tmp_path / "out")
    lines = (tmp_path / "out" / "_headers").read_text(encoding="utf-8").splitlines()
    assert "/minh-bach/*" in lines
    policy = [line for line in lines if "Content-Security-Policy" in line][0]
    assert "binhluan" not in policy  # the fixture site has no comments: nothing outside is allowed


def test_a_page_kind_can_add_sources(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(security, "PAGE_SOURCES", {})
    security.add_sources("task-list", {"script-src": ["'wasm-unsafe-eval'"], "worker-src": ["'self'"]})
    security.add_sources("task-list", {"script-src": ["'wasm-unsafe-eval'"]})  # twice is once
    root = make_site()
    build_site(root, tmp_path / "out")
    built = Pages(tmp_path / "out")
    listed = meta_policy(built.soup("en/tasks/index.html"))
    assert listed["script-src"] == {"'self'", "'wasm-unsafe-eval'"}
    assert listed["worker-src"] == {"'self'"}
    other = meta_policy(built.soup("en/tasks/mau-1-sxd-ke-hoach/index.html"))
    assert other["script-src"] == {"'self'"} and "worker-src" not in other
    header = (tmp_path / "out" / "_headers").read_text(encoding="utf-8")
    assert "script-src 'self' 'wasm-unsafe-eval';" in header


def test_external_links_do_not_hand_over_the_page(make_site, site_content, tmp_path):
    from conftest import TASK_PATH, dedent

    site_content[TASK_PATH] = dedent(site_content[TASK_PATH]) + (
        'description:\n'
        '  vi: "[Cổng thông tin](https://chinhphu.vn/) và <a href=\\"https://x.example/\\" target=\\"_blank\\" rel=\\"opener\\">x</a>"\n'
        '  en: "[Portal](https://chinhphu.vn/)"\n')
    root = make_site(site_content)
    build_site(root, tmp_path / "out")
    built = Pages(tmp_path / "out")
    found = 0
    for path in html_pages(tmp_path / "out"):
        for link in built.soup(path.relative_to(tmp_path / "out")).find_all("a", href=True):
            parts = urlsplit(link["href"])
            if parts.scheme in ("http", "https") and f"{parts.scheme}://{parts.netloc}" != BASE_URL:
                assert {"noopener", "noreferrer"} <= set(link.get("rel", [])), (path, link)
                assert link.get("target") is None
                found += 1
    assert found == 5  # three in the description, and the data licence on both download pages


def test_the_nginx_example_sends_the_same_headers(bundled_site, tmp_path):
    output, _ = bundled_site
    guide = (ROOT / "docs" / "hosting.md").read_text(encoding="utf-8")
    (config,) = re.findall(r"```nginx\n(.*?)```", guide, flags=re.S)
    headers = dict(re.findall(r'add_header (\S+) "([^"]*)" always;', config))
    lines = (output / "_headers").read_text(encoding="utf-8").splitlines()
    expected = dict(line.strip().split(": ", 1) for line in lines if line.startswith("  "))
    assert headers == expected, "docs/hosting.md must show the headers the build writes to _headers"
    site = config.replace("/var/www/minh-bach", str(output))
    result = nginx_test(site.replace("listen 80;", "listen 127.0.0.1:8;"), tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


def test_the_preview_reloads_under_the_policy(make_site, browser):
    """The preview's live reload injects one inline script: the policy allows it by its hash, nothing else."""
    root = make_site()
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(root), "serve",
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        page = browser.new_page()
        violations: list[str] = []
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        deadline = time.monotonic() + 60
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}/en/", wait_until="load")
                break
            except Exception:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        page.wait_for_function("() => window.LiveReload !== undefined", timeout=20000)
        assert violations == []
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
