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
    if path.is_absolute() or ".." in path.parts or "\x00" in name or not path.parts:
        raise ValueError(f"refusing to write outside the output folder: {name!r}")
    return path


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
        relative = safe_relative(name)
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
