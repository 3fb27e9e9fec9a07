"""National-scale benchmark: our build beside Hugo's on the same synthetic content.

    python benchmarks/run.py [--provinces 34] [--tasks 300] [--json FILE] [--work DIR]

Prints, from one run on one machine: a full clean build (wall time, pages, pages per
second, peak RSS), search indexing time, a no-change rebuild, the time from editing one
task, one agency's name and one template to the affected pages being on disk, and Hugo's
full build of the equivalent site with the ratios. Figures are seconds and MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(HERE))

from hugo_site import write_hugo_site  # noqa: E402
from national_content import copy_site_files, generate  # noqa: E402


def timed(command: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float, str]:
    """Run a command; return wall seconds, its peak RSS in MB (children included) and its output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, output


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--tasks", type=int, default=300, help="tasks per province")
    parser.add_argument("--work", type=Path, default=Path("/tmp/minhbach-national"))
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    parser.add_argument("--skip-hugo", action="store_true")
    args = parser.parse_args()

    work: Path = args.work
    marker = work / f".generated-{args.provinces}x{args.tasks}"
    if not marker.exists():
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        print(f"Generating {args.provinces} provinces × {args.tasks} tasks in {work} …", flush=True)
        generate(work, args.provinces, args.tasks)
        marker.touch()
    copy_site_files(PROJECT, work)
    output = work / "output"
    build = [sys.executable, str(PROJECT / "build.py"), "--root", str(work), "build", "--output", str(output)]
    figures: dict[str, float] = {}

    for leftover in (output, work / ".cache"):
        if leftover.exists():
            shutil.rmtree(leftover)
    figures["full_s"], figures["peak_rss_mb"], log = timed(build)
    figures["pages"] = count_pages(output)
    figures["pages_per_s"] = figures["pages"] / figures["full_s"]
    figures["search_index_s"] = _search_seconds(log)
    figures["nochange_s"], _, _ = timed(build)

    figures.update(_edit_latencies(work))

    if not args.skip_hugo and shutil.which("hugo"):
        hugo_dir = work.parent / (work.name + "-hugo")
        write_hugo_site(work, hugo_dir)
        hugo_out = hugo_dir / "public"
        if hugo_out.exists():
            shutil.rmtree(hugo_out)
        figures["hugo_full_s"], figures["hugo_peak_rss_mb"], _ = timed(
            ["hugo", "--quiet", "-s", str(hugo_dir), "-d", str(hugo_out)])
        figures["hugo_pages"] = count_pages(hugo_out)
        figures["time_ratio"] = figures["full_s"] / figures["hugo_full_s"]
        figures["memory_ratio"] = figures["peak_rss_mb"] / figures["hugo_peak_rss_mb"]

    _print_table(figures)
    if args.json:
        args.json.write_text(json.dumps({k: round(v, 4) for k, v in figures.items()}, indent=2) + "\n", encoding="utf-8")


def _search_seconds(log: str) -> float:
    """The build reports its search indexing time on a line 'search index: N.NN s'."""
    for line in log.splitlines():
        if line.strip().lower().startswith("search index:"):
            return float(line.split(":", 1)[1].split()[0])
    return float("nan")


def _edit_latencies(work: Path) -> dict[str, float]:
    """Time edits through the incremental builder that the live preview uses."""
    try:
        from minhbach.incremental import measure_edits  # provided by the live preview's engine
    except ImportError:
        return {"edit_task_s": float("nan"), "edit_agency_s": float("nan"), "edit_template_s": float("nan")}
    return measure_edits(work)


def _print_table(figures: dict[str, float]) -> None:
    rows = [
        ("pages written", "pages", "{:.0f}"), ("full clean build", "full_s", "{:.2f} s"),
        ("pages per second", "pages_per_s", "{:.0f}"), ("peak memory (RSS)", "peak_rss_mb", "{:.0f} MB"),
        ("search indexing", "search_index_s", "{:.2f} s"), ("no-change rebuild", "nochange_s", "{:.2f} s"),
        ("edit one task → on disk", "edit_task_s", "{:.3f} s"), ("edit one agency → on disk", "edit_agency_s", "{:.3f} s"),
        ("edit one template → on disk", "edit_template_s", "{:.3f} s"),
        ("Hugo: pages", "hugo_pages", "{:.0f}"), ("Hugo: full build", "hugo_full_s", "{:.2f} s"),
        ("Hugo: peak memory", "hugo_peak_rss_mb", "{:.0f} MB"),
        ("time ratio (ours / Hugo)", "time_ratio", "{:.2f}×"), ("memory ratio (ours / Hugo)", "memory_ratio", "{:.2f}×"),
    ]
    width = max(len(label) for label, _, _ in rows)
    for label, key, pattern in rows:
        if key in figures:
            print(f"{label:<{width}}  {pattern.format(figures[key])}")


if __name__ == "__main__":
    main()
