"""Whole: no broken internal link, anchor, resource or language alternate anywhere on the site.

Pure Python, so it reads every page of the bundled site; the gate's own tests break a copy
of the fixture site and expect the page and the problem to be named.
"""

from __future__ import annotations

from conftest import break_page
from quality import BuiltSite, report
from quality.links import check_links

TASK_EN = "en/tasks/mau-1-sxd-ke-hoach/index.html"
TASK_VI = "vi/nhiem-vu/mau-1-sxd-ke-hoach/index.html"


def test_every_link_anchor_and_alternate_on_the_bundled_site_leads_somewhere(quality_site):
    assert len(quality_site.pages) > 300  # the whole site, both languages, not a sample
    problems = check_links(quality_site)
    assert not problems, report(problems)


def test_the_fixture_site_is_whole(breakable_site):
    assert check_links(breakable_site) == []


def test_a_dead_link_names_the_page_the_line_and_the_missing_page(breakable_site):
    break_page(breakable_site, TASK_EN, '<h1>', '<p><a href="/en/tasks/no-such-task/">see also</a></p><h1>')
    problems = [str(p) for p in check_links(breakable_site)]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{TASK_EN}: line ")
    assert '<a href="/en/tasks/no-such-task/"> leads to no page (en/tasks/no-such-task/index.html was not written)' \
        in problems[0]


def test_a_relative_link_and_a_folder_without_its_slash_are_resolved_like_a_browser(breakable_site):
    break_page(breakable_site, TASK_EN, '<h1>', '<a href="../../provinces/tinh-mau/">ok</a>'
                                               '<a href="../../provinces/nowhere/">dead</a>'
                                               '<a href="/en/provinces">folder</a><h1>')
    problems = [p.message for p in check_links(breakable_site)]
    assert len(problems) == 2, problems
    assert "../../provinces/nowhere/" in problems[0] and "en/provinces/nowhere/index.html was not written" in problems[0]
    assert "names a folder without its final slash" in problems[1]


def test_a_link_to_a_missing_anchor_names_the_target_and_the_id(breakable_site):
    break_page(breakable_site, TASK_VI, '<h1>', '<a href="/vi/van-ban/12-ubnd-kt-2022/#khong-co">§</a><h1>')
    problems = [str(p) for p in check_links(breakable_site)]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{TASK_VI}: line ")
    assert "vi/van-ban/12-ubnd-kt-2022/index.html has no element with id 'khong-co'" in problems[0]


def test_a_broken_or_one_sided_hreflang_alternate_is_reported(breakable_site):
    break_page(breakable_site, TASK_EN, 'hreflang="vi" href="https://example.org/vi/nhiem-vu/mau-1-sxd-ke-hoach/"',
               'hreflang="vi" href="https://example.org/vi/nhiem-vu/mau-2/"')
    break_page(breakable_site, TASK_VI, 'hreflang="en" href="https://example.org/en/tasks/mau-1-sxd-ke-hoach/"',
               'hreflang="en" href="https://example.org/en/tasks/"')
    problems = {str(p) for p in check_links(breakable_site)}
    assert any(p.startswith(f"{TASK_EN}: ") and "mau-2/" in p and "leads to no page" in p for p in problems), problems
    # The Vietnamese task names the English task list as its twin; the list does not name it back.
    assert any(p.startswith(f"{TASK_VI}: ") and "en/tasks/index.html does not name this page among its alternates" in p
               for p in problems), problems


def test_an_alternate_in_the_wrong_language_is_reported(breakable_site):
    break_page(breakable_site, TASK_EN, '<html lang="en">', '<html lang="vi">')
    problems = [str(p) for p in check_links(breakable_site)]
    assert any(p.startswith(f"{TASK_VI}: ") and f"hreflang en but {TASK_EN} is in lang='vi'" in p
               for p in problems), problems


def test_a_duplicate_id_and_a_missing_stylesheet_are_reported(breakable_site):
    break_page(breakable_site, TASK_EN, '<h1>', '<h1 id="main">')
    css = next(breakable_site.output.glob("assets/site.*.css"))
    css.rename(css.with_name("site.old.css"))
    problems = [str(p) for p in check_links(breakable_site)]
    assert any(p.startswith(f"{TASK_EN}: ") and "id 'main' is used more than once" in p for p in problems), problems
    assert any(p.startswith("vi/index.html: ") and f"<link href=\"/assets/{css.name}\"> leads to no page" in p
               for p in problems), problems


def test_a_dead_sitemap_entry_is_reported(breakable_site):
    (breakable_site.output / "en/about/index.html").unlink()
    site = BuiltSite(breakable_site.output, "https://example.org", "/")
    problems = {str(p) for p in check_links(site)}
    assert "sitemap.xml: <loc> https://example.org/en/about/ leads to no page" in problems
    assert any(p.startswith("vi/about/index.html: ") and "hreflang=" not in p for p in problems)


def test_a_site_under_a_sub_path_is_followed_through_its_absolute_and_root_relative_links(make_site, tmp_path):
    from minhbach.pipeline import build_site

    root = make_site()
    build_site(root, tmp_path / "out", overrides={"base_path": "/ban-tin/"})
    site = BuiltSite(tmp_path / "out", "https://example.org", "/ban-tin/")
    assert check_links(site) == []
    break_page(site, TASK_EN, "<h1>", '<a href="/en/tasks/">outside</a><a href="/ban-tin/en/nope/">dead</a><h1>')
    problems = sorted(p.message for p in check_links(site))
    assert len(problems) == 2, problems
    assert 'href="/ban-tin/en/nope/"> leads to no page' in problems[0]
    assert 'href="/en/tasks/"> points outside the site\'s base path /ban-tin/' in problems[1]


def test_the_command_line_lists_every_problem_and_fails(breakable_site, built_fixture_site):
    from click.testing import CliRunner

    from quality.__main__ import main

    clean = CliRunner().invoke(main, [str(breakable_site.output), "--root", str(built_fixture_site)])
    assert clean.exit_code == 0, clean.output
    assert f"{len(breakable_site.pages)} pages pass." in clean.output
    break_page(breakable_site, TASK_EN, "<h1>", '<a href="/en/nope/">dead</a><h1 id="main">')
    broken = CliRunner().invoke(main, [str(breakable_site.output), "--root", str(built_fixture_site)])
    assert broken.exit_code == 1
    assert "valid HTML: 1 problem(s)" in broken.output and "links: 2 problem(s)" in broken.output
    assert f"{TASK_EN}: line" in broken.output and "Duplicate ID “main”" in broken.output
    assert '<a href="/en/nope/"> leads to no page' in broken.output
