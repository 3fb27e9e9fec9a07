"""Write the synthetic national content as an equivalent Hugo site, for a side-by-side build.

Same pages as ours where Hugo has an equivalent: a page per task, agency, province and
directive in both languages, Markdown bodies rendered by Hugo, and taxonomy pages for the
filters (province, status, agency). Simple templates, as a Hugo user would start with.
"""

from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path

import yaml

LAYOUT_BASE = """<!doctype html><html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ .Title }} · {{ .Site.Title }}</title>
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">{{ end }}
<link rel="stylesheet" href="{{ "site.css" | relURL }}"></head><body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav><a href="{{ "tasks/" | relLangURL }}">Tasks</a></nav></header><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
LAYOUT_SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1><dl>
{{ with .Params.status }}<dt>Status</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.lead }}<dt>Lead</dt><dd>{{ range . }}<a href="{{ (printf "agencies/%s/" .) | relLangURL }}">{{ . }}</a> {{ end }}</dd>{{ end }}
{{ with .Params.coordinating }}<dt>Coordinating</dt><dd>{{ range . }}<a href="{{ (printf "agencies/%s/" .) | relLangURL }}">{{ . }}</a> {{ end }}</dd>{{ end }}
{{ with .Params.deadline }}<dt>Deadline</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.quote }}<dt>Source</dt><dd><blockquote>{{ . }}</blockquote></dd>{{ end }}
</dl>{{ .Content }}
{{ with .Params.updates }}<h2>Updates</h2><ol>{{ range . }}<li>{{ .date }}: {{ .text }}</li>{{ end }}</ol>{{ end }}
{{ end }}"""
LAYOUT_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.status }}</li>{{ end }}</ul>{{ end }}"""


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the pure-Python loader took minutes here


@functools.lru_cache(maxsize=None)
def _read(path: Path) -> dict:
    """Each record once for both languages."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader


def _front(data: dict, body: str = "") -> str:
    return "---\n" + json.dumps(data, ensure_ascii=False) + "\n---\n" + body + "\n"


def write_hugo_site(source: Path, out: Path) -> None:
    """Translate ``source/content`` (our format) into a Hugo site under ``out``."""
    _read.cache_clear()
    if out.exists():
        shutil.rmtree(out)
    (out / "layouts" / "_default").mkdir(parents=True)
    (out / "layouts" / "_default" / "baseof.html").write_text(LAYOUT_BASE, encoding="utf-8")
    (out / "layouts" / "_default" / "single.html").write_text(LAYOUT_SINGLE, encoding="utf-8")
    (out / "layouts" / "_default" / "list.html").write_text(LAYOUT_LIST, encoding="utf-8")
    (out / "static").mkdir()
    shutil.copy(source / "templates" / "assets" / "site.css", out / "static" / "site.css")
    config = {
        "baseURL": "https://example.org/", "defaultContentLanguage": "vi", "defaultContentLanguageInSubdir": True,
        "title": "Minh bạch", "disableKinds": ["RSS"],
        "taxonomies": {"province": "provinces", "status": "statuses", "agency": "agencies-tax"},
        "languages": {"vi": {"weight": 1, "contentDir": "content/vi", "languageName": "Tiếng Việt"},
                      "en": {"weight": 2, "contentDir": "content/en", "languageName": "English"}},
        "markup": {"goldmark": {"renderer": {"unsafe": False}}},
    }
    (out / "hugo.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    content = source / "content"
    for lang in ("vi", "en"):
        root = out / "content" / lang
        for section in ("tasks", "agencies", "provinces", "documents"):
            (root / section).mkdir(parents=True)
            (root / section / "_index.md").write_text(_front({"title": section}), encoding="utf-8")
        for path in sorted((content / "tasks").rglob("*.yaml")):
            task = _read(path)
            deadline = task.get("deadline", {})
            front = {
                "title": task["title"][lang], "status": task["status"], "lead": task["lead"],
                "coordinating": task.get("coordinating", []), "quote": task["source"]["quote"][lang],
                "deadline": (deadline.get("text") or {}).get(lang, deadline.get("kind", "")),
                "provinces": [task["province"]], "statuses": [task["status"]],
                "agencies-tax": task["lead"] + task.get("coordinating", []),
                "updates": [{"date": u["date"], "text": u["text"][lang]} for u in task.get("updates", [])],
                "translationKey": task["id"],
            }
            body = (task.get("description") or {}).get(lang, "")
            (root / "tasks" / f"{task['id']}.md").write_text(_front(front, body), encoding="utf-8")
        for path in sorted((content / "agencies").glob("*.yaml")):
            agency = _read(path)
            (root / "agencies" / f"{agency['id']}.md").write_text(
                _front({"title": agency["name"][lang], "translationKey": agency["id"]}), encoding="utf-8")
        for path in sorted((content / "provinces").glob("*.yaml")):
            province = _read(path)
            (root / "provinces" / f"{province['id']}.md").write_text(
                _front({"title": province["full_name"][lang], "translationKey": province["id"]}), encoding="utf-8")
        for path in sorted((content / "directives").glob("*/directive.yaml")):
            directive = _read(path)
            text_path = path.parent / f"text.{lang}.md"
            body = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
            (root / "documents" / f"{directive['id']}.md").write_text(
                _front({"title": directive["number"], "translationKey": directive["id"]}, body), encoding="utf-8")
