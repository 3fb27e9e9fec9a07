"""A build killed with SIGKILL at any moment leaves the whole previous site or the whole new one,
and writes nothing but output/, its staging folder beside it (removed by the next build) and the
build manifest in .cache/."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_reproducible import copy_project, files_of

TASK = Path("content/tasks/1320-ubnd-kt-2020/kg-1320-1-sxd-lo-trinh.yaml")
ALLOWED_BESIDE = {".output.new", ".output.old"}


def command(root: Path) -> list[str]:
    return [sys.executable, str(root / "build.py"), "--root", str(root), "build", "--jobs", "2"]


def snapshot(root: Path) -> dict[str, bytes]:
    return files_of(root / "output")


def untouched_inputs(root: Path) -> dict[str, bytes]:
    """Everything in the project except what a build may write."""
    found = {}
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and parts[0] not in ("output", ".cache", *ALLOWED_BESIDE) and "__pycache__" not in parts:
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


PAGE = {"content/pages/tam-thoi.vi.md": "# Trang tạm\n\nTrang tạm thời.\n",
        "content/pages/tam-thoi.en.md": "# Temporary page\n\nA temporary page.\n"}


def set_version(root: Path, original: str, version: int) -> None:
    """Two versions of the content: the second changes a task's title and removes a free page."""
    task = root / TASK
    if version == 0:
        task.write_text(original, encoding="utf-8")
        for name, text in PAGE.items():
            (root / name).write_text(text, encoding="utf-8")
    else:
        task.write_text(original.replace("en: Prepare the plan", "en: Revised, prepare the plan", 1), encoding="utf-8")
        for name in PAGE:
            (root / name).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """The project copied twice: one to kill builds in, and the reference output of each version."""
    base = tmp_path_factory.mktemp("kill")
    root = copy_project(base / "site", reverse=False)
    original = (root / TASK).read_text(encoding="utf-8")
    assert "en: Prepare the plan" in original
    expected = {}
    durations = []
    for version in (1, 0):  # ends on version 0, whose output/ the kills start from
        set_version(root, original, version)
        started = time.monotonic()
        subprocess.run(command(root), check=True, capture_output=True, timeout=600)
        durations.append(time.monotonic() - started)
        expected[version] = snapshot(root)
    assert expected[0] != expected[1]
    assert "en/tam-thoi/index.html" in expected[0] and "en/tam-thoi/index.html" not in expected[1]
    return root, original, expected, max(durations)


def test_a_killed_build_leaves_the_old_site_or_the_new_one(versions):
    root, original, expected, duration = versions
    inputs = untouched_inputs(root)
    pick = random.Random(20261201)
    outcomes = {"old": 0, "new": 0}
    current = 0
    for attempt in range(6):
        target = 1 - current
        set_version(root, original, target)
        inputs = untouched_inputs(root)
        build = subprocess.Popen(command(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
        time.sleep(pick.uniform(0.05, 1.05) * duration)
        os.killpg(build.pid, signal.SIGKILL)  # the build and its rendering processes
        build.wait()
        found = snapshot(root)
        if found == expected[current]:
            outcomes["old"] += 1
        else:
            assert found == expected[target], f"attempt {attempt}: output/ is neither the old site nor the new one"
            outcomes["new"] += 1
            current = target
        beside = {p.name for p in root.iterdir()} - {"content", "templates", "locales", "site_config.yaml",
                                                     "build.py", "minhbach", "output", ".cache"}
        assert beside <= ALLOWED_BESIDE, beside
        assert untouched_inputs(root) == inputs, "a killed build changed a file outside output/"
    # The next build finishes the job and clears what the killed one left.
    subprocess.run(command(root), check=True, capture_output=True, timeout=600)
    assert snapshot(root) == expected[target]
    assert not any((root / name).exists() for name in ALLOWED_BESIDE)
    print(f"kills that left the old site: {outcomes['old']}, the new one: {outcomes['new']}")
    assert outcomes["old"] >= 1
