"""The files beside the pages: feeds and open data, made from per-record pieces kept between rebuilds."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from typing import Any, Iterator

from .config import SiteConfig
from .feeds import Feeds
from .fragments import ContentFile, RecordWatch
from .opendata import OpenData
from .site import Site
from .urls import Urls


class ContentFiles:
    """The feeds and data files of one renderer's site, kept between incremental rebuilds."""

    def __init__(self, config: SiteConfig, urls: Urls, translations: dict[str, Any]):
        self.config, self.urls, self.translations = config, urls, translations
        self._start()

    def _start(self) -> None:
        self.watch = RecordWatch()
        self.feeds = Feeds(self.config, self.urls, self.translations)
        self.open_data = OpenData(self.config, self.urls)

    def files(self, site: Site) -> dict[str, ContentFile]:
        changed = self.watch.look(site)
        shown = sorted(p.id for p in site.provinces.values() if p.parent is None)
        collecting = gc.isenabled()
        gc.disable()  # pieces are strings and tuples, never cycles: no need to scan the site's millions of objects
        try:
            files = self.feeds.files_for(site, changed, shown)
            files.update(self.open_data.files(site, changed))
        except BaseException:  # what was kept may be half updated: start again next time
            self._start()
            raise
        finally:
            if collecting:
                gc.enable()
        return files


class SiteFiles(Mapping):
    """The files beside the pages: the small ones as bytes, the feeds and data files made when read.

    Built one at a time, the data files need not all be in memory at once (tens of megabytes
    on the national set).
    """

    def __init__(self, files: dict[str, bytes], content: dict[str, ContentFile]):
        self.files, self.content = files, content

    def __getitem__(self, name: str) -> bytes:
        if name in self.files:
            return self.files[name]
        return self.content[name].make()

    def __iter__(self) -> Iterator[str]:
        yield from self.files
        yield from (name for name in self.content if name not in self.files)

    def __len__(self) -> int:
        return len(self.files.keys() | self.content.keys())

    def versions(self) -> dict[str, int]:
        """The version of each feed and data file (see ContentFile)."""
        return {name: file.version for name, file in self.content.items()}

    def version(self, name: str) -> int | None:
        """A feed's or data file's version; None for the other files."""
        file = self.content.get(name) if name not in self.files else None
        return None if file is None else file.version
