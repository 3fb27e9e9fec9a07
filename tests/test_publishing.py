"""Publishing: the site works under a sub-path, the CI pipelines build it that way, the nginx example is valid."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from build import cli
from conftest import FIXTURE_CONFIG, ROOT, nginx_test
from minhbach.isso import free_port

SUB_PATH = "/minh-bach/"
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory):
    """The bundled site built with --base-path /minh-bach/, served from 127.0.0.1 under that path only."""
    www = tmp_path_factory.mktemp("www")
    port = free_port()
    result = CliRunner().invoke(cli, ["build", "--output", str(www / "minh-bach"), "--base-url",
                                      f"http://127.0.0.1:{port}", "--base-path", SUB_PATH])
    assert result.exit_code == 0, result.output
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield www / "minh-bach", f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_every_internal_link_on_every_page_answers_under_the_sub_path(subpath_site):
    output, origin = subpath_site
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 300
    links: dict[str, str] = {}  # url → a page that links to it
    for page in pages:
        relative = page.relative_to(output).as_posix()
        address = origin + SUB_PATH + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(href=True) + soup.find_all(src=True) + soup.find_all("form", action=True):
            value = element.get("href") or element.get("src") or element.get("action")
            if value.startswith(SKIPPED_SCHEMES) or value.startswith("#"):
                continue
            url = urldefrag(urljoin(address, value)).url
            if urlsplit(url).netloc != urlsplit(origin).netloc:
                continue  # another site (the comment server, a source's publisher)
            assert urlsplit(url).path.startswith(SUB_PATH), f"{relative} links outside {SUB_PATH}: {value}"
            links.setdefault(url, relative)
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    for loc in re.findall(r"<loc>(.*?)</loc>", sitemap):
        assert loc.startswith(origin + SUB_PATH), loc
        links.setdefault(loc, "sitemap.xml")
    assert len(links) > 300
    broken = [f"{url} (linked from {source}): {code}" for url, source in sorted(links.items())
              if (code := status_of(url)) != 200]
    assert not broken, "\n".join(broken[:20])
    assert status_of(origin + "/vi/") == 404, "nothing is served outside the sub-path"


def test_the_sub_path_home_page_reads_as_a_page(subpath_site):
    _, origin = subpath_site
    with urllib.request.urlopen(origin + SUB_PATH + "vi/", timeout=10) as answer:
        soup = BeautifulSoup(answer.read().decode("utf-8"), "html.parser")
    stylesheet = soup.find("link", rel="stylesheet")["href"]
    assert stylesheet.startswith(SUB_PATH) and status_of(urljoin(origin, stylesheet)) == 200


# ------------------------------------------------------------------------------ the CI pipelines

ACKNOWLEDGED = FIXTURE_CONFIG + """
acknowledged:
  - {file: "content/tasks/*.yaml", check: stale, reason: no report}
  - {file: "content/tasks/*.yaml", check: overdue, reason: no report}
"""


def run_script(script: str, site: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a pipeline's shell lines against a fixture site instead of the repository's own folder."""
    script = script.replace("python build.py", f"{sys.executable} {ROOT / 'build.py'} --root {site}")
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=site, capture_output=True, text=True,
                          env={**os.environ, **env})


def links_of(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [a["href"] for a in soup.find_all("a", href=True)]


def test_the_github_workflow_checks_strictly_then_builds_under_the_repository_path(make_site):
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    check = next(i for i, run in enumerate(runs) if "build.py check" in run)
    build = next(i for i, run in enumerate(runs) if "build.py build" in run)
    assert "--strict" in runs[check] and "--format github" in runs[check] and check < build
    assert any(step.get("uses", "").startswith("actions/upload-pages-artifact") for step in steps)
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages")
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"

    site = make_site(config=ACKNOWLEDGED)
    checked = run_script(runs[check], site, {})
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = run_script(runs[build], site, {"OWNER": "SoXayDung", "REPOSITORY": "minh-bach"})
    assert built.returncode == 0, built.stdout + built.stderr
    home = links_of(site / "output/vi/index.html")
    assert home and all(h.startswith(("/minh-bach/", "https://soxaydung.github.io/minh-bach/", "#")) for h in home), home
    root = run_script(runs[build], site, {"OWNER": "SoXayDung", "REPOSITORY": "soxaydung.github.io"})
    assert root.returncode == 0, root.stderr
    assert not any(h.startswith("/minh-bach/") for h in links_of(site / "output/vi/index.html"))

    broken = make_site()  # overdue and stale warnings not acknowledged: the publication stops
    failed = run_script(runs[check], broken, {})
    assert failed.returncode == 1 and "::error file=content/tasks/" in failed.stdout


def test_the_gitlab_pages_job_builds_public_under_the_project_path(make_site):
    pipeline = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    job = pipeline["pages"]
    assert job["artifacts"]["paths"] == ["public"]
    assert any("check --strict" in line for line in job["script"])
    site = make_site(config=ACKNOWLEDGED)
    result = run_script("\n".join(job["script"]), site, {"CI_PAGES_URL": "https://so-xay-dung.gitlab.io/minh-bach"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "public/vi/index.html").exists()
    home = links_of(site / "public/vi/index.html")
    assert home and all(h.startswith(("/minh-bach/", "https://so-xay-dung.gitlab.io/minh-bach/", "#")) for h in home)


def test_the_sub_path_nginx_example_is_valid_and_sends_the_built_headers(subpath_site, tmp_path):
    output, _ = subpath_site
    config = (ROOT / "docs/nginx.conf").read_text(encoding="utf-8")
    assert "location /minh-bach/" in config and "error_page 404 /minh-bach/404.html" in config
    assert "docs/nginx.conf" in (ROOT / "docs/hosting.md").read_text(encoding="utf-8")
    headers = dict(re.findall(r'add_header (\S+) "([^"]*)" always;', config))
    lines = (output / "_headers").read_text(encoding="utf-8").splitlines()
    assert headers == dict(line.strip().split(": ", 1) for line in lines if line.startswith("  "))
    result = nginx_test(config.replace("root /var/www;", f"root {output.parent};"), tmp_path)
    assert result.returncode == 0, result.stderr
