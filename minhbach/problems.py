"""Problems found in content, reported all together with a file and a line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located so an editor can fix it."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: str = ERROR
    code: str = ""  # which check found it (e.g. "stale"), so site_config.yaml can acknowledge it

    def format(self) -> str:
        """Return ``file:line: field: message``, with the hint on the next line."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def format_github(self) -> str:
        """Return a GitHub Actions annotation for this problem."""
        level = "error" if self.severity == ERROR else "warning"
        message = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            message += f" (hint: {self.hint})"
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{level} file={self.path},line={self.line or 1}::{message}"


@dataclass
class Report:
    """Collects problems across every stage so the editor sees them all at once."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path: str | Path, line: int, field_name: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(str(path), line, field_name, message, hint, ERROR))

    def warning(self, path: str | Path, line: int, field_name: str, message: str, hint: str = "",
                code: str = "") -> None:
        self.problems.append(Problem(str(path), line, field_name, message, hint, WARNING, code))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return sorted({p for p in self.problems if p.severity == ERROR})

    @property
    def warnings(self) -> list[Problem]:
        return sorted({p for p in self.problems if p.severity == WARNING})


class SiteError(click.ClickException):
    """A mistake in the content or the configuration: shown without a traceback."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(format_problems(problems))

    def show(self, file=None) -> None:  # noqa: D102 - click's interface
        click.echo(self.format_message(), err=True)


def format_problems(problems: list[Problem]) -> str:
    """Render problems as the text the terminal and the preview both show."""
    errors = [p for p in problems if p.severity == ERROR]
    warnings = [p for p in problems if p.severity == WARNING]
    lines: list[str] = []
    if errors:
        lines.append(f"{len(errors)} error(s):")
        lines.extend(p.format() for p in errors)
    if warnings:
        lines.append(f"{len(warnings)} warning(s):")
        lines.extend(p.format() for p in warnings)
    return "\n".join(lines)
