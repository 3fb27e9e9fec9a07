"""The build, stage by stage: config → load → validate → resolve → render → write.

Nothing is written until every stage has run over all the content, so a mistake
anywhere leaves the last good output/ exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .comments import resolve_comments
from .config import load_config
from .load import load_content
from .markup import MarkdownRenderer
from .problems import ERROR, Problem, Report, SiteError
from .parallel import fork_map
from .render import SitePlan, plan_site
from .resolve import Site, resolve
from .validate import validate_records
from .write import Staging


@dataclass
class BuildResult:
    """What a build did, for the command line to report."""

    pages: int = 0
    written: int = 0
    unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)
    site: Site | None = None


def default_jobs() -> int:
    """One rendering process per CPU core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def prepare_site(root: Path, overrides: dict | None = None, strict: bool = False):
    """Load, validate and join the content; raise SiteError listing every problem found."""
    report = Report()
    config = load_config(root, overrides)
    raw = load_content(root, report)
    records = validate_records(raw, report)
    markdown = MarkdownRenderer()
    site = resolve(records, raw, config.as_of, markdown, report)
    site.comments = resolve_comments(site, config, root, report)
    _stop_on_errors(report, strict)
    return config, raw, site, markdown, report


def build_site(root: Path, output: Path | None = None, *, overrides: dict | None = None, strict: bool = False,
               write: bool = True, jobs: int = 1) -> BuildResult:
    """Build the site under ``root``; raise SiteError listing every problem found.

    Pages stream to a staging folder as they are rendered (by ``jobs`` processes), and the
    staging folder replaces ``output`` only when every page rendered.
    """
    root = root.resolve()
    config, _, site, markdown, report = prepare_site(root, overrides, strict)
    with template_problems(root, report):
        plan = plan_site(root, config, site, markdown, report)
    _stop_on_errors(report, strict)
    result = BuildResult(pages=sum(1 for path, _, _ in plan.pages if path.endswith(".html")) + 2,
                         warnings=report.warnings, site=site)
    staging = Staging(output or root / "output").open() if write else None
    try:
        render_all(root, plan, staging, jobs)
        with template_problems(root, report):
            extras = plan.extras()
        if staging is not None:
            for name in sorted(extras):
                staging.put(name, extras[name])
    except BaseException:
        if staging is not None:
            staging.discard()
        raise
    if staging is not None:
        staging.commit()
        result.written, result.unchanged = staging.counts["written"], staging.counts["unchanged"]
    return result


def render_all(root: Path, plan: SitePlan, staging: Staging | None, jobs: int = 1) -> None:
    """Render every page of the plan into ``staging`` (or only check it renders, when None).

    With jobs > 1 the pages are shared among forked processes, each writing its own
    files; every page depends only on the joined site, so the bytes are the same as a
    serial build's (tests/test_incremental.py checks it).
    """
    def work(indices: list[int]) -> dict[str, int]:
        report = Report()
        with template_problems(root, report):
            for index in indices:
                data = plan.page_bytes(index)
                if staging is not None:
                    staging.put(plan.pages[index][0], data)
        return dict(staging.counts) if staging is not None else {}

    indices = list(range(len(plan.pages)))
    if jobs <= 1 or len(indices) < 200:
        work(indices)
        return
    renderer = plan.renderer
    tasks = list(renderer.site.tasks.values())

    def cards(chunk: list) -> dict:
        with template_problems(root, Report()):
            for task in chunk:
                for lang in renderer.config.languages:
                    for show_province in (True, False):
                        renderer.task_card(task, lang, show_province)
        return renderer.cards

    # Cards first, shared by all: a task's card appears in five to ten lists.
    for found in fork_map(cards, [tasks[k::jobs] for k in range(jobs)]):
        renderer.cards.update(found)
    for counts in fork_map(work, [indices[k::jobs] for k in range(jobs)]):
        if staging is not None:
            for name, value in counts.items():
                staging.counts[name] += value


@contextlib.contextmanager
def template_problems(root: Path, report: Report):
    """Turn a template mistake into a problem naming the template file and line."""
    try:
        yield
    except SiteError:
        raise
    except jinja2.TemplateSyntaxError as error:
        name = f"templates/{error.name or error.filename}"
        report.error(name, error.lineno, "", f"template syntax error: {error.message}", "check the {% %} and {{ }} tags")
        raise SiteError(report.problems)
    except jinja2.TemplateError as error:
        path, line = _template_location(error, root)
        report.error(path, line, "", f"template error: {error}", "a template uses a field, filter or test that does not exist")
        raise SiteError(report.problems)
    except OSError as error:
        report.error(error.filename or "templates", 0, "", f"cannot read: {error.strerror}")
        raise SiteError(report.problems)
    except Exception as error:  # a template calling something with the wrong kind of value
        path, line = _template_location(error, root)
        report.error(path, line, "", f"the template failed: {type(error).__name__}: {error}",
                     "undo the last change to this template")
        raise SiteError(report.problems)


def _template_location(error: BaseException, root: Path) -> tuple[str, int]:
    """Find the innermost template line in a traceback (Jinja rewrites frames to templates)."""
    templates = (root / "templates").as_posix()
    found = ("templates", 0)
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(templates):
            found = (Path(filename).relative_to(root).as_posix(), traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def _stop_on_errors(report: Report, strict: bool) -> None:
    if report.errors or (strict and report.warnings):
        problems = report.problems
        if strict:
            problems = [Problem(p.path, p.line, p.field, p.message, p.hint, ERROR) for p in problems]
        raise SiteError(problems)
