"""Atom feeds, per language: the whole site and one per province.

Entries are new documents, new tasks and progress updates, each dated from the content
(a document's date of issue, a task's document, an update's date), never from the build
clock, so a rebuild with the same content gives the same feeds.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime, time, timedelta, timezone

from feedgen.feed import FeedGenerator

from .config import SiteConfig
from .models import Directive, Task, Text
from .resolve import Site
from .urls import Urls

# Documents are dated in Vietnam's time zone.
VIETNAM = timezone(timedelta(hours=7))
ENTRY_LIMIT = 100  # newest entries per feed: readers poll often; the data files hold everything


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), VIETNAM)


def _pick(text: Text | None, lang: str) -> str:
    if text is None:
        return ""
    return getattr(text, lang, None) or text.vi


class FeedWriter:
    """Builds the feeds of one language with that language's interface strings."""

    def __init__(self, site: Site, config: SiteConfig, urls: Urls, lang: str, strings: gettext.NullTranslations):
        self.site, self.config, self.urls, self.lang = site, config, urls, lang
        self._ = strings.gettext

    def entries(self, directives: list[Directive], tasks: list[Task]) -> list[dict]:
        """Every entry for these documents and tasks, newest first; ties in a stable order."""
        _, lang, site, urls = self._, self.lang, self.site, self.urls
        found = []
        for d in directives:
            link = urls.absolute(urls.href(lang, "directive", d.id))
            issuer = site.agencies.get(d.issuer)
            found.append({
                "id": link, "link": link, "day": d.date, "order": (0, d.id),
                "title": self._("New document %(number)s: %(title)s") % {"number": d.number, "title": _pick(d.title, lang)},
                "summary": (_("Issued by %(issuer)s.") % {"issuer": _pick(issuer.name, lang)} if issuer else "")
                + (" " + _pick(d.summary, lang) if d.summary else ""),
            })
        for t in tasks:
            link = urls.absolute(urls.href(lang, "task", t.id))
            directive = site.directives.get(t.directive)
            leads = "; ".join(_pick(site.agencies[a].name, lang) for a in t.lead if a in site.agencies)
            if directive is not None:
                found.append({
                    "id": link, "link": link, "day": directive.date, "order": (1, t.id),
                    "title": _("New task: %(title)s") % {"title": _pick(t.title, lang)},
                    "summary": _("Assigned by %(number)s. Lead: %(lead)s.") % {"number": directive.number, "lead": leads},
                })
            for number, update in enumerate(t.updates, start=1):
                found.append({
                    "id": f"{link}#update-{number}", "link": link, "day": update.date, "order": (2, t.id, number),
                    "title": _("Progress: %(title)s") % {"title": _pick(t.title, lang)},
                    "summary": _pick(update.text, lang),
                })
        found.sort(key=lambda e: e["order"])
        found.sort(key=lambda e: e["day"], reverse=True)
        return found[:ENTRY_LIMIT]

    def feed(self, title: str, page: str, self_href: str, entries: list[dict]) -> bytes:
        generator = FeedGenerator()
        generator.id(self.urls.absolute(self_href))
        generator.title(title)
        generator.author({"name": _pick(self.config.title, self.lang)})
        generator.link(href=self.urls.absolute(page), rel="alternate", type="text/html")
        generator.link(href=self.urls.absolute(self_href), rel="self", type="application/atom+xml")
        generator.language(self.lang)
        if self.config.licence:
            generator.rights(_pick(self.config.licence, self.lang))
        newest = entries[0]["day"] if entries else self.config.as_of
        generator.updated(_moment(newest))
        for entry in entries:
            item = generator.add_entry(order="append")
            item.id(entry["id"])
            item.title(entry["title"])
            item.link(href=entry["link"], rel="alternate", type="text/html")
            item.published(_moment(entry["day"]))
            item.updated(_moment(entry["day"]))
            if entry["summary"]:
                item.summary(entry["summary"])
        return generator.atom_str(pretty=True)


def build_feeds(site: Site, config: SiteConfig, urls: Urls, strings: dict[str, gettext.NullTranslations],
                provinces: list[str]) -> dict[str, bytes]:
    """The site feed and one feed per province with a page, in every language."""
    files: dict[str, bytes] = {}
    for lang in config.languages:
        writer = FeedWriter(site, config, urls, lang, strings[lang])
        site_title = _pick(config.title, lang)
        everything = writer.entries(sorted(site.directives.values(), key=lambda d: d.id),
                                    sorted(site.tasks.values(), key=lambda t: t.id))
        files[urls.feed_path(lang)] = writer.feed(site_title, urls.href(lang, "home"), urls.feed(lang), everything)
        for province_id in provinces:
            units = site.province_units(province_id)
            directives = sorted((d for d in site.directives.values() if d.province in units), key=lambda d: d.id)
            entries = writer.entries(directives, site.province_tasks(province_id))
            name = _pick(site.provinces[province_id].name, lang)
            files[urls.feed_path(lang, province_id)] = writer.feed(
                f"{name} · {site_title}", urls.href(lang, "province", province_id), urls.feed(lang, province_id), entries)
    return files
