"""The comment server: configured from site_config.yaml, started and stopped by the preview."""

from __future__ import annotations

import configparser
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from build import cli
from comment_site import TASK_ID, comments_config
from conftest import FIXTURE_CONTENT, ROOT
from isso_client import IssoClient
from minhbach.config import CommentsConfig, load_config
from minhbach.isso import IssoServer, free_ports, isso_config

THREAD = f"tasks/{TASK_ID}"
SITE = "http://127.0.0.1:9"


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def parse(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


def test_isso_config_follows_the_site_settings():
    settings = CommentsConfig(url="https://binhluan.example.org", moderation=False, rate_limit=5, direct_reply=4,
                              edit_minutes=10, pending_days=14, require_author=True)
    parsed = parse(isso_config(settings, db="/var/lib/isso/comments.db", listen="http://127.0.0.1:8080",
                               public_endpoint="https://binhluan.example.org/", site_origins=["https://example.org"],
                               admin_password="a-long-password", salt="s", trusted_proxies=("127.0.0.1",)))
    assert parsed["moderation"]["enabled"] == "false" and parsed["moderation"]["purge-after"] == "14d"
    assert parsed["guard"]["ratelimit"] == "5" and parsed["guard"]["direct-reply"] == "4"
    assert parsed["guard"]["require-author"] == "true"
    assert parsed["general"]["host"].split() == ["https://example.org"]
    assert parsed["general"]["max-age"] == "10m" and parsed["general"]["gravatar"] == "false"
    assert parsed["server"]["public-endpoint"] == "https://binhluan.example.org"
    assert parsed["server"]["trusted-proxies"].split() == ["127.0.0.1"]
    assert parsed["admin"]["enabled"] == "true"


def test_moderation_rate_limit_and_cors_come_from_site_config(make_site):
    root = make_site(FIXTURE_CONTENT, config=comments_config(rate_limit=2))
    with IssoServer(load_config(root).comments, root / ".comments", [SITE]) as server:
        assert server.database == root / ".comments" / "comments.db" and server.database.exists()
        isso = IssoClient(server.url, SITE, server.admin_password)
        statuses = [isso.post(THREAD, f"Ý kiến số {n}.", source="127.0.7.1")[0] for n in range(3)]
        assert statuses == [202, 202, 403], "moderated, and two comments a minute from one address"
        assert isso.published(THREAD) == [], "nothing is shown before a moderator approves it"
        request = urllib.request.Request(server.url + "config", headers={"Origin": SITE})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.headers["Access-Control-Allow-Origin"] == SITE
        port = server.port
    assert not listening(port), "the server stops with its context"


def test_without_moderation_comments_appear_at_once(make_site):
    root = make_site(FIXTURE_CONTENT, config=comments_config(moderation=False))
    with IssoServer(load_config(root).comments, root / ".comments", [SITE]) as server:
        isso = IssoClient(server.url, SITE, server.admin_password)
        status, comment = isso.post(THREAD, "Đăng ngay.")
        assert status == 201
        assert [c["text"] for c in isso.published(THREAD)] == ["Đăng ngay."]


def test_production_config_command(make_site, monkeypatch):
    root = make_site(FIXTURE_CONTENT, config=comments_config(url="https://binhluan.example.org/"))
    monkeypatch.delenv("ISSO_ADMIN_PASSWORD", raising=False)
    result = CliRunner().invoke(cli, ["--root", str(root), "comments", "isso-config"])
    assert result.exit_code == 1 and "set ISSO_ADMIN_PASSWORD" in result.output
    monkeypatch.setenv("ISSO_ADMIN_PASSWORD", "short")
    result = CliRunner().invoke(cli, ["--root", str(root), "comments", "isso-config"])
    assert result.exit_code == 1 and "at least 12 characters" in result.output
    monkeypatch.setenv("ISSO_ADMIN_PASSWORD", "correct-horse-battery")
    result = CliRunner().invoke(cli, ["--root", str(root), "comments", "isso-config", "--db", "/srv/isso/c.db"])
    assert result.exit_code == 0, result.output
    parsed = parse(result.output)
    assert parsed["general"]["dbpath"] == "/srv/isso/c.db"
    assert parsed["general"]["host"].split() == ["https://example.org"]
    assert parsed["moderation"]["enabled"] == "true" and parsed["admin"]["password"] == "correct-horse-battery"
    assert "127.0.0.1" in parsed["server"]["trusted-proxies"].split(), "rate limits see residents, not nginx"


def _start_preview(root, port: int, comments_port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--root", str(root), "serve", "--port", str(port),
         "--comments-port", str(comments_port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=root)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not listening(port):
        if process.poll() is not None:
            raise AssertionError(f"serve stopped: {process.stdout.read()}")
        time.sleep(0.2)
    return process


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_serve_runs_a_real_isso_and_stops_it(make_site, stop):
    root = make_site(FIXTURE_CONTENT, config=comments_config())
    port, comments_port = free_ports(2)  # two calls to free_port() can give the same port
    process = _start_preview(root, port, comments_port)
    try:
        assert listening(comments_port), "Isso runs beside the preview"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/vi/nhiem-vu/{TASK_ID}/", timeout=10) as answer:
            page = BeautifulSoup(answer.read().decode(), "html.parser")
        assert page.find(id="isso-thread")["data-isso"] == f"http://127.0.0.1:{comments_port}/"
        assert (root / ".comments" / "comments.db").exists()
        request = urllib.request.Request(f"http://127.0.0.1:{comments_port}/config",
                                         headers={"Origin": f"http://127.0.0.1:{port}"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.headers["Access-Control-Allow-Origin"] == f"http://127.0.0.1:{port}"
    finally:
        os.kill(process.pid, stop)
        output = process.communicate(timeout=30)[0]
    deadline = time.monotonic() + 15
    while listening(comments_port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not listening(comments_port), f"Isso must stop with the preview:\n{output}"
    if stop != signal.SIGKILL:
        assert "Stopped the comment server." in output
        assert "Moderate comments at" in output
