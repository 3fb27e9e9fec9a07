"""The site's settings, read from site_config.yaml."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .models import Day, Text
from .problems import Problem, SiteError
from .yamlfile import line_of, parse_yaml

Language = Literal["vi", "en"]


class SiteConfig(BaseModel):
    """Settings a publisher changes: titles, addresses, the date the content speaks for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Text
    description: Optional[Text] = None
    base_url: str = Field(default="http://127.0.0.1:8000", description="Scheme and host, no path.")
    base_path: str = Field(default="/", description="Sub-path the site is served under, e.g. /minh-bach/.")
    default_language: Language = "vi"
    languages: list[Language] = Field(default_factory=lambda: ["vi", "en"])
    as_of: Day = Field(description="The date the content speaks for: overdue is computed against it.")
    date_format: dict[Language, str] = Field(
        default_factory=lambda: {"vi": "d 'tháng' M 'năm' y", "en": "d MMMM y"}
    )
    licence: Optional[Text] = None
    stale_after_months: int = Field(default=6, ge=1, description="Warn when a task has no update for this long.")

    @field_validator("base_path")
    @classmethod
    def _slashes(cls, value: str) -> str:
        value = "/" + value.strip("/") + "/"
        return "/" if value == "//" else value

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def as_of_date(self) -> date:
        return self.as_of


def load_config(root: Path, overrides: dict | None = None) -> SiteConfig:
    """Read site_config.yaml under ``root``; overrides come from the command line."""
    path = root / "site_config.yaml"
    name = "site_config.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SiteError([Problem(name, 0, "", "the file is missing", "copy site_config.yaml from the project's repository")])
    except UnicodeDecodeError:
        raise SiteError([Problem(name, 0, "", "the file is not UTF-8 text", "save it as UTF-8")])
    try:
        data = parse_yaml(text) or {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise SiteError([Problem(name, mark.line + 1 if mark else 0, "", f"YAML syntax error: {error.problem}")])
    if not isinstance(data, dict):
        raise SiteError([Problem(name, 1, "", "the file must be a mapping of settings")])
    for key, value in (overrides or {}).items():
        if value is not None:
            data[key] = value
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as error:
        from .validate import explain, field_path

        problems = []
        for detail in error.errors():
            message, hint, location = explain(detail, SiteConfig)
            problems.append(Problem(name, line_of(data, location), field_path(tuple(detail["loc"])), message, hint))
        raise SiteError(problems)
