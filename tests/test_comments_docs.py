"""The production guide works as written: its nginx configuration, its backup script, its commands."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import time

import pytest
from click.testing import CliRunner

from build import cli
from comment_site import TASK_ID, comments_config
from conftest import FIXTURE_CONTENT, ROOT, nginx_test
from isso_client import IssoClient
from minhbach.config import load_config
from minhbach.isso import IssoServer

GUIDES = {"en": ROOT / "docs" / "comments.md", "vi": ROOT / "docs" / "gop-y.md"}


def blocks(language: str, guide: str = "en") -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", GUIDES[guide].read_text(encoding="utf-8"), flags=re.S)


def nginx_config() -> str:
    (config,) = blocks("nginx")
    return config


def test_both_guides_give_the_same_configuration_and_scripts():
    for language in ("nginx", "sh", "ini", "yaml"):
        english, vietnamese = blocks(language, "en"), blocks(language, "vi")
        assert len(english) == len(vietnamese) > 0, language
    assert blocks("nginx", "vi") == blocks("nginx", "en")
    assert blocks("ini", "vi") == blocks("ini", "en")
    assert [b for b in blocks("sh", "vi") if "#!/bin/sh" in b] == [b for b in blocks("sh", "en") if "#!/bin/sh" in b]


def test_the_nginx_example_passes_nginx_t(tmp_path):
    certificates = tmp_path / "certs"
    certificates.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=binhluan.example.org", "-keyout", str(certificates / "privkey.pem"),
                    "-out", str(certificates / "fullchain.pem")], check=True, capture_output=True)
    site = nginx_config().replace("/etc/letsencrypt/live/binhluan.example.org", str(certificates))
    result = nginx_test(site, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr
    broken = site.replace("proxy_pass http://isso;", "proxy_pass http://isso", 1)
    result = nginx_test(broken, tmp_path)
    assert result.returncode != 0, "the check would notice a broken configuration"


def test_the_backup_script_copies_a_live_database_and_keeps_backup_days(make_site, tmp_path):
    (script,) = [b for b in blocks("sh") if b.startswith("#!/bin/sh")]
    root = make_site(FIXTURE_CONTENT, config=comments_config())
    backups = tmp_path / "backups"
    backups.mkdir()
    old, recent = backups / "comments-2000-01-01.db", backups / "comments-2000-01-02.db"
    for path, age_days in ((old, 40), (recent, 3)):
        path.write_bytes(b"")
        moment = time.time() - age_days * 86400
        os.utime(path, (moment, moment))
    with IssoServer(load_config(root).comments, root / ".comments", ["http://127.0.0.1:9"]) as server:
        isso = IssoClient(server.url, "http://127.0.0.1:9", server.admin_password)
        _, comment = isso.post(f"tasks/{TASK_ID}", "Ý kiến cần được sao lưu.")
        isso.approve(comment["id"])
        result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env={
            **os.environ, "ISSO_DB": str(server.database), "BACKUP_DIR": str(backups), "KEEP_DAYS": "30"})
    assert result.returncode == 0, result.stderr
    copies = sorted(p.name for p in backups.iterdir())
    today = [p for p in backups.iterdir() if p not in (old, recent)]
    assert len(today) == 1 and "comments-2000-01-01.db" not in copies and "comments-2000-01-02.db" in copies
    with sqlite3.connect(today[0]) as copy:
        assert copy.execute("SELECT text, mode FROM comments").fetchall() == [("Ý kiến cần được sao lưu.", 1)]


def test_the_commands_and_versions_the_guides_name_exist():
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    pin = re.search(r"^isso==([\d.]+)$", requirements, flags=re.M).group(1)
    runner = CliRunner()
    export_help = runner.invoke(cli, ["comments", "export", "--help"]).output
    config_help = runner.invoke(cli, ["comments", "isso-config", "--help"]).output
    serve_help = runner.invoke(cli, ["serve", "--help"]).output
    for guide in GUIDES.values():
        text = guide.read_text(encoding="utf-8")
        assert f"isso=={pin}" in text
        for option, help_text in (("--prune", export_help), ("--db", export_help), ("--site", config_help),
                                  ("--comments-port", serve_help)):
            assert option in text and option in help_text, option
        assert "/vi/gop-y/rieng-tu/" in text and "/en/comments/privacy/" in text


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_the_guides_yaml_examples_are_valid_settings_and_records(guide, make_site):
    settings, record = [b for b in blocks("yaml", guide) if b.startswith(("comments:", "thread:"))]
    config = comments_config().split("comments:")[0] + settings
    root = make_site(FIXTURE_CONTENT, config=config)
    parsed = load_config(root).comments
    assert parsed.moderation and parsed.url == "https://binhluan.example.org/"
    assert "so-xay-dung-kien-giang" in parsed.agency_accounts
    from minhbach.models import CommentThread
    from minhbach.yamlfile import parse_yaml

    thread = CommentThread.model_validate(parse_yaml(record))
    assert [c.official_agency for c in thread.comments] == [None, "so-xay-dung-kien-giang"]
