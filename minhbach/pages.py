"""The pages a site has: one spec per record or list, long lists split into pages of 50.

Planned before anything is rendered, so the sitemap, the language links and the pages
written agree, and an edit can look up the pages of one record.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import STATUSES, Task
from .site import Site

# Long task lists are split into pages of this many tasks: the national list has over
# 10,000, megabytes of HTML that a phone on 3G cannot load.
PAGE_SIZE = 50
PAGINATED = ("task-list", "tasks-by-status", "tasks-by-province")


@dataclass(frozen=True)
class PageSpec:
    """One page to render: its kind and key are the same in both languages."""

    kind: str
    key: str | None
    template: str
    page: int = 1


def listed_tasks(site: Site, kind: str, key: str | None) -> list[Task]:
    """The tasks a task-list page shows, in the order it shows them.

    Kept on the site: each of a national list's 200 pages asks for the whole list.
    """
    def listing() -> list[Task]:
        if kind == "tasks-by-province":
            return site.province_tasks(key)
        if kind == "tasks-by-status":
            return [t for t in site.tasks.values() if t.status == key]
        if kind == "tasks-by-agency":
            return site.tasks_led.get(key, []) + site.tasks_coordinated.get(key, [])
        return list(site.tasks.values())
    return site.derived(("listed", kind, key), listing)


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def plan_pages(site: Site) -> list[PageSpec]:
    """List every page the site has, so twins and the sitemap agree with what is written."""
    specs = [PageSpec("home", None, "home.html"), PageSpec("province-list", None, "province_list.html"),
             PageSpec("task-list", None, "task_list.html"), PageSpec("agency-list", None, "agency_list.html"),
             PageSpec("directive-list", None, "directive_list.html")]
    shown_provinces = sorted(p.id for p in site.provinces.values() if p.parent is None)
    specs += [PageSpec("province", p, "province.html") for p in shown_provinces]
    specs += [PageSpec("tasks-by-province", p, "task_list.html") for p in shown_provinces if site.province_tasks(p)]
    specs += [PageSpec("tasks-by-status", s, "task_list.html") for s in STATUSES]
    specs += [PageSpec("task", t, "task.html") for t in sorted(site.tasks)]
    specs += [PageSpec("agency", a, "agency.html") for a in sorted(site.agencies)]
    specs += [PageSpec("tasks-by-agency", a, "task_list.html") for a in sorted(site.agencies)
              if site.tasks_led.get(a) or site.tasks_coordinated.get(a)]
    specs += [PageSpec("directive", d, "directive.html") for d in sorted(site.directives)]
    specs += [PageSpec("page", slug, "page.html") for slug in sorted({s for s, _ in site.pages})]
    specs += [PageSpec("search", None, "search.html"), PageSpec("data", None, "data.html")]
    return paginate(site, specs)


def page_languages(site: Site, spec: PageSpec, languages: list[str]) -> list[str]:
    """The languages a page is written in: a free page only in those it has a text for."""
    if spec.kind == "page":
        return [lang for lang in languages if (spec.key, lang) in site.pages]
    return list(languages)


def feed_province(site: Site, kind: str, key: str | None) -> str | None:
    """The province whose feed a page links: its own, its task's or its document's."""
    if kind in ("province", "tasks-by-province"):
        unit = key
    elif kind == "task" and key in site.tasks:
        unit = site.tasks[key].province
    elif kind == "directive" and key in site.directives:
        unit = site.directives[key].province
    else:
        return None
    province = site.provinces.get(unit or "")
    if province is None or province.parent is not None:
        return None
    return province.id


def paginate(site: Site, specs: list[PageSpec]) -> list[PageSpec]:
    """Add page 2, 3, … after each long list (page 1 keeps the list's address)."""
    result = []
    for spec in specs:
        result.append(spec)
        if spec.kind in PAGINATED:
            pages = page_count(len(listed_tasks(site, spec.kind, spec.key)))
            result += [PageSpec(spec.kind, spec.key, spec.template, n) for n in range(2, pages + 1)]
    return result


def pager(page: int, pages: int) -> list[int | None]:
    """Page numbers to link: the first, the last and two either side of this one; None for a gap."""
    shown = [n for n in range(1, pages + 1) if n in (1, pages) or abs(n - page) <= 2]
    result: list[int | None] = []
    for n in shown:
        if result and n - (result[-1] or 0) > 1:
            result.append(None)
        result.append(n)
    return result
