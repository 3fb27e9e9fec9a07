"""Turn raw YAML into typed records, reporting every mistake with its line."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml
from pydantic import ValidationError

from .load import RawContent, RawRecord
from .models import MODELS, Agency, CommentThread, Directive, Province, Record, Task, Text, CompactText, PackedText, compact
from .problems import Report
from .slug import escapes_output, slug
from .yamlfile import LineDict, line_of, parse_yaml

# English is required where a page would otherwise have no heading in English.
REQUIRED_ENGLISH = {"title", "name", "full_name", "short"}
MISSING_ENGLISH = "missing-english"  # the code site_config.yaml's acknowledged: list names these warnings by


@dataclass
class Records:
    """Validated records by kind and id, each remembering its file and raw data."""

    provinces: dict[str, Province] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    directives: dict[str, Directive] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    comments: dict[str, CommentThread] = field(default_factory=dict)
    paths: dict[tuple[str, str], str] = field(default_factory=dict)
    raw: RawData = field(default_factory=lambda: RawData())
    broken: set[tuple[str, str]] = field(default_factory=set)

    def of_kind(self, kind: str) -> dict[str, Record]:
        return getattr(self, kind)

    def where(self, kind: str, record_id: str, location: tuple = ()) -> tuple[str, int]:
        """Return (file, line) of a record or of a field inside it."""
        data = self.raw.find((kind, record_id))
        return self.paths.get((kind, record_id), ""), line_of(data, location) if data is not None else 0

    def release(self, root: Path) -> None:
        """Let go of the YAML as read (a national site's is hundreds of MB); messages read it again."""
        self.raw.clear()
        self.raw.reread = lambda key: _reread(root, self.paths.get(key))


class RawData(dict):
    """Each record's YAML as read (LineDict), for the lines that messages point at."""

    reread: Any = None

    def __missing__(self, key: tuple[str, str]) -> Any:
        if self.reread is None:
            raise KeyError(key)
        data = self[key] = self.reread(key)
        return data

    def find(self, key: tuple[str, str]) -> Any:
        return self[key] if key in self or self.reread is not None else None


def _reread(root: Path, path: str | None) -> Any:
    """A released record's YAML, read again from its file for a message's line number."""
    if path is None:
        return None
    try:
        return parse_yaml((root / path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, yaml.YAMLError):
        return None


def field_path(location: tuple) -> str:
    """Render a pydantic location such as ('lead', 0) as ``lead[0]``."""
    text = ""
    for step in location:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += ("." if text else "") + str(step)
    return text


def _allowed_fields(model: type, location: tuple) -> list[str]:
    """Field names valid at ``location`` (for 'did you mean')."""
    current: Any = model
    for step in location:
        if isinstance(step, int):
            continue
        info = getattr(current, "model_fields", {}).get(step)
        if info is None:
            return []
        annotation = info.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        for candidate in candidates:
            for inner in (candidate, *getattr(candidate, "__args__", ())):
                if isinstance(inner, type) and hasattr(inner, "model_fields"):
                    current = inner
                    break
            else:
                continue
            break
    return list(getattr(current, "model_fields", {}))


def explain(error: dict, model: type) -> tuple[str, str, tuple]:
    """Turn one pydantic error into a plain message, a hint and the location to point at."""
    location = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        name = location[-1]
        hint = "add it in both languages: {vi: ..., en: ...}" if name in ("title", "name", "full_name", "short") else ""
        if location[-2:-1] == ("quote",) or name == "vi":
            hint = "Vietnamese text is required"
        return "a required field is missing", hint or f"add '{name}:' to this record", location[:-1] or location
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, location[:-1])
        close = difflib.get_close_matches(str(location[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed fields here: {', '.join(allowed)}"
        if allowed == ["vi", "en"]:
            hint = 'inside { } a comma ends the text: put text that contains a comma in quotes, e.g. {vi: "a, b", en: "a, b"}'
        return f"unknown field '{location[-1]}'", hint, location
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",")]
        close = difflib.get_close_matches(str(value), options, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(options)}"
        return f"'{value}' is not one of the allowed values", hint, location
    if kind == "string_pattern_mismatch":
        return _explain_id(str(value), location)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if location and location[-1] in ("title", "name", "full_name", "short", "summary", "description", "text",
                                          "note", "basis", "funding", "section", "ref", "quote", "coordinating_other"):
            return "must give the text in both languages", "write it as {vi: ..., en: ...}", location
        return "must be a mapping of fields", "indent the fields under this key", location
    if kind == "list_type":
        return "must be a list", "write one item per line, each starting with '- '", location
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"'{value}' is not a whole number", "", location
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ctx = error.get("ctx", {})
        bounds = {"ge": ">=", "le": "<=", "gt": ">", "lt": "<"}
        limits = ", ".join(f"{bounds[k]} {v}" for k, v in ctx.items() if k in bounds)
        if location and location[-1] == "progress":
            return f"progress {value} is outside 0-100", "progress is a percentage from 0 to 100", location
        return f"{value} is out of range ({limits})", "", location
    if kind == "too_short" and location and location[-1] == "lead":
        return "at least one lead agency is required", "list the lead agency id under 'lead:'", location
    if kind in ("string_type",):
        return f"must be text, not {type(value).__name__}", "put the value in quotes", location
    if kind in ("bool_type", "bool_parsing"):
        return f"'{value}' is not true or false", "", location
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    hint = ""
    if "is not a real date" in message:
        hint = "check the day and month against the document"
    elif "YYYY-MM-DD" in message:
        hint = "write dates as YYYY-MM-DD, e.g. 2022-09-30"
    return message, hint, location


def _explain_id(value: str, location: tuple) -> tuple[str, str, tuple]:
    """An id that is not a slug: say why, and suggest the folded one."""
    printable = value.replace("\x00", "\\0")
    suggestion = slug(value)
    example = f"e.g. '{suggestion}'" if suggestion else "e.g. so-xay-dung-kien-giang"
    if escapes_output(value) or ".." in value:
        return (f"'{printable}' is not a valid id: it would point outside the site's folder",
                f"use lowercase letters a-z, digits and single hyphens only, {example}", location)
    return (f"'{printable}' is not a valid id",
            f"use lowercase letters a-z, digits and single hyphens, {example}", location)


def validate_as_read(memo: dict) -> Callable[[RawRecord], None]:
    """For load_content's ``on_record``: validate each record as it is read, remember the
    result in ``memo`` for validate_records, and let the YAML go once the record is valid
    (its problems already carry their lines; later messages read the file again)."""
    def settle(item: RawRecord) -> None:
        if _validate_memo(item, Report(), memo) is not None:
            item.data = None
    return settle


def validate_records(raw: RawContent, report: Report, memo: dict | None = None) -> Records:
    """Validate every raw record into a typed record; collect all problems.

    ``memo`` (kept by the incremental builder) remembers each file's record and problems,
    so a rebuild validates only the files that changed.
    """
    records = Records(broken=set(raw.unreadable))
    for item in raw.records:
        record = _validate_memo(item, report, memo) if memo is not None else _validate_one(item, report)
        if record is None:
            # Already reported; references to it must not be reported as unknown too.
            record_id = item.data.get("id") if isinstance(item.data, dict) else None
            records.broken.add((item.kind, record_id if isinstance(record_id, str) else item.folder_name))
            continue
        store = records.of_kind(item.kind)
        if record.id in store:
            first = records.paths[(item.kind, record.id)]
            data = item.data if item.data is not None else _reread(raw.root, item.path) if raw.root else None
            report.error(item.path, line_of(data, ("id",)), "id",
                         f"the id '{record.id}' is already used by {first}", "give each record its own id")
            continue
        store[record.id] = record
        records.paths[(item.kind, record.id)] = item.path
        if item.data is not None:
            records.raw[(item.kind, record.id)] = item.data
        if memo is None:
            _check_english(item, record, report)
    return records


def _validate_memo(item: RawRecord, report: Report, memo: dict) -> Record | None:
    known = memo.get(item.path)
    if known is None or known[0] is not item:  # a file read again is a new RawRecord
        found = Report()
        record = _validate_one(item, found)
        if record is not None:
            _check_english(item, record, found)
        known = memo[item.path] = (item, record, found.problems)
    report.extend(known[2])
    return known[1]


def _validate_one(item: RawRecord, report: Report) -> Record | None:
    model = MODELS[item.kind]
    if not isinstance(item.data, LineDict):
        report.error(item.path, getattr(item.data, "line", 1), "", "the file must hold one record (a mapping of fields)",
                     "start each line with a field name, e.g. 'id: ...'")
        return None
    try:
        record = compact(model.model_validate(item.data))
    except ValidationError as error:
        for detail in error.errors():
            message, hint, location = explain(detail, model)
            report.error(item.path, line_of(item.data, location), field_path(tuple(detail["loc"])), message, hint)
        return None
    if record.id != item.folder_name:
        where = "folder" if item.kind == "directives" else "file name"
        key = "thread" if item.kind == "comments" else "id"  # a comment thread is keyed by its page's record
        report.error(item.path, line_of(item.data, (key,)), key,
                     f"the {key} '{record.id}' does not match the {where} '{item.folder_name}'",
                     f"rename the {where} to '{record.id}' or change the {key}; they must match so links stay stable")
        return None
    return record


def _check_english(item: RawRecord, record: Record, report: Report) -> None:
    """Missing English: an error for names and titles, a warning elsewhere."""
    for location, text in _texts(record, ()):
        if text.en is None:
            name = location[-1] if not isinstance(location[-1], int) else location[-2]
            line = line_of(item.data, location)
            path = field_path(location)
            if name in REQUIRED_ENGLISH and len(location) == 1:
                report.error(item.path, line, path, "the English text is missing", "add 'en: ...' beside 'vi: ...'")
            else:
                report.warning(item.path, line, path, "the English text is missing; the Vietnamese is shown instead",
                               "add 'en: ...' beside 'vi: ...'", code=MISSING_ENGLISH)


_TEXTS = (Text, CompactText, PackedText)


def _texts(record: Record, location: tuple, found: list | None = None) -> list[tuple[tuple, Any]]:
    """Every text in a record and the records inside it, with where it is, in field order.

    A record's fields are its __dict__ (pydantic keeps every field there); values that are
    neither records, lists nor texts are passed over without a call (a fifth of a second
    on a national site's 17,000 records, in the reading processes).
    """
    found = [] if found is None else found
    for name, item in record.__dict__.items():
        if isinstance(item, _TEXTS):
            found.append((location + (name,), item))
        elif isinstance(item, Record):
            _texts(item, location + (name,), found)
        elif isinstance(item, list):
            for index, element in enumerate(item):
                if isinstance(element, _TEXTS):
                    found.append((location + (name, index), element))
                elif isinstance(element, Record):
                    _texts(element, location + (name, index), found)
    return found
