"""Find and read every content file, without interpreting it yet."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from .models import THREAD_KINDS
from .problems import Report
from .slug import is_slug
from .slug import slug as make_slug
from .yamlfile import parse_yaml

LANGUAGES = ("vi", "en")
MAX_MARKDOWN_BYTES = 2 * 1024 * 1024
RECORD_FOLDERS = ("provinces", "agencies", "tasks")


@dataclass
class RawRecord:
    """A YAML record as read from disk, before validation."""

    kind: str
    path: str
    data: Any
    folder_name: str = ""


@dataclass
class RawContent:
    """Everything read from content/, keyed for the later stages."""

    records: list[RawRecord] = field(default_factory=list)
    texts: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    pages: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    unreadable: set[tuple[str, str]] = field(default_factory=set)
    root: Path | None = None  # where a record whose YAML was let go can be read again


def read_text(path: Path, name: str, report: Report) -> str | None:
    """Read a UTF-8 file, reporting encodings and byte-order marks an editor can fix."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        report.error(name, 0, "", f"cannot read the file: {error.strerror}")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        report.warning(name, 1, "", "the file starts with a byte-order mark (BOM); it was ignored",
                       "save the file as UTF-8 without BOM")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        report.error(name, line, "", "the file is not UTF-8 text",
                     "save the file with UTF-8 encoding (Vietnamese text needs it)")
        return None
    if "\x00" in text:
        report.error(name, text[: text.index("\x00")].count("\n") + 1, "", "the file contains a NUL character",
                     "remove it; the file may be binary or damaged")
        return None
    return text


def read_yaml(path: Path, name: str, report: Report) -> Any:
    """Parse a YAML file; syntax errors become problems with line and column."""
    text = read_text(path, name, report)
    if text is None:
        return None
    if not text.strip():
        report.error(name, 1, "", "the file is empty", "fill in the record, or delete the file")
        return None
    try:
        return parse_yaml(text)
    except yaml.MarkedYAMLError as error:
        report.error(name, *describe_yaml_error(error, text))
        return None
    except yaml.YAMLError as error:
        report.error(name, 0, "", f"YAML error: {error}")
        return None


def describe_yaml_error(error: yaml.MarkedYAMLError, text: str) -> tuple[int, str, str, str]:
    """Turn a PyYAML error into (line, field, message, hint) an editor can act on."""
    problem = error.problem or "invalid YAML"
    mark = error.problem_mark or error.context_mark
    lines = text.splitlines()
    line = mark.line + 1 if mark else 0
    column = mark.column + 1 if mark else 0
    context = error.context or ""
    opened = error.context_mark
    if opened is not None and opened.line + 1 != line and (
        "quoted scalar" in context or "flow" in context
    ):
        what = "a quote" if "quoted" in context else "a bracket"
        return (opened.line + 1, "", f"YAML syntax error at column {opened.column + 1}: {what} opened here is never closed "
                f"({problem} on line {line})", "close the quote or bracket on this line")
    offending = lines[line - 1] if 0 < line <= len(lines) else ""
    if "another document" in problem:
        return (line, "", "the file holds more than one record: a second one starts at this '---' line",
                "one record per file: move the second record to a file of its own")
    if "\t" in offending or "'\\t'" in problem:
        hint = "indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem:
        hint = "put text that contains ': ' inside quotes"
    elif "appears twice" in problem:
        hint = "keep one of the two entries"
    elif "cannot be used in YAML text" in problem:
        hint = "delete it (control characters often come with text copied from a PDF or a word processor)"
    elif "anchors and aliases" in problem:
        hint = "write the value out in full where it is needed"
    elif "could not determine a constructor" in problem:
        hint = "YAML tags (!!...) are not used in content: remove the tag and write the value itself"
    elif "expected ',' or" in problem:
        hint = "a bracket { or [ on this line is not closed, or its text needs quotes (text with ',' or ':')"
    elif "expected <block end>" in problem or "did not find expected key" in problem:
        hint = "check the indentation: fields at the same level must start in the same column"
    else:
        hint = ""
    return line, "", f"YAML syntax error at column {column}: {problem}", hint


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path`` resolves to somewhere under ``root`` (symlinks followed)."""
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def load_content(root: Path, report: Report, on_record: Callable[[RawRecord], None] | None = None,
                 share: Callable[[str], bool] | None = None) -> RawContent:
    """Read content/ under ``root`` into raw records, texts, pages and sources.

    ``on_record`` sees each record as soon as it is read: validating it there and letting
    its YAML go keeps one file's YAML in memory at a time instead of a national site's.
    ``share``, when given, is asked about each file (by name, in the order of the walk)
    before it is read: files it refuses are left to another process (parallel_load).
    """
    content_dir = root / "content"
    found = RawContent(root=root)
    if not content_dir.is_dir():
        report.error("content", 0, "", "the content folder is missing", "create content/ or run from the site's folder")
        return found
    for here, filename, name in _walk(root, report):
        if share is not None and not share(name):
            continue
        path = here / filename
        if path.is_symlink() and not is_inside(path, content_dir):
            report.error(name, 0, "", "this file is a link to outside content/; it was refused",
                         "copy the file into content/ instead of linking it")
            continue
        before = len(found.records)
        _read_one(path, path.relative_to(content_dir).parts, name, found, report)
        if on_record is not None and len(found.records) > before:
            on_record(found.records[-1])
    return found


def _walk(root: Path, report: Report) -> Iterator[tuple[Path, str, str]]:
    """Each file of content/ as (its folder, its file name, its name content/...), in
    load_content's order: by name, a folder's files before its subfolders; hidden files,
    backups and folders linked to outside content/ (reported) are left out."""
    content_dir = root / "content"
    for dirpath, dirnames, filenames in os.walk(content_dir, followlinks=False):
        dirnames.sort()
        here = Path(dirpath)
        for dirname in list(dirnames):
            if dirname.startswith("."):
                dirnames.remove(dirname)
            elif (here / dirname).is_symlink() and not is_inside(here / dirname, content_dir):
                report.error((here / dirname).relative_to(root).as_posix(), 0, "",
                             "this folder is a link to outside content/; it was refused",
                             "copy the files into content/ instead of linking them")
                dirnames.remove(dirname)
        folder = here.relative_to(root).as_posix()
        for filename in sorted(filenames):
            if not (filename.startswith(".") or filename.endswith("~")):
                yield here, filename, f"{folder}/{filename}"


def record_files(root: Path) -> list[str]:
    """The names of the province, agency and task files load_content would read, in its order."""
    if not (root / "content").is_dir():
        return []
    return [name for _, _, name in _walk(root, Report()) if is_record_file(tuple(name.split("/")[1:]))]


def is_record_file(parts: tuple[str, ...]) -> bool:
    """Whether a file (its path's parts under content/) is a province, agency or task record."""
    return parts[0] in RECORD_FOLDERS and len(parts) >= 2 and parts[-1].lower().endswith((".yaml", ".yml"))


def walk_order(path: str) -> tuple:
    """Sort key giving load_content's order: in each folder, its files before its subfolders."""
    parts = path.split("/")
    return tuple((1, part) for part in parts[:-1]) + ((0, parts[-1]),)


def _read_one(path: Path, parts: tuple[str, ...], name: str, found: RawContent, report: Report) -> None:
    top = parts[0]
    suffix = path.suffix.lower()
    if is_record_file(parts):
        data = read_yaml(path, name, report)
        if data is not None:
            found.records.append(RawRecord(top, name, data, path.stem))
        else:
            found.unreadable.add((top, path.stem))
    elif top == "comments" and len(parts) == 3 and parts[1] in THREAD_KINDS and suffix in (".yaml", ".yml"):
        data = read_yaml(path, name, report)
        if data is not None:  # the thread id is the record's folder and id: comments/tasks/<id>.yaml
            found.records.append(RawRecord("comments", name, data, f"{parts[1]}/{path.stem}"))
    elif top == "directives" and len(parts) == 3:
        folder, filename = parts[1], parts[2]
        if filename in ("directive.yaml", "directive.yml"):
            data = read_yaml(path, name, report)
            if data is not None:
                found.records.append(RawRecord("directives", name, data, folder))
            else:
                found.unreadable.add(("directives", folder))
        elif filename in (f"text.{lang}.md" for lang in LANGUAGES):
            text = _read_markdown(path, name, report)
            if text is not None:
                found.texts[(folder, filename.split(".")[1])] = (name, text)
            else:  # reported; the directive must not also be told that its text is missing
                found.unreadable.add((filename.removesuffix(".md"), folder))
        else:
            report.warning(name, 0, "", "this file is not used by the site",
                           "a directive folder holds directive.yaml, text.vi.md and text.en.md")
    elif top == "pages" and len(parts) == 2 and suffix == ".md" and path.stem.count(".") == 1:
        slug, lang = path.stem.split(".")
        if lang not in LANGUAGES:
            report.warning(name, 0, "", f"unknown language '{lang}' in the file name", "name pages like about.vi.md")
            return
        if not is_slug(slug):  # the name is the page's address
            folded = make_slug(slug) or "about"
            report.error(name, 0, "", f"the page name '{slug}' cannot be an address: use lowercase letters a-z, "
                         "digits and single hyphens", f"rename the file to {folded}.{lang}{path.suffix}")
            return
        text = _read_markdown(path, name, report)
        if text is not None:
            found.pages[(slug, lang)] = (name, text)
        else:
            found.unreadable.add((f"page.{lang}", slug))
    elif top == "sources" and suffix == ".txt":
        text = read_text(path, name, report)
        if text is not None:
            found.sources[path.name] = text
    else:
        report.warning(name, 0, "", "this file is not used by the site",
                       "see docs/content-model.md for where each kind of record goes")


def reload_file(raw: RawContent, root: Path, name: str, report: Report) -> None:
    """Replace what ``name`` (relative to the site's folder) contributed to ``raw`` with what it
    holds now: an incremental rebuild reads only the files that were saved."""
    position = next((i for i, r in enumerate(raw.records) if r.path == name), None)
    if position is not None:
        del raw.records[position]
    for table in (raw.texts, raw.pages):
        for key in [k for k, (path, _) in table.items() if path == name]:
            del table[key]
    parts = Path(name).relative_to("content").parts
    if parts and parts[0] == "sources":
        raw.sources.pop(Path(name).name, None)
    path = root / name
    raw.unreadable.discard((parts[0], Path(name).stem) if parts else None)
    if len(parts) == 3 and parts[0] == "directives":
        raw.unreadable.discard(("directives", parts[1]))
    if not path.is_file():
        return
    before = len(raw.records)
    _read_one(path, parts, name, raw, report)
    if len(raw.records) > before:  # keep load_content's order (the order of lists on the site)
        item = raw.records.pop()
        if position is None:
            position = next((i for i, r in enumerate(raw.records) if walk_order(r.path) > walk_order(name)),
                            len(raw.records))
        raw.records.insert(position, item)


def _read_markdown(path: Path, name: str, report: Report) -> str | None:
    if path.stat().st_size > MAX_MARKDOWN_BYTES:
        report.error(name, 0, "", f"the file is larger than {MAX_MARKDOWN_BYTES // (1024 * 1024)} MB",
                     "split the text, or check that the file is really text")
        return None
    text = read_text(path, name, report)
    if text is not None and not text.strip():
        report.error(name, 1, "", "the file is empty", "write the text, or delete the file")
        return None
    return text
