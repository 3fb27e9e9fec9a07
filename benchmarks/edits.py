"""Time edits through the incremental builder, as the live preview makes them.

    python benchmarks/edits.py SITE_FOLDER OUTPUT_FOLDER

prints one JSON object: the seconds from saving an edit of one task, of one agency's name
and of one template to the affected pages, feeds and data files being on disk. run.py
calls it in a process of its own, after the full builds.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minhbach.incremental import Builder  # noqa: E402

# How many times each edit is timed (its median reported): a task's edit takes a tenth of a
# second, which one busy moment on the machine can double; a template's takes a full build's time.
EDIT_REPEATS = {"edit_task_s": 5, "edit_agency_s": 3, "edit_template_s": 1}


def measure_edits(root: Path, output: Path | None = None, search: bool = True) -> dict[str, float | list[float]]:
    """Time, with a warm builder (as in the live preview), an edit of one task, of one agency's
    name and of one template, each until the affected pages, feeds and data files are on disk;
    with ``search``, also the refresh of the search index that follows the first task edit
    (``edit_task_search_s``). Each edit is made EDIT_REPEATS times, each time a different
    change, and restored after each; the figure is the median, the runs are under ``…_runs``.
    """
    root = Path(root).resolve()
    builder = Builder(root, output or root / "output", manifest=True, search=search)
    builder.build(warm=True)
    site = builder.site
    task = sorted(site.tasks.values(), key=lambda t: t.id)[len(site.tasks) // 2]
    task_path = root / site.records.paths[("tasks", task.id)]
    agency_id = max(site.agencies, key=lambda a: len(site.tasks_led.get(a, [])) + len(site.tasks_coordinated.get(a, [])))
    agency_path = root / site.records.paths[("agencies", agency_id)]
    template_path = root / "templates" / "task.html"
    figures: dict[str, float | list[float]] = {}
    for key, path, change in (
        ("edit_task_s", task_path, lambda text, n: text.replace("title:\n  vi: ", f"title:\n  vi: (sửa {n}) ", 1)),
        ("edit_agency_s", agency_path, lambda text, n: text.replace("name:\n  vi: ", f"name:\n  vi: (sửa {n}) ", 1)),
        ("edit_template_s", template_path,
         lambda text, n: text.replace("<article class=\"task\">", f"<article class=\"task\" data-edited=\"{n}\">", 1)),
    ):
        original = path.read_text(encoding="utf-8")
        runs = []
        for n in range(1, EDIT_REPEATS[key] + 1):
            edited = change(original, n)
            if edited == original:
                raise ValueError(f"measure_edits: could not edit {path}")
            try:
                os.sync()  # the previous step's writes are not this edit's
                path.write_text(edited, encoding="utf-8")
                start = time.perf_counter()
                builder.rebuild([path])
                runs.append(time.perf_counter() - start)
                if search and key == "edit_task_s" and n == 1:
                    start = time.perf_counter()
                    builder.refresh_search()
                    figures["edit_task_search_s"] = time.perf_counter() - start
            finally:
                path.write_text(original, encoding="utf-8")
                builder.rebuild([path])
        figures[key], figures[key[:-2] + "_runs_s"] = statistics.median(runs), runs
    if search:
        builder.refresh_search()
    return figures


if __name__ == "__main__":
    print(json.dumps(measure_edits(Path(sys.argv[1]), Path(sys.argv[2]))))
