"""Residents' comments as published: one thread per task, directive and province page.

Approved comments are exported from the comment server into content/comments/ and
rendered into the pages at build time, so they can be read without JavaScript and
outlive the comment server. Comment text is treated as hostile: raw HTML is shown as
text, only simple formatting survives, and bidi controls are dropped.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import markdown
import nh3
import yaml
from markupsafe import Markup

from .config import SiteConfig
from .models import Agency, Comment, CommentThread
from .problems import Report
from .site import Site
from .yamlfile import line_of, parse_yaml

# Viet Nam keeps UTC+7 all year; comments are dated as residents there read dates.
VIETNAM = timezone(timedelta(hours=7), "ICT")
# Embedding, override and isolate controls can make text read backwards or spill into the page.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
LONG_COMMENT_CHARS = 1500
ALLOWED_TAGS = {"p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def thread_id(kind: str, record_id: str) -> str:
    """The id both language versions of a page share: its record's folder and id."""
    return f"{kind}/{record_id}"


def strip_bidi(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


class CommentMarkdown:
    """Comment text to safe HTML: Markdown emphasis, lists and links; any HTML shows as text."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["sane_lists"])
        self._md.preprocessors.deregister("html_block")
        self._md.inlinePatterns.deregister("html")

    def render(self, text: str) -> str:
        html = self._md.reset().convert(strip_bidi(text))
        return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                         url_schemes={"http", "https", "mailto"}, link_rel="nofollow ugc noopener noreferrer")


@dataclass
class PublishedComment:
    """A comment ready to show: safe HTML, local time, the agency if it is an official reply."""

    comment: Comment
    html: Markup
    author: str | None
    local_time: datetime
    official: Agency | None = None
    replies: list[PublishedComment] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"comment-{self.comment.id}"

    @property
    def long(self) -> bool:
        return len(self.comment.text or "") > LONG_COMMENT_CHARS


@dataclass
class Thread:
    """The published conversation of one page."""

    id: str
    title: str = ""
    comments: list[PublishedComment] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Comments a reader can read: removed ones do not count."""
        return sum(1 for c in self._all() if not c.comment.removed)

    def _all(self):
        for top in self.comments:
            yield top
            yield from top.replies


@dataclass
class CommentIndex:
    """What the templates ask: the thread of a page and how many comments it has."""

    site: Site
    threads: dict[str, Thread] = field(default_factory=dict)

    def thread(self, kind: str, record_id: str) -> Thread:
        key = thread_id(kind, record_id)
        return self.threads.get(key) or Thread(key, title=thread_title(self.site, kind, record_id))

    def count(self, kind: str, record_id: str) -> int:
        found = self.threads.get(thread_id(kind, record_id))
        return found.count if found else 0


def responsible_agencies(site: Site, kind: str, record_id: str) -> set[str]:
    """Agencies whose reply on this page is an answer from those in charge (and their successors)."""
    if kind == "tasks":
        task = site.tasks[record_id]
        found = set(task.lead) | set(task.coordinating)
    elif kind == "directives":
        found = {site.directives[record_id].issuer}
        for task in site.tasks_by_directive.get(record_id, []):
            found |= set(task.lead)
    else:
        units = set(site.province_units(record_id))
        found = {a.id for a in site.agencies.values() if a.province in units}
    for agency_id in list(found):
        successor = site.agency_successor(agency_id)
        if successor:
            found.add(successor[0].id)
    return found


def resolve_comments(site: Site, config: SiteConfig, root: Path, report: Report) -> CommentIndex:
    """Check every comment file against the site and prepare its threads for the pages."""
    _check_agency_accounts(site, config, root, report)
    renderer = CommentMarkdown()
    index = CommentIndex(site)
    for key, record in sorted(site.records.comments.items()):
        kind, record_id = key.split("/", 1)
        path, line = site.records.where("comments", key, ("thread",))
        targets = site.records.of_kind(kind)
        if record_id not in targets:
            close = difflib.get_close_matches(record_id, list(targets), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            report.error(path, line, "thread", f"there is no {kind[:-1]} '{record_id}' for these comments",
                         hint + "if the record's id changed, rename this file and its thread to the new id")
            continue
        if _check_thread(site, key, record, report):
            index.threads[key] = _publish(site, kind, record_id, record, renderer)
    if site.records.comments and not config.comments.enabled:
        report.warning("content/comments", 0, "", "comments are switched off, so the published comments are not shown",
                       "set comments: enabled: true in site_config.yaml, or remove content/comments/")
    return index


def _check_thread(site: Site, key: str, record: CommentThread, report: Report) -> bool:
    """Ids unique, replies answer a comment of the same thread, official replies name a real agency."""
    kind, record_id = key.split("/", 1)
    ok = True
    seen: set[int] = set()
    responsible = None

    def where(index: int, name: str) -> tuple[str, int]:
        return site.records.where("comments", key, ("comments", index, name))

    for index, comment in enumerate(record.comments):
        if comment.id in seen:
            report.error(*where(index, "id"), f"comments[{index}].id", f"comment {comment.id} appears twice",
                         "keep one of the two entries")
            ok = False
        seen.add(comment.id)
    for index, comment in enumerate(record.comments):
        if comment.parent is not None and (comment.parent not in seen or comment.parent == comment.id):
            report.error(*where(index, "parent"), f"comments[{index}].parent",
                         f"comment {comment.id} answers comment {comment.parent}, which is not in this thread",
                         "correct the parent, or remove the line to show it as a comment of its own")
            ok = False
        agency = comment.official_agency
        if agency is None:
            continue
        if agency not in site.agencies:
            close = difflib.get_close_matches(agency, list(site.agencies), n=1)
            report.error(*where(index, "official_agency"), f"comments[{index}].official_agency",
                         f"unknown agency '{agency}'", f"did you mean '{close[0]}'?" if close else
                         "use an agency id from content/agencies/")
            ok = False
            continue
        responsible = responsible if responsible is not None else responsible_agencies(site, kind, record_id)
        if agency not in responsible:
            report.warning(*where(index, "official_agency"), f"comments[{index}].official_agency",
                           f"'{agency}' is not among the agencies responsible for this {kind[:-1]}; "
                           "its reply is still marked official",
                           "check that the right agency answered, or remove official_agency")
    return ok


def _publish(site: Site, kind: str, record_id: str, record: CommentThread, renderer: CommentMarkdown) -> Thread:
    """Order the comments by time, and put each reply under the comment that started its conversation."""
    published: dict[int, PublishedComment] = {}
    for comment in sorted(record.comments, key=lambda c: (c.created, c.id)):
        published[comment.id] = PublishedComment(
            comment=comment,
            html=Markup("") if comment.removed else Markup(renderer.render(comment.text or "")),
            author=strip_bidi(comment.author).strip() or None if comment.author else None,
            local_time=comment.created.astimezone(VIETNAM),
            official=site.agencies.get(comment.official_agency) if comment.official_agency else None,
        )
    by_id = {c.id: c for c in record.comments}
    thread = Thread(thread_id(kind, record_id), title=thread_title(site, kind, record_id))
    for comment_id, item in published.items():
        top, seen = by_id[comment_id], set()
        while top.parent is not None and top.parent in by_id and top.id not in seen:
            seen.add(top.id)
            top = by_id[top.parent]
        if top.id == comment_id:
            thread.comments.append(item)
        else:
            published[top.id].replies.append(item)
    return thread


def thread_title(site: Site, kind: str, record_id: str) -> str:
    """The Vietnamese title a moderator sees for the thread on the comment server."""
    if kind == "tasks":
        return site.tasks[record_id].title.vi
    if kind == "directives":
        directive = site.directives[record_id]
        return f"{directive.number}: {directive.title.vi}"
    return site.provinces[record_id].full_name.vi


def _check_agency_accounts(site: Site, config: SiteConfig, root: Path, report: Report) -> None:
    """Every agency named in comments.agency_accounts must exist, or its replies would not be marked."""
    unknown = [a for a in config.comments.agency_accounts if a not in site.agencies]
    if not unknown:
        return
    try:
        data = parse_yaml((root / "site_config.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        data = None
    for agency in unknown:
        close = difflib.get_close_matches(agency, list(site.agencies), n=1)
        report.error("site_config.yaml", line_of(data, ("comments", "agency_accounts", agency)) if data else 0,
                     f"comments.agency_accounts.{agency}", f"unknown agency '{agency}'",
                     f"did you mean '{close[0]}'?" if close else "use an agency id from content/agencies/")

