"""The build manifest: the size and modification time of every input and output file.

A build whose inputs and output are exactly as the last one left them has nothing to do;
the digest lets an edit update the stamps of its few files without hashing 50,000 again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .write import replace_file

INPUTS = ("content", "templates", "locales")
ENGINE = Path(__file__).resolve().parent
MANIFEST_VERSION = 1


def input_stamps(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every input file, and of the engine's own code."""
    found: dict[str, tuple[int, int]] = {}
    for name in INPUTS:
        _walk_stamps(root / name, len(str(root)) + 1, found, skip_hidden=True)
    for path in [root / "site_config.yaml", *sorted(ENGINE.glob("*.py"))]:
        if path.exists():
            info = path.stat()
            found[str(path) if path.parent == ENGINE else path.name] = (info.st_size, info.st_mtime_ns)
    return found


def output_stamps(output: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file of a built site (its search index too)."""
    found: dict[str, tuple[int, int]] = {}
    _walk_stamps(output, len(str(output)) + 1, found, skip_hidden=False)
    return found


def _walk_stamps(top: Path, cut: int, found: dict[str, tuple[int, int]], skip_hidden: bool) -> None:
    """Stamp every file under ``top``, named by its path after the first ``cut`` characters.

    Folders are walked as os.walk walks them (a link to a folder is not followed), with
    os.scandir's entries: a national output holds 25,000 folders and 50,000 files, and
    os.walk's own checks and path joins took half of a no-change build's time.
    """
    folders = [os.fspath(top)]
    while folders:
        try:
            listing = os.scandir(folders.pop())
        except OSError:  # gone or unreadable meanwhile: os.walk skips it too
            continue
        with listing:
            for entry in listing:
                if entry.is_dir():
                    if not entry.is_symlink() and not (skip_hidden and entry.name.startswith(".")):
                        folders.append(entry.path)
                    continue
                try:
                    info = entry.stat()
                except OSError:  # a broken link, or a file deleted meanwhile: nothing to stamp
                    continue
                found[entry.path[cut:]] = (info.st_size, info.st_mtime_ns)


def _entry(name: str, stamp: tuple[int, int]) -> int:
    return int.from_bytes(hashlib.blake2b(f"{name}\0{stamp[0]}\0{stamp[1]}".encode(), digest_size=16).digest(), "big")


class Stamps:
    """File stamps with an order-free digest that an edit updates without hashing everything again."""

    def __init__(self, stamps: dict[str, tuple[int, int]]):
        self.stamps = stamps
        self.digest = 0
        for name, stamp in stamps.items():
            self.digest ^= _entry(name, stamp)

    def set(self, name: str, stamp: tuple[int, int] | None) -> None:
        old = self.stamps.pop(name, None)
        if old is not None:
            self.digest ^= _entry(name, old)
        if stamp is not None:
            self.stamps[name] = stamp
            self.digest ^= _entry(name, stamp)

    def hex(self) -> str:
        return f"{self.digest:032x}-{len(self.stamps)}"


def file_stamp(path: Path) -> tuple[int, int] | None:
    """One file's size and modification time; None when it is gone."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


class Manifest:
    """What the last build into one output folder left there, kept in ``.cache/``: the stamps of
    its inputs and of its output, its page and file counts, its warnings and whether the
    search index is that of the pages.

    Removed before the output changes and written last, so a build or rebuild cut short is
    never mistaken for complete: the next build, finding none, does everything again.
    """

    def __init__(self, path: Path | None):
        self.path = path  # None: builds into this folder are not remembered

    def matching(self, inputs: Stamps, output: Path) -> tuple[dict[str, Any], Stamps] | None:
        """The saved record and the output's stamps, when the inputs and the output are exactly
        as the record says (the output is stamped only when the inputs match)."""
        if not self.exists() or not output.is_dir():
            return None
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if saved.get("version") != MANIFEST_VERSION or saved.get("inputs") != inputs.hex():
            return None
        outputs = Stamps(output_stamps(output))
        if saved.get("outputs") != outputs.hex():
            return None
        return saved, outputs

    def save(self, *, pages: int, inputs: Stamps, outputs: Stamps, search: bool, warnings: list[dict]) -> None:
        if self.path is None:
            return
        saved = {
            "version": MANIFEST_VERSION, "pages": pages, "files": len(outputs.stamps),
            "inputs": inputs.hex(), "outputs": outputs.hex(), "search": search, "warnings": warnings,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(self.path.parent, self.path.name, json.dumps(saved).encode("utf-8"))

    def forget(self) -> None:
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def exists(self) -> bool:
        return self.path is not None and self.path.exists()
