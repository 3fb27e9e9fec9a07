"""Atom feeds, per language: the whole site and one per province.

Entries are new documents, new tasks and progress updates, each dated from the content
(a document's date of issue, a task's document, an update's date), never from the build
clock, so a rebuild with the same content gives the same feeds.

A feed shows its newest ENTRY_LIMIT entries. Every entry's place is known from its date
and id alone, so the feeds keep each one's entries in order and, after an edit, move only
the edited records' entries and write out again only the feeds whose newest entries changed.
The Atom is written as text, entry by entry, indented as an XML library would print it.
"""

from __future__ import annotations

import bisect
import gettext
import re
from datetime import date, datetime, time, timedelta, timezone
from functools import partial

from .config import SiteConfig
from .fragments import Changed, ContentFile, new_version
from .models import Text
from .site import Site
from .urls import Urls

# Documents are dated in Vietnam's time zone.
VIETNAM = timezone(timedelta(hours=7))
ENTRY_LIMIT = 100  # newest entries per feed: readers poll often; the data files hold everything
SITE = ""  # the feed of the whole site, beside the feeds of provinces (by id)

# An entry's place: (-day, 0, document id), (-day, 1, task id) for a new task,
# (-day, 2, task id, number) for a task's update. Sorted, newest first, ties in a stable order.
Key = tuple

# Characters XML 1.0 cannot carry: a feed with one would not parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), VIETNAM)


def _pick(text: Text | None, lang: str) -> str:
    if text is None:
        return ""
    return getattr(text, lang, None) or text.vi


def _text(value: str) -> str:
    """Element text, escaped (a carriage return too, so XML readers do not turn it into a line feed)."""
    if _NOT_XML.search(value):
        raise ValueError(f"a feed cannot carry control characters: {value!r}")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


def _day(key: Key) -> date:
    return date.fromordinal(-key[0])


class FeedWriter:
    """Writes the entries and feeds of one language with that language's interface strings."""

    def __init__(self, config: SiteConfig, urls: Urls, lang: str, strings: gettext.NullTranslations):
        self.config, self.urls, self.lang = config, urls, lang
        self._ = strings.gettext

    def entry(self, site: Site, key: Key) -> str:
        """The Atom entry at ``key`` (see Key), indented as in the feed."""
        _, lang, urls = self._, self.lang, self.urls
        if key[1] == 0:
            d = site.directives[key[2]]
            link = urls.absolute(urls.href(lang, "directive", d.id))
            issuer = site.agencies.get(d.issuer)
            entry_id = link
            title = _("New document %(number)s: %(title)s") % {"number": d.number, "title": _pick(d.title, lang)}
            summary = (_("Issued by %(issuer)s.") % {"issuer": _pick(issuer.name, lang)} if issuer else "") \
                + (" " + _pick(d.summary, lang) if d.summary else "")
        else:
            t = site.tasks[key[2]]
            link = entry_id = urls.absolute(urls.href(lang, "task", t.id))
            if key[1] == 1:
                directive = site.directives[t.directive]
                leads = "; ".join(_pick(site.agencies[a].name, lang) for a in t.lead if a in site.agencies)
                title = _("New task: %(title)s") % {"title": _pick(t.title, lang)}
                summary = _("Assigned by %(number)s. Lead: %(lead)s.") % {"number": directive.number, "lead": leads}
            else:
                entry_id = f"{link}#update-{key[3]}"
                title = _("Progress: %(title)s") % {"title": _pick(t.title, lang)}
                summary = _pick(t.updates[key[3] - 1].text, lang)
        moment = _moment(_day(key)).isoformat()
        return (f"  <entry>\n    <id>{_text(entry_id)}</id>\n    <title>{_text(title)}</title>\n"
                f"    <updated>{moment}</updated>\n    <link href=\"{_attribute(link)}\"/>\n"
                + (f"    <summary>{_text(summary)}</summary>\n" if summary else "")
                + f"    <published>{moment}</published>\n  </entry>\n")

    def head(self, title: str, page: str, self_href: str, newest: date) -> str:
        """The feed's own elements, before its entries."""
        author = _pick(self.config.title, self.lang)
        rights = _pick(self.config.licence, self.lang) if self.config.licence else ""
        return ("<?xml version='1.0' encoding='UTF-8'?>\n"
                f"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{_attribute(self.lang)}\">\n"
                f"  <id>{_text(self.urls.absolute(self_href))}</id>\n  <title>{_text(title)}</title>\n"
                f"  <updated>{_moment(newest).isoformat()}</updated>\n"
                + (f"  <author>\n    <name>{_text(author)}</name>\n  </author>\n" if author else "")
                + f"  <link href=\"{_attribute(self.urls.absolute(page))}\" rel=\"alternate\" type=\"text/html\"/>\n"
                f"  <link href=\"{_attribute(self.urls.absolute(self_href))}\" rel=\"self\" "
                "type=\"application/atom+xml\"/>\n"
                + (f"  <rights>{_text(rights)}</rights>\n" if rights else ""))


def _feed(head: str, entries: list[bytes]) -> bytes:
    return head.encode("utf-8") + b"".join(entries) + b"</feed>\n"


class Feeds:
    """The site feed and one feed per province with a page, in every language.

    Kept between incremental rebuilds: each record's entry keys, each feed's keys in order,
    and the entries written out for the feeds' newest ones.
    """

    def __init__(self, config: SiteConfig, urls: Urls, strings: dict[str, gettext.NullTranslations]):
        self.config, self.urls = config, urls
        self.writers = {lang: FeedWriter(config, urls, lang, strings[lang]) for lang in config.languages}
        self.keys: dict[tuple[str, str], tuple[list[Key], list[str]]] = {}  # record → its keys and feeds
        self.ordered: dict[str, list[Key]] = {}  # feed (SITE or a province id) → every entry key, newest first
        self.shown: dict[str, tuple[Key, ...]] = {}  # feed → the keys it shows
        self.entries: dict[tuple[str, Key], bytes] = {}  # (language, key) → the entry as written
        self.files: dict[str, ContentFile] = {}
        self.feeds_of_unit: dict[str | None, list[str]] = {}

    def files_for(self, site: Site, changed: Changed, provinces: list[str]) -> dict[str, ContentFile]:
        """Every feed file; only those whose shown entries changed are new."""
        if changed.everything() or changed.of("provinces") or list(self.ordered)[1:] != provinces:
            self._start(site, provinces)
            touched = set(self.ordered)
            dirty: set[Key] = set()
        else:
            touched, dirty = self._move(site, changed)
        for feed in touched:
            shown = tuple(self.ordered[feed][:ENTRY_LIMIT])
            if shown == self.shown.get(feed) and dirty.isdisjoint(shown) and feed in self.shown:
                continue
            self.shown[feed] = shown
            for lang, writer in self.writers.items():
                self.files[self.urls.feed_path(lang, feed or None)] = self._file(site, writer, feed, shown)
        return dict(self.files)

    def _start(self, site: Site, provinces: list[str]) -> None:
        """Place every record's entries."""
        self.keys.clear()
        self.entries.clear()
        self.shown.clear()
        self.files.clear()
        self.feeds_of_unit = {unit: [] for unit in site.provinces}
        self.feeds_of_unit[None] = []
        for province in provinces:
            for unit in site.province_units(province):
                self.feeds_of_unit.setdefault(unit, []).append(province)
        self.ordered = {SITE: []}
        self.ordered.update({province: [] for province in provinces})
        for kind in ("directives", "tasks"):
            for record_id in getattr(site, kind):
                keys, feeds = self.keys[(kind, record_id)] = self._place(site, kind, record_id)
                for feed in feeds:
                    self.ordered[feed] += keys
        for keys in self.ordered.values():
            keys.sort()

    def _move(self, site: Site, changed: Changed) -> tuple[set[str], set[Key]]:
        """Move the entries of the records an edit changed; the feeds they were or are in, and their keys."""
        agencies, directives, tasks = changed.of("agencies"), set(changed.of("directives")), set(changed.of("tasks"))
        if agencies:  # entries name the issuing and the lead agencies
            directives |= {d.id for d in site.directives.values() if d.issuer in agencies}
            tasks |= {t.id for t in site.tasks.values() if not agencies.isdisjoint(t.lead)}
        if directives:  # a task's entry is dated by its document and names its number
            tasks |= {t.id for t in site.tasks.values() if t.directive in directives}
        touched: set[str] = set()
        dirty: set[Key] = set()
        for kind, ids in (("directives", directives), ("tasks", tasks)):
            for record_id in ids:
                old_keys, old_feeds = self.keys.pop((kind, record_id), ((), ()))
                for feed in old_feeds:
                    ordered = self.ordered[feed]
                    for key in old_keys:
                        del ordered[bisect.bisect_left(ordered, key)]
                keys, feeds = self._place(site, kind, record_id)
                if keys or feeds:
                    self.keys[(kind, record_id)] = (keys, feeds)
                for feed in feeds:
                    for key in keys:
                        bisect.insort(self.ordered[feed], key)
                touched.update(old_feeds, feeds)
                dirty.update(old_keys, keys)
        for key in dirty:
            for lang in self.writers:
                self.entries.pop((lang, key), None)
        return touched, dirty

    def _place(self, site: Site, kind: str, record_id: str) -> tuple[list[Key], list[str]]:
        """A record's entry keys and the feeds that list it (none when it is gone)."""
        if kind == "directives":
            d = site.directives.get(record_id)
            if d is None:
                return [], []
            return [(-d.date.toordinal(), 0, d.id)], [SITE, *self.feeds_of_unit.get(d.province, ())]
        t = site.tasks.get(record_id)
        if t is None:
            return [], []
        directive = site.directives.get(t.directive)
        keys = [(-directive.date.toordinal(), 1, t.id)] if directive is not None else []
        keys += [(-u.date.toordinal(), 2, t.id, number) for number, u in enumerate(t.updates, start=1)]
        return keys, [SITE, *self.feeds_of_unit.get(t.province, ())]

    def _file(self, site: Site, writer: FeedWriter, feed: str, shown: tuple[Key, ...]) -> ContentFile:
        entries = []
        for key in shown:
            text = self.entries.get((writer.lang, key))
            if text is None:
                text = self.entries[(writer.lang, key)] = writer.entry(site, key).encode("utf-8")
            entries.append(text)
        lang, urls = writer.lang, self.urls
        site_title = _pick(self.config.title, lang)
        if feed == SITE:
            title, page = site_title, urls.href(lang, "home")
        else:
            title, page = f"{_pick(site.provinces[feed].name, lang)} · {site_title}", urls.href(lang, "province", feed)
        newest = _day(shown[0]) if shown else self.config.as_of
        head = writer.head(title, page, urls.feed(lang, feed or None), newest)
        return ContentFile(new_version(), partial(_feed, head, entries))
