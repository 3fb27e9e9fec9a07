"""Parallel, incremental and no-change builds give exactly the bytes of a clean serial build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from minhbach.incremental import Builder
from minhbach.pipeline import build_site
from minhbach.problems import SiteError


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def bundled_copy(tmp_path) -> Path:
    """The project's own content, templates and settings in a folder the test may edit."""
    root = tmp_path / "site"
    root.mkdir()
    for name in ("content", "templates", "locales"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site_config.yaml", root / "site_config.yaml")
    return root


def clean_build(root: Path, output: Path) -> dict[str, bytes]:
    build_site(root, output, jobs=1)
    return tree(output)


def test_parallel_rendering_gives_the_serial_bytes(tmp_path):
    build_site(ROOT, tmp_path / "serial", jobs=1)
    build_site(ROOT, tmp_path / "parallel", jobs=2)
    serial, parallel = tree(tmp_path / "serial"), tree(tmp_path / "parallel")
    assert len(serial) > 300
    assert serial.keys() == parallel.keys()
    assert [name for name in serial if serial[name] != parallel[name]] == []


def test_long_lists_are_paginated_with_every_task_once_and_whole_links(bundled_site):
    output, result = bundled_site
    tasks = len(result.site.tasks)
    seen: list[str] = []
    folder = output / "en" / "tasks"
    page = folder / "index.html"
    visited = set()
    while page is not None and page not in visited:
        visited.add(page)
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        seen += [a["href"] for a in soup.select(".task-card__title a")]
        pager = soup.select_one("nav.pager")
        for link in pager.select("a") if pager else []:
            target = output / unquote(urlsplit(link["href"]).path).lstrip("/") / "index.html"
            assert target.is_file(), link["href"]
        following = soup.select_one('nav.pager a[rel="next"]')
        page = output / unquote(following["href"]).lstrip("/") / "index.html" if following else None
    assert len(visited) >= 2, "the bundled list of tasks is long enough for two pages"
    assert len(seen) == len(set(seen)) == tasks
    second = BeautifulSoup((output / "vi" / "nhiem-vu" / "trang" / "2" / "index.html").read_text(encoding="utf-8"),
                           "html.parser")
    assert "trang 2" in second.title.text
    assert second.select_one('link[rel="canonical"]')["href"].endswith("/vi/nhiem-vu/trang/2/")
    assert second.select_one('a[hreflang="en"]')["href"].endswith("/en/tasks/page/2/")


def test_a_build_with_nothing_changed_writes_nothing(bundled_copy):
    output = bundled_copy / "output"
    first = Builder(bundled_copy, output, jobs=1).build()
    assert first.written > 300
    before = mtimes(output)
    again = Builder(bundled_copy, output, jobs=1).build()
    assert again.site is None and again.written == 0 and again.pages == first.pages
    assert [p.format() for p in again.warnings] == [p.format() for p in first.warnings]
    assert mtimes(output) == before
    # Touching the output by hand is noticed: the next build repairs it.
    (output / "index.html").write_text("broken", encoding="utf-8")
    repaired = Builder(bundled_copy, output, jobs=1).build()
    assert repaired.site is not None and (output / "index.html").read_text(encoding="utf-8") != "broken"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("what", ["task", "task-status", "task-agencies", "task-in-latest-updates", "agency", "template",
                                  "directive", "new-task", "deleted-task"])
def test_rebuild_after_an_edit_equals_a_clean_build_and_keeps_untouched_files(bundled_copy, tmp_path, what):
    output = bundled_copy / "output"
    builder = Builder(bundled_copy, output, jobs=1)
    builder.build(force=True)
    before_bytes, before_times = tree(output), mtimes(output)
    task_file = bundled_copy / "content/tasks/2672-qd-ubnd-2023/qt-2672-iv1a-sxd-trien-khai-tham-muu.yaml"
    if what == "task":
        changed = task_file
        _edit(changed, "title:\n  vi: ", "title:\n  vi: Sửa đổi - ")
    elif what == "task-in-latest-updates":  # the home page lists its newest update, under the task's title
        _, newest = builder.plan.renderer.latest_updates()[0]
        changed = bundled_copy / builder.site.records.paths[("tasks", newest.id)]
        _edit(changed, "title:\n  vi: ", "title:\n  vi: Sửa đổi - ")
    elif what == "task-status":
        changed = task_file
        text = changed.read_text(encoding="utf-8")
        status = next(line for line in text.splitlines() if line.startswith("status:"))
        _edit(changed, status, "status: cancelled" if "cancelled" not in status else "status: completed")
    elif what == "task-agencies":
        changed = task_file
        _edit(changed, "coordinating: []", "coordinating:\n- so-tai-chinh-quang-tri")
    elif what == "deleted-task":
        changed = bundled_copy / "content/tasks/2672-qd-ubnd-2023/qt-2672-iv1b-sxd-huong-dan-de-an-dong-ha.yaml"
        changed.unlink()
    elif what == "agency":
        changed = bundled_copy / "content/agencies/so-xay-dung-quang-tri.yaml"
        _edit(changed, "short: {vi: Sở Xây dựng,", "short: {vi: Sở Xây dựng mới,")
    elif what == "template":
        changed = bundled_copy / "templates/task.html"
        _edit(changed, '<article class="task">', '<article class="task" data-edited="1">')
    elif what == "directive":
        changed = bundled_copy / "content/directives/2672-qd-ubnd-2023/directive.yaml"
        _edit(changed, "title:\n  vi: ", "title:\n  vi: Sửa - ")
    else:
        changed = task_file.with_name("qt-2672-zz-moi.yaml")
        text = task_file.read_text(encoding="utf-8")
        changed.write_text(text.replace("id: qt-2672-iv1a-sxd-trien-khai-tham-muu", "id: qt-2672-zz-moi"), encoding="utf-8")
    result = builder.rebuild([changed])
    expected = clean_build(bundled_copy, tmp_path / "clean")
    pages = tree(output)  # pages, feeds and data at once; the search index as it was
    assert {n: b for n, b in pages.items() if not n.startswith("pagefind/")} == \
        {n: b for n, b in expected.items() if not n.startswith("pagefind/")}
    assert {n: b for n, b in pages.items() if n.startswith("pagefind/")} == \
        {n: b for n, b in before_bytes.items() if n.startswith("pagefind/")}
    refreshed = builder.refresh_search()
    after = tree(output)
    assert after.keys() == expected.keys()
    assert [name for name in after if after[name] != expected[name]] == []
    rewritten = {name for name in after if after[name] != before_bytes.get(name)}
    assert rewritten and result.written + refreshed.written == len(rewritten)
    times = mtimes(output)
    assert [name for name in before_bytes if name in after and name not in rewritten
            and times[name] != before_times[name]] == []


def feeds_and_data(output: Path) -> set[str]:
    return {p.relative_to(output).as_posix() for p in [*output.rglob("atom.xml"), *(output / "data").iterdir()]}


@pytest.mark.parametrize("what", ["title", "update"])
def test_a_task_edit_rewrites_only_the_feeds_and_data_files_that_show_it(bundled_copy, what):
    """A journalist's download or a feed reader's poll sees a new file only where the edit shows."""
    output = bundled_copy / "output"
    builder = Builder(bundled_copy, output, jobs=1)
    builder.build(force=True)
    files = feeds_and_data(output)
    before_bytes, before_times = tree(output), mtimes(output)
    task_id = "qt-2672-iv1a-sxd-trien-khai-tham-muu"
    changed = bundled_copy / f"content/tasks/2672-qd-ubnd-2023/{task_id}.yaml"
    if what == "title":
        _edit(changed, "title:\n  vi: ", "title:\n  vi: Sửa đổi - ")
        _edit(changed, "  en: Coordinate implementation", "  en: Revised - Coordinate implementation")
        expected = {"data/tasks.csv", "data/tasks.json"}
        # The feeds that list the task (its province's, the site's when among the newest).
        expected |= {name for name in files if name.endswith("atom.xml") and f"/{task_id}/" in before_bytes[name].decode()}
        assert {"vi/tinh/quang-tri/atom.xml", "en/provinces/quang-tri/atom.xml"} <= expected
    else:
        _edit(changed, "updates: []", "updates:\n- date: 2099-01-02\n  text: {vi: Đã xong một phần., en: Partly done.}")
        # The newest entry of every feed that lists the task's province: the site's and the province's.
        expected = {"data/updates.csv", "data/updates.json", "vi/atom.xml", "en/atom.xml",
                    "vi/tinh/quang-tri/atom.xml", "en/provinces/quang-tri/atom.xml"}
    builder.rebuild([changed])
    after, times = tree(output), mtimes(output)
    assert {name for name in files if times[name] != before_times[name]} == expected
    assert {name for name in files if after[name] != before_bytes[name]} == expected
    assert feeds_and_data(output) == files
    news = "Revised - Coordinate" if what == "title" else "Partly done."
    for name in expected:
        assert news in after[name].decode("utf-8-sig") or "/vi/" in name or name.startswith("vi/"), name


def test_a_mistake_in_a_rebuild_leaves_the_last_good_output(bundled_copy):
    output = bundled_copy / "output"
    builder = Builder(bundled_copy, output, jobs=1)
    builder.build(force=True)
    before = tree(output)
    changed = bundled_copy / "content/tasks/2672-qd-ubnd-2023/qt-2672-iv1a-sxd-trien-khai-tham-muu.yaml"
    _edit(changed, "lead:\n", "lead:\n- no-such-agency\n")
    with pytest.raises(SiteError) as caught:
        builder.rebuild([changed])
    assert "unknown agency 'no-such-agency'" in str(caught.value)
    assert tree(output) == before
    _edit(changed, "lead:\n- no-such-agency\n", "lead:\n")
    builder.rebuild([changed])
    assert tree(output) == before


def test_build_command_reports_a_build_with_nothing_to_do(bundled_copy):
    command = [sys.executable, str(ROOT / "build.py"), "--root", str(bundled_copy), "build", "--jobs", "2"]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    # Both rendering processes' files are counted: every file of the new output/ was written.
    files = sum(1 for path in (bundled_copy / "output").rglob("*") if path.is_file())
    assert f"({files} files written, 0 unchanged)" in first.stdout, first.stdout
    second = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Nothing changed since the last build" in second.stdout
    assert second.stderr == first.stderr  # the same warnings, read from the record of the first
    assert (bundled_copy / ".cache").is_dir()
    # Finding nothing to do does not load the rendering engine: that alone took longer than the rest.
    third = subprocess.run([sys.executable, "-X", "importtime", *command[1:]], capture_output=True, text=True, check=True)
    assert "Nothing changed since the last build" in third.stdout
    loaded = {line.rsplit("|", 1)[-1].strip() for line in third.stderr.splitlines() if line.startswith("import time:")}
    assert "minhbach.manifest" in loaded and not loaded & {"jinja2", "markdown", "minhbach.pipeline", "minhbach.models"}


def test_a_build_after_a_rebuild_brings_the_search_index_up_to_date_and_only_it(bundled_copy, tmp_path):
    output = bundled_copy / "output"
    builder = Builder(bundled_copy, output, jobs=1)
    builder.build(force=True)
    _edit(bundled_copy / "content/agencies/so-xay-dung-quang-tri.yaml", "short: {vi: Sở Xây dựng,",
          "short: {vi: Sở Xây dựng mới,")
    builder.rebuild([bundled_copy / "content/agencies/so-xay-dung-quang-tri.yaml"])
    pages = mtimes(output)

    result = Builder(bundled_copy, output, jobs=1).build()  # as `build.py build` does next

    assert result.site is None and result.written > 0 and result.search_s is not None
    assert {n: t for n, t in mtimes(output).items() if not n.startswith("pagefind/")} == \
        {n: t for n, t in pages.items() if not n.startswith("pagefind/")}
    assert tree(output) == clean_build(bundled_copy, tmp_path / "clean")
    again = Builder(bundled_copy, output, jobs=1).build()
    assert again.site is None and again.written == 0 and again.search_s is None


def test_build_without_search_keeps_the_old_index_and_the_next_build_makes_it(bundled_copy, tmp_path):
    command = [sys.executable, str(ROOT / "build.py"), "--root", str(bundled_copy), "build", "--jobs", "1"]
    output = bundled_copy / "output"
    first = subprocess.run(command + ["--no-search"], capture_output=True, text=True, check=True)
    assert "search index left as it was" in first.stdout and not (output / "pagefind").exists()
    second = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Search index: " in second.stdout and "No page changed since the last build" in second.stdout
    expected = clean_build(bundled_copy, tmp_path / "clean")
    assert tree(output) == expected
    # Without the index, a build with changed content keeps the previous index, to search until the next build.
    _edit(bundled_copy / "templates/task.html", '<article class="task">', '<article class="task" data-edited="1">')
    subprocess.run(command + ["--no-search"], capture_output=True, text=True, check=True)
    assert {n: b for n, b in tree(output).items() if n.startswith("pagefind/")} == \
        {n: b for n, b in expected.items() if n.startswith("pagefind/")}
    third = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Search index: " in third.stdout
    assert tree(output) == clean_build(bundled_copy, tmp_path / "clean-edited")


def test_fork_queue_does_every_item_once_and_the_first_work_here():
    from minhbach.parallel import fork_queue

    here = os.getpid()
    results = fork_queue(lambda items: (os.getpid(), list(items)), list(range(500)), jobs=2, first=["mine"], chunk=7)
    done = sorted(item for _, items in results for item in items if item != "mine")
    assert done == list(range(500))
    assert [pid for pid, items in results if items == ["mine"]] == [here]
