"""Valid: the Nu HTML Checker (vnu.jar from npm, run with Java) on built pages and stylesheets."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .site import BuiltSite, Problem

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


class ToolMissing(RuntimeError):
    """A checker the gates need is not installed; the message says how to install it."""


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if not java:
        raise ToolMissing("java is not installed: run `bash scripts/test.sh` (it installs default-jre-headless)")
    if not VNU_JAR.is_file():
        raise ToolMissing(f"{VNU_JAR} is missing: run `npm ci --ignore-scripts` (scripts/test.sh does)")
    # A small fixed heap and one compiler thread: the checker shares a 2-core machine with the suite.
    return [java, "-Xss4m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR)]


def check_html(site: BuiltSite, pages: list[str] | None = None, css: bool = True) -> list[Problem]:
    """Every error the Nu HTML Checker reports, on every page (or the given ones) and stylesheet.

    One Java process checks them all: starting the checker costs more than checking a page.
    """
    targets = [str(site.output / p) for p in (site.pages if pages is None else pages)]
    if css:
        targets += [str(p) for p in sorted(site.output.rglob("*.css"))]
    if not targets:
        return []
    command = vnu_command() + ["--format", "json", "--errors-only", "--exit-zero-always"]
    if css:
        command.append("--also-check-css")
    done = subprocess.run(command + targets, capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(done.stderr or done.stdout)["messages"]
    except (ValueError, KeyError):
        raise RuntimeError(f"the Nu HTML Checker did not answer in JSON:\n{done.stdout}\n{done.stderr}") from None
    problems = []
    for message in messages:
        if message.get("type") not in ("error", "non-document-error") and message.get("subType") != "fatal":
            continue
        page = _relative(site, message.get("url", ""))
        line = message.get("lastLine") or message.get("firstLine")
        extract = " ".join((message.get("extract") or "").split())
        text = f"line {line}: {message['message']}" if line else message["message"]
        problems.append(Problem(page, text + (f" [{extract}]" if extract else "")))
    return problems


def _relative(site: BuiltSite, url: str) -> str:
    path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
    try:
        return path.resolve().relative_to(site.output.resolve()).as_posix()
    except ValueError:
        return url or "(the checker)"
