#!/usr/bin/env python3
"""What comments cost a reader and a build: bytes on page load, bytes on request, build time.

Run from the project folder:  python3 scripts/bench_comments.py [--per-task 10]
It copies the bundled site to a temporary folder, builds it without comments and with
N synthetic published comments on every task, and prints the figures.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from minhbach.pipeline import build_site  # noqa: E402


def sizes(data: bytes) -> str:
    return f"{len(data):>7,} B raw, {len(gzip.compress(data, 9)):>6,} B gzip"


def copy_site(target: Path, comments_on: bool) -> Path:
    for name in ("content", "templates", "locales"):
        shutil.copytree(ROOT / name, target / name)
    config = (ROOT / "site_config.yaml").read_text(encoding="utf-8")
    if not comments_on:
        config = config.replace("  enabled: true", "  enabled: false", 1)
    (target / "site_config.yaml").write_text(config, encoding="utf-8")
    shutil.rmtree(target / "content" / "comments", ignore_errors=True)
    return target


def add_comments(root: Path, per_task: int) -> int:
    count = 0
    for task_file in sorted((root / "content" / "tasks").glob("*/*.yaml")):
        lines = [f"thread: tasks/{task_file.stem}", "comments:"]
        for n in range(1, per_task + 1):
            lines += [f"- id: {n}", f"  created: '2026-11-{1 + n % 28:02d}T08:00:00Z'", "  author: Nguyễn Văn An",
                      "  text: |", "    Đề nghị cơ quan chủ trì công bố lộ trình và tiến độ thực hiện nhiệm vụ này.",
                      "    Người dân phường sẵn sàng góp ý thêm khi có dự thảo."]
            count += 1
        path = root / "content" / "comments" / "tasks" / f"{task_file.stem}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count


def timed_build(root: Path, runs: int) -> tuple[float, float, Path]:
    """Median wall-clock and CPU seconds (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for run in range(runs):
        output = root / f"output{run}"
        start, start_cpu = time.perf_counter(), time.process_time()
        build_site(root, output)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-task", type=int, default=10, help="synthetic comments on every task")
    parser.add_argument("--runs", type=int, default=3, help="builds per variant (the median is shown)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain = copy_site(Path(folder) / "plain", comments_on=False)
        with_comments = copy_site(Path(folder) / "comments", comments_on=True)
        count = add_comments(with_comments, options.per_task)
        plain_time, plain_cpu, plain_out = timed_build(plain, options.runs)
        comments_time, comments_cpu, comments_out = timed_build(with_comments, options.runs)
        task = next(p for p in sorted((comments_out / "vi" / "nhiem-vu").iterdir()) if (p / "index.html").exists()
                    and p.name.startswith("kg-"))
        relative = task.relative_to(comments_out) / "index.html"
        print("Page load (what every reader downloads)")
        print(f"  task page without comments  {sizes((plain_out / relative).read_bytes())}")
        print(f"  same page, {options.per_task} comments    {sizes((comments_out / relative).read_bytes())}")
        loader = next((comments_out / "assets").glob("comments.*.js")).read_bytes()
        print(f"  comment loader (cached)     {sizes(loader)}")
        print("Only when the reader asks (from the comment server)")
        isso = Path(importlib.util.find_spec("isso").origin).parent if importlib.util.find_spec("isso") else None
        if isso:
            print(f"  Isso widget embed.min.js    {sizes((isso / 'js' / 'embed.min.js').read_bytes())}")
            print(f"  Isso stylesheet isso.css    {sizes((isso / 'css' / 'isso.css').read_bytes())}")
        else:
            print("  (Isso is not installed: pip install -r requirements.txt)")
        html = lambda out: sum(p.stat().st_size for p in out.rglob("*.html"))  # noqa: E731
        print("Build (median of {} runs, this machine)".format(options.runs))
        print(f"  without comments      {plain_time:6.2f} s wall, {plain_cpu:6.2f} s CPU, {html(plain_out):>11,} B of HTML")
        print(f"  with {count:>5,} comments   {comments_time:6.2f} s wall, {comments_cpu:6.2f} s CPU, "
              f"{html(comments_out):>11,} B of HTML")


if __name__ == "__main__":
    main()
