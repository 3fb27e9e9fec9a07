"""The fixture site with comments switched on, and published comment threads to add to it."""

from __future__ import annotations

import textwrap

from conftest import FIXTURE_CONFIG

TASK_ID = "mau-1-sxd-ke-hoach"
TASK_THREAD = f"content/comments/tasks/{TASK_ID}.yaml"


def comments_config(url: str = "http://127.0.0.1:9/", **settings) -> str:
    """FIXTURE_CONFIG plus a comments section; keyword settings are written as YAML values."""
    lines = ["comments:", "  enabled: true", f"  url: {url}"]
    for name, value in settings.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        lines.append(f"  {name}: {value}")
    return textwrap.dedent(FIXTURE_CONFIG).lstrip("\n") + "\n".join(lines) + "\n"


def thread(comments: str, thread_id: str = f"tasks/{TASK_ID}") -> str:
    """A comment file: ``comments`` is the YAML list under 'comments:', indented by two spaces."""
    return f"thread: {thread_id}\ncomments:\n{textwrap.dedent(comments).strip(chr(10))}\n"


ONE_COMMENT = thread("""
- id: 7
  created: 2026-11-20T08:15:03Z
  author: Trần Thị Ánh
  text: |
    Đề nghị công bố lộ trình cụ thể cho phường Vĩnh Thanh.
- id: 9
  parent: 7
  created: 2026-11-21T02:00:00Z
  author: Sở Xây dựng
  official_agency: so-xay-dung-tinh-mau
  text: Sở sẽ công bố lộ trình trước ngày 30/12/2026.
""")
