#!/usr/bin/env python3
"""Command line for the site: build it, check it, or preview it while editing.

Exit codes: 0 when the build or check succeeds, 1 when the content has problems
(every problem is listed as ``file:line: field: message``).
"""

from __future__ import annotations

from pathlib import Path

import click

from minhbach.pipeline import build_site, default_jobs
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
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes that render pages (default: one per CPU core). The output is the same for any number.")
@click.pass_obj
def build(root: Path, output: Path | None, base_url: str | None, base_path: str | None, strict: bool,
          jobs: int | None) -> None:
    """Build the site into output/, replacing it only when the build succeeds."""
    from minhbach.incremental import Builder

    builder = Builder(root, output or root / "output", overrides={"base_url": base_url, "base_path": base_path},
                      strict=strict, jobs=jobs or default_jobs())
    result = builder.build()
    if result.warnings:
        click.echo(format_problems(result.warnings), err=True)
    if result.site is None:
        click.echo(f"Nothing changed since the last build: {result.pages} pages in {output or root / 'output'}.")
        return
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


@cli.group()
def comments() -> None:
    """Residents' comments: publish the approved ones, configure the comment server."""


@comments.command("export")
@click.option("--db", "database", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Isso's SQLite database (default: .comments/comments.db, the preview's).")
@click.option("--prune", is_flag=True, help="Also drop published comments that the server no longer has.")
@click.pass_obj
def export(root: Path, database: Path | None, prune: bool) -> None:
    """Copy approved comments into content/comments/ (one YAML file per page), to commit with the content."""
    from minhbach.export import ExportError, export_comments
    from minhbach.isso import DATABASE, LOCAL_FOLDER

    try:
        result = export_comments(root, database or root / LOCAL_FOLDER / DATABASE, prune=prune)
    except ExportError as error:
        raise click.ClickException(f"{error}\nNothing was written.")
    for line in result.official:
        click.echo(f"Marked as an official reply: {line}")
    if result.kept:
        click.echo(f"Kept {len(result.kept)} published comment(s) the server no longer has "
                   f"(use --prune to drop them): {', '.join(result.kept[:10])}")
    if result.unknown_threads:
        names = ", ".join(ascii(name) for name in result.unknown_threads[:10])
        click.echo(f"Not exported: {len(result.unknown_threads)} thread(s) that are not pages of this site: {names}",
                   err=True)
    click.echo(f"Exported comments: {result.added} new, {result.updated} changed, {result.pruned} dropped; "
               f"{len(result.written)} file(s) written.")
    for name in result.written:
        click.echo(f"  {name}")


@comments.command("isso-config")
@click.option("--db", "database", default="/var/lib/isso/comments.db", show_default=True,
              help="Where the production database lives.")
@click.option("--listen", default="http://127.0.0.1:8080", show_default=True, help="Where Isso listens, behind nginx.")
@click.option("--site", "sites", multiple=True, help="Address of the site that embeds the comments (default: base_url).")
@click.option("--admin/--no-admin", default=True, show_default=True,
              help="Enable the moderation page; its password is read from ISSO_ADMIN_PASSWORD.")
@click.pass_obj
def isso_config_command(root: Path, database: str, listen: str, sites: tuple[str, ...], admin: bool) -> None:
    """Print the production isso.cfg, with the comment settings of site_config.yaml."""
    import os
    import secrets

    from minhbach.config import load_config
    from minhbach.isso import IssoError, isso_config

    config = load_config(root)
    if not config.comments.enabled:
        raise click.ClickException("comments are not enabled in site_config.yaml")
    password = os.environ.get("ISSO_ADMIN_PASSWORD") if admin else None
    if admin and not password:
        raise click.ClickException("set ISSO_ADMIN_PASSWORD to the moderators' password (or use --no-admin)")
    try:
        click.echo(isso_config(config.comments, db=database, listen=listen, public_endpoint=config.comments.url,
                               site_origins=list(sites) or [config.base_url], admin_password=password,
                               salt=secrets.token_hex(16), trusted_proxies=("127.0.0.1", "::1")), nl=False)
    except IssoError as error:
        raise click.ClickException(str(error))


if __name__ == "__main__":
    cli()
