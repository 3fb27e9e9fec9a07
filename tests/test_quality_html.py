"""Valid: the Nu HTML Checker (vnu.jar, run with Java) finds no error on any built page.

One checker process reads every page of the bundled site and its stylesheet; the gate's
own test breaks a copy of the fixture site and expects each page and problem named.
"""

from __future__ import annotations

from conftest import break_page
from quality import report
from quality.html import check_html

TASK_EN = "en/tasks/mau-1-sxd-ke-hoach/index.html"
TASK_VI = "vi/nhiem-vu/mau-1-sxd-ke-hoach/index.html"


def test_every_page_and_stylesheet_of_the_bundled_site_is_valid(quality_site):
    problems = check_html(quality_site)
    assert not problems, report(problems)


def test_invalid_pages_and_stylesheets_are_named_with_the_line_and_the_error(breakable_site):
    assert check_html(breakable_site) == []
    break_page(breakable_site, TASK_EN, "<h1>", '<p id="main">twice</p><h1>')
    break_page(breakable_site, TASK_VI, "<h1>", "<span><div>block in inline</span><h1>")
    css = next(breakable_site.output.glob("assets/site.*.css"))
    css.write_text(css.read_text() + "\n.x { colr: red; }\n")
    problems = [str(p) for p in check_html(breakable_site)]
    assert any(p.startswith(f"{TASK_EN}: line ") and "Duplicate ID “main”" in p for p in problems), problems
    assert any(p.startswith(f"{TASK_VI}: line ") and "“div”" in p for p in problems), problems
    assert any(p.startswith(f"assets/{css.name}: line ") and "“colr”" in p for p in problems), problems
    assert all(p.split(":")[0] in (TASK_EN, TASK_VI, f"assets/{css.name}") for p in problems), problems
