"""Run Isso, the comment server, with the settings of site_config.yaml.

The preview (build.py serve) and the tests start a real Isso on 127.0.0.1 with its SQLite
database in a local, git-ignored folder; production gets the same settings as an isso.cfg
from ``build.py comments isso-config``, so moderation and rate limits behave alike.
"""

from __future__ import annotations

import configparser
import contextlib
import ctypes
import ctypes.util
import importlib.util
import io
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .config import CommentsConfig

LOCAL_FOLDER = ".comments"
DATABASE = "comments.db"
START_SECONDS = 30


class IssoError(Exception):
    """The comment server could not be started or reached; the message says why."""


def isso_config(comments: CommentsConfig, *, db: Path | str, listen: str, public_endpoint: str,
                site_origins: list[str], admin_password: str | None, salt: str,
                trusted_proxies: tuple[str, ...] = ()) -> str:
    """The isso.cfg text for these settings (Isso's own INI format)."""
    if admin_password is not None and ("$" in admin_password or len(admin_password) < 12):
        raise IssoError("the admin password must be at least 12 characters and contain no '$' "
                        "(Isso would read $NAME as an environment variable)")
    parser = configparser.ConfigParser(interpolation=None)
    parser["general"] = {
        "dbpath": str(db),
        "host": "\n" + "\n".join(site_origins),  # the sites allowed to use it (CORS)
        "max-age": f"{max(comments.edit_minutes, 1)}m",
        "notify": "stdout",
        "reply-notifications": "false",
        "gravatar": "false",
        "latest-enabled": "false",
    }
    parser["admin"] = {"enabled": "true" if admin_password else "false", "password": admin_password or ""}
    parser["moderation"] = {
        "enabled": "true" if comments.moderation else "false",
        "approve-if-email-previously-approved": "false",
        "purge-after": f"{comments.pending_days}d",
    }
    parser["server"] = {"listen": listen, "public-endpoint": public_endpoint.rstrip("/"), "reload": "false",
                        "profile": "false", "trusted-proxies": "\n".join(trusted_proxies)}
    parser["guard"] = {
        "enabled": "true",
        "ratelimit": str(comments.rate_limit),
        "direct-reply": str(comments.direct_reply),
        "reply-to-self": "false",
        "require-author": "true" if comments.require_author else "false",
        "require-email": "false",
    }
    parser["hash"] = {"salt": salt, "algorithm": "pbkdf2"}
    parser["rss"] = {"base": ""}
    text = io.StringIO()
    text.write("# Written by minhbach from site_config.yaml (comments:). Change the settings there.\n")
    parser.write(text)
    return text.getvalue()


def free_port(host: str = "127.0.0.1") -> int:
    return free_ports(1, host)[0]


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` different ports free on ``host``: every probe stays bound until all are chosen,
    so the system cannot hand out one port twice (two free_port() calls in a row can)."""
    with contextlib.ExitStack() as probes:
        sockets = [probes.enter_context(socket.socket()) for _ in range(count)]
        for probe in sockets:
            probe.bind((host, 0))
        return [probe.getsockname()[1] for probe in sockets]


def _port_taken(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _die_with_parent() -> None:
    """In the child: ask Linux to stop Isso if the preview is killed without cleaning up."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class IssoServer:
    """A real Isso on 127.0.0.1, started and stopped by the preview or a test."""

    comments: CommentsConfig
    folder: Path
    site_origins: list[str]
    port: int = 0
    host: str = "127.0.0.1"
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def database(self) -> Path:
        return self.folder / DATABASE

    @property
    def log(self) -> Path:
        return self.folder / "isso.log"

    def start(self) -> IssoServer:
        """Write isso.cfg beside the database, start Isso and wait until it answers."""
        if importlib.util.find_spec("isso") is None:  # not imported here: it reconfigures logging
            raise IssoError("Isso is not installed: run pip install -r requirements.txt (or bash scripts/serve.sh)")
        self.port = self.port or free_port(self.host)
        if _port_taken(self.host, self.port):
            raise IssoError(f"port {self.port} is in use; choose another with --comments-port")
        self.folder.mkdir(parents=True, exist_ok=True)
        salt_file = self.folder / "salt"
        if not salt_file.exists():
            salt_file.write_text(secrets.token_hex(16), encoding="utf-8")
        config_file = self.folder / "isso.cfg"
        config_file.write_text(isso_config(
            self.comments, db=self.database.resolve(), listen=f"http://{self.host}:{self.port}",
            public_endpoint=self.url, site_origins=self.site_origins, admin_password=self.admin_password,
            salt=salt_file.read_text(encoding="utf-8").strip()), encoding="utf-8")
        config_file.chmod(0o600)
        log = self.log.open("ab")
        environment = {**os.environ, "ISSO_SETTINGS": ""}
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from isso import main; main()", "-c", str(config_file.resolve()), "run"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=environment,
            preexec_fn=_die_with_parent, cwd=self.folder)
        log.close()
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise IssoError(f"Isso stopped at start (exit {self.process.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "config", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise IssoError(f"Isso did not answer within {START_SECONDS} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop Isso: politely first, then firmly."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> IssoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
