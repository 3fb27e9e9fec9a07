"""Light: every page with what holds up its first paint fits 30 KB gzipped, all from this site."""

from __future__ import annotations

import random

from conftest import QUALITY_FIGURES, break_page
from quality import report
from quality.weight import BUDGET, check_weight, page_weights, summary

TASK_EN = "en/tasks/mau-1-sxd-ke-hoach/index.html"
HOME_VI = "vi/index.html"


def incompressible(size: int) -> str:
    """Text that gzip cannot shrink much, as a big embedded table or picture would be."""
    rng = random.Random(7)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(size))


def test_every_page_of_the_bundled_site_is_light_and_self_contained(quality_site):
    weights = page_weights(quality_site)
    assert len(weights) == len(quality_site.pages) > 300
    assert all(w.blocking > 0 for w in weights)  # the stylesheet is counted on every page
    QUALITY_FIGURES.append(summary(weights))
    problems = check_weight(quality_site)
    assert not problems, report(problems)


def test_the_fixture_site_is_light(breakable_site):
    assert check_weight(breakable_site) == []


def test_a_heavy_page_names_the_page_and_its_weight(breakable_site):
    break_page(breakable_site, TASK_EN, "<h1>", f"<p>{incompressible(40_000)}</p><h1>")
    problems = [str(p) for p in check_weight(breakable_site)]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{TASK_EN}: weighs ")
    assert "KB gzipped" in problems[0] and f"over the {BUDGET // 1024} KB budget" in problems[0]


def test_a_render_blocking_script_counts_and_a_deferred_one_does_not(breakable_site):
    (breakable_site.output / "assets" / "big.js").write_text(f"var data = '{incompressible(50_000)}';")
    break_page(breakable_site, HOME_VI, "</head>", '<script src="/assets/big.js"></script></head>')
    break_page(breakable_site, TASK_EN, "</head>", '<script src="/assets/big.js" defer></script></head>')
    problems = [str(p) for p in check_weight(breakable_site)]
    assert len(problems) == 1 and problems[0].startswith(f"{HOME_VI}: weighs "), problems
    weights = {w.page: w for w in page_weights(breakable_site)}
    assert weights[HOME_VI].blocking > BUDGET > weights[HOME_VI].html
    assert weights[TASK_EN].blocking == weights["en/index.html"].blocking < 5 * 1024  # the stylesheet alone


def test_resources_from_other_hosts_and_images_without_sizes_are_reported(breakable_site):
    break_page(breakable_site, HOME_VI, "</head>",
               '<link rel="stylesheet" href="https://fonts.example.com/css?family=Roboto">'
               '<script src="//cdn.example.com/lib.js" defer></script></head>')
    break_page(breakable_site, TASK_EN, "<h1>", '<img src="/assets/map.png" alt="map">'
                                               '<img src="/assets/sized.png" alt="" width="10" height="10">'
                                               '<a href="https://other.example.com/">a link is not a request</a><h1>')
    problems = sorted(str(p) for p in check_weight(breakable_site))
    assert len(problems) == 3, problems
    assert problems[0].startswith(f"{TASK_EN}: line ")
    assert '<img src="/assets/map.png"> has no width and height' in problems[0]
    assert problems[1].startswith(f"{HOME_VI}: line ")
    assert 'href="https://fonts.example.com/css?family=Roboto"> makes the reader\'s browser fetch from another host' \
        in problems[1]
    assert 'src="//cdn.example.com/lib.js"' in problems[2]


def test_a_stylesheet_that_fetches_a_web_font_is_reported(breakable_site):
    css = next(breakable_site.output.glob("assets/site.*.css"))
    css.write_text(css.read_text() + '@font-face { font-family: X; src: url("https://fonts.example.com/x.woff2"); }')
    problems = [str(p) for p in check_weight(breakable_site)]
    assert problems == [f"assets/{css.name}: url(https://fonts.example.com/x.woff2) makes the reader's browser "
                        "fetch from another host"]

