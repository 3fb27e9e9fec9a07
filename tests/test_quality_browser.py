"""Accessible, and looks right: one page of each type in each language, in Debian's Chromium.

axe-core checks WCAG 2.1 A and AA at 360 px (a cheap phone) and 1280 px; the first Tab stops
must show a visible focus, the first one a skip link to the main content; landmarks are
there; no request leaves the site or fails. Screenshots of every checked page at both widths
go to artifacts/screenshots/ (git-ignored; CI keeps the folder, see docs/quality.md).
Axe is the slow tool, so it reads a sample: the largest page of each type per language.
"""

from __future__ import annotations

import struct
from collections import defaultdict

import pytest
import yaml

from conftest import ARTIFACTS, QUALITY_FIGURES, ROOT, break_page
from quality import report
from quality.browser import WIDTHS, check_in_browser

SCREENSHOTS = ARTIFACTS / "screenshots"


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def test_the_sample_holds_every_page_type_in_both_languages(quality_site):
    types = defaultdict(set)
    for page in quality_site.sample():
        types[quality_site.language_of(page)].add(quality_site.page_type(page))
    assert types["vi"] == types["en"]
    assert types["root"] == {"index", "404"}  # the language choice and the not-found page, both bilingual
    assert {"home", "province", "province/{id}", "task", "task/{id}", "task/province/{id}", "task/status/{id}",
            "task/agency/{id}", "directive", "directive/{id}", "agency", "agency/{id}", "about"} <= types["en"]
    every = {(quality_site.language_of(p), quality_site.page_type(p)) for p in quality_site.pages}
    assert every == {(lang, kind) for lang, kinds in types.items() for kind in kinds}
    assert len(quality_site.sample()) == sum(len(kinds) for kinds in types.values())


def test_every_page_type_is_accessible_at_phone_and_desktop_widths_in_both_languages(quality_site):
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    pages = quality_site.sample()
    run = check_in_browser(quality_site, pages, screenshots=SCREENSHOTS)
    QUALITY_FIGURES.append(f"axe, keyboard focus, landmarks: {len(pages)} pages × {len(WIDTHS)} widths; "
                           f"{len(run.screenshots)} screenshots in {SCREENSHOTS}")
    assert not run.problems, report(run.problems)
    assert run.checked == len(pages) * len(WIDTHS)
    assert sorted(SCREENSHOTS.glob("*.png")) == sorted(run.screenshots)
    for shot in run.screenshots:
        width, height = png_size(shot)
        assert shot.stem.endswith(f"-{width}") and height >= 400, (shot, width, height)
    assert {s.name for s in run.screenshots} >= {"vi-home-360.png", "en-home-1280.png", "vi-task-id-360.png",
                                                 "en-task-id-1280.png", "vi-province-id-360.png"}


@pytest.fixture
def broken_pages(breakable_site):
    """The fixture site with one accessibility mistake on each of several pages."""
    site = breakable_site
    broken = {
        "en/tasks/mau-1-sxd-ke-hoach/index.html": ("<h1>", '<p><a href="/en/provinces/"></a></p><h1>'),
        "vi/nhiem-vu/mau-1-sxd-ke-hoach/index.html": (
            "</head>", "<style>a:focus-visible { outline: none !important; box-shadow: none !important; }</style></head>"),
        "en/about/index.html": ('<a class="skip-link" href="#main">Skip to main content</a>', ""),
        "vi/about/index.html": ("<h1>", '<p style="color: #b8b8b8">Chữ nhạt quá</p><h1>'),
        "en/provinces/index.html": ("<h1>", '<img src="https://cdn.example.com/x.png" alt="" width="1" height="1">'
                                            '<img src="/assets/missing.png" alt="" width="1" height="1"><h1>'),
        "en/documents/index.html": ('<main id="main" class="wrap" tabindex="-1">', '<div id="main" class="wrap">'),
    }
    for page, (old, new) in broken.items():
        break_page(site, page, old, new)
    return site, sorted(broken) + ["en/index.html"]


def test_each_accessibility_mistake_names_the_page_and_the_problem(broken_pages, tmp_path):
    site, pages = broken_pages
    run = check_in_browser(site, pages, widths=(360,), screenshots=tmp_path / "shots")
    problems = [str(p) for p in run.problems]

    def found(page: str, *words: str) -> bool:
        return any(p.startswith(page + ": ") and all(w in p for w in words) for p in problems)

    assert found("en/tasks/mau-1-sxd-ke-hoach/index.html", "at 360 px", "link-name", "Links must have discernible text")
    assert found("vi/nhiem-vu/mau-1-sxd-ke-hoach/index.html", "keyboard focus on a", "is not visible")
    assert found("en/about/index.html", "the first Tab stop is not a skip link to the main content")
    assert found("vi/about/index.html", "color-contrast")
    assert found("en/provinces/index.html", "asked another host for https://cdn.example.com/x.png")
    assert found("en/provinces/index.html", "/assets/missing.png answered 404")
    assert found("en/documents/index.html", "has 0 main landmarks")
    assert not any(p.startswith("en/index.html") for p in problems), problems  # the untouched page passes
    assert len(run.screenshots) == len(pages) and all(s.is_file() for s in run.screenshots)


def test_ci_keeps_the_screenshots_and_reports_of_every_run():
    workflow = yaml.safe_load((ROOT / ".github/workflows/tests.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["suite"]["steps"]
    assert any(step.get("run") == "bash .ci/run" for step in steps)
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "artifacts/"
    assert "/artifacts/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
