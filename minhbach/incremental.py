"""Incremental builds: skip a build when nothing changed, and after an edit re-render only
the pages that show what changed.

The live preview and ``build.py build`` use one entry point::

    builder = Builder(root, output)
    builder.build()                  # full build, or nothing when no input changed
    builder.rebuild([changed_path])  # after a save: only the affected pages, feeds and data
    builder.refresh_search()         # then the search index, which takes Pagefind's time

A full build swaps a complete new folder in (write.Staging). A rebuild updates files in
place, each one atomically (write.replace_file), and writes only files whose bytes
changed; the build manifest in .cache/ is written last, so an interrupted rebuild is
redone in full by the next build. The manifest also says whether the search index is that
of the pages on disk: a build finding only the index out of date refreshes just the index.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from pathlib import Path

import jinja2

from .affected import affected_pages, lists_unchanged
from .comments import resolve_comments
from .config import load_config
from .load import RawContent, reload_file
from .manifest import Manifest, Stamps, file_stamp, input_stamps
from .parallel import default_jobs
from .parallel_load import load_validated
from .pipeline import (BuildResult, long_lived, render_cards, render_in_place, _shown, _stop_on_errors, page_count,
                       template_problems, write_extras_in_place, write_plan)
from .markup import MarkdownRenderer
from .problems import Problem, Report, SiteError
from .plan import SitePlan, plan_site
from .rejoin import join_edited_tasks
from .resolve import resolve
from .site import Site
from .validate import validate_records
from .write import remove_file, replace_file, unsafe_output
from .search import INDEX_FOLDER, index_files
from .sitefiles import SiteFiles


class Builder:
    """Builds one site into one output folder, remembering enough to rebuild only what changed."""

    def __init__(self, root: Path, output: Path | None = None, *, overrides: dict | None = None,
                 strict: bool = False, jobs: int | None = None, manifest: bool = True, csp_sources: dict | None = None,
                 search: bool = True):
        """``search``: whether build() also makes the search index; without it the pages, feeds and
        data are on disk sooner and the index stays as it was until refresh_search()."""
        self.root = Path(root).resolve()
        self.output = Path(output or self.root / "output").resolve()
        self.overrides = dict(overrides or {})  # those left unset (None) change nothing: load_config and the manifest skip them
        self.strict = strict
        self.jobs = jobs or default_jobs()
        self.csp_sources = csp_sources
        self.manifest = Manifest.of_build(self.root, self.output, self.overrides, strict, csp_sources) if manifest else Manifest(None)
        self.markdown = MarkdownRenderer()
        self.memo: dict = {}
        self.raw: RawContent | None = None
        self.site: Site | None = None
        self.plan: SitePlan | None = None
        self.config = None
        self.extras: SiteFiles | None = None  # what the last build wrote beside the pages
        self.content_versions: dict[str, int] = {}  # the version of each feed and data file on disk
        self.warnings: list[Problem] = []
        self.inputs = self.outputs = Stamps({})
        self.load_problems: list[Problem] = []
        self.search = search
        self.search_current = False  # whether the index on disk is that of the pages on disk
        self.pages_written = 0  # bumped whenever pages change on disk: a refresh under way is then out of date
        self.page_total: int | None = None  # pages of the last build, when nothing was planned since
        self.lock = threading.RLock()  # rebuilds and the end of a refresh (the preview runs it in the background)
        self.refreshing = threading.Lock()  # one Pagefind run at a time

    # ------------------------------------------------------------------ full builds
    def build(self, force: bool = False, warm: bool = False, search: bool | None = None) -> BuildResult:
        """Build everything, unless no input changed since the last build into this folder.

        ``warm`` (for the live preview) reads the records even when nothing changed, so the
        first ``rebuild`` after it is incremental. ``search`` (default: the builder's) makes
        the search index too; when only the index is out of date, only the index is made.
        """
        search = self.search if search is None else search
        with self.lock:
            result = self._build(force, warm, search)
        if search and not self.search_current:  # the pages are current, their index is not
            refreshed = self.refresh_search()
            result.written, result.search_s = result.written + refreshed.written, refreshed.search_s
        return result

    def _build(self, force: bool, warm: bool, search: bool) -> BuildResult:
        """build() under the lock; the search index, when out of date, is refreshed after it."""
        stamps = input_stamps(self.root)
        if not force:
            unchanged = self._unchanged(stamps)  # sets self.outputs when it reads them
            if unchanged is not None:
                self.config = load_config(self.root, self.overrides)
                self.inputs = Stamps(stamps)
                self.warnings = unchanged.warnings
                if warm:  # ready for a quick first rebuild, as after a full one
                    report = Report()
                    self._load(report)
                    with template_problems(self.root, report):
                        self.plan = self._plan(report)
                        self._ready_for_rebuilds()
                    self.extras = self.plan.extras()
                    self.content_versions = self.extras.versions()  # the output is as the manifest says
                    self.warnings = report.warnings
                    unchanged.site = self.site
                return unchanged
        if reason := unsafe_output(self.root, self.output):
            raise SiteError([Problem(_shown(self.output, self.root), 0, "", reason,
                                     "choose a new or empty folder, or the site's output/")])
        report = Report()
        self.config = load_config(self.root, self.overrides)
        self._load(report)
        with template_problems(self.root, report):
            self.plan = self._plan(report)
        _stop_on_errors(report, self.strict)
        self.manifest.forget()
        # kept as written: a rebuild that adds no page keeps the sitemap and root
        counts, self.extras, written = write_plan(self.root, self.plan, self.output, self.jobs, report, search=search)
        self.pages_written += 1
        self.search_current = search
        with template_problems(self.root, report):
            self._ready_for_rebuilds(cards=False)
        self.content_versions = self.extras.versions()
        self.warnings = report.warnings
        self.inputs, self.outputs = Stamps(stamps), Stamps(written)
        self._save_manifest()
        return BuildResult(pages=self._page_count(), written=counts["written"], unchanged=counts["unchanged"],
                           warnings=self.warnings, site=self.site, search_s=counts.get("search_s"))

    def _ready_for_rebuilds(self, cards: bool = True) -> None:
        """What a rebuild reuses: every template compiled in this process (a parallel build
        may have rendered a language only in a child), every task's cards and the latest
        updates (a full build leaves the cards here). A national site's first edit took
        0.7 s without them."""
        renderer = self.plan.renderer
        for env in renderer.environments.values():  # pages', cards', feeds' and macros' alike
            for name in env.list_templates(filter_func=lambda name: not name.startswith("assets/")):
                with contextlib.suppress(jinja2.TemplateSyntaxError):  # one no page uses; a page using it reports it
                    env.get_template(name)
        if cards:
            render_cards(self.root, renderer, self.jobs)
        renderer.latest_updates()
        self.plan.index()  # the plan's indexes and page count are kept while no page is added
        self._page_count()

    def _plan(self, report: Report, renderer=None, previous: SitePlan | None = None) -> SitePlan:
        return plan_site(self.root, self.config, self.site, self.markdown, report, renderer=renderer,
                         csp_sources=self.csp_sources, previous=previous)

    def _load(self, report: Report) -> None:
        with long_lived():
            self.raw = load_validated(self.root, report, self.memo, self.jobs)
            self.load_problems = list(report.problems)
            self._join(report)

    def _join(self, report: Report) -> None:
        records = validate_records(self.raw, report, self.memo)
        records.release(self.root)  # messages read a file again for its line numbers
        for item in self.raw.records:  # validated (and remembered in self.memo): drop the YAML as read
            item.data = None
        site = resolve(records, self.raw, self.config.as_of, self.markdown, report, self.jobs)
        site.comments = resolve_comments(site, self.config, self.root, report)
        _stop_on_errors(report, self.strict)
        self.site = site

    def _page_count(self) -> int:
        if self.plan is None:
            return self.page_total
        if self.plan.html_pages is None:
            self.plan.html_pages = page_count(self.plan)
        return self.plan.html_pages

    # ------------------------------------------------------------------ the manifest
    def _unchanged(self, stamps: dict) -> BuildResult | None:
        """The last build's result when its inputs and its output are exactly as it left them."""
        last = self.manifest.current(Stamps(stamps), self.output, self.strict, self.jobs)
        if last is None:
            return None
        self.search_current, self.page_total, self.outputs = last.search, last.pages, last.outputs
        return BuildResult(pages=last.pages, written=0, unchanged=last.files, warnings=last.warnings)

    def _save_manifest(self) -> None:
        """Written last: a build interrupted before this point is not mistaken for complete."""
        self.manifest.save(pages=self._page_count(), inputs=self.inputs, outputs=self.outputs,
                           search=self.search_current, warnings=[dataclasses.asdict(p) for p in self.warnings])

    # ------------------------------------------------------------------ incremental rebuilds
    def rebuild(self, changed: list[Path | str]) -> BuildResult:
        """Bring the output up to date after ``changed`` files were saved, created or deleted.

        Content edits re-render the pages that show the changed records; template,
        translation and configuration edits render every page again. Either way only
        files whose bytes changed are written. The search index is left as it was, still
        usable, until refresh_search(). On a mistake, SiteError is raised and the output
        keeps the last good build.
        """
        with self.lock:
            return self._rebuild(changed)

    def _rebuild(self, changed: list[Path | str]) -> BuildResult:
        if self.site is None or not self.output.is_dir():
            return self._build(force=True, warm=False, search=False)
        names = sorted({self._relative(path) for path in changed})
        for name in names:
            stamp = file_stamp(self.root / name)
            self.inputs.set(name, stamp)
        content = [n for n in names if n.startswith("content/")]
        old_site, old_plan = self.site, self.plan
        try:
            if "site_config.yaml" in names or any(n.startswith(("templates/", "locales/")) for n in names):
                result = self._rerender_all(config_changed="site_config.yaml" in names, content=content)
            elif not content:
                return BuildResult(pages=self._page_count(), unchanged=len(self.plan.pages), warnings=self.warnings,
                                   site=self.site)
            else:
                result = self._rebuild_content(content, old_site, old_plan)
            return result
        except BaseException:
            # Compare the next rebuild with what is on disk, not with what failed to get there;
            # the next build, finding no manifest, reads everything again.
            self.manifest.forget()
            self.site, self.plan = old_site, old_plan
            old_plan.renderer.use_site(old_site)
            raise

    def _rebuild_content(self, content: list[str], old_site: Site, old_plan: SitePlan) -> BuildResult:
        loading = Report()
        for name in content:
            reload_file(self.raw, self.root, name, loading)
        self.load_problems = [p for p in self.load_problems if p.path not in content] + loading.problems
        report = Report(problems=list(loading.problems))
        if not self._join_tasks(content, report):
            report = Report(problems=list(self.load_problems))
            self._join(report)
        same_lists = lists_unchanged(old_site, self.site)
        if same_lists:  # no page added or removed, every list in the same order: the same plan
            old_plan.renderer.use_site(self.site)
            plan = dataclasses.replace(old_plan)
        else:
            with template_problems(self.root, report):
                plan = self._plan(report, renderer=old_plan.renderer, previous=old_plan)
        _stop_on_errors(report, self.strict)
        self.plan = plan
        specs = affected_pages(old_site, self.site, old_plan, plan, same_lists)
        self.warnings = report.warnings
        if specs is None:
            return self._write_pages(old_plan, [i for i in range(len(plan.pages))])
        indices = plan.indices_of(specs)
        return self._write_pages(old_plan, indices)

    def _relative(self, path: Path | str) -> str:
        path = Path(path)
        if not path.is_absolute():
            path = self.root / path
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def _join_tasks(self, names: list[str], report: Report) -> bool:
        """The quick way when only existing tasks changed (the everyday edit): validate and
        join just those (rejoin.join_edited_tasks). False when it does not apply."""
        wanted = set(names)
        items = [r for r in self.raw.records if r.path in wanted]
        if len(items) != len(names):
            return False
        found = Report()
        site = join_edited_tasks(self.site, items, self.memo, self.root, found)
        if site is None:
            return False
        for item in items:
            item.data = None
        kept = [p for p in self.warnings if p.path not in names]
        report.extend(kept + found.problems)
        _stop_on_errors(report, self.strict)
        self.site = site
        return True

    def _rerender_all(self, config_changed: bool, content: list[str]) -> BuildResult:
        """Templates, translations or settings changed: every page again, with fresh templates."""
        old_plan = self.plan
        report = Report()
        if config_changed or content:
            self.config = load_config(self.root, self.overrides)
            loading = Report()
            for name in content:
                reload_file(self.raw, self.root, name, loading)
            self.load_problems = [p for p in self.load_problems if p.path not in content] + loading.problems
            report.extend(self.load_problems)
            self._join(report)
        else:
            report.extend(self.warnings)
        with template_problems(self.root, report):
            plan = self._plan(report)
        _stop_on_errors(report, self.strict)
        self.plan = plan
        self.warnings = report.warnings
        return self._write_pages(old_plan, list(range(len(self.plan.pages))))

    def _write_pages(self, old_plan: SitePlan, indices: list[int]) -> BuildResult:
        """Render the given pages of the current plan in place; remove pages that are gone."""
        plan, output = self.plan, self.output
        self.manifest.forget()
        written = render_in_place(self.root, plan, output, indices, self.jobs)
        same_pages = plan.pages is old_plan.pages or len(plan.pages) == len(old_plan.pages) and all(
            a[0] == b[0] for a, b in zip(plan.pages, old_plan.pages))
        if same_pages and plan.renderer is old_plan.renderer and self.extras is not None:
            with template_problems(self.root, Report()):
                fresh = plan.content_files()  # feeds and data files follow every record
            extras = self.extras = SiteFiles(self.extras.files, fresh)  # the sitemap and the root list the same pages
            names = sorted(fresh)
        else:
            with template_problems(self.root, Report()):
                extras = self.extras = plan.extras()
            names = sorted(extras)
        written += write_extras_in_place(output, extras, names, self.content_versions)
        gone: list[str] = []
        if not same_pages:
            now = {path for path, _, _ in plan.pages} | set(extras)
            before = {path for path, _, _ in old_plan.pages} | set(old_plan.assets) | {"index.html", "404.html", "sitemap.xml", "robots.txt"}
            removed = sorted(before - now)
            for name in removed:
                remove_file(output, name)
            gone += removed
        for name in written:
            self.outputs.set(name, file_stamp(output / name))
        for name in gone:
            self.outputs.set(name, None)
        if any(name.endswith(".html") for name in written + gone):  # the index lists the pages' words
            self.search_current = False
            self.pages_written += 1
        self._save_manifest()
        return BuildResult(pages=self._page_count(), written=len(written),
                           unchanged=len(plan.pages) + len(extras) - len(written),
                           warnings=self.warnings, site=self.site)

    def refresh_search(self) -> BuildResult:
        """Index the pages on disk for search again, and replace the index files that changed.

        Pagefind takes most of a national build's time and memory, so rebuilds leave it to
        this step, which the live preview runs in the background. Pages may change while it
        runs: the index is then marked out of date again, for the next refresh. Index files
        are named by their contents except the entry file, written last: a reader sees the
        old index or the new one. Files the new index no longer uses go after it.
        """
        with self.refreshing:
            with self.lock:
                languages, version = list(self.config.languages), self.pages_written
            started = time.perf_counter()
            output, written, kept = self.output, [], set()
            for name, data in index_files(output, languages):
                if replace_file(output, name, data):
                    written.append(name)
                kept.add(name)
            took = time.perf_counter() - started
            with self.lock:
                stale = {p.relative_to(output).as_posix() for p in (output / INDEX_FOLDER).rglob("*") if p.is_file()}
                for name in sorted(stale - kept):
                    remove_file(output, name)
                    self.outputs.set(name, None)
                for name in written:
                    self.outputs.set(name, file_stamp(output / name))
                self.search_current = self.pages_written == version
                if self.manifest.exists():  # not after a failed rebuild
                    self._save_manifest()
                return BuildResult(pages=self._page_count(), written=len(written), unchanged=len(kept) - len(written),
                                   warnings=self.warnings, search_s=took)
