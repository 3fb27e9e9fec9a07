"""Lighthouse scores for the home, province and task pages, on a simulated slow 4G phone.

Builds the bundled site into a temporary folder, serves it on 127.0.0.1 (a free port) and
runs npm's Lighthouse (node_modules, from package-lock.json) in Debian's Chromium with its
default mobile settings: a Moto G-class screen, 4× slower CPU and simulated slow 4G
(150 ms round trip, 1.6 Mbit/s down). Prints the four scores of each page and the audits
that cost points; exits 1 when accessibility or performance is under the threshold.

    .venv/bin/python scripts/lighthouse.py [--lang vi --lang en] [--threshold 95] [--reports DIR]

JSON and HTML reports go to artifacts/lighthouse/ (git-ignored) for a reviewer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from minhbach.pipeline import build_site  # noqa: E402
from quality import BuiltSite  # noqa: E402
from quality.server import LocalServer  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GATED = ("performance", "accessibility")
PAGE_TYPES = {"home": "home", "province": "province/{id}", "task": "task/{id}"}


def pages_to_score(site: BuiltSite, languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, page): the home page, and the largest province and task pages, in each language."""
    sample = site.sample()
    chosen = []
    for lang in languages:
        for label, kind in PAGE_TYPES.items():
            page = next(p for p in sample if site.language_of(p) == lang and site.page_type(p) == kind)
            chosen.append((f"{label} ({lang})", page))
    return chosen


def run_lighthouse(url: str, report_base: Path) -> dict:
    """One Lighthouse run; the parsed JSON report (the HTML one is written beside it)."""
    command = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output=html",
               f"--output-path={report_base}", f"--chrome-flags={CHROME_FLAGS}",
               f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile", "--throttling-method=simulate"]
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    json_report = report_base.with_name(report_base.name + ".report.json")
    if done.returncode != 0 or not json_report.is_file():
        raise click.ClickException(f"Lighthouse failed on {url}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return json.loads(json_report.read_text(encoding="utf-8"))


def lost_points(report: dict, category: str) -> list[str]:
    """The audits of a category that did not score full marks, by title."""
    audits = report["audits"]
    return [f"{audits[ref['id']]['title']} ({audits[ref['id']]['score']})"
            for ref in report["categories"][category]["auditRefs"]
            if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1]


@click.command()
@click.option("--lang", "languages", multiple=True, default=("vi", "en"), show_default=True)
@click.option("--threshold", default=95, show_default=True, help="least performance and accessibility score")
@click.option("--reports", type=click.Path(path_type=Path), default=ROOT / "artifacts" / "lighthouse", show_default=True)
def main(languages: tuple[str, ...], threshold: int, reports: Path) -> None:
    if not LIGHTHOUSE.is_file():
        raise click.ClickException(f"{LIGHTHOUSE} is missing: run `npm ci --ignore-scripts` (scripts/test.sh does)")
    reports.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="minhbach-lighthouse-"))
    output = work / "site"
    failed = []
    try:
        with LocalServer(output) as server:
            # Built for the address it is served at, so canonical links and alternates stay on the site.
            build_site(ROOT, output, overrides={"base_url": server.origin, "base_path": "/"})
            site = BuiltSite(output, server.origin, "/")
            click.echo(f"{'page':<16} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}  address")
            for label, page in pages_to_score(site, languages):
                url = server.origin + site.url_of(page)
                report = run_lighthouse(url, reports / label.replace(" ", "-").strip("()").replace("(", ""))
                scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
                click.echo(f"{label:<16} " + " ".join(f"{scores[c]:>5}" for c in CATEGORIES) + f"  {site.url_of(page)}")
                for category in CATEGORIES:
                    if scores[category] < 100:
                        click.echo(f"{'':<16} {category}: " + "; ".join(lost_points(report, category)))
                failed += [f"{label} {c} {scores[c]}" for c in GATED if scores[c] < threshold]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    click.echo(f"Reports: {reports}")
    if failed:
        raise click.ClickException(f"under {threshold}: " + ", ".join(failed))
    click.echo(f"Performance and accessibility are {threshold} or more on every page.")


if __name__ == "__main__":
    main()
