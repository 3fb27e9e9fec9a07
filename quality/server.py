"""Serve a built output folder on 127.0.0.1 (a free port) for the browser gates and Lighthouse."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Handler(SimpleHTTPRequestHandler):
    base_path = "/"

    def translate_path(self, path: str) -> str:
        # The site expects to live under its base path; strip it to find the file.
        if self.base_path != "/" and path.startswith(self.base_path):
            path = "/" + path[len(self.base_path):]
        return super().translate_path(path)

    def log_message(self, *args) -> None:
        pass


class LocalServer:
    """``with LocalServer(output) as server: server.url_of("en/")`` — stopped when the block ends."""

    def __init__(self, output: Path, base_path: str = "/"):
        handler = type("Handler", (_Handler,), {"base_path": base_path})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(output)))
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.base_path = base_path
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "LocalServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
