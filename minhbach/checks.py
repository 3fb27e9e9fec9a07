"""What `build.py check` adds to the build's own problems: facts an editor should look at.

Stale tasks, passed deadlines, documents cited but not published, agencies nobody refers
to. They are warnings, not errors: an overdue task is a fact the site must show. Editors
acknowledge the ones they keep on purpose in site_config.yaml (``acknowledged:``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path

from .config import Acknowledgement, SiteConfig
from .models import DONE_STATUSES
from .problems import ERROR, Problem, Report
from .site import Site

# A document number as Vietnamese documents print it: 950/QĐ-TTg, 3909/BXD-PTĐT, 45/2019/QH14.
DOCUMENT_NUMBER = re.compile(r"(?<![\w/])(\d{1,5}(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-Za-zĐđ0-9]+)*)")


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the last day of the month when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def editorial_warnings(root: Path, config: SiteConfig, site: Site) -> list[Problem]:
    """Every editorial warning about a site that builds."""
    report = Report()
    _stale_and_overdue(config, site, report)
    _documents_cited(root, site, report)
    _unused_agencies(config, site, report)
    return report.warnings


def _stale_and_overdue(config: SiteConfig, site: Site, report: Report) -> None:
    limit = months_before(site.as_of, config.stale_after_months)
    for task in sorted(site.tasks.values(), key=lambda t: t.id):
        if task.status in DONE_STATUSES:
            continue
        path, _ = site.records.where("tasks", task.id)
        directive = site.directives.get(task.directive)
        if task.updates:
            last, since = max(u.date for u in task.updates), "the last update"
        elif directive is not None:
            last, since = directive.date, f"the task was assigned ({directive.number})"
        else:
            last = None
        if last is not None and last < limit:
            location = ("updates",) if "updates" in site.records.raw[("tasks", task.id)] else ("status",)
            report.warning(path, site.records.where("tasks", task.id, location)[1], location[0],
                           f"no update since {last.isoformat()}, when {since}: more than {config.stale_after_months} "
                           f"months before as_of ({site.as_of.isoformat()})",
                           "add an update (date, source, text, status) under 'updates:', or acknowledge it in "
                           "site_config.yaml if no source reports progress", code="stale")
        deadline = site.deadlines.get(task.id)
        if deadline is not None and deadline.overdue:
            line = site.records.where("tasks", task.id, ("deadline", "date"))[1]
            report.warning(path, line, "deadline.date",
                           f"the deadline ({deadline.due.isoformat()}) passed before as_of ({site.as_of.isoformat()}) "
                           f"and the status is '{task.status}', not completed",
                           "record the completion in an update with its source, or acknowledge it in "
                           "site_config.yaml: the page shows the task as overdue", code="overdue")


def _normalise(number: str) -> str:
    return number.upper().replace("Đ", "D")


def _documents_cited(root: Path, site: Site, report: Report) -> None:
    """Numbers of documents that full texts and summaries cite but content/directives/ lacks."""
    known = {_normalise(d.number) for d in site.directives.values()}

    def published(number: str) -> bool:
        wanted = _normalise(number)  # a number broken at a line end ("1765/QĐ") still counts
        return wanted in known or any(k.startswith(wanted + "-") for k in known)

    seen: set[tuple[str, str]] = set()
    for (directive_id, lang), name in sorted(site.text_paths.items()):
        if lang != "vi":
            continue
        try:
            text = (root / name).read_text(encoding="utf-8-sig")
        except OSError:
            continue
        for number_line, number in _numbers(text):
            if not published(number) and (name, _normalise(number)) not in seen:
                seen.add((name, _normalise(number)))
                report.warning(name, number_line, "", f"cites {number}, which is not in content/directives/",
                               "add the document (content/directives/<id>/directive.yaml) if its text is held, or "
                               "acknowledge it in site_config.yaml", code="missing-document")
    for directive in sorted(site.directives.values(), key=lambda d: d.id):
        if directive.summary is None:
            continue
        path, line = site.records.where("directives", directive.id, ("summary",))
        for _, number in _numbers(directive.summary.vi):
            if not published(number) and (path, _normalise(number)) not in seen:
                seen.add((path, _normalise(number)))
                report.warning(path, line, "summary", f"cites {number}, which is not in content/directives/",
                               "add the document, or acknowledge it in site_config.yaml", code="missing-document")


def _numbers(text: str):
    for number, line in ((m.group(1), text.count("\n", 0, m.start()) + 1) for m in DOCUMENT_NUMBER.finditer(text)):
        yield line, number


def _unused_agencies(config: SiteConfig, site: Site, report: Report) -> None:
    used: set[str] = set(config.comments.agency_accounts)
    for task in site.tasks.values():
        used.update(task.lead, task.coordinating)
    for directive in site.directives.values():
        used.add(directive.issuer)
    for agency in site.agencies.values():
        used.update(change.into for change in agency.history if change.into)
    for thread in getattr(site.records, "comments", {}).values():
        used.update(c.official_agency for c in thread.comments if c.official_agency)
    for agency_id in sorted(set(site.agencies) - used):
        path, line = site.records.where("agencies", agency_id, ("id",))
        report.warning(path, line, "id", "no task, document or other agency refers to this agency",
                       "name it as lead, coordinating or issuer where the documents do, or delete the file",
                       code="unused-agency")


@dataclass
class Acknowledged:
    """Warnings split by site_config.yaml's acknowledged: list."""

    open: list[Problem] = field(default_factory=list)
    acknowledged: list[tuple[Problem, Acknowledgement]] = field(default_factory=list)
    unused: list[Acknowledgement] = field(default_factory=list)


def matches(entry: Acknowledgement, problem: Problem) -> bool:
    return (fnmatchcase(problem.path, entry.file)
            and (entry.check is None or entry.check == problem.code)
            and (entry.field is None or fnmatchcase(problem.field, entry.field)))


def acknowledge(warnings: list[Problem], entries: list[Acknowledgement]) -> Acknowledged:
    """Set aside the warnings an entry of ``acknowledged:`` covers; note entries that cover nothing."""
    result = Acknowledged()
    used: set[int] = set()
    for problem in warnings:
        for index, entry in enumerate(entries):
            if matches(entry, problem):
                result.acknowledged.append((problem, entry))
                used.add(index)
                break
        else:
            result.open.append(problem)
    result.unused = [entry for index, entry in enumerate(entries) if index not in used]
    return result


def as_errors(problems: list[Problem]) -> list[Problem]:
    return [replace(p, severity=ERROR) for p in problems]
