"""Put the built site in place atomically: readers see the old site or the new one, never half."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path, PurePosixPath

_RENAME_EXCHANGE = 2


def safe_relative(name: str) -> PurePosixPath:
    """Refuse output names that would land outside output/."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\x00" in name or "\\" in name or not path.parts:
        raise ValueError(f"refusing to write outside the output folder: {name!r}")
    return path


PROJECT_FOLDERS = ("content", "templates", "locales")
PROJECT_MARKERS = ("content", "templates", "site_config.yaml", ".git")


def unsafe_output(root: Path, output: Path) -> str | None:
    """Why ``output`` must not be replaced by a build (it holds editors' work), or None.

    The build replaces the whole output folder, so pointing it at the project, at one of its
    folders or at a folder that is not a built site would delete files.
    """
    root, output = root.resolve(), output.resolve()
    if output == root or output in root.parents:
        return "the output folder is the project's own folder (or holds it); building there would delete content/"
    for name in PROJECT_FOLDERS:
        if output == root / name or root / name in output.parents:
            return f"the output folder is {name}/ or inside it; building there would replace the editors' files"
    if output.exists() and not output.is_dir():
        return "the output path is a file, not a folder"
    if output.is_dir():
        found = [name for name in PROJECT_MARKERS if (output / name).exists()]
        if found:
            return f"the output folder holds {found[0]}, so it is not a built site; building there would delete it"
        if any(output.iterdir()) and not (output / "index.html").is_file():
            return "the output folder is not empty and is not a built site (it has no index.html); building there would delete its files"
    return None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def write_site(files: dict[str, bytes], output: Path) -> dict[str, int]:
    """Write ``files`` to a folder beside ``output`` and swap it in when complete.

    Files whose bytes did not change are hard-linked from the previous build, so their
    modification times stay and a sync to the host uploads only what changed.
    """
    names = {name: safe_relative(name) for name in files}  # every name checked before anything is written
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.parent / f".{output.name}.new"
    previous = output.parent / f".{output.name}.old"
    for leftover in (staging, previous):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir()
    counts = {"written": 0, "unchanged": 0}
    for name in sorted(files):
        relative = names[name]
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        old = output / relative
        data = files[name]
        try:
            if old.is_file() and not old.is_symlink() and old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, target)
                counts["unchanged"] += 1
                continue
        except OSError:
            pass
        target.write_bytes(data)
        counts["written"] += 1
    if output.exists():
        if not _exchange(staging, output):
            output.rename(previous)
            staging.rename(output)
            shutil.rmtree(previous)
        else:
            shutil.rmtree(staging)
    else:
        staging.rename(output)
    return counts
