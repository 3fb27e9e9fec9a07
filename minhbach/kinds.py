"""The closed lists of the content's words: kinds of unit, agency and document, statuses.

Apart from the records (models.py) so that the command line offers them as choices without
loading pydantic and the records, which took a third of a second of every command's start.
"""

from __future__ import annotations

from typing import Literal

ProvinceKind = Literal["province", "municipality", "district", "city", "town"]
UnitChangeKind = Literal["merged", "abolished", "renamed", "enlarged"]
AgencyKind = Literal[
    "government", "ministry", "national-body", "provincial-committee", "provincial-office",
    "department", "district-committee", "group", "company", "academy", "police", "other",
]
AgencyChangeKind = Literal["merged", "renamed", "dissolved"]
DirectiveKind = Literal["decision", "plan", "official-letter", "notice", "resolution", "report"]
RelationKind = Literal["implements", "forwards", "cites", "based-on"]
Status = Literal["no-report", "not-started", "in-progress", "completed", "cancelled"]
DeadlineKind = Literal["none", "day", "month", "year", "yearly"]
