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
from pathlib import Path

import cbor2

from .problems import Problem, SiteError
from .security import add_sources

INDEX_FOLDER = "pagefind"
# Pagefind's own user interfaces are not used: the search page has a small script of its own.
_UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")


def fold(text: str) -> str:
    """Vietnamese without diacritics, lower case: 'Sở Xây dựng Đắk Nông' → 'so xay dung dak nong'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _index(folder: Path, output: Path, glob: str) -> None:
    """Run Pagefind's command line: when it exits, every index file is on disk."""
    run = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(folder), "--output-path", str(output),
                          "--glob", glob, "--silent"], capture_output=True, text=True, timeout=1800)
    if run.returncode != 0:
        raise RuntimeError((run.stderr or run.stdout).strip()[-2000:] or f"pagefind exited with {run.returncode}")


def index_folder(folder: Path, languages: list[str]) -> dict[str, bytes]:
    """Index the language pages of a built site in ``folder``; return the files to publish under pagefind/.

    The build runs it on its staging folder, so the index is ready before the site is
    swapped in and its files are written like any other (unchanged ones keep their
    modification time).
    """
    # Addresses are recorded from the site's root; the search page adds the sub-path (baseUrl).
    glob = "{" + ",".join(sorted(languages)) + "}/**/*.html"
    with tempfile.TemporaryDirectory(prefix="minhbach-search-") as temporary:
        output = Path(temporary) / "index"
        try:
            _index(folder, output, glob)
        except Exception as error:  # the Pagefind binary missing, crashed or refused a page
            raise SiteError([Problem("output/pagefind", 0, "", f"the search index could not be built: {error}",
                                     "run: pip install -r requirements.txt (it installs Pagefind)")])
        index = {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted(output.rglob("*"))
                 if path.is_file() and not path.relative_to(output).as_posix().startswith(_UNUSED)}
    index = {f"{INDEX_FOLDER}/{name}": data for name, data in _stable(index).items()}
    if not any(name.endswith(".pf_meta") for name in index):
        raise SiteError([Problem("output/pagefind", 0, "", "the search index is empty: no page was indexed",
                                 "check that templates/base.html marks record pages with data-pagefind-body")])
    return index


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
        elif not name.endswith(".pf_meta") and name != "pagefind-entry.json":
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
    entry = json.loads(index["pagefind-entry.json"])
    for language in entry.get("languages", {}).values():
        language["hash"] = renamed.get(language["hash"], language["hash"])
    stable["pagefind-entry.json"] = json.dumps(entry, sort_keys=True, ensure_ascii=False,
                                               separators=(",", ":")).encode("utf-8")
    return dict(sorted(stable.items()))


# The search page runs Pagefind's WebAssembly: only that page's policy allows compiling it.
add_sources("search", {"script-src": ["'wasm-unsafe-eval'"]})
