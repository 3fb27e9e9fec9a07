"""Bad-input catalogue: what a careless or hostile editor can commit, and the exact message each gets.

Every case is a small broken content tree made from the fixture site. Through the command line,
``check`` and ``build`` both exit 1 with the message (no traceback), and the last good output/
stays exactly as it was, byte for byte, inode for inode. Broken Markdown is not an error and so
is not here: test_security and test_bundled_site show it is made inert.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from build import cli
from conftest import (DIRECTIVE_ID, DIRECTIVE_PATH, FIXTURE_CONFIG, FIXTURE_CONTENT, ROOT, TASK_PATH, dedent,
                      write_content)

TASK = dedent(FIXTURE_CONTENT[TASK_PATH])
DIRECTIVE = dedent(FIXTURE_CONTENT[DIRECTIVE_PATH])
AGENCY_PATH = "content/agencies/so-xay-dung-tinh-mau.yaml"
AGENCY = dedent(FIXTURE_CONTENT[AGENCY_PATH])
PROVINCE_PATH = "content/provinces/tinh-mau.yaml"
PROVINCE = dedent(FIXTURE_CONTENT[PROVINCE_PATH])
TEXT_VI = f"content/directives/{DIRECTIVE_ID}/text.vi.md"
TEXT_EN = f"content/directives/{DIRECTIVE_ID}/text.en.md"
ABOUT_VI = "content/pages/about.vi.md"
CONFIG = dedent(FIXTURE_CONFIG)
BIG = 5 * 1024 * 1024


def edit(text: str, old: str, new: str) -> str:
    assert old in text, f"the fixture no longer contains {old!r}"
    return text.replace(old, new, 1)


def task(old: str, new: str) -> str:
    return edit(TASK, old, new)


def directive(old: str, new: str) -> str:
    return edit(DIRECTIVE, old, new)


def template(root: Path, name: str, old: str, new: str) -> None:
    path = root / "templates" / name
    path.write_text(edit(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def link_outside(relative: str, target_is_dir: bool = False) -> Callable[[Path], None]:
    """A symbolic link at ``relative`` to a file or folder outside content/."""
    def make(root: Path) -> None:
        outside = root.parent / "outside"
        outside.mkdir(exist_ok=True)
        (outside / "secret.yaml").write_text("id: secret\n", encoding="utf-8")
        os.symlink(outside if target_is_dir else outside / "secret.yaml", root / relative)
    return make


@dataclass
class Case:
    """One broken tree: files to change (None deletes), an extra step, and what the editor must read."""

    name: str
    files: dict[str, str | bytes | None]
    problem: str
    hint: str | None
    setup: Callable[[Path], None] | None = None
    args: tuple[str, ...] = ()
    commands: tuple[str, ...] = ("check", "build")
    count: int = 1
    extra: dict = field(default_factory=dict)


CASES = [
    # ------------------------------------------------------------------ YAML syntax
    Case("yaml-unclosed-bracket-in-agency",
         {AGENCY_PATH: edit(AGENCY, "name: {vi: Sở Xây dựng tỉnh Mẫu,", "name: {vi: Sở Xây dựng tỉnh Mẫu")},
         "content/agencies/so-xay-dung-tinh-mau.yaml:3: YAML syntax error at column 35: expected ',' or '}', but got ':'", "a bracket { or [ on this line is not closed, or its text needs quotes (text with ',' or ':')"),
    Case("yaml-unclosed-quote-in-directive",
         {DIRECTIVE_PATH: directive("vi: Triển khai phát triển", 'vi: "Triển khai phát triển')},
         'content/directives/12-ubnd-kt-2022/directive.yaml:8: YAML syntax error at column 7: a quote opened here is never closed (found unexpected end of stream on line 12)', 'close the quote or bracket on this line'),
    Case("yaml-two-documents",
         {TASK_PATH: TASK + "---\nid: mau-2\n"},
         "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:19: the file holds more than one record: a second one starts at this '---' line", 'one record per file: move the second record to a file of its own'),
    Case("yaml-python-tag",
         {TASK_PATH: task("status: no-report", "status: !!python/object/apply:os.system ['echo pwned']")},
         "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:18: YAML syntax error at column 9: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'", 'YAML tags (!!...) are not used in content: remove the tag and write the value itself'),
    Case("yaml-alias-bomb",
         {TASK_PATH: task("status: no-report", "status: no-report\nx: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
                          "y: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nz: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                          "w: [*c, *c, *c, *c, *c, *c, *c, *c, *c]")},
         'content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:19: YAML syntax error at column 4: YAML anchors and aliases (&name, *name) are not used in content', 'write the value out in full where it is needed'),
    Case("yaml-key-is-a-list",
         {PROVINCE_PATH: PROVINCE + "? [a, b]\n: c\n"},
         'content/provinces/tinh-mau.yaml:6: YAML syntax error at column 3: found a key that is not plain text', None),
    Case("yaml-scalar-file",
         {PROVINCE_PATH: "tinh-mau\n"},
         'content/provinces/tinh-mau.yaml:1: the file must hold one record (a mapping of fields)', "start each line with a field name, e.g. 'id: ...'"),
    # ------------------------------------------------------------------ wrong types
    Case("directive-date-is-a-year",
         {DIRECTIVE_PATH: directive("date: 2022-08-01", "date: 2022")},
         "content/directives/12-ubnd-kt-2022/directive.yaml:6: date: '2022' is not a date written as YYYY-MM-DD", 'write dates as YYYY-MM-DD, e.g. 2022-09-30'),
    Case("text-held-not-a-boolean",
         {DIRECTIVE_PATH: directive("text_held: true", "text_held: có")},
         "content/directives/12-ubnd-kt-2022/directive.yaml:11: text_held: 'có' is not true or false", None),
    Case("agency-name-is-a-list",
         {AGENCY_PATH: edit(AGENCY, "short: {vi: Sở Xây dựng, en: Department of Construction}",
                            "short: [Sở Xây dựng, Department of Construction]")},
         'content/agencies/so-xay-dung-tinh-mau.yaml:4: short: must give the text in both languages', 'write it as {vi: ..., en: ...}'),
    Case("lead-is-not-a-list",
         {TASK_PATH: task("lead: [so-xay-dung-tinh-mau]", "lead: so-xay-dung-tinh-mau")},
         'content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:12: lead: must be a list', "write one item per line, each starting with '- '"),
    Case("progress-with-percent-sign",
         {TASK_PATH: task("status: no-report", "status: in-progress\nprogress: 50%")},
         "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:19: progress: '50%' is not a whole number", None),
    Case("province-kind-typo",
         {PROVINCE_PATH: edit(PROVINCE, "kind: province", "kind: provice")},
         "content/provinces/tinh-mau.yaml:2: kind: 'provice' is not one of the allowed values", "did you mean 'province'?"),
    Case("transcription-part-zero",
         {DIRECTIVE_PATH: DIRECTIVE + "transcription:\n  file: a.txt\n  part: 0\n"},
         'content/directives/12-ubnd-kt-2022/directive.yaml:14: transcription.part: 0 is out of range (>= 1)', None),
    Case("relation-is-text",
         {DIRECTIVE_PATH: directive("relations: []", "relations:\n  - cites 950-qd-ttg-2018")},
         'content/directives/12-ubnd-kt-2022/directive.yaml:11: relations[0]: must be a mapping of fields', 'indent the fields under this key'),
    Case("number-is-a-number",
         {DIRECTIVE_PATH: directive("number: 12/UBND-KT", "number: 12")},
         'content/directives/12-ubnd-kt-2022/directive.yaml:2: number: must be text, not int', 'put the value in quotes'),
    Case("yearly-month-13",
         {TASK_PATH: task("kind: day\n  date: 2022-09-30", "kind: yearly\n  month: 13")},
         'content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:16: deadline.month: 13 is out of range (<= 12)', None),
    # ------------------------------------------------------------------ unknown references
    Case("unknown-issuer",
         {DIRECTIVE_PATH: directive("issuer: ubnd-tinh-mau", "issuer: ubnd-tinh-mao")},
         "content/directives/12-ubnd-kt-2022/directive.yaml:4: issuer: unknown agency 'ubnd-tinh-mao'", "did you mean 'ubnd-tinh-mau'?"),
    Case("unknown-agency-successor",
         {AGENCY_PATH: edit(AGENCY, "history: []", "history:\n  - date: 2025-03-01\n    change: merged\n    into: so-khac")},
         "content/agencies/so-xay-dung-tinh-mau.yaml:9: history[0].into: unknown agency 'so-khac'", 'add content/agencies/so-khac.yaml or correct the id'),
    Case("unknown-parent-province",
         {PROVINCE_PATH: edit(PROVINCE, "changes: []", "parent: tinh-cha\nchanges: []")},
         "content/provinces/tinh-mau.yaml:5: parent: unknown province 'tinh-cha'", "did you mean 'tinh-mau'?"),
    Case("unknown-update-source",
         {TASK_PATH: TASK + "updates:\n  - date: 2023-01-05\n    source: 99-tb-2023\n    text: {vi: Đã họp, en: Met}\n"},
         "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:21: updates[0].source: unknown directive '99-tb-2023'", 'add content/directives/99-tb-2023/directive.yaml or correct the id'),
    Case("missing-transcription-file",
         {DIRECTIVE_PATH: DIRECTIVE + "transcription:\n  file: 000_khong-co.txt\n"},
         'content/directives/12-ubnd-kt-2022/directive.yaml:13: transcription.file: content/sources/000_khong-co.txt does not exist', 'put the original transcription in content/sources/'),
    # ------------------------------------------------------------------ duplicate ids and addresses
    Case("duplicate-province-yaml-and-yml",
         {"content/provinces/tinh-mau.yml": PROVINCE},
         "content/provinces/tinh-mau.yml:1: id: the id 'tinh-mau' is already used by content/provinces/tinh-mau.yaml", 'give each record its own id'),
    Case("page-takes-the-province-list-address",
         {"content/pages/tinh.vi.md": "# Tỉnh\n\nTrang trùng địa chỉ.\n"},
         "content/pages/tinh.vi.md: this page would be written to vi/tinh/index.html, which the site's own province list page already uses", "rename the page's files"),
    Case("page-takes-the-documents-address",
         {"content/pages/documents.en.md": "# Documents\n\nSame address as the list.\n",
          "content/pages/documents.vi.md": "# Văn bản\n\nTrùng.\n"},
         "content/pages/documents.en.md: this page would be written to en/documents/index.html, which the site's own directive list page already uses", "rename the page's files"),
    # ------------------------------------------------------------------ impossible dates
    Case("directive-date-29-february",
         {DIRECTIVE_PATH: directive("date: 2022-08-01", "date: 2023-02-29")},
         "content/directives/12-ubnd-kt-2022/directive.yaml:6: date: '2023-02-29' is not a real date: month 2 of 2023 has 28 days", 'check the day and month against the document'),
    Case("month-deadline-13",
         {TASK_PATH: task("kind: day\n  date: 2022-09-30", "kind: month\n  date: 2022-13")},
         "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:16: deadline.date: '2022-13' is not a month written as YYYY-MM", 'e.g. date: 2018-04'),
    Case("update-on-31-april",
         {TASK_PATH: TASK + "updates:\n  - date: 2022-04-31\n    text: {vi: Đã họp, en: Met}\n"},
         "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:20: updates[0].date: '2022-04-31' is not a real date: month 4 of 2022 has 30 days", 'check the day and month against the document'),
    Case("yearly-31-november-is-flagged-and-strict-refuses-it",
         {TASK_PATH: task("kind: day\n  date: 2022-09-30", "kind: yearly\n  month: 11\n  day: 31")},
         'content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:17: deadline.day: day 31 does not exist in month 11; kept as written and flagged on the page', None, args=("--strict",),
         commands=("build",)),
    Case("as-of-30-february",
         {"site_config.yaml": edit(CONFIG, "as_of: 2026-11-23", "as_of: 2026-02-30")},
         "site_config.yaml:6: as_of: '2026-02-30' is not a real date: month 2 of 2026 has 28 days", 'check the day and month against the document'),
    # ------------------------------------------------------------------ encodings, BOM, NUL, tabs
    Case("utf16-record",
         {TASK_PATH: TASK.encode("utf-16")},
         'content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:1: the file is not UTF-8 text', 'save the file with UTF-8 encoding (Vietnamese text needs it)'),
    Case("windows-1258-full-text",
         {TEXT_VI: unicodedata.normalize("NFD", "Số: 12/UBND-KT\n\nGiao Sở Xây dựng.\n").encode("cp1258", "replace")},
         'content/directives/12-ubnd-kt-2022/text.vi.md:1: the file is not UTF-8 text', 'save the file with UTF-8 encoding (Vietnamese text needs it)'),
    Case("bom-in-markdown-strict",
         {TEXT_EN: b"\xef\xbb\xbf" + dedent(FIXTURE_CONTENT[TEXT_EN]).encode("utf-8")},
         'content/directives/12-ubnd-kt-2022/text.en.md:1: the file starts with a byte-order mark (BOM); it was ignored', 'save the file as UTF-8 without BOM', args=("--strict",),
         commands=("build",)),
    Case("site-config-not-utf8",
         {"site_config.yaml": CONFIG.replace("Trang thử nghiệm", "Trang thu nghiem é").encode("latin-1")},
         'site_config.yaml: the file is not UTF-8 text', 'save it as UTF-8'),
    Case("nul-in-markdown",
         {ABOUT_VI: "# Giới thiệu\n\nTrang\x00 thử nghiệm.\n"},
         'content/pages/about.vi.md:3: the file contains a NUL character', 'remove it; the file may be binary or damaged'),
    Case("control-character-pasted-into-a-record",
         {TASK_PATH: task("vi: Lập kế hoạch", "vi: Lập\x0b kế hoạch")},
         'content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:5: YAML syntax error at column 10: the character U+000B cannot be used in YAML text', 'delete it (control characters often come with text copied from a PDF or a word processor)'),
    Case("control-character-in-site-config",
         {"site_config.yaml": edit(CONFIG, "vi: Trang thử nghiệm", "vi: Trang\x1f thử nghiệm")},
         'site_config.yaml:2: YAML syntax error at column 12: the character U+001F cannot be used in YAML text', 'delete it (control characters often come with text copied from a PDF or a word processor)'),
    Case("tab-in-directive",
         {DIRECTIVE_PATH: directive("  vi: Triển khai", "\tvi: Triển khai")},
         "content/directives/12-ubnd-kt-2022/directive.yaml:8: YAML syntax error at column 1: found character '\\t' that cannot start any token", 'indent with spaces, not tabs'),
    # ------------------------------------------------------------------ sizes and empty files
    Case("five-megabyte-full-text",
         {TEXT_VI: "Giao Sở Xây dựng chủ trì. " * (BIG // 26)},
         'content/directives/12-ubnd-kt-2022/text.vi.md: the file is larger than 2 MB', 'split the text, or check that the file is really text'),
    Case("five-megabyte-page",
         {ABOUT_VI: "# Giới thiệu\n\n" + "Trang thử nghiệm. " * (BIG // 18)},
         'content/pages/about.vi.md: the file is larger than 2 MB', 'split the text, or check that the file is really text'),
    Case("empty-full-text",
         {TEXT_VI: ""},
         'content/directives/12-ubnd-kt-2022/text.vi.md:1: the file is empty', 'write the text, or delete the file'),
    Case("empty-directive-record",
         {DIRECTIVE_PATH: ""},
         'content/directives/12-ubnd-kt-2022/directive.yaml:1: the file is empty', 'fill in the record, or delete the file'),
    Case("empty-site-config",
         {"site_config.yaml": ""},
         'site_config.yaml:1: title: a required field is missing', 'add it in both languages: {vi: ..., en: ...}', count=2),
    Case("page-without-title",
         {ABOUT_VI: "Trang thử nghiệm.\n"},
         "content/pages/about.vi.md:1: a page must start with its title as '# Title'", "make the first line '# ' followed by the page's title"),
    Case("text-without-directive",
         {"content/directives/13-ubnd-kt-2022/text.vi.md": "Văn bản.\n"},
         "content/directives/13-ubnd-kt-2022/text.vi.md: no directive.yaml beside this text (folder '13-ubnd-kt-2022')", "add directive.yaml to the folder, or move the text to its directive's folder"),
    # ------------------------------------------------------------------ templates
    Case("template-syntax-error",
         {}, "templates/task.html:8: template syntax error: Expected an expression, got 'end of statement block'", 'check the {% %} and {{ }} tags', setup=lambda root: template(root, "task.html", "{% block main %}", "{% block main %}{% if %}")),
    Case("template-unknown-field",
         {}, "templates/task.html:5: template error: 'minhbach.models.Task object' has no attribute 'titel'", 'a template uses a field, filter or test that does not exist', setup=lambda root: template(root, "task.html", "{{ task.title|t }}", "{{ task.titel|t }}")),
    Case("template-missing",
         {}, 'templates/agency.html: the template is missing', "restore it from the project's repository (git checkout -- templates/agency.html)", setup=lambda root: (root / "templates" / "agency.html").unlink()),
    Case("stylesheet-missing",
         {}, 'templates/assets/site.css: cannot read: No such file or directory', "restore the file from the project's repository", setup=lambda root: (root / "templates" / "assets" / "site.css").unlink()),
    # ------------------------------------------------------------------ names that would leave the site
    Case("id-climbs-out",
         {TASK_PATH: task("lead: [so-xay-dung-tinh-mau]", "lead: [../../etc/passwd]")},
         "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:12: lead[0]: '../../etc/passwd' is not a valid id: it would point outside the site's folder", "use lowercase letters a-z, digits and single hyphens only, e.g. 'etc-passwd'"),
    Case("id-is-absolute",
         {DIRECTIVE_PATH: directive("issuer: ubnd-tinh-mau", "issuer: /var/www/index")},
         "content/directives/12-ubnd-kt-2022/directive.yaml:4: issuer: '/var/www/index' is not a valid id: it would point outside the site's folder", "use lowercase letters a-z, digits and single hyphens only, e.g. 'var-www-index'"),
    Case("id-with-nul",
         {TASK_PATH: task("province: tinh-mau", 'province: "tinh-mau\\0"')},
         "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:3: province: 'tinh-mau\\0' is not a valid id: it would point outside the site's folder", "use lowercase letters a-z, digits and single hyphens only, e.g. 'tinh-mau'"),
    Case("id-with-backslash",
         {TASK_PATH: task("coordinating: [ubnd-tinh-mau]", "coordinating: ['..\\..\\ubnd']")},
         "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:13: coordinating[0]: '..\\..\\ubnd' is not a valid id: it would point outside the site's folder", "use lowercase letters a-z, digits and single hyphens only, e.g. 'ubnd'"),
    Case("id-in-vietnamese",
         {TASK_PATH: task("province: tinh-mau", "province: Tỉnh Mẫu")},
         "content/tasks/12-ubnd-kt-2022/mau-1-sxd-ke-hoach.yaml:3: province: 'Tỉnh Mẫu' is not a valid id", "use lowercase letters a-z, digits and single hyphens, e.g. 'tinh-mau'"),
    Case("page-name-in-vietnamese",
         {"content/pages/Giới thiệu.vi.md": "# Giới thiệu\n\nTrang.\n"},
         "content/pages/Giới thiệu.vi.md: the page name 'Giới thiệu' cannot be an address: use lowercase letters a-z, digits and single hyphens", 'rename the file to gioi-thieu.vi.md'),
    Case("page-name-with-capitals",
         {"content/pages/About.en.md": "# About\n\nA page.\n"},
         "content/pages/About.en.md: the page name 'About' cannot be an address: use lowercase letters a-z, digits and single hyphens", 'rename the file to about.en.md'),
    Case("symlinked-folder-leaves-content",
         {}, 'content/tasks/ngoai: this folder is a link to outside content/; it was refused', 'copy the files into content/ instead of linking them', setup=link_outside("content/tasks/ngoai", target_is_dir=True)),
    Case("symlinked-page-leaves-content",
         {}, 'content/pages/secret.vi.md: this file is a link to outside content/; it was refused', 'copy the file into content/ instead of linking it', setup=link_outside("content/pages/secret.vi.md")),
    Case("output-is-content",
         {}, "content: the output folder is content/ or inside it; building there would replace the editors' files", "choose a new or empty folder, or the site's output/", args=("--output", "{root}/content"), commands=("build",)),
    Case("output-is-the-project",
         {}, ".: the output folder is the project's own folder (or holds it); building there would delete content/", "choose a new or empty folder, or the site's output/", args=("--output", "{root}"), commands=("build",)),
    Case("output-is-someone-elses-folder",
         {"notes/draft.txt": "Bản nháp của biên tập viên.\n"}, 'notes: the output folder is not empty and is not a built site (it has no index.html); building there would delete its files', "choose a new or empty folder, or the site's output/", args=("--output", "{root}/notes"),
         commands=("build",)),
    Case("comment-server-javascript-url",
         {"site_config.yaml": CONFIG + "comments:\n  url: javascript:alert(1)\n"},
         "site_config.yaml:8: comments.url: 'javascript:alert(1)' is not an http(s) address such as https://binhluan.example.org/", None),
]


def tree(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under ``folder`` (links not followed) with its bytes, inode and modification time."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            found[path.relative_to(folder).as_posix()] = (path.read_bytes(), stat.st_ino, stat.st_mtime_ns)
    return found


def assert_refused(output: str, exit_code: int, case: Case) -> None:
    assert "Traceback" not in output, output
    assert exit_code == 1, output
    lines = output.splitlines()
    assert lines[0] == f"{case.count} error(s):", output
    assert lines[1] == case.problem, output
    if case.hint is None:
        assert len(lines) == 2 or not lines[2].startswith("    hint: "), output
    else:
        assert lines[2] == f"    hint: {case.hint}", output


def test_the_catalogue_is_large_and_distinct():
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES])
def test_bad_input_is_refused_with_its_message_and_nothing_changes(built_site_copy, case):
    root = built_site_copy
    write_content(root, case.files)
    if case.setup:
        case.setup(root)
    before = tree(root)
    assert "output/en/tasks/mau-1-sxd-ke-hoach/index.html" in before
    for command in case.commands:
        args = [arg.format(root=root) for arg in case.args]
        result = CliRunner().invoke(cli, ["--root", str(root), command, *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert_refused(result.output, result.exit_code, case)
    # The last good site, the content and everything else in the folder are exactly as they were.
    assert tree(root) == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == []


SUBPROCESS_CASES = ("yaml-alias-bomb", "id-climbs-out", "template-syntax-error", "output-is-the-project",
                    "five-megabyte-full-text")


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_the_real_command_exits_1_without_a_traceback(built_site_copy, name):
    (case,) = [case for case in CASES if case.name == name]
    root = built_site_copy
    write_content(root, case.files)
    if case.setup:
        case.setup(root)
    before = tree(root)
    args = [arg.format(root=root) for arg in case.args]
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), "build", *args],
                            capture_output=True, text=True, timeout=120)
    assert result.stdout == ""
    assert_refused(result.stderr, result.returncode, case)
    assert tree(root) == before
