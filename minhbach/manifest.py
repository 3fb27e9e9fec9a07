"""The build manifest: the size and modification time of every input and output file.

A build whose inputs and output are exactly as the last one left them has nothing to do;
the digest lets an edit update the stamps of its few files without hashing 50,000 again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .parallel import fork_map
from .problems import Problem
from .write import replace_file

INPUTS = ("content", "templates", "locales")
ENGINE = Path(__file__).resolve().parent
MANIFEST_VERSION = 1
SHARED_DEPTH = 3  # folders less deep than this are listed by every process that stamps an output


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


def output_stamps(output: Path, jobs: int = 1) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file of a built site (its search index too).

    ``jobs`` processes share the folders: a national output is 25,000 folders and 50,000
    files, and listing and stamping them is the kernel's work (half a second here, even
    for ``find``), which only more cores make shorter.
    """
    cut = len(str(output)) + 1

    def share(worker: int) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        _walk_stamps(output, cut, found, skip_hidden=False, share=(worker, jobs))
        return found

    if jobs <= 1:
        return share(0)
    found = {}
    for part in fork_map(share, list(range(jobs))):
        found.update(part)
    return found


def _walk_stamps(top: Path, cut: int, found: dict[str, tuple[int, int]], skip_hidden: bool,
                 share: tuple[int, int] = (0, 1)) -> None:
    """Stamp every file under ``top``, named by its path after the first ``cut`` characters.

    Folders are walked as os.walk walks them (a link to a folder is not followed), with
    os.scandir's entries: os.walk's own checks and path joins took half of a no-change
    build's time.

    ``share=(k, n)`` stamps the k-th of n shares. Every share lists the folders less than
    SHARED_DEPTH deep and deals their other entries out in name order, so each file and
    each deeper folder falls to exactly one share; a site's many folders are one per page,
    three deep (``vi/nhiem-vu/<task>/``), and the search index's files two deep.
    """
    worker, workers = share
    folders = [(os.fspath(top), 0)]
    while folders:
        folder, depth = folders.pop()
        try:
            listing = os.scandir(folder)
        except OSError:  # gone or unreadable meanwhile: os.walk skips it too
            continue
        with listing:
            entries = list(listing)
        if workers > 1 and depth < SHARED_DEPTH:
            entries.sort(key=lambda entry: entry.name)
            entries = [entry for number, entry in enumerate(entries)
                       if number % workers == worker or (depth + 1 < SHARED_DEPTH and entry.is_dir())]
        for entry in entries:
            if entry.is_dir():
                if not entry.is_symlink() and not (skip_hidden and entry.name.startswith(".")):
                    folders.append((entry.path, depth + 1))
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


@dataclass
class LastBuild:
    """The last build into a folder, when its inputs and its output are exactly as it left them."""

    pages: int
    files: int
    search: bool  # whether the search index is that of the pages
    warnings: list[Problem]
    outputs: Stamps


class Manifest:
    """What the last build into one output folder left there, kept in ``.cache/``: the stamps of
    its inputs and of its output, its page and file counts, its warnings and whether the
    search index is that of the pages.

    Removed before the output changes and written last, so a build or rebuild cut short is
    never mistaken for complete: the next build, finding none, does everything again.
    """

    def __init__(self, path: Path | None):
        self.path = path  # None: builds into this folder are not remembered

    @classmethod
    def of_build(cls, root: Path, output: Path, overrides: dict, strict: bool, csp_sources: dict | None = None) -> Manifest:
        """The manifest of builds of ``root`` into ``output`` with these settings (each their own).
        Settings left unset (None) change nothing: `build.py build` and the benchmark's edits share one."""
        overrides = {key: value for key, value in overrides.items() if value is not None}
        key = hashlib.sha1(f"{output}|{sorted(overrides.items())}|{strict}|{csp_sources}".encode()).hexdigest()[:12]
        return cls(root / ".cache" / f"build-{key}.json")

    def current(self, inputs: Stamps, output: Path, strict: bool, jobs: int = 1) -> LastBuild | None:
        """The last build, when the inputs and the output are exactly as its record says (the
        output is stamped only when the inputs match). Not when it had warnings and this
        build is strict: that build must fail."""
        if not self.exists() or not output.is_dir():
            return None
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("version") != MANIFEST_VERSION or saved.get("inputs") != inputs.hex():
                return None
            warnings = [Problem(**fields) for fields in saved.get("warnings", [])]
            pages, files, search = int(saved["pages"]), int(saved["files"]), bool(saved.get("search"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):  # unreadable or damaged: build again
            return None
        if strict and warnings:
            return None
        outputs = Stamps(output_stamps(output, jobs))
        if saved.get("outputs") != outputs.hex():
            return None
        return LastBuild(pages=pages, files=files, search=search, warnings=warnings, outputs=outputs)

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


def nothing_to_build(root: Path, output: Path, *, overrides: dict, strict: bool, search: bool, jobs: int) -> LastBuild | None:
    """The last build, when ``build.py build`` would find nothing to do: no input changed, the
    output is as it left it and, when ``search`` is asked for, so is its search index.

    Needs nothing of the rendering engine (Jinja, the records, Markdown), whose loading
    alone took a third of a second, longer than the rest of such a build.
    """
    root, output = Path(root).resolve(), Path(output).resolve()
    last = Manifest.of_build(root, output, overrides, strict).current(Stamps(input_stamps(root)), output, strict, jobs)
    return None if last is None or (search and not last.search) else last
