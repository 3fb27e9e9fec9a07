"""Live preview: build into a private folder, serve it, rebuild when a file is saved."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from .pipeline import build_site
from .problems import SiteError, format_problems

WATCHED = ("content", "templates", "locales", "site_config.yaml")


def serve(root: Path, host: str, port: int, open_browser: bool = False) -> None:
    """Serve a preview on ``host:port``; output/ is never touched by the preview."""
    from livereload import Server

    preview = Path(tempfile.mkdtemp(prefix="minhbach-preview-"))
    overrides = {"base_url": f"http://{host}:{port}", "base_path": "/"}

    def rebuild() -> None:
        try:
            result = build_site(root, preview / "site", overrides=overrides)
        except SiteError as error:
            click.echo(format_problems(error.problems), err=True)
            click.echo("The preview keeps showing the last good build until this is fixed.", err=True)
            return
        if result.warnings:
            click.echo(format_problems(result.warnings), err=True)
        click.echo(f"Rebuilt: {result.pages} pages ({result.written} changed).")

    rebuild()
    if not (preview / "site").exists():
        raise click.ClickException("The first build failed; fix the problems above and run serve again.")
    server = Server()
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name), rebuild, delay=0.3)
    click.echo(f"Serving the preview at http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        server.serve(root=str(preview / "site"), host=host, port=port, open_url_delay=1 if open_browser else None,
                     restart_delay=0)
    finally:
        shutil.rmtree(preview, ignore_errors=True)
