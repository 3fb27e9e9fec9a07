"""Whole: every link, anchor, resource and language alternate inside the site leads somewhere."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from .site import BuiltSite, Problem, Ref, css_urls


def check_links(site: BuiltSite) -> list[Problem]:
    """Broken internal links, anchors and hreflang alternates, and duplicate ids, on every page."""
    problems: list[Problem] = []
    for page in site.pages:
        parsed = site.parsed(page)
        for value, line in parsed.duplicate_ids:
            problems.append(Problem(page, f"line {line}: id {value!r} is used more than once (first on line "
                                          f"{parsed.ids[value]}); a link to #{value} cannot tell which is meant"))
        for ref in parsed.refs:
            problems += _check_ref(site, page, ref)
    for css in sorted(site.output.rglob("*.css")):
        page = css.relative_to(site.output).as_posix()
        for url in css_urls(css.read_text(encoding="utf-8")):
            found = site.locate(page, url)
            if found and not (found[0] and site.exists(found[0])):
                problems.append(Problem(page, f"url({url}) leads to no file"))
    for xml in sorted(site.output.rglob("*.xml")):
        problems += _check_xml(site, xml.relative_to(site.output).as_posix())
    return problems


def _check_xml(site: BuiltSite, page: str) -> list[Problem]:
    """Sitemaps and feeds: every <loc>, <link> and href on the site leads to a written file."""
    try:
        tree = ElementTree.parse(site.output / page)
    except ElementTree.ParseError as error:
        return [Problem(page, f"is not well-formed XML: {error}")]
    problems = []
    for element in tree.iter():
        name = element.tag.rsplit("}", 1)[-1]
        urls = [element.get("href")] + ([element.text] if name in ("loc", "link") and element.text else [])
        for url in filter(None, urls):
            found = site.locate(page, url.strip())
            if found and not (found[0] and site.exists(found[0])):
                problems.append(Problem(page, f"<{name}> {url.strip()} leads to no page"))
    return problems


def _check_ref(site: BuiltSite, page: str, ref: Ref) -> list[Problem]:
    where = f"line {ref.line}: <{ref.tag} {ref.attr}=\"{ref.url}\">"
    if not ref.url:
        return [Problem(page, f"{where} is empty")] if ref.tag in ("a", "link", "img", "script") else []
    found = site.locate(page, ref.url)
    if found is None:
        return []
    target, fragment = found
    if target is None:
        return [Problem(page, f"{where} points outside the site's base path {site.base_path}")]
    if not site.exists(target):
        if site.exists(target + "/index.html") or site.exists(target.rstrip("/") + "/index.html"):
            return [Problem(page, f"{where} names a folder without its final slash; link to {ref.url}/")]
        return [Problem(page, f"{where} leads to no page ({target} was not written)")]
    problems = []
    if fragment and target.endswith(".html") and fragment not in site.parsed(target).ids:
        problems.append(Problem(page, f"{where}: {target} has no element with id {fragment!r}"))
    if "alternate" in ref.rel and ref.hreflang and target.endswith(".html"):
        problems += _check_alternate(site, page, ref, target, where)
    return problems


def _check_alternate(site: BuiltSite, page: str, ref, target: str, where: str) -> list[Problem]:
    """A language twin is in the language it claims, and names this page as its own twin."""
    problems = []
    twin = site.parsed(target)
    if ref.hreflang != "x-default" and twin.lang.split("-")[0] != ref.hreflang.split("-")[0]:
        problems.append(Problem(page, f"{where}: hreflang {ref.hreflang} but {target} is in lang={twin.lang!r}"))
    if ref.hreflang != "x-default" and target != page:
        back = {site.locate(target, r.url) for r in twin.refs if "alternate" in r.rel and r.hreflang}
        if not any(found and found[0] == page for found in back):
            problems.append(Problem(page, f"{where}: {target} does not name this page among its alternates"))
    return problems
