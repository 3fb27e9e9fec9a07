"""Shared fixtures: the real site built once per session, and tiny fixture sites in tmp_path.

The fixture site is bilingual and valid as given by ``site_content``: one province, two
agencies, one directive with its full text in both languages, and one task quoting it.
Tests copy the dict, break one thing, and build it with ``make_site``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from minhbach.pipeline import build_site  # noqa: E402

BASE_URL = "https://example.org"

# ---------------------------------------------------------------------------
# The fixture site.  Texts are dedented and a leading newline dropped, so line 1 of
# each string is line 1 of the file: tests pin line numbers against these texts.
# ---------------------------------------------------------------------------

FIXTURE_CONFIG = """
title:
  vi: Trang thử nghiệm
  en: Test site
base_url: https://example.org
base_path: /
as_of: 2026-11-23
"""

DIRECTIVE_ID = "12-ubnd-kt-2022"
TASK_PATH = f"content/tasks/{DIRECTIVE_ID}/mau-1-sxd-ke-hoach.yaml"
DIRECTIVE_PATH = f"content/directives/{DIRECTIVE_ID}/directive.yaml"

FIXTURE_CONTENT: dict[str, str] = {
    "content/provinces/tinh-mau.yaml": """
        id: tinh-mau
        kind: province
        name: {vi: Tỉnh Mẫu, en: Mau}
        full_name: {vi: Tỉnh Mẫu, en: Mau Province}
        changes: []
        """,
    "content/agencies/ubnd-tinh-mau.yaml": """
        id: ubnd-tinh-mau
        kind: provincial-committee
        name: {vi: Ủy ban nhân dân tỉnh Mẫu, en: Mau Provincial People's Committee}
        short: {vi: UBND tỉnh, en: Provincial People's Committee}
        province: tinh-mau
        history: []
        """,
    "content/agencies/so-xay-dung-tinh-mau.yaml": """
        id: so-xay-dung-tinh-mau
        kind: department
        name: {vi: Sở Xây dựng tỉnh Mẫu, en: Mau Department of Construction}
        short: {vi: Sở Xây dựng, en: Department of Construction}
        province: tinh-mau
        history: []
        """,
    DIRECTIVE_PATH: """
        id: 12-ubnd-kt-2022
        number: 12/UBND-KT
        kind: official-letter
        issuer: ubnd-tinh-mau
        province: tinh-mau
        date: 2022-08-01
        title:
          vi: Triển khai phát triển đô thị thông minh
          en: Carrying out smart city development
        relations: []
        text_held: true
        """,
    f"content/directives/{DIRECTIVE_ID}/text.vi.md": """
        **ỦY BAN NHÂN DÂN TỈNH MẪU**

        Số: 12/UBND-KT

        ## 1. Về kế hoạch

        Giao Sở Xây dựng chủ trì lập kế hoạch phát triển đô thị thông minh, báo cáo kết quả trước ngày 30/9/2022.

        ## 2. Về dữ liệu

        Giao Sở Xây dựng xây dựng cơ sở dữ liệu đô thị.
        """,
    f"content/directives/{DIRECTIVE_ID}/text.en.md": """
        **MAU PROVINCIAL PEOPLE'S COMMITTEE**

        No.: 12/UBND-KT

        ## 1. On planning

        The Department of Construction is assigned to lead the preparation of the smart urban development plan and to report the results before 30/9/2022.

        ## 2. On data

        The Department of Construction is assigned to build the urban database.
        """,
    TASK_PATH: """
        id: mau-1-sxd-ke-hoach
        directive: 12-ubnd-kt-2022
        province: tinh-mau
        title:
          vi: Lập kế hoạch phát triển đô thị thông minh
          en: Prepare the smart urban development plan
        source:
          ref: {vi: Mục 1, en: Section 1}
          quote:
            vi: chủ trì lập kế hoạch phát triển đô thị thông minh
            en: lead the preparation of the smart urban development plan
        lead: [so-xay-dung-tinh-mau]
        coordinating: [ubnd-tinh-mau]
        deadline:
          kind: day
          date: 2022-09-30
          text: {vi: trước ngày 30/9/2022, en: before 30/9/2022}
        status: no-report
        """,
    "content/pages/about.vi.md": """
        # Giới thiệu

        Trang thử nghiệm.
        """,
    "content/pages/about.en.md": """
        # About

        A test site.
        """,
}


def nginx_test(site_config: str, folder: Path) -> subprocess.CompletedProcess:
    """Run `nginx -t` on one server configuration, inside a throwaway prefix in `folder`.

    The example configurations are `server` blocks; this wraps them in the smallest main
    configuration that keeps every file nginx writes inside `folder`.
    """
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.path.exists(nginx), "nginx is installed by scripts/test.sh (Debian's nginx package)"
    (folder / "site.conf").write_text(site_config, encoding="utf-8")
    temporary = "\n".join(f"    {name}_temp_path {folder}/{name};"
                          for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n{temporary}\n    include {folder}/site.conf;\n}}\n", encoding="utf-8")
    return subprocess.run([nginx, "-t", "-p", str(folder), "-e", str(folder / "error.log"),
                           "-c", str(folder / "nginx.conf")], capture_output=True, text=True)


def dedent(text: str) -> str:
    """The text as it is written to disk: dedented, without the leading newline."""
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def site_content() -> dict[str, str]:
    """A fresh copy of the valid fixture content, for a test to modify."""
    return dict(FIXTURE_CONTENT)


@pytest.fixture
def make_site(tmp_path):
    """Factory: write a fixture site into tmp_path and return its root folder.

    ``content`` maps paths relative to the site root to text (dedented) or bytes (written
    as they are); a value of None leaves that file out.  ``config`` replaces
    site_config.yaml.
    """
    counter = {"n": 0}

    def make(content: dict[str, str | bytes | None] | None = None, config: str = FIXTURE_CONFIG,
             name: str | None = None) -> Path:
        counter["n"] += 1
        return create_site(tmp_path / (name or f"site{counter['n']}"), content, config)

    return make


def create_site(root: Path, content: dict[str, str | bytes | None] | None = None,
                config: str = FIXTURE_CONFIG) -> Path:
    """Write a fixture site at ``root`` (see make_site) and return it."""
    root.mkdir(parents=True)
    (root / "site_config.yaml").write_text(dedent(config), encoding="utf-8")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "locales", root / "locales")
    write_content(root, FIXTURE_CONTENT if content is None else content)
    return root


def write_content(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write files under ``root``: text is dedented, bytes written as they are, None deletes."""
    for relative, text in files.items():
        path = root / relative
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(dedent(text), encoding="utf-8")


@pytest.fixture(scope="session")
def built_fixture_site(tmp_path_factory) -> Path:
    """The valid fixture site with its output/ built once (templates take a second to compile)."""
    root = create_site(tmp_path_factory.mktemp("fixture") / "site")
    build_site(root, root / "output")
    return root


@pytest.fixture
def built_site_copy(built_fixture_site, tmp_path) -> Path:
    """A private copy of the built fixture site, output/ included, for a test to break."""
    root = tmp_path / "site"
    shutil.copytree(built_fixture_site, root, symlinks=True)
    return root


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory):
    """The real project built once: (output folder, BuildResult)."""
    output = tmp_path_factory.mktemp("bundled") / "output"
    result = build_site(ROOT, output)
    return output, result


# ---------------------------------------------------------------------------
# Reading built pages as a reader sees them.
# ---------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse whitespace, as a reader's eye does."""
    return _SPACE.sub(" ", text).strip()


def visible_text(element) -> str:
    return squash(element.get_text(" "))


class Pages:
    """Parsed pages of one output folder, parsed once each."""

    def __init__(self, output: Path):
        self.output = output
        self._cache: dict[Path, BeautifulSoup] = {}

    def soup(self, relative: str | Path) -> BeautifulSoup:
        path = (self.output / relative).resolve()
        if path not in self._cache:
            self._cache[path] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        return self._cache[path]

    def file_for(self, href: str) -> Path:
        """The file a root-relative or absolute site link is served from (directory → index.html)."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            assert f"{parts.scheme}://{parts.netloc}" == BASE_URL, href
        path = unquote(parts.path)
        assert path.startswith("/"), href
        target = self.output / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        return target

    @staticmethod
    def url_of(relative: str) -> str:
        """The absolute address of an output file (index.html served as its folder): file_for's inverse."""
        return f"{BASE_URL}/{relative.removesuffix('index.html')}"


@pytest.fixture(scope="session")
def pages(bundled_site) -> Pages:
    return Pages(bundled_site[0])


# ---------------------------------------------------------------------------
# Quality gates (quality/): the bundled site as the gates read it, and breakable copies.
# ---------------------------------------------------------------------------

ARTIFACTS = ROOT / "artifacts"
QUALITY_FIGURES: list[str] = []  # printed at the end of the run (page weights, screenshots…)


@pytest.fixture(scope="session")
def quality_site(bundled_site):
    """The bundled site, built once, as the quality gates read it."""
    from quality import BuiltSite

    return BuiltSite.from_config(bundled_site[0], ROOT)


@pytest.fixture
def breakable_site(built_fixture_site, tmp_path):
    """A private copy of the fixture site's output, for a gate's test to break."""
    from quality import BuiltSite

    output = tmp_path / "output"
    shutil.copytree(built_fixture_site / "output", output)
    return BuiltSite.from_config(output, built_fixture_site)


def break_page(site, page: str, old: str, new: str) -> None:
    """Replace ``old`` (which must be there, so the breakage is real) with ``new`` in one page."""
    path = site.output / page
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{page} has no {old!r} to break"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pytest_terminal_summary(terminalreporter):
    if QUALITY_FIGURES:
        terminalreporter.section("quality figures")
        for line in QUALITY_FIGURES:
            terminalreporter.write_line(line)
