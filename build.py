#!/usr/bin/env python3
"""Command line for the site: build it, check it, or preview it while editing.

Exit codes: 0 when the build or check succeeds, 1 when the content has problems
(every problem is listed as ``file:line: field: message``).
"""

from __future__ import annotations

from pathlib import Path

import click

from minhbach.pipeline import build_site
from minhbach.problems import SiteError, format_problems

ROOT = Path(__file__).resolve().parent


@click.group()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=ROOT, show_default=False,
              help="Folder holding content/, templates/ and site_config.yaml (default: this project).")
@click.pass_context
def cli(context: click.Context, root: Path) -> None:
    """Build the bilingual smart-city transparency site."""
    context.obj = root


@cli.command()
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None, help="Where to write (default: output/).")
@click.option("--base-url", default=None, help="Override base_url from site_config.yaml.")
@click.option("--base-path", default=None, help="Override base_path, e.g. /minh-bach/.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
def build(root: Path, output: Path | None, base_url: str | None, base_path: str | None, strict: bool) -> None:
    """Build the site into output/, replacing it only when the build succeeds."""
    result = build_site(root, output or root / "output", overrides={"base_url": base_url, "base_path": base_path},
                        strict=strict)
    if result.warnings:
        click.echo(format_problems(result.warnings), err=True)
    click.echo(f"Built {result.pages} pages into {output or root / 'output'} "
               f"({result.written} files written, {result.unchanged} unchanged).")


@cli.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "output_format", type=click.Choice(["text", "github"]), default="text",
              help="github prints annotations for GitHub Actions.")
@click.pass_obj
def check(root: Path, strict: bool, output_format: str) -> None:
    """Check the content and templates without writing anything."""
    try:
        result = build_site(root, strict=strict, write=False)
    except SiteError as error:
        if output_format == "github":
            for problem in error.problems:
                click.echo(problem.format_github())
            raise SystemExit(1)
        raise
    if output_format == "github":
        for problem in result.warnings:
            click.echo(problem.format_github())
    elif result.warnings:
        click.echo(format_problems(result.warnings), err=True)
    click.echo(f"No errors: {result.pages} pages would be built.")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--comments-port", default=None, type=int, help="Port of the local comment server (default: port + 1).")
@click.pass_obj
def serve(root: Path, host: str, port: int, comments_port: int | None) -> None:
    """Preview the site with live reload while you edit content or templates.

    With comments on in site_config.yaml, a local comment server (Isso) runs beside it.
    """
    from minhbach.serve import serve as run_server

    run_server(root, host, port, comments_port=comments_port)


if __name__ == "__main__":
    cli()
