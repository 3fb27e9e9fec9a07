"""Live preview: build into a private folder, serve it, rebuild when a file is saved."""

from __future__ import annotations

import mimetypes
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import click
from livereload.watcher import Watcher

from .config import load_config
from .isso import LOCAL_FOLDER, IssoError, IssoServer
from .i18n import in_language, load_translations
from .incremental import Builder
from .problems import ERROR, Problem, Report, SiteError, format_problems
from .search import stop_indexing
from .security import script_hash

WATCHED = ("content", "templates", "locales", "site_config.yaml")
PROBLEMS_PAGE = "/_preview/"  # the problems on a page of their own; never a path of the site
STYLE = "/_preview/preview.css"  # a file, not inline: the pages' Content-Security-Policy allows no inline style
# The box stays at the top of the window: a reload keeps the reader's scroll position, which
# would otherwise leave the problems above the screen.
PREVIEW_CSS = """
.preview-problems{background:#fff4f4;color:#1a1a1a;border:3px solid #b00020;margin:0 0 1rem;padding:.75rem 1rem;
font:1rem/1.5 system-ui,sans-serif;overflow-wrap:anywhere;position:sticky;top:0;z-index:10;max-height:60vh;
overflow-y:auto}
.preview-problems h2{color:#b00020;font-size:1.15rem;margin:0 0 .5rem}
.preview-problems ol{margin:.5rem 0 0;padding-left:1.5rem}
.preview-problems li{margin:.25rem 0}
.preview-problems code{font-family:ui-monospace,monospace;font-size:.95em}
.preview-where{font-weight:bold}
.preview-hint{color:#333}
.preview-original{color:#444;font-size:.9em}
"""
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

    The preview never stops on a mistake: while the content is broken, every page shows the
    problems above the last good version of the page, and the next good save clears them.
    When comments are on, a real Isso runs beside it on 127.0.0.1 (see start_comments).
    """
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    folder = Path(tempfile.mkdtemp(prefix="minhbach-preview-"))
    overrides = {"base_url": f"http://{host}:{port}", "base_path": "/"}
    csp_sources = {"script-src": [script_hash(LIVE_RELOAD_SCRIPT)], "connect-src": [f"ws://{host}:{port}"]}
    signal.signal(signal.SIGTERM, _stop_on_terminate)
    comments = start_comments(root, host, port, comments_port)
    if comments is not None:
        overrides["comments.url"] = comments.url
    # No build manifest: the preview's folder is new each time, and .cache/ stays the build's.
    # The search index follows each rebuild in the background (SearchRefresh), never delaying a reload.
    preview = Preview(root, Builder(root, folder / "site", overrides=overrides, csp_sources=csp_sources, manifest=False,
                                    search=False))
    try:
        preview.rebuild()
        LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # reload after every rebuild, however quick the saves
        server = Server(preview.app, watcher=SourceWatcher(root, preview.rebuild))
        click.echo(f"Preview folder: {folder / 'site'}")
        click.echo(f"Serving the preview at http://{host}:{port}/ (Ctrl+C to stop)")
        click.echo(f"Problems, if any, are also listed at http://{host}:{port}{PROBLEMS_PAGE}")
        server.serve(host=host, port=port, open_url_delay=1 if open_browser else None, restart_delay=0,
                     debug=False, live_css=False)
    finally:
        preview.search.stop()
        if comments is not None:
            comments.stop()
            click.echo("Stopped the comment server.")
        shutil.rmtree(folder, ignore_errors=True)


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every watched file, by path relative to ``root``."""
    found: dict[str, tuple[int, int]] = {}
    for name in WATCHED:
        top = root / name
        paths = [top] if top.is_file() else (Path(d) / f for d, _, files in os.walk(top) for f in files)
        for path in paths:
            if path.name.startswith(".") or path.name.endswith(("~", ".swp", ".tmp")):
                continue
            try:
                stat = path.stat()
            except OSError:  # deleted between listing and reading
                continue
            found[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


class SourceWatcher(Watcher):
    """Tells the preview which watched files were saved, created or deleted since the last look."""

    def __init__(self, root: Path, on_change: Callable[[list[str]], None]):
        super().__init__()
        self.root = root
        self.on_change = on_change
        started = time.perf_counter()
        self.seen = _snapshot(root)
        # Look often (a save shows within a fraction of a second) but spend at most a tenth of
        # the time looking: a national content set takes longer to list than the bundled one.
        self.interval = min(2.0, max(0.2, 10 * (time.perf_counter() - started)))
        for name in WATCHED:  # listed for livereload's log; examine() below does the looking
            self.watch(str(root / name))

    def start(self, callback) -> bool:
        """Poll on our own interval rather than livereload's fixed 0.8 s."""
        from tornado import ioloop

        ioloop.PeriodicCallback(callback, self.interval * 1000).start()
        return True

    def examine(self):
        if self._changes:
            return self._changes.pop()
        current = _snapshot(self.root)
        changed = sorted(name for name in set(current) | set(self.seen) if current.get(name) != self.seen.get(name))
        self.seen = current
        if not changed:
            return None, None
        self.on_change(changed)
        self.filepath = "/"  # reload the whole page (never a stylesheet alone: its name has a fingerprint)
        return self.filepath, None


class SearchRefresh:
    """Brings the preview's search index up to date in the background after a good rebuild.

    Pagefind takes tens of seconds on a national site: pages reload as soon as a rebuild has
    written them, and searching uses the last complete index until the new one is complete
    (Builder.refresh_search replaces it file by file, its entry file last). Saves made while
    Pagefind runs, or in quick succession, lead to one more run after it, not one each.
    """

    QUIET = 0.5  # seconds without another save before Pagefind starts

    def __init__(self, builder: Builder):
        self.builder = builder
        self.wanted = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def request(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="search-index", daemon=True)
            self.thread.start()
        self.wanted.set()

    def stop(self) -> None:
        """At the preview's end: no new run, and the one under way is stopped."""
        self.stopping.set()
        self.wanted.set()
        stop_indexing()
        if self.thread is not None:
            self.thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            if self.stopping.is_set():
                return
            if self.wanted.wait(self.QUIET):  # another save: wait until they stop coming
                continue
            try:
                result = self.builder.refresh_search()
            except Exception as error:  # a failed index must not end the preview: the old one stays
                if not self.stopping.is_set():
                    message = format_problems(error.problems) if isinstance(error, SiteError) else repr(error)
                    click.echo(f"The search index was not updated:\n{message}", err=True)
            else:
                click.echo(f"Search index updated in {result.search_s:.1f} s ({result.written} files written).")


class Preview:
    """The last good site on disk and the problems of the latest build, served together."""

    def __init__(self, root: Path, builder: Builder):
        self.root = root
        self.builder = builder
        self.site = builder.output
        self.problems: list[Problem] = []
        self.pending: set[str] = set()
        self.language = "vi"
        self.search = SearchRefresh(builder)

    def rebuild(self, changed: list[str] | None = None) -> None:
        """Rebuild what ``changed`` touches (everything when None); on failure keep the last good
        site and remember the problems. Never raises."""
        if changed:
            click.echo(f"Changed: {', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''}")
        # Files saved since the last good build are read again until one succeeds, so a
        # template edit while a record is broken still reports the record.
        self.pending.update(changed or ())
        started = time.perf_counter()
        try:
            result = self.builder.rebuild(sorted(self.pending)) if changed is not None else self.builder.build(force=True)
        except SiteError as error:
            self.problems = sorted(set(error.problems), key=lambda p: (p.severity != ERROR, p))
        except Exception as error:  # an engine bug must not end the preview either
            self.problems = [Problem("", 0, "", f"the build stopped unexpectedly: {type(error).__name__}: {error}",
                                     "undo the last change; if this stays, report it to the site's developers")]
            self.builder.site = None  # start again from scratch next time
        else:
            self.problems = []
            self.pending.clear()
            warnings = self._open(result.warnings)
            if warnings:
                click.echo(format_problems(warnings), err=True)
            click.echo(f"Rebuilt in {time.perf_counter() - started:.2f} s: {result.pages} pages "
                       f"({result.written} files written).")
            if not self.builder.search_current:
                self.search.request()
        self.language = self._language()
        if self.problems:
            click.echo(format_problems([p for p in self.problems if p.severity == ERROR] or self.problems), err=True)
            click.echo("The preview shows these problems above the last good pages until they are fixed.", err=True)

    def _open(self, warnings: list[Problem]) -> list[Problem]:
        """The warnings not acknowledged in site_config.yaml (those are kept on purpose)."""
        from .checks import acknowledge

        try:
            return acknowledge(warnings, load_config(self.root).acknowledged).open
        except SiteError:
            return warnings

    def _language(self) -> str:
        try:
            return load_config(self.root).default_language
        except SiteError:
            return self.language

    def translations(self):
        return load_translations(self.root / "locales", self.language, Report())

    def app(self, environ: dict, start_response) -> list[bytes]:
        """WSGI: the built files, with the problems shown on every page while the content is broken."""
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        if path == PROBLEMS_PAGE.rstrip("/") or path == PROBLEMS_PAGE:
            return self._respond(start_response, "200 OK", "text/html; charset=utf-8", self.problems_page())
        if path == STYLE:
            return self._respond(start_response, "200 OK", "text/css; charset=utf-8", PREVIEW_CSS.encode())
        relative = PurePosixPath(path.lstrip("/"))
        if ".." in relative.parts:
            return self._respond(start_response, "404 Not Found", "text/plain; charset=utf-8", b"Not found")
        target = self.site.joinpath(*relative.parts)
        if target.is_dir():
            if not path.endswith("/"):
                start_response("301 Moved Permanently", [("Location", quote(path) + "/"), ("Content-Length", "0")])
                return [b""]
            target = target / "index.html"
        status = "200 OK"
        if not target.is_file():
            status, target = "404 Not Found", self.site / "404.html"
        try:
            body = target.read_bytes()
        except OSError:  # no good build yet: the problems are all there is to show
            return self._respond(start_response, "503 Service Unavailable", "text/html; charset=utf-8",
                                 self.problems_page())
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            kind = "text/html; charset=utf-8"
            if self.problems:
                body = self.with_banner(body)
        return self._respond(start_response, status, kind, body, cache=False)

    @staticmethod
    def _respond(start_response, status: str, kind: str, body: bytes, cache: bool = False) -> list[bytes]:
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
        return [body]

    def banner(self) -> str:
        """The problems as an alert, in the site's default language."""
        _ = self.translations().gettext
        errors = [p for p in self.problems if p.severity == ERROR] or self.problems
        hint_label = escape(_("Hint:"))
        items = []
        for problem in errors:
            where = f"{problem.path}:{problem.line}" if problem.line else problem.path
            parts = [f'<code class="preview-where">{escape(where)}</code>' if where else ""]
            if problem.field:
                parts.append(f'<code class="preview-field">{escape(problem.field)}</code>')
            line = ": ".join(p for p in parts if p)
            message, hint = in_language(problem.message, _), in_language(problem.hint, _)
            if message != problem.message:  # the words the terminal shows, for searching and for help
                message = f'{escape(message)} <span class="preview-original" lang="en">({escape(problem.message)})</span>'
            else:
                message = escape(message)
            hint = f'<br><span class="preview-hint">{hint_label} {escape(hint)}</span>' if problem.hint else ""
            items.append(f'<li data-problem="{escape(problem.format().splitlines()[0])}">'
                         f'{line}{": " if line else ""}{message}{hint}</li>')
        heading = escape(_("The content has %(count)d problem(s); the preview shows the last good version.")
                         % {"count": len(errors)})
        advice = escape(_("Fix each file at the line shown and save it: this page reloads by itself."))
        return (f'<section class="preview-problems" role="alert" aria-labelledby="preview-problems-title" '
                f'lang="{self.language}"><h2 id="preview-problems-title">{heading}</h2><p>{advice}</p>'
                f'<ol>{"".join(items)}</ol></section>')

    def with_banner(self, page: bytes) -> bytes:
        text = page.decode("utf-8", "replace")
        text = text.replace("</head>", f'<link rel="stylesheet" href="{STYLE}"></head>', 1)
        match = re.search(r"<body[^>]*>", text)
        at = match.end() if match else 0
        return (text[:at] + self.banner() + text[at:]).encode("utf-8")

    def problems_page(self) -> bytes:
        """A page of its own with the problems (or the news that there are none)."""
        _ = self.translations().gettext
        title = escape(_("Preview problems"))
        none = escape(_("No problems: the preview is up to date."))
        home = escape(_("Home page"))
        body = self.banner() if self.problems else f"<p>{none}</p>"
        return (f'<!doctype html><html lang="{self.language}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
                f'<link rel="stylesheet" href="{STYLE}"></head><body><main><h1>{title}</h1>{body}'
                f'<p><a href="/">{home}</a></p></main></body></html>').encode("utf-8")


def start_comments(root: Path, host: str, port: int, comments_port: int | None) -> IssoServer | None:
    """Start Isso for the preview, with its database in .comments/ (kept between previews)."""
    try:
        comments = load_config(root).comments
    except SiteError:  # the preview shows the problems; comments wait for a restart with a good config
        click.echo("site_config.yaml has problems: the comment server is not started this time.", err=True)
        return None
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
