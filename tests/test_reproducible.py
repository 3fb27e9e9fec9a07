"""Reproducible builds: the same content gives byte-identical output, whatever the folder, the clock,
the time zone, the hash seed, the order files were created in or the number of rendering processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

INPUTS = ("content", "templates", "locales", "site_config.yaml", "build.py", "minhbach")


def copy_project(target: Path, reverse: bool) -> Path:
    """Copy what a build reads, creating files in sorted or reverse order (directory order differs)."""
    target.mkdir(parents=True)
    for name in INPUTS:
        source = ROOT / name
        if source.is_file():
            shutil.copy2(source, target / name)
            continue
        files = sorted(p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in reversed(files) if reverse else files:
            destination = target / path.relative_to(ROOT)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    return target


def build(root: Path, output: Path, *, clock: str | None, environment: dict[str, str], jobs: int) -> None:
    command = [sys.executable, str(root / "build.py"), "--root", str(root), "build", "--output", str(output),
               "--jobs", str(jobs)]
    if clock:
        faketime = shutil.which("faketime")
        assert faketime, "faketime is installed by scripts/test.sh (Debian's faketime package)"
        command = [faketime, clock, *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=root,
                            env={**os.environ, **environment})
    assert result.returncode == 0, result.stderr


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    base = tmp_path_factory.mktemp("reproducible")
    first = copy_project(base / "one", reverse=False)
    second = copy_project(base / "deeper" / "two", reverse=True)
    build(first, base / "out-a", clock=None, jobs=1,
          environment={"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C.UTF-8"})
    build(second, base / "elsewhere" / "out-b", clock="2031-06-15 23:59:58", jobs=2,
          environment={"PYTHONHASHSEED": "4242", "TZ": "Asia/Ho_Chi_Minh", "LC_ALL": "C"})
    return files_of(base / "out-a"), files_of(base / "elsewhere" / "out-b")


def test_two_builds_are_byte_identical(two_builds):
    a, b = two_builds
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == [], f"files that differ between two builds of the same content: {different[:20]}"


def test_every_kind_of_file_is_compared(two_builds):
    a, _ = two_builds
    suffixes = {Path(name).suffix for name in a}
    assert {".html", ".css", ".js", ".xml", ".txt"} <= suffixes
    assert "_headers" in a and "sitemap.xml" in a
    assert len(a) > 300


def test_no_build_clock_or_folder_in_the_output(two_builds):
    a, _ = two_builds
    for name, data in a.items():
        text = data.decode("utf-8", "replace")
        assert "2031" not in text, name  # the fake clock's year
        assert "/tmp/" not in text and "deeper" not in text, name
