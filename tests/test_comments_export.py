"""`build.py comments export`: approved comments from a real Isso become the published record."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from build import cli
from comment_site import TASK_ID, TASK_THREAD, comments_config
from conftest import FIXTURE_CONTENT, Pages, visible_text
from isso_client import IssoClient
from minhbach.config import load_config
from minhbach.isso import IssoServer
from minhbach.pipeline import build_site

THREAD = f"tasks/{TASK_ID}"
SITE = "http://127.0.0.1:9"
AGENCY_ACCOUNTS = "  agency_accounts:\n    so-xay-dung-tinh-mau: [GopY.SXD@tinh-mau.gov.vn]\n"


@pytest.fixture
def isso_site(make_site):
    """Factory: a fixture site with comments on, and a real Isso for it with its database in .comments/."""
    servers: list[IssoServer] = []

    def start(extra: dict | None = None, config: str | None = None):
        root = make_site({**FIXTURE_CONTENT, **(extra or {})},
                         config=config or comments_config(rate_limit=60, direct_reply=100) + AGENCY_ACCOUNTS)
        server = IssoServer(load_config(root).comments, root / ".comments", [SITE]).start()
        servers.append(server)
        return root, server, IssoClient(server.url, SITE, server.admin_password)

    yield start
    for server in servers:
        server.stop()


def export(root, *options: str):
    result = CliRunner().invoke(cli, ["--root", str(root), "comments", "export", *options])
    return result


def published(root) -> dict:
    return yaml.safe_load((root / TASK_THREAD).read_text(encoding="utf-8"))


def test_only_approved_comments_are_exported_without_private_data(isso_site):
    root, server, isso = isso_site()
    status, first = isso.post(THREAD, "Đề nghị công khai tiến độ ở phường Vĩnh Thanh.", author="Nguyễn & Cộng sự",
                              email="dan@example.vn")
    assert status == 202, "moderation is on: the comment waits"
    isso.post(THREAD, "Ý kiến chưa được duyệt.", author="Người khác", email="khac@example.vn", source="127.0.2.1")
    isso.approve(first["id"])
    result = export(root)
    assert result.exit_code == 0, result.output
    assert "1 new, 0 changed, 0 dropped; 1 file(s) written" in result.output
    text = (root / TASK_THREAD).read_text(encoding="utf-8")
    record = published(root)
    assert record["thread"] == THREAD
    assert [(c["id"], c["author"], c["text"]) for c in record["comments"]] == [
        (first["id"], "Nguyễn & Cộng sự", "Đề nghị công khai tiến độ ở phường Vĩnh Thanh.")]
    assert "dan@example.vn" not in text and "127.0.0" not in text and "chưa được duyệt" not in text
    again = export(root)
    assert "0 new, 0 changed, 0 dropped; 0 file(s) written" in again.output, "a second export changes nothing"
    build_site(root, root / "output")
    page = Pages(root / "output").soup(f"en/tasks/{TASK_ID}/index.html")
    assert "Đề nghị công khai tiến độ ở phường Vĩnh Thanh." in visible_text(page.find(id=f"comment-{first['id']}"))


def test_a_reply_from_an_agency_account_is_marked_official(isso_site):
    root, _, isso = isso_site()
    _, question = isso.post(THREAD, "Khi nào có kế hoạch?", author="Lê Văn Bình", email="binh@example.vn")
    _, answer = isso.post(THREAD, "Sở sẽ trình kế hoạch trong quý I/2027.", author="Sở Xây dựng",
                          email="gopy.sxd@TINH-MAU.gov.vn", parent=question["id"], source="127.0.3.1")
    _, impostor = isso.post(THREAD, "Tôi là Sở Xây dựng.", author="Sở Xây dựng", email="gia@example.vn",
                            source="127.0.4.1")
    for comment in (question, answer, impostor):
        isso.approve(comment["id"])
    result = export(root)
    assert f"Marked as an official reply: {THREAD}#{answer['id']}: so-xay-dung-tinh-mau" in result.output
    by_id = {c["id"]: c for c in published(root)["comments"]}
    assert by_id[answer["id"]]["official_agency"] == "so-xay-dung-tinh-mau"
    assert by_id[answer["id"]]["parent"] == question["id"]
    assert "official_agency" not in by_id[impostor["id"]], "a name alone does not make a reply official"
    build_site(root, root / "output")
    reply = Pages(root / "output").soup(f"vi/nhiem-vu/{TASK_ID}/index.html").find(id=f"comment-{answer['id']}")
    assert "Trả lời chính thức của Sở Xây dựng tỉnh Mẫu" in visible_text(reply)


def test_editors_changes_survive_and_removals_follow_the_moderators(isso_site):
    root, server, isso = isso_site()
    _, first = isso.post(THREAD, "Ý kiến thứ nhất.", author="An")
    _, reply = isso.post(THREAD, "Trả lời ý kiến thứ nhất.", author="Bình", parent=first["id"], source="127.0.5.1")
    _, lone = isso.post(THREAD, "Ý kiến sẽ bị xóa.", author="Cường", source="127.0.6.1")
    for comment in (first, reply, lone):
        isso.approve(comment["id"])
    export(root)
    edited = (root / TASK_THREAD).read_text(encoding="utf-8").replace(
        "  author: Bình\n", "  author: Bình\n  official_agency: ubnd-tinh-mau\n")
    (root / TASK_THREAD).write_text(edited, encoding="utf-8")
    isso.delete(first["id"])  # it has a reply, so Isso keeps a placeholder
    isso.delete(lone["id"])   # no reply: gone from the server
    result = export(root)
    assert result.exit_code == 0, result.output
    assert f"Kept 1 published comment(s) the server no longer has (use --prune to drop them): {THREAD}#{lone['id']}" \
        in result.output
    by_id = {c["id"]: c for c in published(root)["comments"]}
    assert by_id[first["id"]] == {"id": first["id"], "created": by_id[first["id"]]["created"], "removed": True}
    assert by_id[reply["id"]]["official_agency"] == "ubnd-tinh-mau", "set by an editor, kept by the export"
    assert by_id[lone["id"]]["text"] == "Ý kiến sẽ bị xóa."
    result = export(root, "--prune")
    assert "1 dropped" in result.output
    assert sorted(c["id"] for c in published(root)["comments"]) == [first["id"], reply["id"]]


def test_a_lost_server_does_not_lose_the_record(isso_site):
    root, _, isso = isso_site()
    _, comment = isso.post(THREAD, "Ý kiến đã công bố.", author="An")
    isso.approve(comment["id"])
    export(root)
    before = (root / TASK_THREAD).read_text(encoding="utf-8")
    with IssoServer(load_config(root).comments, root / ".comments-new", [SITE]) as empty:  # a new, empty database
        result = export(root, "--db", str(empty.database))
    assert result.exit_code == 0, result.output
    assert "Kept 1 published comment(s)" in result.output
    assert (root / TASK_THREAD).read_text(encoding="utf-8") == before


def test_a_different_database_with_the_same_numbers_is_refused(isso_site, tmp_path):
    root, _, isso = isso_site()
    _, comment = isso.post(THREAD, "Ý kiến gốc.", author="An")
    isso.approve(comment["id"])
    export(root)
    before = (root / TASK_THREAD).read_text(encoding="utf-8")
    (root / TASK_THREAD).write_text(before.replace("created: '20", "created: '19", 1), encoding="utf-8")
    changed = (root / TASK_THREAD).read_text(encoding="utf-8")
    result = export(root)
    assert result.exit_code == 1
    assert "this is not the database the record came from" in result.output and "Nothing was written." in result.output
    assert (root / TASK_THREAD).read_text(encoding="utf-8") == changed


def test_threads_that_are_not_pages_are_not_exported(isso_site):
    root, _, isso = isso_site()
    for number, uri in enumerate(("tasks/khong-co-nhiem-vu-nay", "<script>alert(1)</script>", "/vi/nhiem-vu/")):
        _, comment = isso.post(uri, "Ý kiến lạc chỗ.", source=f"127.0.{10 + number}.1")
        isso.approve(comment["id"])
    result = export(root)
    assert result.exit_code == 0, result.output
    assert "Not exported: 3 thread(s) that are not pages of this site" in result.output
    assert not (root / "content" / "comments").exists()


def test_hostile_text_is_exported_inert(isso_site):
    root, _, isso = isso_site()
    _, comment = isso.post(THREAD, "<script>alert(1)</script> [x](javascript:alert(1)) \u202eđảo\u202c chiều",
                           author="<img src=x onerror=alert(1)>\u202e")
    isso.approve(comment["id"])
    export(root)
    text = (root / TASK_THREAD).read_text(encoding="utf-8")
    assert "\u202e" not in text and "\u202c" not in text
    entry = published(root)["comments"][0]
    assert entry["text"] == "<script>alert(1)</script> [x](javascript:alert(1)) đảo chiều", "kept as written, as text"
    assert entry["author"] == "<img src=x onerror=alert(1)>"
    build_site(root, root / "output")
    shown = Pages(root / "output").soup(f"vi/nhiem-vu/{TASK_ID}/index.html").find(id=f"comment-{comment['id']}")
    assert not shown.find(["script", "img"]) and not shown.find("a", href=True)


def test_the_export_stops_cleanly_on_bad_input(make_site):
    root = make_site({**FIXTURE_CONTENT}, config=comments_config())
    result = export(root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "there is no comment database at" in result.output and "Nothing was written." in result.output
    (root / "not-a-database.db").write_text("hello", encoding="utf-8")
    result = export(root, "--db", str(root / "not-a-database.db"))
    assert result.exit_code == 1 and "cannot read the comment database" in result.output
    broken = {**FIXTURE_CONTENT, TASK_THREAD: "thread: tasks/mau-1-sxd-ke-hoach\ncomments:\n- id: x\n"}
    root = make_site(broken, config=comments_config())
    result = export(root, "--db", str(root / "missing.db"))
    assert result.exit_code == 1
    assert "content/comments/tasks/mau-1-sxd-ke-hoach.yaml:3: comments[0].id" in result.output


def test_a_reply_to_an_unpublished_comment_is_published_on_its_own():
    from minhbach.export import ExportResult, ServerComment, merge

    reply = ServerComment(THREAD, 5, 4, 1795460333.0, None, 1, "An", None, "Trả lời.")
    data = merge(THREAD, None, [reply], {}, prune=False, result=ExportResult())
    assert data["comments"] == [{"id": 5, "created": "2026-11-23T18:58:53Z", "author": "An", "text": "Trả lời."}]
