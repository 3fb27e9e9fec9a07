"""National-scale benchmark: our build beside Hugo's on the same synthetic content.

    python benchmarks/run.py [--provinces 34] [--tasks 300] [--json FILE] [--work DIR] [--jobs N] [--repeat 3]

Prints, from one run on one machine: a full clean build of everything but the search index
(wall time, pages, pages per second, peak memory; the median of --repeat builds taking turns
with Hugo's), then the search indexing on its own
(wall time, peak memory), a no-change rebuild of the complete site, the time from editing
one task, one agency's name and one template to the affected pages, feeds and data being
on disk (and the search index refresh after the task edit), and Hugo's full build of the
equivalent site with the ratios. Figures are seconds and MB.

Peak memory is that of the whole process tree: the build forks rendering processes, so
the script samples every process of the tree every 50 ms and reports the peak of the
sum of their RSS (shared pages counted once per process, the pessimistic figure) and of
their PSS (shared pages divided among the processes that share them: what the tree
really occupies). Hugo, a single process, is measured the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(HERE))

from hugo_site import write_hugo_site  # noqa: E402
from national_content import copy_site_files, generate  # noqa: E402


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as stream:
                found += [int(child) for child in stream.read().split()]
    except OSError:
        pass
    return found


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kb(pid: int) -> int:
    """Resident memory of one process in kB, from the kernel's counters (cheap); 0 when it has gone."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as stream:
            return int(stream.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size of one process in kB (shared pages divided among their users); 0 when it
    has gone. The kernel walks every page of the process to answer: 8 ms for 300 MB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples the memory of a process and all its descendants until stopped.

    RSS is read every ``every`` seconds from /proc/PID/statm, which costs next to nothing.
    PSS, when asked for, only every ``pss_every`` seconds: reading smaps_rollup walks the
    process's page tables, and sampling it every 50 ms kept a core half busy beside a 1.5 GB
    process (Hugo's full build took 14-16 s alone and 22-30 s so sampled).
    """

    def __init__(self, pid: int, every: float = 0.05, pss_every: float | None = None):
        super().__init__(daemon=True)
        self.pid, self.every, self.pss_every = pid, every, pss_every
        self.peak_rss = self.peak_pss = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        next_pss = time.monotonic()
        while not self.stopped.is_set():
            pids, stack = [], [self.pid]
            while stack:
                pid = stack.pop()
                pids.append(pid)
                stack += _children(pid)
            self.peak_rss = max(self.peak_rss, sum(_rss_kb(pid) for pid in pids))
            if self.pss_every is not None and time.monotonic() >= next_pss:
                self.peak_pss = max(self.peak_pss, sum(_pss_kb(pid) for pid in pids))
                next_pss = time.monotonic() + self.pss_every
            self.stopped.wait(self.every)


def quiet_disk() -> None:
    """Let the writes of earlier steps reach the disk before a timed step starts."""
    os.sync()
    time.sleep(2)


class Trash:
    """Earlier outputs set aside, and deleted only once every step is timed.

    Deleting tens of thousands of files just before a build slows the build down, not the
    deletion: ext4 without a journal will not reuse an inode freed in the last 5 to 10
    seconds, and searched past each of them for every new file (30 % of a build's CPU in
    ext4_find_inode_bit/recently_deleted, a full build's time doubled). A clean build here
    is one into a folder that does not exist, after nothing was deleted; ours and Hugo's
    alike.
    """

    def __init__(self) -> None:
        self.kept: list[Path] = []

    def set_aside(self, path: Path) -> None:
        if path.exists():
            aside = path.with_name(f".{path.name}.old-{time.time_ns()}")
            path.rename(aside)
            self.kept.append(aside)

    def empty(self) -> None:
        for path in self.kept:
            shutil.rmtree(path, ignore_errors=True)
        self.kept.clear()


def timed(command: list[str], cwd: Path | None = None, pss: bool = False) -> dict:
    """Run a command once the disk is quiet; return wall seconds, peak memory of its process
    tree in MB (RSS, and PSS sampled every half second when ``pss``) and its output."""
    quiet_disk()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sampler = TreeMemory(process.pid, pss_every=0.5 if pss else None)
    sampler.start()
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    sampler.stopped.set()
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed ({code}):\n{output[-3000:]}")
    largest = usage.ru_maxrss / 1024  # the largest single process, from the kernel
    return {"s": elapsed, "rss_mb": max(sampler.peak_rss / 1024, largest), "pss_mb": sampler.peak_pss / 1024 or largest,
            "largest_mb": largest, "log": output}


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def ensure_hugo() -> bool:
    """Install Debian's hugo when it is missing (root or sudo); False when that is impossible."""
    if shutil.which("hugo"):
        return True
    prefix = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
    if prefix is None or not shutil.which("apt-get"):
        return False
    print("Installing Debian's hugo …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(prefix + ["apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run(prefix + ["apt-get", "install", "-y", "-qq", "hugo"], check=False, env=env)
    return bool(shutil.which("hugo"))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--tasks", type=int, default=300, help="tasks per province")
    parser.add_argument("--work", type=Path, default=None, help="where to generate (default: a new temporary folder)")
    parser.add_argument("--jobs", type=int, default=None, help="rendering processes (default: one per core)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    parser.add_argument("--skip-hugo", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="full builds of each, taking turns (medians reported)")
    args = parser.parse_args(argv)

    work: Path = args.work or Path(tempfile.mkdtemp(prefix="minhbach-national-"))
    marker = work / f".generated-{args.provinces}x{args.tasks}"
    if not marker.exists():
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        print(f"Generating {args.provinces} provinces × {args.tasks} tasks in {work} …", flush=True)
        start = time.perf_counter()
        generate(work, args.provinces, args.tasks)
        print(f"  generated in {time.perf_counter() - start:.1f} s", flush=True)
        marker.touch()
    copy_site_files(PROJECT, work)
    output = work / "output"
    build = [sys.executable, str(PROJECT / "build.py"), "--root", str(work), "build", "--output", str(output)]
    if args.jobs:
        build += ["--jobs", str(args.jobs)]
    figures: dict[str, float] = {}
    notes: list[str] = []

    trash = Trash()
    for leftover in [*work.glob(".*.old-*"), *work.parent.glob(f".{work.name}-hugo.old-*")]:  # an interrupted run's
        shutil.rmtree(leftover, ignore_errors=True)
    hugo = not args.skip_hugo and ensure_hugo()
    if hugo:
        hugo_dir = work.parent / (work.name + "-hugo")
        trash.set_aside(hugo_dir)
        write_hugo_site(work, hugo_dir)
        hugo_out = hugo_dir / "public"
    elif not args.skip_hugo:
        notes.append("Hugo is not installed and could not be installed: no Hugo figures.")

    # The machine's speed drifts (other work on the host, the disk): the full builds, ours and
    # Hugo's, take turns, and each figure is the median of its runs.
    ours, theirs = [], []
    for turn in range(args.repeat):
        for leftover in (output, work / ".cache"):
            trash.set_aside(leftover)
        print(f"Full clean build, all but the search index ({turn + 1}/{args.repeat}) …", flush=True)
        ours.append(timed(build + ["--no-search"], pss=True))
        if hugo:
            trash.set_aside(hugo_out)
            print(f"Hugo full build ({turn + 1}/{args.repeat}) …", flush=True)
            theirs.append(timed(["hugo", "--quiet", "-s", str(hugo_dir), "-d", str(hugo_out)]))
    figures["full_s"] = statistics.median(run["s"] for run in ours)
    figures["peak_rss_mb"] = statistics.median(run["rss_mb"] for run in ours)
    figures["peak_pss_mb"] = statistics.median(run["pss_mb"] for run in ours)
    figures["pages"] = count_pages(output)
    figures["pages_per_s"] = figures["pages"] / figures["full_s"]
    runs = {"full_runs_s": [run["s"] for run in ours], "peak_rss_runs_mb": [run["rss_mb"] for run in ours],
            "peak_pss_runs_mb": [run["pss_mb"] for run in ours]}
    if hugo:
        figures["hugo_full_s"] = statistics.median(run["s"] for run in theirs)
        figures["hugo_peak_rss_mb"] = statistics.median(run["rss_mb"] for run in theirs)
        figures["hugo_pages"] = count_pages(hugo_out)
        figures["time_ratio"] = figures["full_s"] / figures["hugo_full_s"]
        figures["memory_ratio"] = figures["peak_rss_mb"] / figures["hugo_peak_rss_mb"]
        figures["memory_ratio_pss"] = figures["peak_pss_mb"] / figures["hugo_peak_rss_mb"]
        runs.update(hugo_full_runs_s=[run["s"] for run in theirs], hugo_peak_rss_runs_mb=[run["rss_mb"] for run in theirs])

    # The same command without --no-search finds every page current and makes only the index.
    print("Search index …", flush=True)
    search = timed(build)
    seconds = _search_seconds(search["log"])
    figures["search_index_s"] = seconds if seconds is not None else 0.0
    figures["search_step_s"], figures["search_peak_rss_mb"] = search["s"], search["rss_mb"]
    if seconds is None:
        notes.append("search_index_s is 0: the build made no search index (its log has no 'search index:' line).")
    print("No-change rebuild (3 times) …", flush=True)
    runs["nochange_runs_s"] = [timed(build)["s"] for _ in range(3)]
    figures["nochange_s"] = statistics.median(runs["nochange_runs_s"])

    print("Edits through the incremental builder (as in the live preview) …", flush=True)
    quiet_disk()
    edits = subprocess.run(
        [sys.executable, str(HERE / "edits.py"), str(work), str(output)],
        cwd=PROJECT, capture_output=True, text=True, check=False)
    if edits.returncode != 0:
        raise SystemExit(f"measuring edits failed:\n{edits.stderr[-3000:]}")
    for key, value in json.loads(edits.stdout.strip().splitlines()[-1]).items():
        (runs if isinstance(value, list) else figures)[key] = value

    trash.empty()
    _print_table(figures)
    # Our builds run on this interpreter: one built without profile-guided optimisation is slower.
    print(f"our builds ran on Python {platform.python_version()} ({os.path.realpath(sys.executable)})")
    for note in notes:
        print(f"note: {note}")
    if len(ours) > 1:
        print("runs of the full build (s): ours " + ", ".join(f"{t:.2f}" for t in runs["full_runs_s"])
              + ("; Hugo's " + ", ".join(f"{t:.2f}" for t in runs["hugo_full_runs_s"]) if hugo else ""))
    print("runs of the no-change rebuild (s): " + ", ".join(f"{t:.2f}" for t in runs["nochange_runs_s"]))
    print("runs of the edits (s): " + "; ".join(
        f"{kind} " + ", ".join(f"{t:.3f}" for t in runs[f"edit_{kind}_runs_s"])
        for kind in ("task", "agency", "template") if f"edit_{kind}_runs_s" in runs))
    if args.json:
        rounded = {k: round(v, 4) for k, v in figures.items()}
        rounded.update({k: [round(v, 4) for v in values] for k, values in runs.items()})
        rounded["python"] = f"{platform.python_version()} {os.path.realpath(sys.executable)}"
        args.json.write_text(json.dumps(rounded, indent=2) + "\n", encoding="utf-8")
    return figures


def _search_seconds(log: str) -> float | None:
    """The build reports its search indexing time on a line 'search index: N.NN s'."""
    for line in log.splitlines():
        if line.strip().lower().startswith("search index:"):
            return float(line.split(":", 1)[1].split()[0])
    return None


def _print_table(figures: dict[str, float]) -> None:
    rows = [
        ("pages written", "pages", "{:.0f}"), ("full clean build", "full_s", "{:.2f} s"),
        ("pages per second", "pages_per_s", "{:.0f}"),
        ("peak memory, tree RSS sum", "peak_rss_mb", "{:.0f} MB"), ("peak memory, tree PSS sum", "peak_pss_mb", "{:.0f} MB"),
        ("search indexing", "search_index_s", "{:.2f} s"),
        ("search indexing, whole command", "search_step_s", "{:.2f} s"),
        ("search indexing, peak memory (RSS)", "search_peak_rss_mb", "{:.0f} MB"),
        ("no-change rebuild", "nochange_s", "{:.2f} s"),
        ("edit one task → on disk", "edit_task_s", "{:.3f} s"), ("edit one agency → on disk", "edit_agency_s", "{:.3f} s"),
        ("edit one template → on disk", "edit_template_s", "{:.3f} s"),
        ("edit one task → search index", "edit_task_search_s", "{:.2f} s"),
        ("Hugo: pages", "hugo_pages", "{:.0f}"), ("Hugo: full build", "hugo_full_s", "{:.2f} s"),
        ("Hugo: peak memory (RSS)", "hugo_peak_rss_mb", "{:.0f} MB"),
        ("time ratio (ours / Hugo)", "time_ratio", "{:.2f}×"),
        ("memory ratio, RSS sum / Hugo", "memory_ratio", "{:.2f}×"),
        ("memory ratio, PSS sum / Hugo", "memory_ratio_pss", "{:.2f}×"),
    ]
    width = max(len(label) for label, _, _ in rows)
    for label, key, pattern in rows:
        if key in figures:
            print(f"{label:<{width}}  {pattern.format(figures[key])}")


if __name__ == "__main__":
    main()
