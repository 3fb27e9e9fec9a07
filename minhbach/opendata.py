"""Open data: every record as CSV and JSON in output/data/, described by a Frictionless Data Package.

Columns are bilingual (``_vi``/``_en``), ids are the records' ids (stable across builds) and
every row links back to its pages. CSV files start with a byte order mark so spreadsheet
programs read the Vietnamese text as UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import partial
from json.encoder import encode_basestring as encode_string
from operator import attrgetter
from typing import Any, Callable

from .config import SiteConfig
from .fragments import Changed, ContentFile, new_version
from .i18n import N_
from .models import STATUSES, Text
from .site import Site
from .urls import DATA_FOLDER, Urls

LANGS = ("vi", "en")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    value: Callable[[Any], Any]
    enum: tuple[str, ...] | None = None
    required: bool = False


def _one_row(record: Any) -> list[Any]:
    return [record]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: list[tuple[str, str]]  # (column, table whose id it names)
    records: str  # the kind of record (Site attribute) the rows come from, in FILE_ORDER
    rows: Callable[[Any], list[Any]] = _one_row  # the rows one record gives


# The order of the rows in each file: by id (the records' key), documents by date of issue.
FILE_ORDER: dict[str, Callable[[Any], Any]] = {"directives": attrgetter("date", "id")}


def file_order(records: dict[str, Any], kind: str) -> list[str]:
    """The ids of the records in the order of the rows they give."""
    if kind in FILE_ORDER:
        return [record.id for record in sorted(records.values(), key=FILE_ORDER[kind])]
    return sorted(records)


def _text(field: str, lang: str, getter: Callable[[Any], Text | None] | None = None) -> Callable[[Any], Any]:
    def value(row: Any) -> Any:
        text = getter(row) if getter else getattr(row, field)
        return getattr(text, lang, None) if text is not None else None
    return value


def _bilingual(name: str, description: str, getter: Callable[[Any], Text | None], required: bool = False) -> list[Column]:
    return [Column(f"{name}_{lang}", "string", f"{description} ({'Vietnamese' if lang == 'vi' else 'English'})",
                   _text(name, lang, getter), required=required and lang == "vi") for lang in LANGS]


class _Links:
    """Absolute page addresses for a row, None where the record has no page."""

    def __init__(self, urls: Urls):
        self.urls = urls

    def columns(self, kind: str, key: Callable[[Any], str | None], what: str) -> list[Column]:
        def link(lang: str) -> Callable[[Any], str | None]:
            def value(row: Any) -> str | None:
                found = key(row)
                return None if found is None else self.urls.absolute(self.urls.href(lang, kind, found))
            return value
        return [Column(f"url_{lang}", "string", f"The {what} page in {'Vietnamese' if lang == 'vi' else 'English'}",
                       link(lang)) for lang in LANGS]


def _ids(values: list[str]) -> str | None:
    return ";".join(values) or None


def tables(site: Site, urls: Urls) -> list[Table]:
    """The tables the open data publishes, in dependency order (referenced tables first)."""
    links = _Links(urls)
    shown = {p.id for p in site.provinces.values() if p.parent is None}
    agency_kinds = ("government", "ministry", "national-body", "provincial-committee", "provincial-office",
                    "department", "district-committee", "group", "company", "academy", "police", "other")
    return [
        Table("provinces", N_("Provinces and localities"),
              N_("Provinces, and the district-level localities tasks name, as the documents name them."),
              [Column("id", "string", "Stable id", lambda p: p.id, required=True),
               Column("kind", "string", "province, municipality, district, city or town", lambda p: p.kind,
                      enum=("province", "municipality", "district", "city", "town"), required=True),
               Column("parent", "string", "For a locality: the id of its province", lambda p: p.parent),
               *_bilingual("name", "Name", lambda p: p.name, True),
               *_bilingual("full_name", "Full name", lambda p: p.full_name, True),
               *links.columns("province", lambda p: p.id if p.id in shown else None, "province")],
              ["id"], [("parent", "provinces")],
              "provinces"),
        Table("agencies", N_("Agencies"), N_("Bodies that issue documents, lead or coordinate tasks."),
              [Column("id", "string", "Stable id", lambda a: a.id, required=True),
               Column("kind", "string", "Kind of body", lambda a: a.kind, enum=agency_kinds, required=True),
               *_bilingual("name", "Full name", lambda a: a.name, True),
               *_bilingual("short", "Name used within its province", lambda a: a.short, True),
               Column("abbr", "string", "Abbreviation", lambda a: a.abbr),
               Column("province", "string", "Id of its province (empty for national bodies)", lambda a: a.province),
               Column("locality", "string", "Id of its locality", lambda a: a.locality),
               *links.columns("agency", lambda a: a.id, "agency")],
              ["id"], [("province", "provinces"), ("locality", "provinces")],
              "agencies"),
        Table("directives", N_("Documents"), N_("Directives, decisions, plans, letters, notices and reports."),
              [Column("id", "string", "Stable id", lambda d: d.id, required=True),
               Column("number", "string", "Number and symbol as printed", lambda d: d.number, required=True),
               Column("kind", "string", "Kind of document", lambda d: d.kind,
                      enum=("decision", "plan", "official-letter", "notice", "resolution", "report"), required=True),
               Column("issuer", "string", "Id of the issuing agency", lambda d: d.issuer, required=True),
               Column("province", "string", "Id of the province it concerns", lambda d: d.province),
               Column("date", "date", "Date of issue", lambda d: d.date.isoformat(), required=True),
               *_bilingual("title", "Subject line (trích yếu)", lambda d: d.title, True),
               *_bilingual("summary", "Summary (Markdown)", lambda d: d.summary),
               Column("signer", "string", "Who signed it", lambda d: d.signer.name if d.signer else None),
               Column("text_held", "boolean", "True when the site publishes its full text", lambda d: d.text_held,
                      required=True),
               *links.columns("directive", lambda d: d.id, "document")],
              ["id"], [("issuer", "agencies"), ("province", "provinces")],
              "directives"),
        Table("tasks", N_("Tasks"), N_("Tasks the documents assign, with lead agencies, deadline, status and progress."),
              [Column("id", "string", "Stable id", lambda t: t.id, required=True),
               Column("directive", "string", "Id of the document that assigns it", lambda t: t.directive, required=True),
               Column("province", "string", "Id of the province", lambda t: t.province, required=True),
               *_bilingual("title", "What is to be done", lambda t: t.title, True),
               *_bilingual("section", "Section of the document", lambda t: t.section),
               Column("lead", "string", "Ids of the lead agencies, separated by ';' (see task_agencies)",
                      lambda t: _ids(t.lead), required=True),
               Column("coordinating", "string", "Ids of the coordinating agencies, separated by ';'",
                      lambda t: _ids(t.coordinating)),
               Column("deadline_kind", "string", "none, day, month, year or yearly", lambda t: t.deadline.kind,
                      enum=("none", "day", "month", "year", "yearly"), required=True),
               Column("deadline_due", "date", "Last day of the deadline (empty when none or yearly)",
                      lambda t: _due(site, t.id)),
               *_bilingual("deadline_text", "The deadline as written in the document", lambda t: t.deadline.text),
               Column("overdue", "boolean", "Deadline passed without a report of completion, as of the site's date",
                      lambda t: bool(site.deadlines.get(t.id) and site.deadlines[t.id].overdue), required=True),
               Column("status", "string", "Status as the documents report it", lambda t: t.status, enum=STATUSES,
                      required=True),
               Column("progress", "integer", "Per cent done, where reported", lambda t: t.progress),
               *_bilingual("funding", "Funding source as written", lambda t: t.funding),
               *_bilingual("source_ref", "Where in the document", lambda t: t.source.ref),
               *links.columns("task", lambda t: t.id, "task")],
              ["id"], [("directive", "directives"), ("province", "provinces")],
              "tasks"),
        Table("task_agencies", N_("Task agencies"), N_("Which agency leads or coordinates which task: one row per pair."),
              [Column("task", "string", "Task id", lambda r: r[0], required=True),
               Column("agency", "string", "Agency id", lambda r: r[1], required=True),
               Column("role", "string", "lead or coordinating", lambda r: r[2], enum=("lead", "coordinating"),
                      required=True)],
              ["task", "agency", "role"], [("task", "tasks"), ("agency", "agencies")],
              "tasks", lambda t: [(t.id, a, role) for role, ids in (("lead", t.lead), ("coordinating", t.coordinating))
                                  for a in ids]),
        Table("updates", N_("Task updates"), N_("Dated progress reports on tasks, with their source document."),
              [Column("task", "string", "Task id", lambda r: r[0].id, required=True),
               Column("number", "integer", "Order of the update within its task (1 = first listed)",
                      lambda r: r[1], required=True),
               Column("date", "date", "Date of the update", lambda r: r[2].date.isoformat(), required=True),
               Column("status", "string", "Status reported", lambda r: r[2].status, enum=STATUSES),
               Column("progress", "integer", "Per cent done reported", lambda r: r[2].progress),
               Column("source", "string", "Id of the source document", lambda r: r[2].source),
               *_bilingual("text", "What was reported (Markdown)", lambda r: r[2].text, True),
               *links.columns("task", lambda r: r[0].id, "task")],
              ["task", "number"], [("task", "tasks"), ("source", "directives")],
              "tasks", lambda t: [(t, i, u) for i, u in enumerate(t.updates, start=1)]),
    ]


def _due(site: Site, task_id: str) -> str | None:
    info = site.deadlines.get(task_id)
    return info.due.isoformat() if info and info.due else None


def _schema(table: Table, suffix: str) -> dict[str, Any]:
    fields = []
    for column in table.columns:
        field: dict[str, Any] = {"name": column.name, "type": column.type, "description": column.description}
        constraints: dict[str, Any] = {}
        if column.required:
            constraints["required"] = True
        if column.enum:
            constraints["enum"] = list(column.enum)
        if column.type == "integer" and column.name in ("progress",):
            constraints.update(minimum=0, maximum=100)
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "primaryKey": table.primary_key}
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": column, "reference": {"resource": "" if target == table.name else target + suffix,
                                             "fields": "id"}}
            for column, target in table.foreign_keys
        ]
    return schema


class _Pieces:
    """One table's rows as text: per record, its CSV lines and its JSON objects.

    The JSON is what ``json.dumps(rows, ensure_ascii=False, indent=1)`` writes, made row by
    row (the indented encoder is pure Python and took seconds on the national set).
    """

    def __init__(self, table: Table):
        self.table = table
        self.values = [column.value for column in table.columns]
        self.flags = [i for i, column in enumerate(table.columns) if column.type == "boolean"]
        # One object: {"name": value, ...} indented as the second level of a list.
        self.template = "{\n" + ",\n".join(f"  {encode_string(column.name).replace('%', '%%')}: %s"
                                            for column in table.columns) + "\n }"
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def header(self) -> bytes:
        self.writer.writerow([column.name for column in self.table.columns])
        return ("\ufeff" + self._taken()).encode("utf-8")

    def of(self, record: Any) -> tuple[bytes, bytes]:
        objects, lines = [], []
        template, fields = self.template, len(self.values) - 1
        for row in self.table.rows(record):
            values = [value(row) for value in self.values]
            objects.append(template % tuple([encode_string(v) if v.__class__ is str else _json_value(v) for v in values]))
            for i in self.flags:
                if values[i] is not None:
                    values[i] = "true" if values[i] else "false"
            line = ",".join([v if v.__class__ is str else "" if v is None else str(v) for v in values])
            if fields and line.count(",") == fields and '"' not in line and "\n" not in line and "\r" not in line:
                lines.append(line + "\r\n")  # no field to quote: what the csv module writes
            else:
                self.writer.writerow(values)
                lines.append(self._taken())
        return "".join(lines).encode("utf-8"), ",\n ".join(objects).encode("utf-8")

    def _taken(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def _json_value(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def _csv_file(header: bytes, lines: list[bytes]) -> bytes:
    return b"".join([header, *lines])


def _json_file(objects: list[bytes]) -> bytes:
    """The list of objects, as json.dumps(indent=1) writes it; the megabytes copied once."""
    if not objects:
        return b"[]\n"
    if len(objects) == 1:
        return b"[\n " + objects[0] + b"\n]\n"
    return b",\n ".join([b"[\n " + objects[0], *objects[1:-1], objects[-1] + b"\n]\n"])


class _TableFiles:
    """A table's CSV and JSON files, and the pieces of each record they are joined from."""

    def __init__(self) -> None:
        self.header = b""
        self.lines: dict[str, bytes] = {}
        self.objects: dict[str, bytes] = {}
        self.order: list[str] = []
        self.csv: ContentFile | None = None
        self.json: ContentFile | None = None


class OpenData:
    """The files of output/data/: one CSV and one JSON per table, and datapackage.json.

    Kept between incremental rebuilds: only the records an edit changed are written out
    again, and a file gets a new version only when one of its pieces or their order changed.
    """

    def __init__(self, config: SiteConfig, urls: Urls):
        self.config, self.urls = config, urls
        self.tables: dict[str, _TableFiles] = {}
        self.package: ContentFile | None = None

    def files(self, site: Site, changed: Changed) -> dict[str, ContentFile]:
        all_tables = tables(site, self.urls)
        orders: dict[str, list[str]] = {}
        files: dict[str, ContentFile] = {}
        for table in all_tables:
            state = self.tables.get(table.name)
            ids = changed.of(table.records)
            if state is None or ids is None:
                state, ids = _TableFiles(), None
                self.tables[table.name] = state
            if ids is None or ids:
                self._update(state, table, site, ids, orders)
            files[f"{DATA_FOLDER}/{table.name}.csv"] = state.csv
            files[f"{DATA_FOLDER}/{table.name}.json"] = state.json
        if self.package is None:
            data = (json.dumps(self._package(all_tables), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
            self.package = ContentFile(new_version(), lambda: data)
        files[f"{DATA_FOLDER}/datapackage.json"] = self.package
        return files

    def _update(self, state: _TableFiles, table: Table, site: Site, ids: set[str] | None,
                orders: dict[str, list[str]]) -> None:
        """Write out the pieces of the changed records; a new version when the file's text changed."""
        records: dict[str, Any] = getattr(site, table.records)
        if table.records not in orders:
            orders[table.records] = file_order(records, table.records)
        order = orders[table.records]
        pieces = _Pieces(table)
        if not state.header:
            state.header = pieces.header()
        differs = order != state.order
        for key in records if ids is None else ids:
            record = records.get(key)
            if record is None:
                differs |= state.lines.pop(key, None) is not None
                state.objects.pop(key, None)
                continue
            line, text = pieces.of(record)
            if state.lines.get(key) != line or state.objects.get(key) != text:
                state.lines[key], state.objects[key], differs = line, text, True
        if not differs and state.csv is not None:
            return
        state.order = order
        header, lines = state.header, list(map(state.lines.__getitem__, order))
        objects = list(filter(None, map(state.objects.__getitem__, order)))
        state.csv = ContentFile(new_version(), partial(_csv_file, header, lines))
        state.json = ContentFile(new_version(), partial(_json_file, objects))

    def _package(self, all_tables: list[Table]) -> dict[str, Any]:
        """The Frictionless Data Package that describes every file."""
        config, urls = self.config, self.urls
        resources = []
        for suffix, fmt, media, encoding in (("", "csv", "text/csv", "utf-8-sig"),
                                             ("-json", "json", "application/json", "utf-8")):
            for table in all_tables:
                resources.append({
                    "name": table.name + suffix, "path": f"{table.name}.{fmt}", "title": table.title,
                    "description": table.description, "profile": "tabular-data-resource", "format": fmt,
                    "mediatype": media, "encoding": encoding, "schema": _schema(table, suffix),
                })
        package = {
            "profile": "tabular-data-package",
            "name": "minh-bach-smart-city-tasks",
            "title": config.title.en or config.title.vi,
            "description": (config.description.en or config.description.vi) if config.description else None,
            "homepage": urls.absolute(urls.href(config.default_language, "data")),
            "version": config.as_of.isoformat(),
            "licenses": [{"name": config.data_licence.name, "path": config.data_licence.path,
                          "title": config.data_licence.title}],
            "resources": resources,
        }
        return {key: value for key, value in package.items() if value is not None}
