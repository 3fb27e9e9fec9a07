"""Talk to a real Isso as a resident and as a moderator do, over HTTP on 127.0.0.1.

Residents post through Isso's public API (what its widget calls); moderators log in to
Isso's admin page and use the activate/delete links it lists, as the admin page's buttons do.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import re
import urllib.parse
import urllib.request


class IssoClient:
    def __init__(self, url: str, origin: str, password: str | None = None):
        self.url = url.rstrip("/") + "/"
        self.origin = origin
        self.password = password
        self._moderator = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self._logged_in = False

    def post(self, thread: str, text: str, author: str | None = None, email: str | None = None,
             parent: int | None = None, title: str = "Thread", source: str = "127.0.0.1") -> tuple[int, dict | str]:
        """POST /new as the widget does; returns (HTTP status, JSON answer or error text).

        ``source`` is the loopback address the resident writes from: Isso limits each
        address (shortened to /24), so different residents use 127.0.N.1.
        """
        body = json.dumps({"text": text, "author": author, "email": email, "parent": parent, "title": title}).encode()
        parts = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10, source_address=(source, 0))
        try:
            connection.request("POST", f"{parts.path}new?uri={urllib.parse.quote(thread, safe='')}", body=body,
                               headers={"Content-Type": "application/json", "Origin": self.origin})
            answer = connection.getresponse()
            data = answer.read().decode("utf-8", "replace")
        finally:
            connection.close()
        return (answer.status, json.loads(data)) if answer.status in (201, 202) else (answer.status, data)

    def published(self, thread: str) -> list[dict]:
        """The thread's comments as any reader gets them (approved only)."""
        with urllib.request.urlopen(f"{self.url}?uri={urllib.parse.quote(thread, safe='')}&plain=1", timeout=10) as answer:
            data = json.loads(answer.read())
        found = []
        for comment in data["replies"]:
            found.append(comment)
            found.extend(comment.get("replies", []))
        return found

    def _login(self) -> None:
        if not self._logged_in:
            form = urllib.parse.urlencode({"password": self.password}).encode()
            self._moderator.open(f"{self.url}login/", data=form, timeout=10).read()
            self._logged_in = True

    def _key(self, comment_id: int) -> str:
        """The signed key the admin page gives each comment's Validate and Delete buttons."""
        self._login()
        for mode in (2, 1, 4):
            page = self._moderator.open(f"{self.url}admin/?mode={mode}", timeout=10).read().decode()
            found = re.search(rf"validate_com\({comment_id}, '([^']+)'|delete_com\({comment_id}, '([^']+)'", page)
            if found:
                return found.group(1) or found.group(2)
        raise AssertionError(f"comment {comment_id} is not on Isso's admin page")

    def approve(self, comment_id: int) -> str:
        key = self._key(comment_id)
        with self._moderator.open(f"{self.url}id/{comment_id}/activate/{key}", data=b"", timeout=10) as answer:
            return answer.read().decode()

    def delete(self, comment_id: int) -> str:
        key = self._key(comment_id)
        with self._moderator.open(f"{self.url}id/{comment_id}/delete/{key}", data=b"", timeout=10) as answer:
            return answer.read().decode()
