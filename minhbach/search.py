"""The search index: Pagefind over the built pages, one index per language (from <html lang>).

Residents type on phones, mostly without diacritics. Pagefind matches words as written, so
each indexed page carries a hidden, accent-free copy of its title and names ("so xay dung
kien giang"), and "so xay dung" finds the page that says "Sở Xây dựng".
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import cbor2

from .problems import Problem, SiteError
from .security import add_sources

INDEX_FOLDER = "pagefind"
ENTRY = "pagefind-entry.json"  # names each language's metadata file: written last
# Pagefind's own user interfaces are not used: the search page has a small script of its own.
_UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")


class _Unaccented(dict):
    """A str.translate table from each character to itself without diacritics (đ to d), worked
    out the first time the character is met: a task page folds a few hundred characters."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in "đĐ":
            bare = "d" if char == "đ" else "D"
        else:
            bare = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        self[code] = bare
        return bare


_UNACCENTED = _Unaccented()


def fold(text: str) -> str:
    """Vietnamese without diacritics, lower case: 'Sở Xây dựng Đắk Nông' → 'so xay dung dak nong'."""
    return text.translate(_UNACCENTED).lower()


# Pagefind runs under way, so the live preview can stop a background refresh when it stops.
_RUNNING: set[subprocess.Popen] = set()


def _index(folder: Path, output: Path, glob: str) -> None:
    """Run Pagefind's command line: when it exits, every index file is on disk."""
    with subprocess.Popen([sys.executable, "-m", "pagefind", "--site", str(folder), "--output-path", str(output),
                           "--glob", glob, "--silent"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as run:
        _RUNNING.add(run)
        try:
            stdout, stderr = run.communicate(timeout=1800)
        except BaseException:
            run.kill()
            raise
        finally:
            _RUNNING.discard(run)
    if run.returncode != 0:
        raise RuntimeError((stderr or stdout).strip()[-2000:] or f"pagefind exited with {run.returncode}")


def stop_indexing() -> None:
    """Stop every Pagefind run this process started (the preview's background refresh, at exit)."""
    for run in list(_RUNNING):
        run.kill()


def index_files(folder: Path, languages: list[str]) -> Iterator[tuple[str, bytes]]:
    """The search index of the built site in ``folder``: (name under pagefind/, bytes), one file at a time.

    Pagefind's memory grows with the pages it holds, so each language is indexed by a run of
    its own, one after another: the peak is that of the larger language, not of both (a
    language's index files are the same bytes either way; only the entry file lists both).
    Within a language the files a metadata file names come before it, and the entry file,
    which names the metadata files, comes last: a site updated in this order keeps a usable
    index throughout. The build writes them into its staging folder, so the index is ready
    before the site is swapped in, and unchanged files keep their modification time.
    """
    # Addresses are recorded from the site's root; the search page adds the sub-path (baseUrl).
    entry: dict | None = None
    given: set[str] = set()
    for language in sorted(languages):
        if not (folder / language).is_dir():
            continue
        with tempfile.TemporaryDirectory(prefix="minhbach-search-") as temporary:
            output = Path(temporary) / "index"
            try:
                _index(folder, output, f"{language}/**/*.html")
            except Exception as error:  # the Pagefind binary missing, crashed or refused a page
                raise SiteError([Problem("output/pagefind", 0, "", f"the search index could not be built: {error}",
                                         "run: pip install -r requirements.txt (it installs Pagefind)")])
            paths = {path.relative_to(output).as_posix(): path for path in sorted(output.rglob("*"))
                     if path.is_file() and not path.relative_to(output).as_posix().startswith(_UNUSED)}
            rewritten = {name: path.read_bytes() for name, path in paths.items() if _rewritten(name)}
            stable = _stable(rewritten)
            files = [(name, None) for name in paths if name not in rewritten] + sorted(stable.items())
            for name, data in sorted(files, key=lambda item: (item[0].endswith(".pf_meta"), item[0])):
                if name == ENTRY or name in given:  # the script and the WebAssembly are the same for every language
                    continue
                given.add(name)
                yield f"{INDEX_FOLDER}/{name}", data if data is not None else paths[name].read_bytes()
        found = json.loads(stable[ENTRY])
        if entry is None:
            entry = found
        else:
            entry["languages"].update(found["languages"])
    if entry is None or not any(name.endswith(".pf_meta") for name in given):
        raise SiteError([Problem("output/pagefind", 0, "", "the search index is empty: no page was indexed",
                                 "check that templates/base.html marks record pages with data-pagefind-body")])
    yield f"{INDEX_FOLDER}/{ENTRY}", _entry_bytes(entry)


_SIGNATURE = b"pagefind_dcd"


def _decode(data: bytes):
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("not a Pagefind index file")
    return cbor2.loads(raw[len(_SIGNATURE):])


def _encode(value) -> bytes:
    return gzip.compress(_SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def _digest(data: bytes, length: int) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


def _stable(index: dict[str, bytes]) -> dict[str, bytes]:
    """The same bytes for the same pages.

    Pagefind (1.5) writes each filter's values, the metadata's list of filters and the entry
    file's languages in hash-map order, which changes from run to run (upstream issue
    Pagefind/pagefind#638). Sort them, and name the rewritten files by their new contents
    as Pagefind does, so every file of two builds of the same content is identical.
    """
    renamed: dict[str, str] = {}
    stable: dict[str, bytes] = {}
    for name, data in index.items():
        if name.startswith("filter/") and name.endswith(".pf_filter"):
            filter_name, values = _decode(data)
            encoded = _encode([filter_name, sorted(values, key=lambda pair: pair[0])])
            old = name[len("filter/"):-len(".pf_filter")]
            new = f"{old.split('_')[0]}_{_digest(encoded, 7)}"
            renamed[old] = new
            stable[f"filter/{new}.pf_filter"] = encoded
        elif not name.endswith(".pf_meta") and name != ENTRY:
            stable[name] = data
    for name, data in index.items():
        if name.endswith(".pf_meta"):
            meta = _decode(data)
            for position, part in enumerate(meta):
                if isinstance(part, list) and part and all(
                        isinstance(item, list) and len(item) == 2 and item[1] in renamed for item in part):
                    meta[position] = sorted([[label, renamed[old]] for label, old in part])
            encoded = _encode(meta)
            old = name[len("pagefind."):-len(".pf_meta")]
            new = f"{old.split('_')[0]}_{_digest(encoded, 10)}"
            renamed[old] = new
            stable[f"pagefind.{new}.pf_meta"] = encoded
    entry = json.loads(index[ENTRY])
    for language in entry.get("languages", {}).values():
        language["hash"] = renamed.get(language["hash"], language["hash"])
    stable[ENTRY] = _entry_bytes(entry)
    return dict(sorted(stable.items()))


def _rewritten(name: str) -> bool:
    """Whether _stable rewrites the file: filters, metadata and the entry file (the rest pass as they are)."""
    return (name.startswith("filter/") and name.endswith(".pf_filter")) or name.endswith(".pf_meta") or name == ENTRY


def _entry_bytes(entry: dict) -> bytes:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# The search page runs Pagefind's WebAssembly: only that page's policy allows compiling it.
add_sources("search", {"script-src": ["'wasm-unsafe-eval'"]})
