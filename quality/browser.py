"""Accessible, and looks right: pages opened in Debian's Chromium through Playwright.

For each page and each width: axe-core's WCAG 2.1 A/AA rules, a visible keyboard focus on
the first links a reader tabs to, a skip link and landmarks, no request that leaves the
site or fails, and a screenshot for a reviewer.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .server import LocalServer
from .site import BuiltSite, Problem

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (360, 1280)
TABS = 6  # how many focus stops to check from the top of the page
SCREENSHOT_MAX_HEIGHT = 6000  # px: long documents are cut, the top is what a reviewer checks

# Runs in the page: what the reader's keyboard focus looks like on the focused element,
# compared with the same element unfocused.
_FOCUS_STYLE = """el => {
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor : '',
          shadow: s.boxShadow === 'none' ? '' : s.boxShadow, background: s.backgroundColor, color: s.color,
          decoration: s.textDecorationLine + ' ' + s.textDecorationThickness,
          onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
          name: (el.tagName.toLowerCase() + ' "' + (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"'),
          href: el.getAttribute('href') || ''};
}"""

_REFRESH = re.compile(r"<meta[^>]+http-equiv=[\"']?refresh[^>]*>", re.IGNORECASE)

_LANDMARKS = """() => {
  const visible = sel => [...document.querySelectorAll(sel)].filter(e => !e.closest('[hidden]'));
  const mains = visible('main, [role=main]');
  const skippable = visible('header, nav, [role=banner], [role=navigation]').length > 0;
  return {mains: mains.length, mainId: mains.length ? mains[0].id : '', skippable,
          banner: visible('body > header, [role=banner]').length, contentinfo: visible('body > footer, [role=contentinfo]').length,
          nav: visible('nav, [role=navigation]').length};
}"""


@dataclass
class BrowserRun:
    problems: list[Problem] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)
    checked: int = 0  # page × width combinations checked


def check_in_browser(site: BuiltSite, pages: list[str], widths=WIDTHS, screenshots: Path | None = None,
                     workers: int = 2) -> BrowserRun:
    """Open each page at each width in Chromium and report what a reader would run into.

    ``workers`` browsers share the pages (each in its own process): axe keeps a core busy.
    """
    if not AXE.is_file():
        raise RuntimeError(f"{AXE} is missing: run `npm ci --ignore-scripts` (scripts/test.sh does)")
    if screenshots is not None:
        screenshots.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers, os.cpu_count() or 1, len(pages) // 4))
    if workers == 1:
        return _check_pages((site.output, site.base_url, site.base_path), pages, widths, screenshots)
    # Largest first, dealt in turn, so each browser gets a similar load.
    ordered = sorted(pages, key=lambda p: (site.output / p).stat().st_size, reverse=True)
    chunks = [ordered[i::workers] for i in range(workers)]
    where = (site.output, site.base_url, site.base_path)
    run = BrowserRun()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for part in pool.map(_check_pages, [where] * workers, chunks, [widths] * workers, [screenshots] * workers):
            run.problems += part.problems
            run.screenshots += part.screenshots
            run.checked += part.checked
    return run


def _check_pages(where: tuple, pages: list[str], widths, screenshots: Path | None) -> BrowserRun:
    """One browser checking ``pages`` of the site at ``where`` (output, base URL, base path)."""
    from playwright.sync_api import sync_playwright

    site = BuiltSite(*where)
    axe_source = AXE.read_text(encoding="utf-8")
    run = BrowserRun()
    with LocalServer(site.output, site.base_path) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            # bypass_csp: axe is injected by the test, not by the site, whatever policy the site sets.
            context = browser.new_context(bypass_csp=True, viewport={"width": widths[0], "height": 800})
            for page_name in pages:
                tab = context.new_page()
                try:
                    _check_page(site, server, tab, page_name, widths, axe_source, screenshots, run)
                finally:
                    tab.close()
        finally:
            browser.close()
    return run


def _check_page(site, server, tab, page_name, widths, axe_source, screenshots, run) -> None:
    problems = run.problems
    url = server.origin + site.url_of(page_name)
    failed: list[str] = []

    def route(request_route):
        request = request_route.request
        if request.url == url and request.is_navigation_request():
            # A redirecting page (meta refresh) is checked as it is, not where it leads.
            response = request_route.fetch()
            body = _REFRESH.sub("", response.text())
            request_route.fulfill(response=response, body=body)
        elif request.url.startswith(server.origin) or request.url.startswith("data:"):
            request_route.continue_()
        else:
            failed.append(f"the page asked another host for {request.url}; no request may leave the site")
            request_route.abort()

    tab.route("**/*", route)
    tab.on("response", lambda response: failed.append(f"{response.url} answered {response.status}")
           if response.status >= 400 else None)
    tab.on("pageerror", lambda error: failed.append(f"script error: {error}"))
    tab.set_default_timeout(60_000)
    tab.goto(url, wait_until="load")
    tab.evaluate(axe_source)
    for width in widths:
        where = f"at {width} px"
        tab.set_viewport_size({"width": width, "height": 800})
        result = tab.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                            resultTypes: ['violations']})""", WCAG_TAGS)
        for violation in result["violations"]:
            targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
            more = f" (+{len(violation['nodes']) - 5} more)" if len(violation["nodes"]) > 5 else ""
            problems.append(Problem(page_name, f"{where}: {violation['id']} ({violation['impact']}): "
                                               f"{violation['help']} — {targets}{more}"))
        problems += [Problem(page_name, f"{where}: {text}") for text in _check_keyboard(tab)]
        if screenshots is not None:
            height = min(tab.evaluate("document.documentElement.scrollHeight"), SCREENSHOT_MAX_HEIGHT)
            shot = screenshots / f"{site.language_of(page_name)}-{_slug(site.page_type(page_name))}-{width}.png"
            tab.screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
            run.screenshots.append(shot)
        run.checked += 1
    landmarks = tab.evaluate(_LANDMARKS)
    if landmarks["mains"] != 1:
        problems.append(Problem(page_name, f"has {landmarks['mains']} main landmarks; a page needs exactly one"))
    if landmarks["skippable"] and not (landmarks["banner"] and landmarks["contentinfo"] and landmarks["nav"]):
        problems.append(Problem(page_name, "has a header or menu but not all of the banner (header), navigation "
                                           "(nav) and contentinfo (footer) landmarks"))
    problems += [Problem(page_name, text) for text in dict.fromkeys(failed)]


def _check_keyboard(tab) -> list[str]:
    """Tab from the top: the first stop is a skip link to main, and every stop shows its focus."""
    found = []
    # Start where a reader who just opened the page starts: nothing focused, at the top.
    tab.evaluate(f"""() => {{ window.scrollTo(0, 0); const start = document.createElement('span');
                             start.tabIndex = -1; start.id = 'quality-focus-start';
                             document.body.prepend(start); start.focus();
                             window.qualityStops = []; window.qualityStyle = {_FOCUS_STYLE}; }}""")
    stops = []
    for _ in range(TABS):
        tab.keyboard.press("Tab")
        focused = tab.evaluate("""() => { const el = document.activeElement;
                                          if (!el || el === document.body) return null;
                                          qualityStops.push(el); return qualityStyle(el); }""")
        if focused is None:
            break
        stops.append(focused)
    resting, landmarks = tab.evaluate(f"""() => {{ document.activeElement && document.activeElement.blur();
                                                document.getElementById('quality-focus-start').remove();
                                                return [qualityStops.map(qualityStyle), ({_LANDMARKS})()]; }}""")
    if landmarks["skippable"]:
        first = stops[0] if stops else None
        if not first or not first["href"].startswith("#") or first["href"][1:] != landmarks["mainId"] or not landmarks["mainId"]:
            found.append("the first Tab stop is not a skip link to the main content "
                         f"(it is {first['name'] + ' ' + first['href'] if first else 'nothing'})")
    for focused, rest in zip(stops, resting):
        if not focused["onScreen"]:
            found.append(f"keyboard focus on {focused['name']} is off screen")
            continue
        changed = [key for key in ("outline", "shadow", "background", "color", "decoration") if focused[key] != rest[key]]
        if not (focused["outline"] or focused["shadow"]) or not changed:
            found.append(f"keyboard focus on {focused['name']} is not visible (no outline or shadow that "
                         "appears on focus)")
    return found


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"
