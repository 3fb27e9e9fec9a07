"""Time from saving one task file to the rebuilt pages being on disk, through the real live preview.

Starts `build.py serve` on a copy of the bundled content and on a synthetic national content set
(benchmarks/national_content.py), then saves a task file several times, each time changing its
title, and waits for the task's page in the preview's folder to hold the new title. The figure
includes everything an editor waits for: the watcher noticing the save, the rebuild, the write.

    python benchmarks/preview_latency.py [--provinces 8] [--tasks 300] [--runs 5] [--skip-national]
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def without_comments(root: Path) -> None:
    """The comment server is not part of a rebuild: leave it out of the measurement."""
    path = root / "site_config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["comments"] = {"enabled": False}
    config.pop("acknowledged", None)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def bundled_copy(work: Path) -> Path:
    root = work / "bundled"
    for name in ("content", "templates", "locales"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site_config.yaml", root)
    without_comments(root)
    return root


def national_copy(work: Path, provinces: int, tasks: int) -> Path:
    from national_content import copy_site_files, generate

    root = work / "national"
    generate(root, provinces, tasks)
    copy_site_files(PROJECT, root)
    without_comments(root)
    return root


class Preview:
    def __init__(self, root: Path, log: Path):
        self.log_path = log
        self.log = log.open("w")
        self.port = free_port()
        started = time.perf_counter()
        self.process = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "--root", str(root), "serve",
                                         "--port", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT)
        while "Serving the preview" not in self.output():
            if self.process.poll() is not None:
                raise SystemExit(f"the preview stopped:\n{self.output()}")
            time.sleep(0.1)
        self.first_build = time.perf_counter() - started
        self.folder = Path(re.search(r"Preview folder: (.+)", self.output()).group(1).strip())

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def measure(root: Path, runs: int, work: Path) -> dict[str, float]:
    """Save one task file ``runs`` times and time each save until its page holds the new title."""
    task = sorted((root / "content" / "tasks").rglob("*.yaml"))[len(list((root / "content" / "tasks").rglob("*.yaml"))) // 2]
    task_id = task.stem
    preview = Preview(root, work / f"{root.name}.log")
    try:
        page = preview.folder / "vi" / "nhiem-vu" / task_id / "index.html"
        original = task.read_text(encoding="utf-8")
        match = re.search(r"^title:\n  vi: (.+)$|^  vi: (.+)$", original, flags=re.M)
        assert match, f"no Vietnamese title found in {task}"
        latencies = []
        for run in range(runs):
            time.sleep(1.0)  # let the watcher settle, as between an editor's saves
            marker = f"Đo độ trễ lần {run + 1}"
            text = original.replace(match.group(0), match.group(0).rstrip() + f" — {marker}", 1)
            before = preview.output().count("Rebuilt in")
            task.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            deadline = saved + 120
            while True:
                try:
                    if marker in page.read_text(encoding="utf-8"):
                        break
                except OSError:
                    pass
                if time.perf_counter() > deadline:
                    raise SystemExit(f"the page never showed the change:\n{preview.output()[-3000:]}")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - saved)
            while preview.output().count("Rebuilt in") == before:
                time.sleep(0.01)
        engine = [float(x) for x in re.findall(r"Rebuilt in ([\d.]+) s", preview.output())[1:]]
        pages = int(re.findall(r"Rebuilt in [\d.]+ s: (\d+) pages", preview.output())[0])
        task.write_text(original, encoding="utf-8")
        return {"pages": pages, "tasks": len(list((root / "content" / "tasks").rglob("*.yaml"))),
                "first_build_s": preview.first_build, "median_s": statistics.median(latencies),
                "min_s": min(latencies), "max_s": max(latencies),
                "engine_median_s": statistics.median(engine) if engine else float("nan")}
    finally:
        preview.stop()


def report(name: str, figures: dict[str, float]) -> None:
    print(f"{name}: {figures['tasks']} tasks, {figures['pages']} pages")
    print(f"  preview start (first build)        {figures['first_build_s']:.2f} s")
    print(f"  save one task → pages on disk      median {figures['median_s']:.3f} s "
          f"(min {figures['min_s']:.3f}, max {figures['max_s']:.3f})")
    print(f"  of which the rebuild itself        median {figures['engine_median_s']:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=8, help="provinces in the synthetic set (national: 34)")
    parser.add_argument("--tasks", type=int, default=300, help="tasks per province in the synthetic set")
    parser.add_argument("--runs", type=int, default=5, help="saves to time on each content set")
    parser.add_argument("--skip-national", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="minhbach-latency-") as folder:
        work = Path(folder)
        report("bundled content", measure(bundled_copy(work), args.runs, work))
        if not args.skip_national:
            root = national_copy(work, args.provinces, args.tasks)
            report(f"synthetic content ({args.provinces} provinces × {args.tasks} tasks)",
                   measure(root, args.runs, work))


if __name__ == "__main__":
    main()
