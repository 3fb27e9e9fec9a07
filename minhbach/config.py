"""The site's settings, read from site_config.yaml."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal, Optional
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .models import Day, RecordId, Text
from .problems import Problem, SiteError
from .yamlfile import line_of, parse_yaml

Language = Literal["vi", "en"]


class CommentsConfig(BaseModel):
    """Residents' comments: where the comment server (Isso) is and how it is run.

    The same settings configure the preview's Isso (build.py serve) and the production
    configuration that ``build.py comments isso-config`` prints, so both behave alike.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(default=True, description="false publishes the site without comments.")
    url: Optional[str] = Field(default=None, description="Public address of the comment server, e.g. "
                               "https://binhluan.example.org/. A Content-Security-Policy must allow its origin.")
    moderation: bool = Field(default=True, description="Every comment waits for a moderator before it is shown.")
    rate_limit: int = Field(default=2, ge=1, le=60, description="New comments per minute from one address.")
    direct_reply: int = Field(default=3, ge=1, le=100,
                              description="Comments (not replies) one address may start on a thread.")
    edit_minutes: int = Field(default=15, ge=0, le=1440, description="How long authors may edit their own comment.")
    pending_days: int = Field(default=30, ge=1, le=365, description="Unapproved comments are deleted after this many days.")
    backup_days: int = Field(default=30, ge=1, le=3650, description="How long backups of the comment database are kept.")
    require_author: bool = Field(default=False, description="Ask every commenter for a name.")
    load_on_scroll: bool = Field(default=True, description="Also load the widget when the reader scrolls to it.")
    contact: Optional[Text] = Field(default=None, description="How to take part without JavaScript, e.g. an e-mail address.")
    agency_accounts: dict[RecordId, list[str]] = Field(
        default_factory=dict, description="Agency id → e-mail addresses it comments with: export marks those "
        "approved comments as the agency's official reply.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return value
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"'{value}' is not an http(s) address such as https://binhluan.example.org/")
        return value.strip().rstrip("/") + "/"

    @field_validator("agency_accounts")
    @classmethod
    def _lowercase_addresses(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for addresses in value.values():
            for address in addresses:
                if "@" not in address:
                    raise ValueError(f"'{address}' is not an e-mail address")
        return {agency: [a.strip().lower() for a in addresses] for agency, addresses in value.items()}

    @model_validator(mode="after")
    def _url_when_enabled(self) -> "CommentsConfig":
        if self.enabled and self.url is None:
            raise ValueError("comments are enabled but 'url' (the comment server's public address) is missing")
        return self

    @property
    def active(self) -> bool:
        return self.enabled and self.url is not None

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the comment server: what a Content-Security-Policy must allow."""
        parts = urlsplit(self.url or "")
        return f"{parts.scheme}://{parts.netloc}"


WarningCode = Literal["missing-english", "stale", "overdue", "missing-document", "unused-agency"]


class Acknowledgement(BaseModel):
    """A warning the editors have looked at and keep on purpose, with the reason.

    `build.py check --strict` (as CI runs it) passes over it; `--show-acknowledged` lists it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(min_length=1, description="The file the warning names, or a pattern such as "
                      "content/tasks/1320-ubnd-kt-2020/*.yaml.")
    check: Optional[WarningCode] = Field(default=None, description="Which warning: missing-english, stale, "
                                         "overdue, missing-document or unused-agency (absent: any).")
    field: Optional[str] = Field(default=None, description="The field the warning names, e.g. deadline.date "
                                 "(a pattern; absent: any).")
    reason: str = Field(min_length=1, description="Why the warning stays: the fact it reflects, e.g. "
                        "'the sources report no progress'.")


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
    comments: CommentsConfig = Field(default_factory=lambda: CommentsConfig(enabled=False),
                                     description="Residents' comments; absent means none.")
    acknowledged: list[Acknowledgement] = Field(
        default_factory=list, description="Warnings kept on purpose: `check --strict` passes over them.")

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
        from .load import describe_yaml_error

        raise SiteError([Problem(name, *describe_yaml_error(error, text))])
    except yaml.YAMLError as error:
        raise SiteError([Problem(name, 0, "", f"YAML error: {error}")])
    if not isinstance(data, dict):
        raise SiteError([Problem(name, 1, "", "the file must be a mapping of settings")])
    for key, value in (overrides or {}).items():
        if value is not None:  # "comments.url" sets one setting inside a section
            *sections, setting = key.split(".")
            target = data
            for section in sections:
                if not isinstance(target.get(section), dict):
                    target[section] = {}
                target = target[section]
            target[setting] = value
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as error:
        from .validate import explain, field_path

        problems = []
        for detail in error.errors():
            message, hint, location = explain(detail, SiteConfig)
            problems.append(Problem(name, line_of(data, location), field_path(tuple(detail["loc"])), message, hint))
        raise SiteError(problems)
