"""Files that follow every record (feeds, open data), kept as pieces so an edit re-makes only its own.

An incremental rebuild keeps the objects of the records it did not re-read, so comparing
identities tells which records an edit replaced without comparing their contents. The files
are made from per-record pieces (a CSV line, a JSON object, an Atom entry) and carry a
version that changes whenever their bytes may have, so a rebuild writes only those.
"""

from __future__ import annotations

from itertools import compress, count
from operator import is_not
from dataclasses import dataclass
from typing import Any, Callable

KINDS = ("provinces", "agencies", "directives", "tasks")

_versions = count(1)


def new_version() -> int:
    """A version no file has had in this process."""
    return next(_versions)


@dataclass(frozen=True)
class ContentFile:
    """A feed or data file, made when read: large files need not all be in memory at once."""

    version: int
    make: Callable[[], bytes]


@dataclass(frozen=True)
class Changed:
    """The ids of the records of each kind that were added, removed or replaced; None for every record."""

    ids: dict[str, set[str]] | None

    def everything(self) -> bool:
        return self.ids is None

    def of(self, kind: str) -> set[str] | None:
        return None if self.ids is None else self.ids[kind]


class RecordWatch:
    """Tells which records changed since the last look at a site."""

    def __init__(self) -> None:
        self._seen: dict[str, dict[str, Any]] | None = None
        self._as_of = None

    def look(self, site: Any) -> Changed:
        current = {kind: getattr(site, kind) for kind in KINDS}
        seen, self._seen = self._seen, {kind: dict(records) for kind, records in current.items()}
        as_of, self._as_of = self._as_of, site.as_of
        if seen is None or as_of != site.as_of:  # deadlines (overdue) depend on the site's date
            return Changed(None)
        ids = {}
        for kind, records in current.items():
            before = seen[kind]
            found = set(compress(records, map(is_not, records.values(), map(before.get, records))))
            ids[kind] = found | (before.keys() - records.keys())
        return Changed(ids)
