"""Join records into one site: check references, place quotes, compute deadlines.

After this stage every reference points at a real record and every fact the pages
show (overdue, what a unit is today, which paragraph a task came from) is computed.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections import defaultdict
from datetime import date

from .load import RawContent
from .markup import MarkdownRenderer
from .models import DONE_STATUSES, Task
from .problems import Report
from .site import DeadlineInfo, Page, Site
from .transcription import first_difference, shown_words, words
from .validate import MISSING_ENGLISH, Records

INVERSE_RELATION = {
    "implements": "implemented-by",
    "forwards": "forwarded-by",
    "cites": "cited-by",
    "based-on": "basis-for",
}


def _suggest(value: str, options) -> str:
    close = difflib.get_close_matches(value, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def resolve(records: Records, raw: RawContent, as_of: date, renderer: MarkdownRenderer, report: Report,
            jobs: int = 1) -> Site:
    """Check references between records and compute what the pages show."""
    site = Site(records=records, as_of=as_of, sources=dict(raw.sources))
    _check_references(site, report)
    _attach_texts(site, raw, renderer, report, jobs)
    _place_quotes(site, report)
    _compute_deadlines(site, report)
    _check_transcriptions(site, raw, report)
    _attach_pages(site, raw, renderer, report)
    _index(site)
    return site


def _ref(site: Site, report: Report, kind: str, record_id: str, location: tuple, target_kind: str, value: str | None,
         what: str) -> None:
    if value is None:
        return
    targets = records_of(site, target_kind)
    if value not in targets and (target_kind, value) not in site.records.broken:
        path, line = site.records.where(kind, record_id, location)
        from .validate import field_path

        hint = _suggest(value, targets) or f"add content/{target_kind}/{value}{'/directive' if target_kind == 'directives' else ''}.yaml or correct the id"
        report.error(path, line, field_path(location), f"unknown {what} '{value}'", hint)


def records_of(site: Site, kind: str) -> dict:
    return site.records.of_kind(kind)


def _check_references(site: Site, report: Report) -> None:
    for p in site.provinces.values():
        _ref(site, report, "provinces", p.id, ("parent",), "provinces", p.parent, "province")
        for i, change in enumerate(p.changes):
            _ref(site, report, "provinces", p.id, ("changes", i, "into"), "provinces", change.into, "province")
    for a in site.agencies.values():
        _ref(site, report, "agencies", a.id, ("province",), "provinces", a.province, "province")
        _ref(site, report, "agencies", a.id, ("locality",), "provinces", a.locality, "locality")
        for i, change in enumerate(a.history):
            _ref(site, report, "agencies", a.id, ("history", i, "into"), "agencies", change.into, "agency")
    for d in site.directives.values():
        _ref(site, report, "directives", d.id, ("issuer",), "agencies", d.issuer, "agency")
        _ref(site, report, "directives", d.id, ("province",), "provinces", d.province, "province")
        for i, relation in enumerate(d.relations):
            _ref(site, report, "directives", d.id, ("relations", i, "target"), "directives", relation.target, "directive")
            if relation.target == d.id:
                path, line = site.records.where("directives", d.id, ("relations", i, "target"))
                report.error(path, line, f"relations[{i}].target", "a document cannot relate to itself", "")
    for t in site.tasks.values():
        _ref(site, report, "tasks", t.id, ("directive",), "directives", t.directive, "directive")
        _ref(site, report, "tasks", t.id, ("province",), "provinces", t.province, "province")
        for i, value in enumerate(t.via):
            _ref(site, report, "tasks", t.id, ("via", i), "directives", value, "directive")
        for i, value in enumerate(t.localities):
            _ref(site, report, "tasks", t.id, ("localities", i), "provinces", value, "locality")
        for i, value in enumerate(t.lead):
            _ref(site, report, "tasks", t.id, ("lead", i), "agencies", value, "agency")
        for i, value in enumerate(t.coordinating):
            _ref(site, report, "tasks", t.id, ("coordinating", i), "agencies", value, "agency")
        for i, update in enumerate(t.updates):
            _ref(site, report, "tasks", t.id, ("updates", i, "source"), "directives", update.source, "directive")
        overlap = set(t.lead) & set(t.coordinating)
        for value in sorted(overlap):
            path, line = site.records.where("tasks", t.id, ("coordinating",))
            report.warning(path, line, "coordinating", f"'{value}' is listed both as lead and as coordinating", "keep it in one list")


def _attach_texts(site: Site, raw: RawContent, renderer: MarkdownRenderer, report: Report, jobs: int = 1) -> None:
    renderer.render_documents([text for _, text in raw.texts.values()], jobs)
    for (folder, lang), (path, text) in sorted(raw.texts.items()):
        directive = site.directives.get(folder)
        if directive is None:
            if not any(r.kind == "directives" and r.folder_name == folder for r in raw.records) \
                    and ("directives", folder) not in raw.unreadable:
                report.error(path, 0, "", f"no directive.yaml beside this text (folder '{folder}')",
                             "add directive.yaml to the folder, or move the text to its directive's folder")
            continue
        if not directive.text_held:
            d_path, line = site.records.where("directives", folder, ("text_held",))
            report.warning(d_path, line, "text_held", f"{path} exists but text_held is not true; the text is not shown",
                           "set 'text_held: true'")
            continue
        site.texts[(folder, lang)] = renderer.document(text)
        site.text_paths[(folder, lang)] = path
    for directive in site.directives.values():
        if not directive.text_held:
            continue
        if (directive.id, "vi") not in site.texts and ("text.vi", directive.id) not in raw.unreadable:
            d_path, line = site.records.where("directives", directive.id, ("text_held",))
            report.error(d_path, line, "text_held", f"text_held is true but content/directives/{directive.id}/text.vi.md is missing",
                         "add the Vietnamese full text, or set 'text_held: false'")
        if (directive.id, "en") not in site.texts and ("text.en", directive.id) not in raw.unreadable:
            d_path, line = site.records.where("directives", directive.id, ("text_held",))
            report.warning(d_path, line, "text_held", f"the English translation content/directives/{directive.id}/text.en.md is missing",
                           "add the translation; readers of the English page see the Vietnamese text meanwhile",
                           code=MISSING_ENGLISH)


def _place_quotes(site: Site, report: Report) -> None:
    for task in site.tasks.values():
        directive = site.directives.get(task.directive)
        if directive is None or not directive.text_held:
            continue
        for lang in ("vi", "en"):
            quote = getattr(task.source.quote, lang)
            rendered = site.texts.get((directive.id, lang))
            if quote is None or rendered is None:
                continue
            anchor = rendered.find(quote)
            if anchor is None:
                path, line = site.records.where("tasks", task.id, ("source", "quote", lang))
                report.error(path, line, f"source.quote.{lang}",
                             f"the quoted passage is not in the text of {directive.number} ({site.text_paths[(directive.id, lang)]})",
                             "copy the words exactly from one paragraph of the text")
            else:
                site.anchors[(task.id, lang)] = anchor


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _compute_deadlines(site: Site, report: Report) -> None:
    for task in site.tasks.values():
        d = task.deadline
        path = site.records.paths.get(("tasks", task.id), "")

        def problem(name: str, message: str, hint: str = "") -> None:
            line = site.records.where("tasks", task.id, ("deadline", name))[1]
            report.error(path, line, f"deadline.{name}", message, hint)

        info = DeadlineInfo(kind=d.kind)
        raw = None if d.date is None else str(d.date).strip()
        if d.kind in ("day", "month", "year") and raw is None:
            problem("date", f"a '{d.kind}' deadline needs a date", {"day": "e.g. date: 2022-09-30", "month": "e.g. date: 2018-04", "year": "e.g. date: 2025"}[d.kind])
        elif d.kind == "day":
            from .models import parse_day

            try:
                info = DeadlineInfo(kind="day", due=parse_day(raw))
            except ValueError as error:
                problem("date", str(error), "check the day and month against the document; keep its words in deadline.text")
        elif d.kind == "month":
            match = _MONTH.match(raw)
            if not match or not 1 <= int(match.group(2)) <= 12:
                problem("date", f"'{raw}' is not a month written as YYYY-MM", "e.g. date: 2018-04")
            else:
                year, month = int(match.group(1)), int(match.group(2))
                info = DeadlineInfo(kind="month", due=date(year, month, calendar.monthrange(year, month)[1]), month=month)
        elif d.kind == "year":
            if not re.fullmatch(r"\d{4}", raw):
                problem("date", f"'{raw}' is not a year written as YYYY", "e.g. date: 2025")
            else:
                info = DeadlineInfo(kind="year", due=date(int(raw), 12, 31))
        elif d.kind == "yearly":
            if raw is not None:
                problem("date", "a yearly deadline has no date", "use 'month:' and 'day:' instead")
            if d.day is not None and d.month is None:
                problem("day", "a yearly day needs its month", "add 'month:'")
            impossible = d.day is not None and d.month is not None and d.day > calendar.monthrange(2024, d.month)[1]
            info = DeadlineInfo(kind="yearly", month=d.month, day=d.day, impossible=impossible)
            if impossible:
                line = site.records.where("tasks", task.id, ("deadline", "day"))[1]
                report.warning(path, line, "deadline.day",
                               f"day {d.day} does not exist in month {d.month}; kept as written and flagged on the page", "")
        elif d.kind == "none" and (raw is not None or d.month or d.day):
            problem("kind", "the deadline has a date but its kind is 'none'", "set kind to day, month, year or yearly")
        if d.kind != "none" and d.text is None:
            line = site.records.where("tasks", task.id, ("deadline",))[1]
            report.warning(path, line, "deadline.text", "the deadline's words as written are missing",
                           "copy the deadline from the document into deadline.text")
        if info.due is not None and info.due < site.as_of and task.status not in DONE_STATUSES:
            info = DeadlineInfo(**{**info.__dict__, "overdue": True})
        site.deadlines[task.id] = info
        if task.progress is not None and task.status == "no-report":
            line = site.records.where("tasks", task.id, ("progress",))[1]
            report.error(path, line, "progress", "a progress figure needs a reported status", "set the status the source reports, e.g. in-progress")


def _check_transcriptions(site: Site, raw: RawContent, report: Report) -> None:
    """Each original must be published whole: the texts of its parts, in order, word for word."""
    parts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for directive in site.directives.values():
        if not directive.transcription:
            continue
        if directive.transcription.file not in site.sources:
            path, line = site.records.where("directives", directive.id, ("transcription", "file"))
            report.error(path, line, "transcription.file", f"content/sources/{directive.transcription.file} does not exist",
                         _suggest(directive.transcription.file, site.sources) or "put the original transcription in content/sources/")
        elif directive.text_held and (directive.id, "vi") in raw.texts:
            parts[directive.transcription.file].append((directive.transcription.part, directive.id))
    for source, documents in sorted(parts.items()):
        published: list[str] = []
        for _, directive_id in sorted(documents):
            # What the page shows, not the Markdown: a passage hidden in a comment or a tag counts as dropped.
            rendered = site.texts.get((directive_id, "vi"))
            published += shown_words(rendered.html) if rendered else words(raw.texts[(directive_id, "vi")][1])
        difference = first_difference(words(site.sources[source]), published)
        if difference:
            names = " + ".join(raw.texts[(d, "vi")][0] for _, d in sorted(documents))
            report.error(names, 0, "", f"the full text differs from the original content/sources/{source}: {difference}",
                         "keep every word of the original, in order; add only Markdown structure and [sic] "
                         "(words inside <!-- --> or HTML tags are not shown to readers)")


def _attach_pages(site: Site, raw: RawContent, renderer: MarkdownRenderer, report: Report) -> None:
    for (slug, lang), (path, text) in sorted(raw.pages.items()):
        lines = text.lstrip().splitlines()
        if not lines or not lines[0].startswith("# "):
            report.error(path, 1, "", "a page must start with its title as '# Title'",
                         "make the first line '# ' followed by the page's title")
            raw.unreadable.add((f"page.{lang}", slug))
            continue
        title = lines[0][2:].strip()
        body = "\n".join(lines[1:])
        site.pages[(slug, lang)] = Page(slug, lang, title, renderer.prose(body), path)
    for slug, lang in list(site.pages):
        other = "en" if lang == "vi" else "vi"
        if (slug, other) not in site.pages and (f"page.{other}", slug) not in raw.unreadable:
            report.warning(site.pages[(slug, lang)].path, 0, "", f"this page has no {other} twin (pages/{slug}.{other}.md)",
                           "add the translation", code=MISSING_ENGLISH if other == "en" else "")


def _index(site: Site) -> None:
    for directive in sorted(site.directives.values(), key=lambda d: (d.date, d.id)):
        site.directives_issued[directive.issuer].append(directive)
        for relation in directive.relations:
            site.relations_in[relation.target].append((INVERSE_RELATION[relation.kind], directive.id))
    for task in sorted(site.tasks.values(), key=lambda t: task_order(site, t)):
        site.tasks_by_province[task.province].append(task)
        site.tasks_by_directive[task.directive].append(task)
        for agency in task.lead:
            site.tasks_led[agency].append(task)
        for agency in task.coordinating:
            site.tasks_coordinated[agency].append(task)
        for directive_id in task.via:
            site.tasks_passed_on[directive_id].append(task)


def task_order(site: Site, task: Task) -> tuple:
    """Order tasks as their documents list them: by the paragraph they are quoted from."""
    directive = site.directives.get(task.directive)
    anchor = site.anchors.get((task.id, "vi"), "")
    position = int(anchor[1:]) if anchor[1:].isdigit() else 10**6
    return (directive.date if directive else date.min, task.directive, position, task.id)
