"""Live preview: build into a private folder, serve it, rebuild when a file is saved."""

from __future__ import annotations

import shutil
import signal
import tempfile
from pathlib import Path

import click

from .config import load_config
from .isso import LOCAL_FOLDER, IssoError, IssoServer
from .pipeline import build_site
from .problems import SiteError, format_problems
from .security import script_hash

WATCHED = ("content", "templates", "locales", "site_config.yaml")
# The inline script livereload (2.x) puts before </head> of every preview page. Pages allow no
# inline script, so the preview's Content-Security-Policy allows exactly this one by its hash.
LIVE_RELOAD_SCRIPT = (
    '(function(){var s=document.createElement("script");'
    "var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    's.src="//"+window.location.hostname+":"+port+ "/livereload.js?port=" + port;'
    'document.head.appendChild(s);})();'
)


def serve(root: Path, host: str, port: int, open_browser: bool = False, comments_port: int | None = None) -> None:
    """Serve a preview on ``host:port``; output/ is never touched by the preview.

    When comments are on, a real Isso runs beside it on 127.0.0.1 (see start_comments).
    """
    from livereload import Server

    preview = Path(tempfile.mkdtemp(prefix="minhbach-preview-"))
    overrides = {"base_url": f"http://{host}:{port}", "base_path": "/"}
    csp_sources = {"script-src": [script_hash(LIVE_RELOAD_SCRIPT)], "connect-src": [f"ws://{host}:{port}"]}
    signal.signal(signal.SIGTERM, _stop_on_terminate)
    comments = start_comments(root, host, port, comments_port)
    if comments is not None:
        overrides["comments.url"] = comments.url

    def rebuild() -> None:
        try:
            result = build_site(root, preview / "site", overrides=overrides, csp_sources=csp_sources)
        except SiteError as error:
            click.echo(format_problems(error.problems), err=True)
            click.echo("The preview keeps showing the last good build until this is fixed.", err=True)
            return
        if result.warnings:
            click.echo(format_problems(result.warnings), err=True)
        click.echo(f"Rebuilt: {result.pages} pages ({result.written} changed).")

    try:
        rebuild()
        if not (preview / "site").exists():
            raise click.ClickException("The first build failed; fix the problems above and run serve again.")
        server = Server()
        for name in WATCHED:
            if (root / name).exists():
                server.watch(str(root / name), rebuild, delay=0.3)
        click.echo(f"Serving the preview at http://{host}:{port}/ (Ctrl+C to stop)")
        server.serve(root=str(preview / "site"), host=host, port=port, open_url_delay=1 if open_browser else None,
                     restart_delay=0)
    finally:
        if comments is not None:
            comments.stop()
            click.echo("Stopped the comment server.")
        shutil.rmtree(preview, ignore_errors=True)


def start_comments(root: Path, host: str, port: int, comments_port: int | None) -> IssoServer | None:
    """Start Isso for the preview, with its database in .comments/ (kept between previews)."""
    try:
        comments = load_config(root).comments
    except SiteError as error:
        raise click.ClickException(format_problems(error.problems))
    if not comments.enabled:
        return None
    origins = [f"http://{host}:{port}"] + ([f"http://localhost:{port}"] if host == "127.0.0.1" else [])
    server = IssoServer(comments, root / LOCAL_FOLDER, origins, port=comments_port or port + 1)
    try:
        server.start()
    except IssoError as error:
        raise click.ClickException(f"The comment server did not start: {error}")
    click.echo(f"Comment server (Isso) at {server.url}, database {server.database}")
    click.echo(f"Moderate comments at {server.url}admin/ with the password {server.admin_password}")
    return server


def _stop_on_terminate(signum, frame) -> None:
    """Let a plain `kill` run the same clean-up as Ctrl+C, so Isso stops with the preview."""
    raise KeyboardInterrupt
