"""Open data, feeds and discoverability, checked on the bundled site as a journalist, a feed reader
and a search engine read it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import yaml

from conftest import BASE_URL, ROOT, TASK_PATH
from minhbach.pipeline import build_site
from minhbach.problems import SiteError

LANGS = ("vi", "en")
DATA = ("provinces", "agencies", "directives", "tasks", "task_agencies", "updates")
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def task_ids() -> list[str]:
    return sorted(yaml.safe_load(p.read_text(encoding="utf-8"))["id"] for p in (ROOT / "content" / "tasks").rglob("*.yaml"))


# --- open data -------------------------------------------------------------------------------

def test_data_package_validates_with_frictionless(bundled_site):
    output, _ = bundled_site
    package = output / "data" / "datapackage.json"
    run = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", str(package)],
                         capture_output=True, text=True, cwd=output / "data", timeout=300)
    report = json.loads(run.stdout)
    errors = [(task.get("name"), error["message"]) for task in report["tasks"] for error in task["errors"]]
    assert report["valid"], errors[:10]
    assert run.returncode == 0
    checked = {task["name"] for task in report["tasks"]}
    assert {*DATA, *(f"{name}-json" for name in DATA)} <= checked


def test_data_package_states_licence_keys_and_links(bundled_site):
    output, _ = bundled_site
    package = json.loads((output / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    resources = {r["name"]: r for r in package["resources"]}
    files = {p.name for p in (output / "data").iterdir()} - {"datapackage.json"}
    assert {r["path"] for r in package["resources"]} == files, "every file is described, nothing else"
    tasks = resources["tasks"]["schema"]
    assert tasks["primaryKey"] == ["id"]
    assert {"fields": "directive", "reference": {"resource": "directives", "fields": "id"}} in tasks["foreignKeys"]
    updates = resources["updates"]["schema"]
    assert updates["primaryKey"] == ["task", "number"]


def read_csv(output: Path, name: str) -> list[dict[str, str]]:
    raw = (output / "data" / f"{name}.csv").read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8")), "spreadsheet programs need the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_has_every_task_with_bilingual_columns_and_page_links(bundled_site, pages):
    output, _ = bundled_site
    rows = {row["id"]: row for row in read_csv(output, "tasks")}
    assert sorted(rows) == task_ids()
    for row in rows.values():
        assert row["title_vi"]
        for lang in LANGS:
            assert row[f"url_{lang}"].startswith(BASE_URL + f"/{lang}/")
            assert pages.file_for(row[f"url_{lang}"]).is_file(), row[f"url_{lang}"]
    # The Department of Construction of Kiên Giang leads tasks, by id, as the pages say.
    pairs = read_csv(output, "task_agencies")
    led = {p["task"] for p in pairs if p["agency"] == "so-xay-dung-kien-giang" and p["role"] == "lead"}
    assert led and all(rows[t]["province"] == "kien-giang" for t in led)
    agencies = {row["id"]: row for row in read_csv(output, "agencies")}
    assert agencies["so-xay-dung-kien-giang"]["name_vi"] == "Sở Xây dựng tỉnh Kiên Giang"


def test_json_matches_csv(bundled_site):
    output, _ = bundled_site
    for name in DATA:
        rows = json.loads((output / "data" / f"{name}.json").read_text(encoding="utf-8"))
        table = read_csv(output, name)
        assert len(rows) == len(table), name
        assert [list(r) for r in rows[:1]] == [list(r) for r in table[:1]], name


def test_updates_are_dated_rows_of_known_tasks(bundled_site):
    output, _ = bundled_site
    tasks = {row["id"] for row in read_csv(output, "tasks")}
    updates = read_csv(output, "updates")
    assert updates, "the bundled content reports progress on some tasks"
    for row in updates:
        assert row["task"] in tasks
        assert len(row["date"]) == 10


@pytest.mark.parametrize("lang, heading", [("vi", "Dữ liệu mở"), ("en", "Open data")])
def test_download_page_explains_each_file(pages, lang, heading):
    folder = {"vi": "du-lieu", "en": "data"}[lang]
    soup = pages.soup(f"{lang}/{folder}/index.html")
    assert soup.h1.get_text(strip=True) == heading
    links = {a["href"] for a in soup.select("main a")}
    for name in DATA:
        assert f"/data/{name}.csv" in links and f"/data/{name}.json" in links
        item = soup.find(id=name)
        assert item.find("p").get_text(strip=True), f"{name} is explained"
    assert "/data/datapackage.json" in links
    assert soup.find("a", rel="license")["href"] == "https://creativecommons.org/licenses/by/4.0/"


# --- feeds -----------------------------------------------------------------------------------

def all_feeds(output: Path) -> list[Path]:
    return sorted(output.rglob("atom.xml"))


def test_every_feed_parses_and_is_dated_by_content(bundled_site):
    output, result = bundled_site
    site = result.site
    feeds = all_feeds(output)
    shown = [p for p in site.provinces.values() if p.parent is None]
    assert len(feeds) == 2 * (1 + len(shown))
    content_days = {d.date.isoformat() for d in site.directives.values()}
    content_days |= {u.date.isoformat() for t in site.tasks.values() for u in t.updates}
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.version == "atom10"
        assert feed.feed.title and feed.feed.id
        ids = [entry.id for entry in feed.entries]
        assert len(ids) == len(set(ids)), path
        for entry in feed.entries:
            assert entry.updated[:10] in content_days, (path, entry.title, entry.updated)
            assert entry.link.startswith(BASE_URL)
        days = [entry.updated for entry in feed.entries]
        assert days == sorted(days, reverse=True), "newest first"
        if feed.entries:
            assert feed.feed.updated == feed.entries[0].updated, "the feed is as new as its newest entry"


@pytest.mark.parametrize("lang, folder, new_task", [("vi", "tinh", "Nhiệm vụ mới"), ("en", "provinces", "New task")])
def test_a_feed_reader_subscribes_to_a_province(bundled_site, pages, lang, folder, new_task):
    """A reader finds the feed from the province page, as feed readers do, and gets its news."""
    output, result = bundled_site
    page = pages.soup(f"{lang}/{folder}/kien-giang/index.html")
    feeds = [link["href"] for link in page.find_all("link", rel="alternate", type="application/atom+xml")]
    province_feed = f"/{lang}/{folder}/kien-giang/atom.xml"
    assert province_feed in feeds
    feed = feedparser.parse((output / province_feed.lstrip("/")).read_bytes())
    assert feed.feed.language == lang
    kien_giang = result.site.province_tasks("kien-giang")
    tasks = [e for e in feed.entries if e.title.startswith(new_task)]
    assert len(tasks) == min(len(kien_giang), len(feed.entries))
    task_links = {pages.file_for(e.link) for e in tasks}
    assert all(path.is_file() for path in task_links)
    assert all("/kien-giang/" in e.link or e.link in
               {f"{BASE_URL}/{lang}/{'nhiem-vu' if lang == 'vi' else 'tasks'}/{t.id}/" for t in kien_giang}
               for e in tasks)
    other = {t.id for p in result.site.provinces if p != "kien-giang" for t in result.site.tasks_by_province[p]}
    assert not any(e.link.rstrip("/").rsplit("/", 1)[-1] in other for e in tasks)


def test_progress_updates_are_entries_dated_by_the_update(bundled_site):
    output, result = bundled_site
    task = next(t for t in sorted(result.site.tasks.values(), key=lambda t: t.id) if t.updates)
    feed = feedparser.parse((output / "en" / "atom.xml").read_bytes())
    entries = [e for e in feed.entries if e.id.startswith(f"{BASE_URL}/en/tasks/{task.id}/#update-")]
    assert {e.updated[:10] for e in entries} <= {u.date.isoformat() for u in task.updates}
    assert entries


def test_feeds_do_not_follow_the_build_clock(make_site, tmp_path):
    """Two builds of the same content give the same feeds, whatever the day."""
    root = make_site()
    build_site(root, tmp_path / "a")
    build_site(root, tmp_path / "b")
    for path in all_feeds(tmp_path / "a"):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


def test_text_with_commas_quotes_markup_and_line_breaks_reads_back_as_written(make_site, site_content, tmp_path):
    """The CSV, the JSON and the feeds give back a title exactly as the editor wrote it."""
    titles = {"vi": 'Lập "kế hoạch", <b>đô thị</b> & dữ liệu', "en": "Plan, 'smart' <city> & data,\r\nsecond line"}
    site_content[TASK_PATH] = site_content[TASK_PATH].replace(
        "vi: Lập kế hoạch phát triển đô thị thông minh", "vi: " + json.dumps(titles["vi"], ensure_ascii=False)).replace(
        "en: Prepare the smart urban development plan", "en: " + json.dumps(titles["en"]))
    build_site(make_site(site_content), tmp_path / "out")
    output = tmp_path / "out"
    row = next(r for r in read_csv(output, "tasks") if r["id"] == "mau-1-sxd-ke-hoach")
    assert (row["title_vi"], row["title_en"]) == (titles["vi"], titles["en"])
    row = next(r for r in json.loads((output / "data" / "tasks.json").read_text(encoding="utf-8"))
               if r["id"] == "mau-1-sxd-ke-hoach")
    assert (row["title_vi"], row["title_en"]) == (titles["vi"], titles["en"])
    atom = {"a": "http://www.w3.org/2005/Atom"}
    for lang, feed in (("vi", "vi/atom.xml"), ("en", "en/atom.xml"), ("en", "en/provinces/tinh-mau/atom.xml")):
        shown = [e.text for e in ET.parse(output / feed).getroot().findall("a:entry/a:title", atom)]
        # XML reads a carriage return written as &#13; back as one, and a bare one as a line break.
        assert {"vi": "Nhiệm vụ mới: ", "en": "New task: "}[lang] + titles[lang] in shown, feed


# --- discoverability -------------------------------------------------------------------------

def test_sitemap_gives_every_page_its_twins(pages):
    tree = ET.parse(pages.output / "sitemap.xml")
    urls = tree.getroot().findall("s:url", SITEMAP)
    written = {p.relative_to(pages.output).as_posix() for p in pages.output.rglob("index.html")} - {"index.html"}
    listed = set()
    for url in urls:
        loc = url.find("s:loc", SITEMAP).text
        listed.add(pages.file_for(loc).relative_to(pages.output).as_posix())
        twins = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP)}
        assert set(twins) == set(LANGS), loc
        assert loc in twins.values()
        for href in twins.values():
            assert pages.file_for(href).is_file(), href
    assert listed == written


def test_robots_points_at_the_sitemap(pages):
    robots = (pages.output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {BASE_URL}/sitemap.xml" in robots


@pytest.mark.parametrize("lang", LANGS)
def test_pages_carry_canonical_open_graph_and_twitter_metadata(pages, lang):
    descriptions = set()
    checked = 0
    for path in sorted((pages.output / lang).rglob("index.html")):
        relative = path.relative_to(pages.output).as_posix()
        soup = pages.soup(relative)
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical == pages.url_of(relative)
        og = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
        assert og["og:url"] == canonical
        assert og["og:title"] and "<" not in og["og:title"], relative
        assert og["og:description"] and "<" not in og["og:description"], relative
        assert og["og:locale"] == {"vi": "vi_VN", "en": "en_GB"}[lang]
        assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"
        assert soup.find("meta", attrs={"name": "description"})["content"] == og["og:description"]
        descriptions.add(og["og:description"])
        checked += 1
    assert len(descriptions) > checked / 2, "descriptions are per page, not one for the whole site"


def json_ld(soup) -> dict:
    blocks = soup.find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


@pytest.mark.parametrize("lang, documents, agencies", [("vi", "van-ban", "co-quan"), ("en", "documents", "agencies")])
def test_structured_data_for_site_documents_and_agencies(pages, lang, documents, agencies):
    home = json_ld(pages.soup(f"{lang}/index.html"))
    assert home["@type"] == "WebSite" and home["url"] == f"{BASE_URL}/{lang}/"
    assert home["potentialAction"]["target"].startswith(f"{BASE_URL}/{lang}/")
    decision = json_ld(pages.soup(f"{lang}/{documents}/950-qd-ttg-2018/index.html"))
    assert decision["@type"] == "Legislation"
    assert decision["legislationIdentifier"] == "950/QĐ-TTg"
    assert decision["legislationDate"] == "2018-08-01"
    assert decision["legislationPassedBy"]["@type"] == "GovernmentOrganization"
    agency = json_ld(pages.soup(f"{lang}/{agencies}/so-xay-dung-kien-giang/index.html"))
    assert agency["@type"] == "GovernmentOrganization"
    assert agency["url"] == f"{BASE_URL}/{lang}/{agencies}/so-xay-dung-kien-giang/"


def test_json_ld_cannot_close_its_script(make_site, site_content, tmp_path):
    site_content["content/agencies/so-xay-dung-tinh-mau.yaml"] = site_content[
        "content/agencies/so-xay-dung-tinh-mau.yaml"].replace(
        "en: Mau Department of Construction", "en: \"Mau </script><script>alert(1)</script> & Co\"")
    root = make_site(site_content)
    build_site(root, tmp_path / "out")
    html = (tmp_path / "out" / "en" / "agencies" / "so-xay-dung-tinh-mau" / "index.html").read_text(encoding="utf-8")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(block)["name"] == "Mau </script><script>alert(1)</script> & Co"


def test_a_page_without_english_twin_is_reported_and_has_no_broken_alternate(make_site, site_content, tmp_path):
    site_content["content/pages/about.en.md"] = None
    site_content["content/pages/lich-su.vi.md"] = "# Lịch sử\n\nMột trang chỉ có tiếng Việt.\n"
    root = make_site(site_content)
    check = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), "check", "--strict"],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 1
    assert "content/pages/lich-su.vi.md" in check.stdout + check.stderr
    assert "has no en twin" in check.stdout + check.stderr
    build_site(root, tmp_path / "out")
    out = tmp_path / "out"
    assert (out / "vi" / "lich-su" / "index.html").is_file()
    assert not (out / "en" / "lich-su").exists()
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((out / "vi" / "lich-su" / "index.html").read_text(encoding="utf-8"), "html.parser")
    hreflangs = {link["hreflang"] for link in soup.find_all("link", rel="alternate", hreflang=True)}
    assert "en" not in hreflangs
    assert soup.select_one("a.lang-switch")["href"] == "/en/"
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/en/lich-su/" not in sitemap
    assert "https://example.org/vi/lich-su/" in sitemap


def test_a_broken_search_index_stops_the_build_with_a_message(make_site, tmp_path, monkeypatch):
    import minhbach.search as search

    def broken(folder, output, glob):
        raise RuntimeError("pagefind exited")

    monkeypatch.setattr(search, "_index", broken)
    root = make_site()
    with pytest.raises(SiteError) as caught:
        build_site(root, tmp_path / "out")
    assert "the search index could not be built" in str(caught.value)
    assert not (tmp_path / "out").exists()
