"""Which pages an edit changes: the site before and after it compared, record by record and
list by list, so a rebuild renders only those (and every page when that cannot be told)."""

from __future__ import annotations

from .pages import PAGE_SIZE, PAGINATED, PageSpec, listed_tasks
from .plan import SitePlan
from .site import Site

# Page kinds shown once per site that summarise every record: always rendered again.
SUMMARIES = ("home", "province-list", "agency-list", "directive-list", "page", "comments-privacy")


def lists_unchanged(old: Site, new: Site) -> bool:
    """Whether every task keeps its place in every list: only fields that lists do not order
    or filter by changed (titles, descriptions, progress, deadlines, agencies)."""
    old_tasks, new_tasks = old.tasks, new.tasks  # properties: looked up once, not per task
    if old_tasks.keys() != new_tasks.keys() or old.anchors != new.anchors:
        return False
    for task_id, task in new_tasks.items():
        before = old_tasks[task_id]
        if before is not task and (before.status, before.province, before.directive) != (task.status, task.province, task.directive):
            return False
    return True


def affected_pages(old: Site, new: Site, old_plan: SitePlan, plan: SitePlan, same_lists: bool = False) -> set[PageSpec] | None:
    """The pages that show a record that changed; None when every page must be rendered again.

    Edits of tasks and of agencies' names are followed precisely (they are what editors
    change every day); any other change renders everything, writing only what differs.
    """
    old_records, new_records = old.records, new.records
    for kind in ("provinces", "directives", "comments"):
        if old_records.of_kind(kind) != new_records.of_kind(kind):
            return None
    if old.pages.keys() != new.pages.keys() or any(old.pages[k].html != new.pages[k].html for k in old.pages):
        return None
    if old.texts.keys() != new.texts.keys() or old.sources != new.sources:
        return None
    old_tasks, new_tasks = old.tasks, new.tasks
    replaced = [t for t, task in new_tasks.items() if old_tasks.get(t) is not task]  # most are the same objects
    tasks = {t for t in [*replaced, *(old_tasks.keys() - new_tasks.keys())] if _differ(old_tasks.get(t), new_tasks.get(t))}
    agencies = {a for a in old.agencies.keys() | new.agencies.keys() if _differ(old.agencies.get(a), new.agencies.get(a))}
    for agency_id in agencies:
        before, after = old.agencies.get(agency_id), new.agencies.get(agency_id)
        if before is None or after is None or before.province != after.province or before.history != after.history \
                or before.locality != after.locality:
            return None
    groups: set[tuple[str, str | None]] = {(kind, None) for kind in _summaries(old, new, tasks, agencies, plan)}
    # Tasks whose card or page shows a changed agency count as changed themselves.
    shown = set(tasks)
    for agency_id in agencies:
        groups |= {("agency", agency_id), ("tasks-by-agency", agency_id)}
        for site in (old, new):
            shown |= {t.id for t in site.tasks_led.get(agency_id, []) + site.tasks_coordinated.get(agency_id, [])}
            groups |= {("directive", d.id) for d in site.directives_issued.get(agency_id, [])}
    plan.renderer.forget_cards(shown)
    for task_id in shown:
        groups.add(("task", task_id))
        for site in (old, new):
            task = site.tasks.get(task_id)
            if task is None:
                continue
            for unit in [task.province, *task.localities]:
                for province in _shown_provinces(site, unit):
                    groups |= {("province", province), ("tasks-by-province", province)}
            for agency_id in [*task.lead, *task.coordinating]:
                groups |= {("agency", agency_id), ("tasks-by-agency", agency_id)}
            for directive_id in {task.directive, *task.via, *(u.source for u in task.updates if u.source)}:
                groups.add(("directive", directive_id))
            groups |= {("tasks-by-status", task.status), ("task-list", None)}
    specs: set[PageSpec] = set()
    listings: dict[tuple, tuple[list, list]] = {}
    positions: dict[tuple, int] = {}  # (list kind, key, task) → its page, when no list changed order
    if same_lists:
        for task_id in shown:
            task = new.tasks.get(task_id)
            if task is None:
                continue
            for kind, key in (("task-list", None), ("tasks-by-status", task.status),
                              *(("tasks-by-province", p) for p in _shown_provinces(new, task.province))):
                if (kind, key) not in listings:
                    listings[(kind, key)] = ([], [t.id for t in listed_tasks(new, kind, key)]) if kind != "task-list" \
                        else ([], list(new.tasks))
                positions[(kind, key, task_id)] = listings[(kind, key)][1].index(task_id) // PAGE_SIZE
    for spec in (spec for kind, key in groups for spec in plan.specs_of(kind, key)):
        if spec.kind in PAGINATED and same_lists:
            window = spec.page - 1
            if not any(positions.get((spec.kind, spec.key, t)) == window for t in shown):
                continue
        elif spec.kind in PAGINATED:
            if (spec.kind, spec.key) not in listings:
                listings[(spec.kind, spec.key)] = ([t.id for t in listed_tasks(old, spec.kind, spec.key)],
                                                   [t.id for t in listed_tasks(new, spec.kind, spec.key)])
            before, after = listings[(spec.kind, spec.key)]
            if before == after:  # same tasks in the same order: only the pages showing a changed one
                window = after[(spec.page - 1) * PAGE_SIZE:spec.page * PAGE_SIZE]
                if not shown.intersection(window):
                    continue
        specs.add(spec)
    return specs


def _differ(a, b) -> bool:
    return a is not b and a != b


def _summaries(old: Site, new: Site, tasks: set[str], agencies: set[str], plan: SitePlan) -> set[str]:
    """The site-wide pages (home, lists of provinces, agencies, documents) that show what changed."""
    found: set[str] = set()
    for task_id in tasks:
        a, b = old.tasks.get(task_id), new.tasks.get(task_id)
        if a is None or b is None:
            return set(SUMMARIES)
        if (a.status, a.updates, a.province) != (b.status, b.updates, b.province) \
                or old.deadlines.get(task_id) != new.deadlines.get(task_id):
            found.add("home")  # counts by province and status, overdue, latest updates
        elif a.title != b.title and a.updates:  # same updates: in the latest ones before and after, or not
            if task_id in {t.id for _, t in plan.renderer.latest_updates_of(old)}:
                found.add("home")
        if a.province != b.province:
            found.add("province-list")
        if (a.lead, a.coordinating) != (b.lead, b.coordinating):
            found.add("agency-list")
        if a.directive != b.directive:
            found.add("directive-list")
    for agency_id in agencies:
        found.add("agency-list")
        if old.directives_issued.get(agency_id) or new.directives_issued.get(agency_id):
            found.add("directive-list")
    return found


def _shown_provinces(site: Site, unit: str) -> set[str]:
    """The province pages that list a unit's tasks: its own and the one it merged into."""
    found = {unit}
    for province in site.provinces.values():
        if province.parent is None and unit in site.province_units(province.id):
            found.add(province.id)
    return found
