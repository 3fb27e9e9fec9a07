"""Copy approved comments from the comment server's database into content/comments/.

The YAML files are the published record: committed with the content, rendered into the
pages at build time, and kept if the comment server is ever lost. The export never writes
e-mail or network addresses, keeps what editors set by hand, and writes no file at all
unless every thread could be written.
"""

from __future__ import annotations

import html
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml
from pydantic import ValidationError

from .comments import strip_bidi
from .config import load_config
from .load import load_content
from .models import THREAD_PATTERN, CommentThread
from .problems import Report, SiteError
from .validate import Records, validate_records

APPROVED, DELETED_WITH_REPLIES = 1, 4


class ExportError(Exception):
    """The export cannot go ahead; nothing was written."""


@dataclass(frozen=True)
class ServerComment:
    """A comment as Isso stores it (only the columns the record may use, plus the e-mail to match agencies)."""

    thread: str
    id: int
    parent: int | None
    created: float
    modified: float | None
    mode: int
    author: str | None
    email: str | None
    text: str


@dataclass
class ExportResult:
    """What the export did, for the command line to report."""

    written: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    kept: list[str] = field(default_factory=list)
    pruned: int = 0
    official: list[str] = field(default_factory=list)
    unknown_threads: list[str] = field(default_factory=list)


def read_server(database: Path) -> dict[str, list[ServerComment]]:
    """Approved comments (and removed ones that still have replies) by thread, read-only."""
    if not database.is_file():
        raise ExportError(f"there is no comment database at {database}; run build.py serve first, "
                          "or give the production database (a backup copy) with --db")
    try:
        connection = sqlite3.connect(f"file:{database.resolve()}?mode=ro", uri=True)
        try:
            rows = connection.execute(
                "SELECT threads.uri, comments.id, comments.parent, comments.created, comments.modified, comments.mode,"
                " comments.author, comments.email, comments.text FROM comments JOIN threads ON threads.id = comments.tid"
                " WHERE comments.mode IN (?, ?) ORDER BY comments.id", (APPROVED, DELETED_WITH_REPLIES)).fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise ExportError(f"cannot read the comment database {database}: {error}") from None
    threads: dict[str, list[ServerComment]] = {}
    for row in rows:
        comment = ServerComment(*row)
        threads.setdefault(comment.thread, []).append(comment)
    return threads


def _moment(timestamp: float) -> str:
    return datetime.fromtimestamp(int(timestamp), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean(text: str) -> str:
    return strip_bidi(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\x00", "")


def _from_server(comment: ServerComment, accounts: dict[str, str]) -> dict:
    entry: dict = {"id": comment.id}
    if comment.parent:
        entry["parent"] = comment.parent
    entry["created"] = _moment(comment.created)
    if comment.modified:
        entry["edited"] = _moment(comment.modified)
    if comment.mode == DELETED_WITH_REPLIES:
        entry["removed"] = True
        return entry
    author = _clean(html.unescape(comment.author or "")).strip()[:200]  # Isso stores names HTML-escaped
    if author:
        entry["author"] = author
    agency = accounts.get((comment.email or "").strip().lower())
    if agency:
        entry["official_agency"] = agency
    entry["text"] = _clean(comment.text).strip("\n")
    return entry


def _entry(record_comment) -> dict:
    """An existing published comment as a plain mapping, in the file's field order."""
    data = record_comment.model_dump(exclude_none=True, exclude_defaults=True)
    data["created"] = record_comment.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    if record_comment.edited:
        data["edited"] = record_comment.edited.strftime("%Y-%m-%dT%H:%M:%SZ")
    order = ["id", "parent", "created", "edited", "author", "official_agency", "removed", "text"]
    return {name: data[name] for name in order if name in data}


def merge(thread: str, existing: CommentThread | None, server: list[ServerComment], accounts: dict[str, str],
          prune: bool, result: ExportResult) -> dict:
    """The thread's new record: the server's approved comments, plus what only the record still has."""
    old = {c.id: c for c in existing.comments} if existing else {}
    merged: dict[int, dict] = {}
    for comment in server:
        entry = _from_server(comment, accounts)
        before = old.get(comment.id)
        if before is not None:
            if int(before.created.timestamp()) != int(comment.created):
                raise ExportError(
                    f"{thread}: comment {comment.id} on the server was written at {entry['created']}, but the record's "
                    f"comment {comment.id} at {_entry(before)['created']}: this is not the database the record came "
                    "from. Export from the original database, or move the thread's file aside first.")
            if before.official_agency and "official_agency" not in entry and not before.removed:
                entry["official_agency"] = before.official_agency  # set by an editor
            if entry != _entry(before):
                result.updated += 1
        else:
            result.added += 1
        if entry.get("official_agency") and (before is None or before.official_agency != entry["official_agency"]):
            result.official.append(f"{thread}#{comment.id}: {entry['official_agency']}")
        merged[comment.id] = entry
    for comment_id, before in old.items():
        if comment_id in merged:
            continue
        if prune:
            result.pruned += 1
        else:
            result.kept.append(f"{thread}#{comment_id}")
            merged[comment_id] = _entry(before)
    for entry in merged.values():
        if entry.get("parent") not in (None, *merged):  # answers a comment that is not published (yet)
            del entry["parent"]
    order = ["id", "parent", "created", "edited", "author", "official_agency", "removed", "text"]
    ordered = sorted(merged.values(), key=lambda e: (e["created"], e["id"]))
    return {"thread": thread, "comments": [{name: e[name] for name in order if name in e} for e in ordered]}


class _Dumper(yaml.SafeDumper):
    """Multi-line comment text as a readable block; everything else as YAML usually writes it."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_text)


def thread_file_text(data: dict, title: str) -> str:
    from .schemas import modeline

    schema_line = modeline(f"content/comments/{data['thread']}.yaml", "comments")
    header = (f"{schema_line}\n"
              f"# Published comments: {title}\n"
              "# Written by `build.py comments export` from the comment server's approved comments.\n"
              "# Editors may set official_agency. To remove a comment, delete it on the comment server\n"
              "# and export with --prune (see docs/comments.md).\n")
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=float("inf"))


def _records(root: Path) -> Records:
    """The validated content; an export on top of broken content could lose comments, so it stops."""
    report = Report()
    records = validate_records(load_content(root, report), report)
    if report.errors:
        raise SiteError(report.errors)
    return records


def export_comments(root: Path, database: Path, prune: bool = False) -> ExportResult:
    """Merge the server's approved comments into content/comments/<kind>/<id>.yaml."""
    config = load_config(root)
    records = _records(root)
    unknown_agencies = [a for a in config.comments.agency_accounts if a not in records.agencies]
    if unknown_agencies:
        raise ExportError(f"site_config.yaml: comments.agency_accounts names unknown agencies: {', '.join(unknown_agencies)}")
    accounts = {address: agency for agency, addresses in config.comments.agency_accounts.items() for address in addresses}
    server = read_server(database)
    result = ExportResult()
    pending: dict[Path, str] = {}
    for thread in sorted(set(server) | set(records.comments)):
        kind, _, record_id = thread.partition("/")
        if not re.fullmatch(THREAD_PATTERN, thread) or record_id not in records.of_kind(kind):
            result.unknown_threads.append(thread)  # threads anyone can open through Isso's API; not our pages
            continue
        existing = records.comments.get(thread)
        data = merge(thread, existing, server.get(thread, []), accounts, prune, result)
        try:
            CommentThread.model_validate(data)
        except ValidationError as error:
            raise ExportError(f"{thread}: the exported comments would not be valid: {error}") from None
        relative = records.paths.get(("comments", thread)) or f"content/comments/{thread}.yaml"
        title = _title(records, kind, record_id)
        text = thread_file_text(data, title)
        path = root / relative
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            pending[path] = text
            result.written.append(relative)
    for path, text in pending.items():  # everything is ready: write each file whole
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    return result


def _title(records: Records, kind: str, record_id: str) -> str:
    record = records.of_kind(kind)[record_id]
    if kind == "directives":
        return f"{record.number} {record.title.vi}"
    if kind == "provinces":
        return record.full_name.vi
    return record.title.vi
