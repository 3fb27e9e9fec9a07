"""The joined site: every record with the indexes and computed facts the pages read.

resolve.resolve makes it from the validated records; the later stages only read it.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from .markup import Rendered
from .models import Agency, AgencyChange, Directive, Province, Task
from .validate import Records


@dataclass(frozen=True)
class DeadlineInfo:
    """A typed deadline ready to show: its end date, whether it exists, whether it passed."""

    kind: str
    due: date | None = None
    month: int | None = None
    day: int | None = None
    impossible: bool = False
    overdue: bool = False


@dataclass
class Page:
    """A free page such as 'about', in one language."""

    slug: str
    lang: str
    title: str
    html: str
    path: str


@dataclass
class Site:
    """Every record, joined, with the indexes the pages need."""

    records: Records
    as_of: date
    texts: dict[tuple[str, str], Rendered] = field(default_factory=dict)
    text_paths: dict[tuple[str, str], str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    anchors: dict[tuple[str, str], str] = field(default_factory=dict)
    deadlines: dict[str, DeadlineInfo] = field(default_factory=dict)
    pages: dict[tuple[str, str], Page] = field(default_factory=dict)
    relations_in: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    tasks_by_province: dict[str, list[Task]] = field(default_factory=lambda: defaultdict(list))
    tasks_by_directive: dict[str, list[Task]] = field(default_factory=lambda: defaultdict(list))
    tasks_led: dict[str, list[Task]] = field(default_factory=lambda: defaultdict(list))
    tasks_coordinated: dict[str, list[Task]] = field(default_factory=lambda: defaultdict(list))
    tasks_passed_on: dict[str, list[Task]] = field(default_factory=lambda: defaultdict(list))
    directives_issued: dict[str, list[Directive]] = field(default_factory=lambda: defaultdict(list))
    comments: Any = None  # a comments.CommentIndex, filled in after the records are joined

    @property
    def provinces(self) -> dict[str, Province]:
        return self.records.provinces

    @property
    def agencies(self) -> dict[str, Agency]:
        return self.records.agencies

    @property
    def directives(self) -> dict[str, Directive]:
        return self.records.directives

    @property
    def tasks(self) -> dict[str, Task]:
        return self.records.tasks

    def successor(self, unit_id: str) -> tuple[Province, date] | None:
        """What a province or locality became, following merges to today's unit."""
        return _followed(self.provinces, unit_id, lambda unit: unit.changes)

    def agency_successor(self, agency_id: str) -> tuple[Agency, date] | None:
        """The agency that took over another after renames and mergers."""
        return _followed(self.agencies, agency_id, lambda agency: agency.history)

    def province_units(self, province_id: str) -> list[str]:
        """A province and every unit that merged into it (its tasks are shown together)."""
        units = [province_id]
        for other in self.provinces.values():
            if other.id != province_id and any(c.into == province_id for c in other.changes) and other.parent is None:
                units.append(other.id)
        return units

    def province_tasks(self, province_id: str) -> list[Task]:
        return [t for unit in self.province_units(province_id) for t in self.tasks_by_province.get(unit, [])]

    def is_overdue(self, task: Task) -> bool:
        return self.deadlines[task.id].overdue

    def agencies_by_province(self) -> list[tuple[str | None, list[Agency]]]:
        """National bodies first, then each province's agencies, sorted by name."""
        groups: dict[str | None, list[Agency]] = defaultdict(list)
        for agency in self.agencies.values():
            groups[agency.province].append(agency)
        order = sorted(groups, key=lambda p: ("" if p is None else self.provinces[p].name.vi) if p is None or p in self.provinces else p)
        return [(p, sorted(groups[p], key=lambda a: a.name.vi)) for p in order]

    def derived(self, key: Any, make: Callable[[], Any]) -> Any:
        """An index made from the records on first use and kept with them (pages of a national
        site ask for the same lists thousands of times); a copy() starts without any."""
        known = self.__dict__.setdefault("_derived", {})
        if key not in known:
            known[key] = make()
        return known[key]

    def made(self, key: Any) -> Any:
        """A derived index if it was made already, else None."""
        return self.__dict__.get("_derived", {}).get(key)

    def copy(self) -> Site:
        """A shallow copy, for records about to change: it makes its derived indexes afresh."""
        twin = copy.copy(self)
        twin.__dict__.pop("_derived", None)
        return twin

    def merged_into(self, agency_id: str) -> list[tuple[Agency, AgencyChange]]:
        """The agencies whose work passed to this one, with the change that passed it."""
        def index() -> dict:
            found = defaultdict(list)
            for other in self.agencies.values():
                for change in other.history:
                    if change.into:
                        found[change.into].append((other, change))
            return found
        return self.derived("merged_into", index).get(agency_id, [])

    def provinces_with_tasks(self) -> list[Province]:
        return [self.provinces[p] for p in sorted(self.tasks_by_province, key=lambda p: self.provinces[p].name.vi)]


def _followed(records: dict, record_id: str, changes: Callable[[Any], list]) -> tuple[Any, date] | None:
    """The record ``record_id`` last became, and since when: each record's last change ``into``
    another of ``records`` is followed until there is none (or it would go round again)."""
    record = records.get(record_id)
    seen = set()
    result = None
    while record is not None and record.id not in seen:
        seen.add(record.id)
        moves = [c for c in changes(record) if c.into and c.into in records]
        if not moves:
            break
        record = records[moves[-1].into]
        result = (record, moves[-1].date)
    return result
