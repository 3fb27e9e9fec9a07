"""The build, stage by stage: config → load → validate → resolve → render → write.

Nothing is written until every stage has run over all the content, so a mistake
anywhere leaves the last good output/ exactly as it was.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from .comments import resolve_comments
from .config import load_config
from .markup import MarkdownRenderer
from .problems import ERROR, Problem, Report, SiteError
from .parallel import default_jobs, fork_map, fork_queue
from .parallel_load import load_validated
from .plan import SitePlan, plan_site
from .resolve import resolve
from .site import Site
from .search import INDEX_FOLDER, index_files
from .sitefiles import SiteFiles
from .validate import validate_records
from .write import Staging, release_later, replace_file, unsafe_output

# Pages rendered together, their Markdown first (SitePlan.prepare), then written together: as
# many as a rendering process takes from the shared queue at a time.
PREPARED_PAGES = 32


@dataclass
class BuildResult:
    """What a build did, for the command line to report."""

    pages: int = 0
    written: int = 0
    unchanged: int = 0
    search_s: float | None = None  # seconds the search index took, when the build made one
    warnings: list[Problem] = field(default_factory=list)
    site: Site | None = None


@contextlib.contextmanager
def long_lived():
    """Make the records without the cyclic garbage collector, then set them aside from its scans.

    A national site's records are millions of objects that live as long as the build; the
    collector walked them all again and again while they were made and while pages were
    rendered (a third of the preparing time, a fifth of the rendering). What is alive at the
    end is frozen (gc.freeze), and thawed at the next use, so a long-running preview can
    still collect an old site once it is replaced: garbage is collected at the end of every
    use but a process's first. The first leaves little (1,500 objects on a national site)
    and collecting it walks every record (a quarter of a second, while the other core
    waits); it is frozen with the records and collected by the next use, if any.
    """
    enabled = gc.isenabled()
    first = gc.get_freeze_count() == 0
    gc.unfreeze()
    gc.disable()
    try:
        yield
    finally:
        if not first:
            gc.collect()
        gc.freeze()
        if enabled:
            gc.enable()


def prepare_site(root: Path, overrides: dict | None = None, strict: bool = False, jobs: int | None = None):
    """Load, validate and join the content; raise SiteError listing every problem found.

    ``jobs`` (default: one per core) is how many processes may read a big site's records.
    """
    report = Report()
    config = load_config(root, overrides)
    memo: dict = {}
    with long_lived():
        jobs = jobs or default_jobs()
        raw = load_validated(root, report, memo, jobs)
        records = validate_records(raw, report, memo)
        records.release(root)  # messages read a file again for its line numbers
        markdown = MarkdownRenderer()
        site = resolve(records, raw, config.as_of, markdown, report, jobs)
        site.comments = resolve_comments(site, config, root, report)
    _stop_on_errors(report, strict)
    return config, raw, site, markdown, report


def build_site(root: Path, output: Path | None = None, *, overrides: dict | None = None, strict: bool = False,
               write: bool = True, csp_sources: dict | None = None, jobs: int = 1) -> BuildResult:
    """Build the site under ``root``; raise SiteError listing every problem found.

    Pages stream to a staging folder as they are rendered (by ``jobs`` processes), and the
    staging folder replaces ``output`` only when every page rendered.
    """
    root = root.resolve()
    target = output or root / "output"
    if write and (reason := unsafe_output(root, target)):
        raise SiteError([Problem(_shown(target, root), 0, "", reason, "choose a new or empty folder, or the site's output/")])
    config, raw, site, markdown, report = prepare_site(root, overrides, strict, jobs)
    del raw  # the YAML as read: pages need only the joined records
    with template_problems(root, report):
        plan = plan_site(root, config, site, markdown, report, csp_sources=csp_sources)
    _stop_on_errors(report, strict)
    result = BuildResult(pages=page_count(plan), warnings=report.warnings, site=site)
    if not write:
        render_all(root, plan, None, jobs)
        with template_problems(root, report):
            plan.extras()
        return result
    counts, _, _ = write_plan(root, plan, target, jobs, report)
    result.written, result.unchanged, result.search_s = counts["written"], counts["unchanged"], counts.get("search_s")
    return result


def page_count(plan: SitePlan) -> int:
    """HTML pages: every planned page, the root and the 404 page."""
    return sum(1 for path, _, _ in plan.pages if path.endswith(".html")) + 2


def write_plan(root: Path, plan: SitePlan, target: Path, jobs: int, report: Report,
               search: bool = True) -> tuple[dict[str, float], SiteFiles, dict[str, tuple[int, int]]]:
    """Render the plan into a staging folder and swap it in; the old output stays on any failure.

    With ``search`` off, the search index is not made: the previous one, if any, is kept as
    it was (out of date until Builder.refresh_search), so the pages, feeds and data files
    are on disk without waiting for Pagefind. The counts then include ``search_s``, the
    seconds Pagefind took. Returns the counts, the files written beside the pages and the
    stamp (size, modification time) of every file in ``target``.
    """
    try:
        staging = Staging(target).open()
        try:
            render_all(root, plan, staging, jobs)
            with template_problems(root, report):
                extras = plan.extras()
            for name in sorted(extras):
                staging.put(name, extras[name])
            if search:
                started = time.perf_counter()
                for name, data in index_files(staging.folder, plan.renderer.config.languages):
                    staging.put(name, data)
                staging.counts["search_s"] = time.perf_counter() - started
            else:
                keep_index(target, staging)
        except BaseException:
            staging.discard()
            raise
        staging.commit()
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        where = getattr(error, "filename", None) or target
        raise SiteError([Problem(_shown(where, root), 0, "", f"cannot write the site: {reason}",
                                 "the previous output/ is unchanged; check the disk space and the folder's permissions")])
    return staging.counts, extras, staging.stamps


def keep_index(output: Path, staging: Staging) -> None:
    """Put the search index of ``output`` into ``staging`` as it is, so searching keeps working (on
    the pages it was made from)."""
    for dirpath, _, filenames in os.walk(output / INDEX_FOLDER):
        folder = os.path.relpath(dirpath, output)
        for filename in filenames:
            staging.link(Path(dirpath, filename), f"{folder}/{filename}")


def render_all(root: Path, plan: SitePlan, staging: Staging | None, jobs: int = 1) -> None:
    """Render every page of the plan into ``staging`` (or only check it renders, when None).

    With jobs > 1 the pages are shared among forked processes, each writing its own
    files; every page depends only on the joined site, so the bytes are the same as a
    serial build's (tests/test_incremental.py checks it). The pages that list tasks stay in
    this process, which so renders each task's card once and keeps them for rebuilds.
    """
    lists: list[int] | None = None  # in a parallel build, this process's own pages: its cards first

    def work(indices: list[int]) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
        """Render pages; return what they added to the staging counts, and their stamps."""
        start = dict(staging.counts) if staging is not None else {}
        stamps = {}
        with template_problems(root, Report()):
            if indices is lists:
                # Every card before the lists show them: made one after another, the cards
                # (kept for rebuilds) do not pin the memory of the pages made between them
                # (11 MB less on a national site).
                plan.renderer.task_cards(plan.renderer.site.tasks.values())
            try:
                for at in range(0, len(indices), PREPARED_PAGES):
                    some = indices[at:at + PREPARED_PAGES]
                    plan.prepare(some)
                    # Task pages are all rendered, then all written: each kind of work keeps its
                    # code and data in the processor's caches (5-10 % quicker than page by page).
                    # The lists (up to 180 KB a page) are written as they come: 9 MB less at the peak.
                    rendered = ((index, plan.page_bytes(index)) for index in some)
                    if indices is not lists:
                        rendered = list(rendered)
                    for index, data in rendered:
                        if staging is not None:
                            name = plan.pages[index][0]
                            stamps[name] = staging.put(name, data)
            finally:
                plan.prepare(())  # what no page asked for (a template may show less, or fail) is let go
        return {name: staging.counts[name] - start[name] for name in start}, stamps

    if jobs <= 1 or len(plan.pages) < 200:
        work(list(range(len(plan.pages))))
        return
    lists, tasks = plan.lists_and_tasks()
    before = dict(staging.counts) if staging is not None else {}
    added = fork_queue(work, tasks, jobs, first=lists, chunk=PREPARED_PAGES)
    if staging is not None:  # this process's own pages are in ``added`` too
        staging.counts = {name: before[name] + sum(counts[name] for counts, _ in added) for name in before}
        for _, stamps in added:
            staging.stamps.update(stamps)


def render_in_place(root: Path, plan: SitePlan, output: Path, indices: list[int], jobs: int = 1) -> list[str]:
    """Render the pages at ``indices`` over the built site in ``output``, each file replaced
    atomically and only when its bytes changed (an incremental rebuild); return the names written.

    Many pages are shared among forked processes as render_all shares them, the pages that
    list tasks staying in this process, which keeps their cards.
    """
    def work(chunk: list[int]) -> list[str]:
        written = []
        with template_problems(root, Report()):
            for index in chunk:
                name = plan.pages[index][0]
                if replace_file(output, name, plan.page_bytes(index)):
                    written.append(name)
        return written

    if jobs > 1 and len(indices) >= 400:
        lists, tasks = plan.lists_and_tasks(indices)
        return sorted(name for names in fork_queue(work, tasks, jobs, first=lists) for name in names)
    return work(indices)


def write_extras_in_place(output: Path, extras: SiteFiles, names: list[str], versions: dict[str, int]) -> list[str]:
    """Write the files beside the pages whose bytes changed, a feed or data file only at a new
    version (``versions``: those on disk, updated); return the names written."""
    written, replaced = [], []
    try:
        for name in names:
            version = extras.version(name)
            if version is not None and versions.get(name) == version:
                continue
            if replace_file(output, name, extras[name], replaced):
                written.append(name)
            if version is not None:
                versions[name] = version
    finally:
        release_later(replaced)  # the data files' old megabytes are freed after the rebuild answers
    return written


def render_cards(root: Path, renderer, jobs: int) -> None:
    """Render every task's cards, in ``jobs`` processes, into the renderer's cards."""
    tasks = list(renderer.site.tasks.values())

    def cards(chunk: list) -> dict:
        with template_problems(root, Report()):
            renderer.task_cards(chunk)
        return renderer.cards

    for found in fork_map(cards, [tasks[k::jobs] for k in range(jobs)] if len(tasks) >= 200 else [tasks]):
        renderer.cards.update(found)


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
    except jinja2.TemplateNotFound as error:
        report.error(f"templates/{error.name}", 0, "", "the template is missing",
                     f"restore it from the project's repository (git checkout -- templates/{error.name})")
        raise SiteError(report.problems)
    except jinja2.TemplateError as error:
        path, line = _template_location(error, root)
        report.error(path, line, "", f"template error: {error}", "a template uses a field, filter or test that does not exist")
        raise SiteError(report.problems)
    except OSError as error:
        report.error(_shown(error.filename, root) if error.filename else "templates", 0, "", f"cannot read: {error.strerror}",
                     "restore the file from the project's repository")
        raise SiteError(report.problems)
    except Exception as error:  # a template calling something with the wrong kind of value
        path, line = _template_location(error, root)
        report.error(path, line, "", f"the template failed: {type(error).__name__}: {error}",
                     "undo the last change to this template")
        raise SiteError(report.problems)


def _shown(path: str | Path, root: Path) -> str:
    """A path as the editor knows it: relative to the site's folder when inside it."""
    try:
        return Path(path).resolve().relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)


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
            problems = [replace(p, severity=ERROR) for p in problems]
        raise SiteError(problems)

