"""Run the fast gates (valid HTML, whole, light) on any built folder; the browser gates too with --browser.

    .venv/bin/python -m quality output/ [--root .] [--browser] [--screenshots artifacts/screenshots]

Exits 1 and lists every problem, page by page, when a gate fails.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import BuiltSite, report
from .html import check_html
from .links import check_links
from .weight import check_weight, page_weights, summary


@click.command()
@click.argument("output", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="the site whose site_config.yaml says where OUTPUT is published")
@click.option("--browser", is_flag=True, help="also open one page of each type in Chromium (axe-core, focus, landmarks)")
@click.option("--screenshots", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="with --browser: write screenshots of the checked pages here")
def main(output: Path, root: Path, browser: bool, screenshots: Path | None) -> None:
    site = BuiltSite.from_config(output, root)
    problems = []
    for name, gate in (("valid HTML", check_html), ("links", check_links), ("weight", check_weight)):
        found = gate(site)
        click.echo(f"{name}: {len(found)} problem(s)")
        problems += found
    click.echo(summary(page_weights(site)))
    if browser:
        from .browser import check_in_browser

        run = check_in_browser(site, site.sample(), screenshots=screenshots)
        click.echo(f"browser: {run.checked} page widths checked, {len(run.problems)} problem(s)")
        problems += run.problems
        if screenshots:
            click.echo(f"screenshots: {screenshots.resolve()}")
    if problems:
        raise click.ClickException(report(problems))
    click.echo(f"{len(site.pages)} pages pass.")


if __name__ == "__main__":
    main()
