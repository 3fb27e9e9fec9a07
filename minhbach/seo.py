"""What search engines and link previews read: schema.org JSON-LD for the site, documents and agencies."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from .config import SiteConfig
from .site import Site
from .urls import Urls

# Decisions, resolutions and plans are legal instruments; letters, notices and reports are not.
LEGAL_KINDS = frozenset({"decision", "resolution", "plan"})
LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def json_ld(data: dict[str, Any]) -> Markup:
    """A JSON-LD block that no text inside can close early (<, > and & are escaped in JSON)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup('<script type="application/ld+json">{}</script>').format(Markup(text))


class StructuredData:
    """schema.org descriptions of pages, in the reader's language."""

    def __init__(self, site: Site, config: SiteConfig, urls: Urls):
        self.site, self.config, self.urls = site, config, urls

    def _pick(self, text: Any, lang: str) -> str | None:
        if text is None:
            return None
        return getattr(text, lang, None) or text.vi

    def _page(self, lang: str, kind: str, key: str | None = None) -> str:
        return self.urls.absolute(self.urls.href(lang, kind, key))

    def _agency(self, agency_id: str, lang: str) -> dict[str, Any]:
        agency = self.site.agencies[agency_id]
        data: dict[str, Any] = {"@type": "GovernmentOrganization", "name": self._pick(agency.name, lang),
                                "url": self._page(lang, "agency", agency.id)}
        alternate = [name for name in (self._pick(agency.short, lang), agency.abbr) if name and name != data["name"]]
        if alternate:
            data["alternateName"] = alternate
        province = self.site.provinces.get(agency.province or "")
        if province is not None:
            data["areaServed"] = {"@type": "AdministrativeArea", "name": self._pick(province.full_name, lang)}
        return data

    def for_page(self, kind: str, key: str | None, lang: str) -> Markup:
        """The JSON-LD block of one page, or nothing for pages that describe no single thing."""
        website = {"@type": "WebSite", "name": self._pick(self.config.title, lang), "url": self._page(lang, "home"),
                   "inLanguage": lang}
        if kind == "home":
            data = {**website, "@context": "https://schema.org",
                    "potentialAction": {"@type": "SearchAction",
                                        "target": self._page(lang, "search") + "?q={search_term_string}",
                                        "query-input": "required name=search_term_string"}}
            if self.config.description:
                data["description"] = self._pick(self.config.description, lang)
            return json_ld(data)
        if kind == "agency" and key in self.site.agencies:
            return json_ld({"@context": "https://schema.org", **self._agency(key, lang), "isPartOf": website})
        if kind == "directive" and key in self.site.directives:
            d = self.site.directives[key]
            data = {"@context": "https://schema.org", "name": f"{d.number}: {self._pick(d.title, lang)}",
                    "url": self._page(lang, "directive", d.id), "inLanguage": lang, "isPartOf": website}
            if d.kind in LEGAL_KINDS:
                data.update({"@type": "Legislation", "legislationIdentifier": d.number,
                             "legislationDate": d.date.isoformat()})
                if d.issuer in self.site.agencies:
                    data["legislationPassedBy"] = self._agency(d.issuer, lang)
            else:
                data.update({"@type": "Report" if d.kind == "report" else "CreativeWork",
                             "identifier": d.number, "dateCreated": d.date.isoformat()})
                if d.issuer in self.site.agencies:
                    data["publisher"] = self._agency(d.issuer, lang)
            province = self.site.provinces.get(d.province or "")
            if province is not None:
                data["spatialCoverage"] = {"@type": "AdministrativeArea", "name": self._pick(province.full_name, lang)}
            return json_ld(data)
        return Markup("")
