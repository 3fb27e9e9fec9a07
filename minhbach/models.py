"""Typed records for every content type: the one source of truth for fields.

Each class documents its fields; validation turns raw YAML into these records and
the JSON Schemas shipped for editors' code editors are generated from them.
"""

from __future__ import annotations

import calendar
import re
import zlib
from datetime import date, datetime, timezone
from typing import Annotated, Optional, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .kinds import (AgencyChangeKind, AgencyKind, DeadlineKind, DirectiveKind, ProvinceKind, RelationKind, Status,
                    UnitChangeKind)

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
DONE_STATUSES = frozenset({"completed", "cancelled"})


def parse_day(value: object) -> date:
    """Read a YYYY-MM-DD date, explaining why an impossible one is wrong."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not match:
        raise ValueError(f"'{text}' is not a date written as YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' is not a real date: there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(f"'{text}' is not a real date: month {month} of {year} has {last} days")
    return date(year, month, day)


Day = Annotated[date, BeforeValidator(parse_day)]
RecordId = Annotated[str, Field(pattern=ID_PATTERN, max_length=120)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Line = Annotated[str, AfterValidator(_not_blank)]


class Record(BaseModel):
    """Base for content records: unknown fields are mistakes, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PackedText:
    """A long Text (a task's description) kept compressed until a page shows it.

    A national site's descriptions are 50 MB of text in memory, each read by one page per
    language; compressed they take a quarter of that, and each costs 12 µs to read. Reads
    like a Text: ``vi`` and ``en``.
    """

    __slots__ = ("_vi", "_en")

    def __init__(self, text: Text):
        self._vi = zlib.compress(text.vi.encode("utf-8"), 1)
        self._en = zlib.compress(text.en.encode("utf-8"), 1) if text.en is not None else None

    @property
    def vi(self) -> str:
        return zlib.decompress(self._vi).decode("utf-8")

    @property
    def en(self) -> str | None:
        return zlib.decompress(self._en).decode("utf-8") if self._en is not None else None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedText):
            return (self._vi, self._en) == (other._vi, other._en)
        return isinstance(other, Text) and (self.vi, self.en) == (other.vi, other.en)

    __hash__ = None  # type: ignore[assignment]  # like the records: compared, never keyed

    def __repr__(self) -> str:
        return f"PackedText(vi={self.vi[:30]!r}…)"


class CompactText:
    """A short Text (a title, a name, a note) as kept once validated: ``vi`` and ``en`` in two slots.

    A pydantic Text keeps its two fields in a dictionary of its own, about 260 bytes each
    for a national site's 60,000 titles, names, quotes and notes, where two slots take 48;
    every build process holds them. Reads and compares like the Text it replaced.
    """

    __slots__ = ("vi", "en")

    def __init__(self, vi: str, en: str | None = None):
        object.__setattr__(self, "vi", vi)
        object.__setattr__(self, "en", en)

    def __setattr__(self, name: str, value: object) -> None:
        raise TypeError("a record's text cannot change once validated")

    def __reduce__(self):
        return CompactText, (self.vi, self.en)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (CompactText, PackedText, Text)):
            return (self.vi, self.en) == (other.vi, other.en)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.vi, self.en))

    def __repr__(self) -> str:
        return f"CompactText(vi={self.vi!r}, en={self.en!r})"


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def compact(record: Record) -> Record:
    """Make a validated record smaller in memory without changing what it reads as.

    A task's description is packed (PackedText), every other Text becomes a CompactText,
    and records inside it with the same given fields share one set of their names.
    Pydantic keeps, on every model object, the set of fields the YAML gave: 30 MB of small
    sets on a national site, where a few hundred distinct ones would do. Records are
    frozen, so nothing adds to a set (a copy gets its own), and sharing is safe.
    """
    stack: list[BaseModel] = [record]
    while stack:
        value = stack.pop()
        fields = value.__pydantic_fields_set__
        shared = _FIELDS_SETS.setdefault(frozenset(fields), fields)
        if shared is not fields:
            object.__setattr__(value, "__pydantic_fields_set__", shared)
        attributes = value.__dict__  # written past the frozen check, before any use
        for name, item in attributes.items():
            if isinstance(item, Text):
                attributes[name] = PackedText(item) if name == "description" and isinstance(value, Task) else _compact_text(item)
            elif isinstance(item, BaseModel):
                stack.append(item)
            elif isinstance(item, list) and item:
                for index, element in enumerate(item):
                    if isinstance(element, Text):
                        item[index] = _compact_text(element)
                    elif isinstance(element, BaseModel):
                        stack.append(element)
    return record


def _compact_text(text: Text) -> CompactText:
    return CompactText(text.vi, text.en)


class Text(Record):
    """Text in both languages, Vietnamese first. Markdown where the field allows it."""

    vi: Line = Field(description="Vietnamese text (required).")
    en: Optional[Line] = Field(default=None, description="English text.")


class UnitChange(Record):
    """A change to a province or locality, e.g. the 2025 mergers."""

    date: Day
    change: UnitChangeKind
    into: Optional[RecordId] = Field(default=None, description="Id of the unit it became part of.")
    basis: Optional[Text] = Field(default=None, description="The legal basis, e.g. a resolution.")
    note: Optional[Text] = None


class Province(Record):
    """A province or a district-level locality, named as the documents name it."""

    id: RecordId
    kind: ProvinceKind
    name: Text
    full_name: Text
    parent: Optional[RecordId] = Field(default=None, description="For a locality: its province.")
    changes: list[UnitChange] = Field(default_factory=list)


class AgencyChange(Record):
    """A rename or merger of an agency."""

    date: Day
    change: AgencyChangeKind
    into: Optional[RecordId] = Field(default=None, description="Id of the agency it became part of.")
    note: Optional[Text] = None


class Agency(Record):
    """A body that issues documents, leads or coordinates tasks."""

    id: RecordId
    kind: AgencyKind
    name: Text = Field(description="Full name of record.")
    short: Text = Field(description="How the documents name it within its province.")
    abbr: Optional[str] = None
    province: Optional[RecordId] = None
    locality: Optional[RecordId] = None
    history: list[AgencyChange] = Field(default_factory=list)


class Signer(Record):
    """Who signed a document."""

    name: Line
    title: Optional[Text] = None


class Relation(Record):
    """What a document does to another: implements, forwards, cites, is based on."""

    kind: RelationKind
    target: RecordId
    note: Optional[Text] = None


class Transcription(Record):
    """Where the original transcription of a held document is kept."""

    file: str = Field(description="File name in content/sources/.")
    part: int = Field(default=1, ge=1, description="Order of this document within the file.")


class Directive(Record):
    """A document: directive, decision, plan, letter, notice or report."""

    id: RecordId
    number: Line = Field(description="Number and symbol as printed, e.g. 950/QĐ-TTg.")
    kind: DirectiveKind
    issuer: RecordId = Field(description="Agency id of the issuer.")
    province: Optional[RecordId] = None
    date: Day
    signer: Optional[Signer] = None
    title: Text = Field(description="The subject line (trích yếu).")
    summary: Optional[Text] = None
    relations: list[Relation] = Field(default_factory=list)
    text_held: bool = Field(default=False, description="True when the full text is in text.vi.md.")
    transcription: Optional[Transcription] = None


class Deadline(Record):
    """A deadline in the form the document gives it, with the words as written."""

    kind: DeadlineKind = "none"
    text: Optional[Text] = Field(default=None, description="The deadline as written in the document.")
    date: Optional[Union[int, str]] = Field(
        default=None, description="day: YYYY-MM-DD; month: YYYY-MM; year: YYYY."
    )
    month: Optional[int] = Field(default=None, ge=1, le=12, description="yearly: the month, if given.")
    day: Optional[int] = Field(default=None, ge=1, le=31, description="yearly: the day, if given.")


class Source(Record):
    """The passage of the directive that assigns a task."""

    ref: Optional[Text] = Field(default=None, description="Where in the document, e.g. Section 1.")
    quote: Text = Field(description="Exact words from the directive's full text.")


class Update(Record):
    """A dated fact about a task's progress, with its source."""

    date: Day
    source: Optional[RecordId] = Field(default=None, description="Directive id of the source.")
    text: Text
    status: Optional[Status] = None
    progress: Optional[int] = Field(default=None, ge=0, le=100)


class Task(Record):
    """A task a directive assigns: what, who leads, who helps, by when, with what money."""

    id: RecordId
    directive: RecordId
    via: list[RecordId] = Field(default_factory=list)
    province: RecordId
    localities: list[RecordId] = Field(default_factory=list)
    section: Optional[Text] = None
    title: Text
    description: Optional[Text] = None
    source: Source
    lead: list[RecordId] = Field(min_length=1)
    coordinating: list[RecordId] = Field(default_factory=list)
    coordinating_other: Optional[Text] = None
    deadline: Deadline = Field(default_factory=Deadline)
    funding: Optional[Text] = None
    status: Status = "no-report"
    progress: Optional[int] = Field(default=None, ge=0, le=100)
    updates: list[Update] = Field(default_factory=list)


# Pages that residents can comment on: the content folder of the record, as used in thread ids.
THREAD_KINDS: tuple[str, ...] = ("tasks", "directives", "provinces")
THREAD_PATTERN = r"^(tasks|directives|provinces)/[a-z0-9]+(-[a-z0-9]+)*$"
MAX_COMMENT_CHARS = 65535  # the comment server refuses longer comments


def parse_moment(value: object) -> datetime:
    """Read an ISO 8601 time with its zone (2026-11-20T08:15:03Z); a time without a zone is ambiguous."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            raise ValueError(f"'{text}' is not a time such as 2026-11-20T08:15:03Z (UTC)") from None
    if moment.tzinfo is None:
        raise ValueError(f"'{value}' has no time zone; write it in UTC ending in Z, e.g. 2026-11-20T08:15:03Z")
    return moment.astimezone(timezone.utc)


Moment = Annotated[datetime, BeforeValidator(parse_moment)]


class Comment(Record):
    """A resident's comment as published: approved by a moderator, exported from the comment server."""

    id: int = Field(ge=1, description="The comment's number on the comment server (Isso), unique in its thread.")
    parent: Optional[int] = Field(default=None, ge=1, description="The comment this one answers.")
    created: Moment = Field(description="When it was written, in UTC.")
    edited: Optional[Moment] = Field(default=None, description="When the author or a moderator last changed it.")
    author: Optional[str] = Field(default=None, max_length=200, description="The name the author gave, if any.")
    text: Optional[str] = Field(default=None, max_length=MAX_COMMENT_CHARS,
                                description="The comment as written (Markdown); shown as plain, safe text.")
    removed: bool = Field(default=False, description="True when moderators removed it but replies to it remain.")
    official_agency: Optional[RecordId] = Field(
        default=None, description="Agency id when this is the official reply of a responsible agency.")

    @model_validator(mode="after")
    def _text_unless_removed(self) -> "Comment":
        if not self.removed and not (self.text or "").strip():
            raise ValueError("a comment needs its text (or 'removed: true' if moderators removed it)")
        return self


class CommentThread(Record):
    """The published comments on one page: one file per task, directive or province."""

    thread: str = Field(pattern=THREAD_PATTERN, max_length=140,
                        description="The thread id: the record's folder and id, e.g. tasks/kg-1320-1-sxd-lo-trinh.")
    comments: list[Comment] = Field(default_factory=list)

    @property
    def id(self) -> str:
        """Thread ids are the records' keys, so the generic checks (file name, duplicates) apply."""
        return self.thread


MODELS: dict[str, type[Record]] = {
    "provinces": Province,
    "agencies": Agency,
    "directives": Directive,
    "tasks": Task,
    "comments": CommentThread,
}
