"""The real content, built once, read as a reader sees it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import FIXTURE_CONFIG, ROOT, squash, visible_text
from minhbach.pipeline import build_site
from minhbach.urls import SEGMENTS

LANGS = ("vi", "en")
TASK_FILES = sorted((ROOT / "content" / "tasks").glob("*/*.yaml"))
TASKS = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in TASK_FILES}

HELD = ["1320-ubnd-kt-2020", "5113-ubnd-kt-2022", "3909-bxd-ptdt-2022", "2672-qd-ubnd-2023",
        "661-tb-vp-2017", "106-tb-ubnd-2018"]
CITED = ["950-qd-ttg-2018", "748-ttg-cn-2020", "829-qd-btttt-2019", "1627-qd-bxd-2018",
         "4712-vpcp-cn-2022", "2353-bxd-ptdt-2022", "1765-qd-ubnd-2018"]
NOT_HELD_NOTE = {
    "vi": "Trang này không lưu toàn văn của văn bản này.",
    "en": "The full text of this document is not held on this site.",
}


def page(lang: str, kind: str, key: str | None = None) -> str:
    """Output path of a page, relative to output/, built from the language's URL segments."""
    parts = [lang]
    if kind != "home":
        parts.append(SEGMENTS[lang][kind])
    if key:
        parts.append(key)
    return "/".join(parts) + "/index.html"


def facts(soup) -> dict[str, object]:
    """The <dl class="facts"> of a page: label → its <dd> element."""
    dl = soup.select_one("main dl.facts")
    assert dl is not None
    return {squash(dt.get_text(" ")): dt.find_next_sibling("dd") for dt in dl.find_all("dt")}


def test_build_succeeds_with_only_the_known_warning(bundled_site):
    _, result = bundled_site
    assert result.pages > 300
    # The 31 November deadline is the only thing the bundled content is warned about.
    assert [(p.path, p.field) for p in result.warnings] == [
        ("content/tasks/2672-qd-ubnd-2023/qt-2672-iv6e-bao-cao-hang-nam.yaml", "deadline.day")
    ]


# --------------------------------------------------------------------------- tasks


def test_every_task_file_became_a_task(bundled_site):
    assert len(TASKS) >= 50
    assert sorted(bundled_site[1].site.tasks) == sorted(TASKS)


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_every_task_has_a_page_in_both_languages_linked_to_its_twin(pages, task_id):
    task = TASKS[task_id]
    for lang in LANGS:
        relative = page(lang, "task", task_id)
        assert (pages.output / relative).is_file(), relative
        soup = pages.soup(relative)
        assert soup.html["lang"] == lang
        h1s = soup.find_all("h1")
        assert len(h1s) == 1
        assert squash(h1s[0].get_text(" ")) == squash(task["title"][lang])
        alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate", hreflang=True)}
        for other in LANGS:
            twin = page(other, "task", task_id)
            assert alternates.get(other) == pages.url_of(twin), (relative, other)
            assert pages.file_for(alternates[other]).is_file()
            # The twin links back.
            back = {link["hreflang"]: link["href"] for link in pages.soup(twin).find_all("link", rel="alternate", hreflang=True)}
            assert back[lang] == pages.url_of(relative)


# --------------------------------------------------------------------------- documents


def test_five_source_files_give_six_directive_pages_with_full_text(bundled_site):
    site = bundled_site[1].site
    held = sorted(d.id for d in site.directives.values() if d.text_held)
    assert held == sorted(HELD)
    assert len({site.directives[d].transcription.file for d in HELD}) == 5
    # 5113/UBND-KT and 3909/BXD-PTĐT come from the same transcription, in that order.
    t5113, t3909 = site.directives["5113-ubnd-kt-2022"].transcription, site.directives["3909-bxd-ptdt-2022"].transcription
    assert t5113.file == t3909.file and {t5113.part, t3909.part} == {1, 2}


@pytest.mark.parametrize("lang", LANGS)
def test_held_documents_show_their_full_text(pages, lang):
    for directive_id in HELD:
        soup = pages.soup(page(lang, "directive", directive_id))
        text = soup.select_one("main div.document-text")
        assert text is not None, directive_id
        assert len(visible_text(text)) > 500, directive_id
        assert NOT_HELD_NOTE[lang] not in visible_text(soup.main)
    # Every other document page says its text is not held.
    for path in sorted((pages.output / lang / SEGMENTS[lang]["directive"]).glob("*/index.html")):
        if path.parent.name in HELD:
            continue
        soup = pages.soup(path)
        assert soup.select_one("div.document-text") is None, path
        assert NOT_HELD_NOTE[lang] in visible_text(soup.main), path


@pytest.mark.parametrize("lang", LANGS)
def test_cited_documents_have_pages_saying_the_text_is_not_held(pages, lang):
    listed = {p.parent.name for p in (pages.output / lang / SEGMENTS[lang]["directive"]).glob("*/index.html")}
    assert listed == set(HELD) | set(CITED)
    for directive_id in CITED:
        soup = pages.soup(page(lang, "directive", directive_id))
        assert NOT_HELD_NOTE[lang] in visible_text(soup.main), directive_id


# --------------------------------------------------------------------------- Quảng Trị appendix


@pytest.mark.parametrize("lang,prefix", [("vi", "Phụ lục"), ("en", "Appendix")])
def test_quang_tri_appendix_has_eight_tasks(pages, lang, prefix):
    section_label = {"vi": "Mục", "en": "Section"}[lang]
    appendix = []
    for task_id, task in TASKS.items():
        if task["directive"] != "2672-qd-ubnd-2023":
            continue
        section = facts(pages.soup(page(lang, "task", task_id))).get(section_label)
        if section is not None and visible_text(section).startswith(prefix):
            appendix.append(task_id)
    assert len(appendix) == 8, appendix
    # The directive page lists them among the tasks it assigns.
    directive = pages.soup(page(lang, "directive", "2672-qd-ubnd-2023"))
    task_links = 'main a[href^="/%s/%s/"]' % (lang, SEGMENTS[lang]["task"])
    listed = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in directive.select(task_links)}
    assert set(appendix) <= listed


@pytest.mark.parametrize("lang,label", [("vi", "Cơ quan chủ trì"), ("en", "Lead agencies")])
def test_quang_tri_iii1_task_has_two_lead_agencies(pages, lang, label):
    soup = pages.soup(page(lang, "task", "qt-2672-pl-iii1-de-an-thi-diem-cap-do-thi"))
    lead = facts(soup)[label]
    links = [a["href"] for a in lead.select("li a")]
    assert links == [f"/{lang}/{SEGMENTS[lang]['agency']}/ubnd-dong-ha/",
                     f"/{lang}/{SEGMENTS[lang]['agency']}/so-xay-dung-quang-tri/"]
    names = {"vi": ["Ủy ban nhân dân thành phố Đông Hà", "Sở Xây dựng tỉnh Quảng Trị"],
             "en": ["Dong Ha City People's Committee", "Quang Tri Department of Construction"]}[lang]
    assert [visible_text(li) for li in lead.select("li")] == names


# --------------------------------------------------------------------------- 31 November


def _is_hidden(element) -> bool:
    for node in [element, *element.parents]:
        if getattr(node, "attrs", None) is None:
            continue
        if node.has_attr("hidden") or node.get("aria-hidden") == "true":
            return True
        if "display:none" in node.get("style", "").replace(" ", ""):
            return True
        if any(c in ("visually-hidden", "sr-only", "hidden") for c in node.get("class", [])):
            return True
    return False


@pytest.mark.parametrize("lang,label,as_written,note", [
    ("vi", "Thời hạn", "“trước ngày 31 tháng 11 hằng năm”", "Lưu ý: ngày này không tồn tại (tháng 11 không có ngày 31)."),
    ("en", "Deadline", "“before 31 November each year”", "Note: this date does not exist (month 11 has no day 31)."),
])
def test_31_november_is_kept_as_written_with_a_visible_note(pages, lang, label, as_written, note):
    soup = pages.soup(page(lang, "task", "qt-2672-iv6e-bao-cao-hang-nam"))
    deadline = facts(soup)[label]
    text = visible_text(deadline)
    assert as_written in text
    assert note in text
    warning = deadline.select_one(".note-warning")
    assert warning is not None and not _is_hidden(warning)
    # ... and the stylesheet does not hide it on screen.
    css = pages.file_for(soup.find("link", rel="stylesheet")["href"]).read_text(encoding="utf-8")
    screen_css = css.split("@media print")[0]
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", screen_css):
        if "note-warning" in selectors:
            assert not re.search(r"display:\s*none|visibility:\s*hidden", body), selectors
    # A recurring deadline is never overdue.
    assert soup.select_one(".status--overdue") is None


# --------------------------------------------------------------------------- overdue


@pytest.mark.parametrize("lang,badge,note", [
    ("vi", "Quá hạn", "Đã quá hạn ngày 30 tháng 9 năm 2022 mà chưa có báo cáo hoàn thành."),
    ("en", "Overdue", "Passed on 30 September 2022 with no report of completion."),
])
def test_5113_task_is_overdue_as_of_the_configured_date(pages, lang, badge, note):
    soup = pages.soup(page(lang, "task", "dn-5113-sxd-trien-khai-3909"))
    overdue = soup.select_one("main .task__status .status--overdue")
    assert overdue is not None and visible_text(overdue) == badge
    assert note in visible_text(soup.main)


def test_overdue_follows_as_of_not_the_clock(make_site, site_content, tmp_path):
    """Both fixture tasks are due 30/9/2022, long before today: only as_of can keep them on time."""
    from conftest import TASK_PATH, Pages

    # A second task, due the same day but completed: never overdue.
    site_content[TASK_PATH.replace("mau-1-sxd-ke-hoach", "mau-2-hoan-thanh")] = (
        site_content[TASK_PATH].replace("id: mau-1-sxd-ke-hoach", "id: mau-2-hoan-thanh")
        .replace("status: no-report", "status: completed"))
    open_task, done_task = "en/tasks/mau-1-sxd-ke-hoach/index.html", "en/tasks/mau-2-hoan-thanh/index.html"

    before = make_site(site_content, config=FIXTURE_CONFIG.replace("as_of: 2026-11-23", "as_of: 2022-09-30"))
    build_site(before, tmp_path / "before")
    built = Pages(tmp_path / "before")
    for task_page in (open_task, done_task):
        soup = built.soup(task_page)
        assert soup.select_one(".status--overdue") is None, task_page
        assert "Passed on" not in visible_text(soup.main)
    # The footer says what date the pages speak for.
    assert "Information as of 30 September 2022" in visible_text(built.soup(open_task).footer)

    after = make_site(site_content, config=FIXTURE_CONFIG.replace("as_of: 2026-11-23", "as_of: 2022-10-01"))
    build_site(after, tmp_path / "after")
    built = Pages(tmp_path / "after")
    soup = built.soup(open_task)
    assert visible_text(soup.select_one(".task__status .status--overdue")) == "Overdue"
    assert "Passed on 30 September 2022 with no report of completion." in visible_text(soup.main)
    assert built.soup(done_task).select_one(".status--overdue") is None
    vi = built.soup("vi/nhiem-vu/mau-1-sxd-ke-hoach/index.html")
    assert visible_text(vi.select_one(".task__status .status--overdue")) == "Quá hạn"


# --------------------------------------------------------------------------- quotes → paragraphs


def _plain_quote(text: str) -> str:
    return squash(text.replace("*", "").replace("_", ""))


@pytest.mark.parametrize("lang", LANGS)
def test_each_task_links_to_the_paragraph_it_quotes(pages, lang):
    for task_id, task in sorted(TASKS.items()):
        soup = pages.soup(page(lang, "task", task_id))
        link = soup.select_one("main figure.quote figcaption a")
        assert link is not None, task_id
        parts = urlsplit(link["href"])
        assert parts.path == f"/{lang}/{SEGMENTS[lang]['directive']}/{task['directive']}/", (task_id, link["href"])
        assert parts.fragment, f"{task_id}: the source link has no #fragment"
        target = pages.soup(pages.file_for(link["href"]).relative_to(pages.output))
        element = target.find(id=parts.fragment)
        assert element is not None, (task_id, link["href"])
        assert element.find_parent(class_="document-text") is not None, (task_id, link["href"])
        quote = _plain_quote(task["source"]["quote"][lang])
        assert quote in visible_text(element) or quote in squash(element.get_text("")), (task_id, lang)


# --------------------------------------------------------------------------- provinces and agencies


@pytest.mark.parametrize("province,now,now_id", [
    ("kien-giang", {"vi": "An Giang", "en": "An Giang"}, "an-giang"),
    ("dak-nong", {"vi": "Lâm Đồng", "en": "Lam Dong"}, "lam-dong"),
    ("binh-thuan", {"vi": "Lâm Đồng", "en": "Lam Dong"}, "lam-dong"),
])
@pytest.mark.parametrize("lang", LANGS)
def test_province_pages_show_name_of_record_and_what_it_is_now(pages, province, now, now_id, lang):
    record = yaml.safe_load((ROOT / "content" / "provinces" / f"{province}.yaml").read_text(encoding="utf-8"))
    soup = pages.soup(page(lang, "province", province))
    assert visible_text(soup.h1) == record["full_name"][lang]
    change = soup.select_one("main p.unit-change")
    assert change is not None
    text = visible_text(change)
    assert {"vi": "1 tháng 7 năm 2025", "en": "1 July 2025"}[lang] in text
    assert now[lang] in text
    assert change.find("a", href=f"/{lang}/{SEGMENTS[lang]['province']}/{now_id}/") is not None


@pytest.mark.parametrize("lang,date,merged_into", [
    ("vi", "1 tháng 3 năm 2025", "Sở Khoa học và Công nghệ tỉnh Kiên Giang"),
    ("en", "1 March 2025", "Kien Giang Department of Science and Technology"),
])
def test_kien_giang_ict_department_shows_its_merger(pages, lang, date, merged_into):
    soup = pages.soup(page(lang, "agency", "so-thong-tin-truyen-thong-kien-giang"))
    history = soup.main.find("time", datetime="2025-03-01")
    assert history is not None and visible_text(history) == date
    item = history.find_parent("li")
    assert merged_into in visible_text(item)
    assert item.find("a", href=f"/{lang}/{SEGMENTS[lang]['agency']}/so-khoa-hoc-cong-nghe-kien-giang/") is not None
    # The Science and Technology department's page says it carries the merged department's work.
    successor = pages.soup(page(lang, "agency", "so-khoa-hoc-cong-nghe-kien-giang"))
    assert successor.main.find("a", href=f"/{lang}/{SEGMENTS[lang]['agency']}/so-thong-tin-truyen-thong-kien-giang/")
    assert date in visible_text(successor.main)


# --------------------------------------------------------------------------- dates, chains, strings


@pytest.mark.parametrize("lang,label,expected", [("vi", "Ngày ban hành", "23 tháng 9 năm 2020"),
                                                 ("en", "Date", "23 September 2020")])
def test_dates_are_formatted_per_locale(pages, lang, label, expected):
    soup = pages.soup(page(lang, "directive", "1320-ubnd-kt-2020"))
    time = facts(soup)[label].find("time")
    assert time["datetime"] == "2020-09-23"
    assert visible_text(time) == expected


@pytest.mark.parametrize("lang,implements,implemented_by", [("vi", "Triển khai", "Được triển khai bởi"),
                                                            ("en", "Implements", "Implemented by")])
def test_directive_chain_is_followable_both_ways(pages, lang, implements, implemented_by):
    segment = SEGMENTS[lang]["directive"]
    forward = pages.soup(page(lang, "directive", "1320-ubnd-kt-2020"))
    link = forward.select_one(f'main ul.relations a[href="/{lang}/{segment}/748-ttg-cn-2020/"]')
    assert link is not None
    assert visible_text(link.find_parent("li")).startswith(f"{implements}: 748/Ttg-CN")
    back = pages.soup(page(lang, "directive", "748-ttg-cn-2020"))
    link = back.select_one(f'main ul.relations a[href="/{lang}/{segment}/1320-ubnd-kt-2020/"]')
    assert link is not None
    assert visible_text(link.find_parent("li")).startswith(f"{implemented_by}: 1320/UBND-KT")


@pytest.mark.parametrize("lang,expected,foreign", [
    ("vi", "Cơ quan chủ trì", ["Lead agency", "Deadline", "Coordinating agencies", "Source passage"]),
    ("en", "Lead agency", ["Cơ quan chủ trì", "Thời hạn", "Cơ quan phối hợp"]),
])
def test_interface_strings_are_translated(pages, lang, expected, foreign):
    soup = pages.soup(page(lang, "task", "kg-1320-1-sxd-lo-trinh"))
    labels = list(facts(soup))
    assert expected in labels
    text = visible_text(soup.body)
    for string in foreign:
        assert string not in text


def test_vietnamese_and_english_task_labels_differ(pages):
    vi = set(facts(pages.soup(page("vi", "task", "kg-1320-1-sxd-lo-trinh"))))
    en = set(facts(pages.soup(page("en", "task", "kg-1320-1-sxd-lo-trinh"))))
    assert vi and en and not vi & en
