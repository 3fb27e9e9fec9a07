"""Bad content is reported as ``file:line: field: message`` with a hint, exit code 1, no traceback,
and a failed build leaves the last good output/ exactly as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from build import cli
from conftest import DIRECTIVE_ID, DIRECTIVE_PATH, FIXTURE_CONFIG, FIXTURE_CONTENT, TASK_PATH, dedent, write_content

TASK = dedent(FIXTURE_CONTENT[TASK_PATH])
DIRECTIVE = dedent(FIXTURE_CONTENT[DIRECTIVE_PATH])
AGENCY_PATH = "content/agencies/so-xay-dung-tinh-mau.yaml"
AGENCY = dedent(FIXTURE_CONTENT[AGENCY_PATH])
TASK_FILE = TASK_PATH.removeprefix("content/")


def edit(text: str, old: str, new: str) -> str:
    assert old in text, f"the fixture no longer contains {old!r}"
    return text.replace(old, new, 1)


def task(old: str, new: str) -> str:
    return edit(TASK, old, new)


# (case id, files to change, the exact problem line, the exact hint or None)
CASES = [
    ("yaml-syntax",
     {TASK_PATH: task("vi: Lập kế hoạch phát triển", "vi: Lập kế hoạch: phát triển")},
     f"{TASK_PATH}:5: YAML syntax error at column 19: mapping values are not allowed here",
     "put text that contains ': ' inside quotes"),
    ("duplicate-key",
     {TASK_PATH: TASK + "status: in-progress\n"},
     f"{TASK_PATH}:19: YAML syntax error at column 1: the key 'status' appears twice in the same mapping",
     "keep one of the two entries"),
    ("missing-required-field",
     {TASK_PATH: task("lead: [so-xay-dung-tinh-mau]\n", "")},
     f"{TASK_PATH}:1: lead: a required field is missing",
     "add 'lead:' to this record"),
    ("empty-lead",
     {TASK_PATH: task("lead: [so-xay-dung-tinh-mau]", "lead: []")},
     f"{TASK_PATH}:12: lead: at least one lead agency is required",
     "list the lead agency id under 'lead:'"),
    ("unknown-agency",
     {TASK_PATH: task("lead: [so-xay-dung-tinh-mau]", "lead: [so-xay-dung-tinh-mua]")},
     f"{TASK_PATH}:12: lead[0]: unknown agency 'so-xay-dung-tinh-mua'",
     "did you mean 'so-xay-dung-tinh-mau'?"),
    ("unknown-coordinating-agency-without-match",
     {TASK_PATH: task("coordinating: [ubnd-tinh-mau]", "coordinating: [ubnd-tinh-mau, bo-tai-chinh]")},
     f"{TASK_PATH}:13: coordinating[1]: unknown agency 'bo-tai-chinh'",
     "add content/agencies/bo-tai-chinh.yaml or correct the id"),
    ("unknown-province",
     {TASK_PATH: task("province: tinh-mau", "province: tinh-khac")},
     f"{TASK_PATH}:3: province: unknown province 'tinh-khac'",
     "did you mean 'tinh-mau'?"),
    ("unknown-directive",
     {TASK_PATH: task("directive: 12-ubnd-kt-2022", "directive: 13-ubnd-kt-2022")},
     f"{TASK_PATH}:2: directive: unknown directive '13-ubnd-kt-2022'",
     "did you mean '12-ubnd-kt-2022'?"),
    ("duplicate-id-two-folders",
     {"content/tasks/khac/mau-1-sxd-ke-hoach.yaml": TASK},
     "content/tasks/khac/mau-1-sxd-ke-hoach.yaml:1: id: the id 'mau-1-sxd-ke-hoach' is already used by "
     f"{TASK_PATH}",
     "give each record its own id"),
    ("duplicate-id-yaml-and-yml",
     {"content/agencies/so-xay-dung-tinh-mau.yml": AGENCY},
     "content/agencies/so-xay-dung-tinh-mau.yml:1: id: the id 'so-xay-dung-tinh-mau' is already used by "
     "content/agencies/so-xay-dung-tinh-mau.yaml",
     "give each record its own id"),
    ("id-does-not-match-file-name",
     {TASK_PATH: task("id: mau-1-sxd-ke-hoach", "id: mau-1-sxd-ke-hoach-moi")},
     f"{TASK_PATH}:1: id: the id 'mau-1-sxd-ke-hoach-moi' does not match the file name 'mau-1-sxd-ke-hoach'",
     "rename the file name to 'mau-1-sxd-ke-hoach-moi' or change the id; they must match so links stay stable"),
    ("impossible-day-deadline",
     {TASK_PATH: task("date: 2022-09-30", "date: 2022-11-31")},
     f"{TASK_PATH}:16: deadline.date: '2022-11-31' is not a real date: month 11 of 2022 has 30 days",
     "check the day and month against the document; keep its words in deadline.text"),
    ("deadline-written-as-in-the-document",
     {TASK_PATH: task("date: 2022-09-30", "date: 30/9/2022")},
     f"{TASK_PATH}:16: deadline.date: '30/9/2022' is not a date written as YYYY-MM-DD",
     "check the day and month against the document; keep its words in deadline.text"),
    ("impossible-update-date",
     {TASK_PATH: TASK + "updates:\n  - date: 2023-02-29\n    text: {vi: Đã họp, en: Met}\n"},
     f"{TASK_PATH}:20: updates[0].date: '2023-02-29' is not a real date: month 2 of 2023 has 28 days",
     "check the day and month against the document"),
    ("progress-150",
     {TASK_PATH: task("status: no-report", "status: in-progress\nprogress: 150")},
     f"{TASK_PATH}:19: progress: progress 150 is outside 0-100",
     "progress is a percentage from 0 to 100"),
    ("progress-without-reported-status",
     {TASK_PATH: task("status: no-report", "status: no-report\nprogress: 10")},
     f"{TASK_PATH}:19: progress: a progress figure needs a reported status",
     "set the status the source reports, e.g. in-progress"),
    ("unknown-status-done",
     {TASK_PATH: task("status: no-report", "status: done")},
     f"{TASK_PATH}:18: status: 'done' is not one of the allowed values",
     "use one of: no-report, not-started, in-progress, completed, cancelled"),
    ("status-typo",
     {TASK_PATH: task("status: no-report", "status: in-progres")},
     f"{TASK_PATH}:18: status: 'in-progres' is not one of the allowed values",
     "did you mean 'in-progress'?"),
    ("missing-english-title",
     {TASK_PATH: task("  en: Prepare the smart urban development plan\n", "")},
     f"{TASK_PATH}:4: title: the English text is missing",
     "add 'en: ...' beside 'vi: ...'"),
    ("missing-vietnamese-title",
     {TASK_PATH: task("  vi: Lập kế hoạch phát triển đô thị thông minh\n", "")},
     f"{TASK_PATH}:4: title.vi: a required field is missing",
     "Vietnamese text is required"),
    ("title-not-bilingual",
     {TASK_PATH: task("title:\n  vi: Lập kế hoạch phát triển đô thị thông minh\n"
                      "  en: Prepare the smart urban development plan", "title: Lập kế hoạch")},
     f"{TASK_PATH}:4: title: must give the text in both languages",
     "write it as {vi: ..., en: ...}"),
    ("unknown-field-typo",
     {TASK_PATH: task("deadline:", "dealine:")},
     f"{TASK_PATH}:14: dealine: unknown field 'dealine'",
     "did you mean 'deadline'?"),
    ("invalid-id",
     {TASK_PATH: task("id: mau-1-sxd-ke-hoach", "id: Mau_1")},
     f"{TASK_PATH}:1: id: 'Mau_1' is not a valid id",
     "use lowercase letters a-z, digits and single hyphens, e.g. 'mau-1'"),
    ("quote-not-in-text-vi",
     {TASK_PATH: task("vi: chủ trì lập kế hoạch", "vi: chủ trì lập quy hoạch")},
     f"{TASK_PATH}:10: source.quote.vi: the quoted passage is not in the text of 12/UBND-KT "
     f"(content/directives/{DIRECTIVE_ID}/text.vi.md)",
     "copy the words exactly from one paragraph of the text"),
    ("quote-not-in-text-en",
     {TASK_PATH: task("en: lead the preparation", "en: leads the preparation")},
     f"{TASK_PATH}:11: source.quote.en: the quoted passage is not in the text of 12/UBND-KT "
     f"(content/directives/{DIRECTIVE_ID}/text.en.md)",
     "copy the words exactly from one paragraph of the text"),
    ("quote-across-two-paragraphs",
     {TASK_PATH: task("vi: chủ trì lập kế hoạch phát triển đô thị thông minh",
                      "vi: trước ngày 30/9/2022. 2. Về dữ liệu")},
     f"{TASK_PATH}:10: source.quote.vi: the quoted passage is not in the text of 12/UBND-KT "
     f"(content/directives/{DIRECTIVE_ID}/text.vi.md)",
     "copy the words exactly from one paragraph of the text"),
    ("comma-in-flow-mapping",
     {TASK_PATH: task("ref: {vi: Mục 1, en: Section 1}", "ref: {vi: Mục 1, đoạn 2, en: Section 1}")},
     f"{TASK_PATH}:8: source.ref.đoạn 2: unknown field 'đoạn 2'",
     'inside { } a comma ends the text: put text that contains a comma in quotes, e.g. {vi: "a, b", en: "a, b"}'),
    ("empty-file",
     {TASK_PATH: ""},
     f"{TASK_PATH}:1: the file is empty",
     "fill in the record, or delete the file"),
    ("whitespace-only-file",
     {TASK_PATH: "\n   \n"},
     f"{TASK_PATH}:1: the file is empty",
     "fill in the record, or delete the file"),
    ("file-is-a-list",
     {TASK_PATH: "- id: mau-1-sxd-ke-hoach\n"},
     f"{TASK_PATH}:1: the file must hold one record (a mapping of fields)",
     "start each line with a field name, e.g. 'id: ...'"),
    ("not-utf8-latin1",
     {TASK_PATH: TASK.replace("Lập kế hoạch phát triển", "Lap ke hoach phát trien").encode("latin-1", "replace")},
     f"{TASK_PATH}:5: the file is not UTF-8 text",
     "save the file with UTF-8 encoding (Vietnamese text needs it)"),
    ("nul-character",
     {TASK_PATH: TASK.encode("utf-8") + b"\x00"},
     f"{TASK_PATH}:19: the file contains a NUL character",
     "remove it; the file may be binary or damaged"),
    ("tab-indented",
     {TASK_PATH: task("  kind: day", "\tkind: day")},
     f"{TASK_PATH}:15: YAML syntax error at column 1: found character '\\t' that cannot start any token",
     "indent with spaces, not tabs"),
    ("tab-indented-everywhere",
     {TASK_PATH: TASK.replace("\n  ", "\n\t")},
     f"{TASK_PATH}:5: YAML syntax error at column 1: found character '\\t' that cannot start any token",
     "indent with spaces, not tabs"),
    ("full-text-missing",
     {f"content/directives/{DIRECTIVE_ID}/text.vi.md": None},
     f"{DIRECTIVE_PATH}:11: text_held: text_held is true but content/directives/{DIRECTIVE_ID}/text.vi.md is missing",
     "add the Vietnamese full text, or set 'text_held: false'"),
    ("directive-relates-to-unknown",
     {DIRECTIVE_PATH: edit(DIRECTIVE, "relations: []", "relations:\n  - kind: implements\n    target: 950-qd-ttg-2018")},
     f"{DIRECTIVE_PATH}:12: relations[0].target: unknown directive '950-qd-ttg-2018'",
     "add content/directives/950-qd-ttg-2018/directive.yaml or correct the id"),
    ("yearly-day-without-month",
     {TASK_PATH: task("kind: day\n  date: 2022-09-30", "kind: yearly\n  day: 5")},
     f"{TASK_PATH}:16: deadline.day: a yearly day needs its month",
     "add 'month:'"),
]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under ``folder`` with its bytes, inode and modification time."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            found[path.relative_to(folder).as_posix()] = (path.read_bytes(), stat.st_ino, stat.st_mtime_ns)
    return found


def run(root: Path, *args: str):
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    return result


def assert_reported(result, line: str, hint: str | None, count: int = 1) -> None:
    output = result.output
    assert "Traceback" not in output
    assert result.exit_code == 1, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = output.splitlines()
    assert lines[0] == f"{count} error(s):", output
    assert lines[1] == line, output
    if hint is not None:
        assert lines[2] == f"    hint: {hint}", output


@pytest.mark.parametrize("changes,line,hint", [pytest.param(c, l, h, id=i) for i, c, l, h in CASES])
def test_bad_content_is_reported_and_output_is_untouched(built_site_copy, changes, line, hint):
    root = built_site_copy
    before = snapshot(root / "output")
    assert "en/tasks/mau-1-sxd-ke-hoach/index.html" in before

    write_content(root, changes)
    for command in ("check", "build"):
        assert_reported(run(root, command), line, hint)

    assert snapshot(root / "output") == before
    assert not (root / ".output.new").exists()
    assert not (root / ".output.old").exists()


def test_check_on_valid_content_writes_nothing(make_site, site_content):
    # A byte-order mark is only a warning: the check passes and says so.
    site_content[TASK_PATH] = b"\xef\xbb\xbf" + TASK.encode("utf-8")
    root = make_site(site_content)
    result = run(root, "check")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == [
        "3 warning(s):",  # the BOM, and the fixture task's passed deadline and lack of updates (see test_check.py)
        f"{TASK_PATH}:1: the file starts with a byte-order mark (BOM); it was ignored",
        "    hint: save the file as UTF-8 without BOM",
    ]
    assert lines[-1] == "No errors: 40 pages would be built."
    assert not (root / "output").exists()


def test_a_failed_first_build_creates_no_output(make_site, site_content):
    site_content[TASK_PATH] = task("status: no-report", "status: done")
    root = make_site(site_content)
    result = run(root, "build")
    assert result.exit_code == 1
    assert sorted(p.name for p in root.iterdir()) == ["content", "locales", "site_config.yaml", "templates"]


def test_several_errors_in_different_files_are_all_reported(make_site, site_content):
    # Each mistake leaves the other records valid, so each is reported on its own.
    site_content[AGENCY_PATH] = edit(AGENCY, "province: tinh-mau", "province: tinh-mua")
    site_content[DIRECTIVE_PATH] = edit(DIRECTIVE, "relations: []", "relations:\n  - kind: cites\n    target: 99-qd-ttg-2020")
    site_content[TASK_PATH] = task("vi: chủ trì lập kế hoạch", "vi: chủ trì lập quy hoạch")
    site_content["content/tasks/12-ubnd-kt-2022/mau-2-du-lieu.yaml"] = edit(
        edit(TASK, "id: mau-1-sxd-ke-hoach", "id: mau-2-du-lieu"), "status: no-report", "status: done")
    site_content["content/provinces/tinh-cu.yaml"] = "id: tinh-cu\nkind: province\nname:\n  vi: Cũ: x\n"
    root = make_site(site_content)
    expected = {
        (f"{AGENCY_PATH}:5: province: unknown province 'tinh-mua'",
         "    hint: did you mean 'tinh-mau'?"),
        (f"{DIRECTIVE_PATH}:12: relations[0].target: unknown directive '99-qd-ttg-2020'",
         "    hint: add content/directives/99-qd-ttg-2020/directive.yaml or correct the id"),
        ("content/provinces/tinh-cu.yaml:4: YAML syntax error at column 9: mapping values are not allowed here",
         "    hint: put text that contains ': ' inside quotes"),
        ("content/tasks/12-ubnd-kt-2022/mau-2-du-lieu.yaml:18: status: 'done' is not one of the allowed values",
         "    hint: use one of: no-report, not-started, in-progress, completed, cancelled"),
        (f"{TASK_PATH}:10: source.quote.vi: the quoted passage is not in the text of 12/UBND-KT "
         f"(content/directives/{DIRECTIVE_ID}/text.vi.md)",
         "    hint: copy the words exactly from one paragraph of the text"),
    }
    for command in ("check", "build"):
        result = run(root, command)
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        lines = result.output.splitlines()
        assert lines[0] == "5 error(s):"
        reported = set()
        for index, line in enumerate(lines[1:], start=1):
            if not line.startswith("    hint: "):
                following = lines[index + 1] if index + 1 < len(lines) else ""
                reported.add((line, following if following.startswith("    hint: ") else None))
        assert reported == expected
    assert not (root / "output").exists()


def test_github_annotations(make_site, site_content):
    site_content[TASK_PATH] = task("deadline:", "dealine:")
    result = run(make_site(site_content), "check", "--format", "github")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"::error file={TASK_PATH},line=14::dealine: unknown field 'dealine' (hint: did you mean 'deadline'?)"
    ]


def test_warnings_do_not_fail_unless_strict(make_site, site_content):
    site_content[TASK_PATH] = task("kind: day\n  date: 2022-09-30", "kind: yearly\n  month: 11\n  day: 31")
    root = make_site(site_content)
    warning = f"{TASK_PATH}:17: deadline.day: day 31 does not exist in month 11; kept as written and flagged on the page"
    result = run(root, "check")
    assert result.exit_code == 0
    assert warning in result.output.splitlines()
    strict = run(root, "check", "--strict")
    assert strict.exit_code == 1
    assert strict.output.splitlines()[0] == "2 error(s):"  # with the task's lack of updates (test_check.py)
    assert warning in strict.output.splitlines()
    assert "Traceback" not in strict.output


# --------------------------------------------------------------------------- engine bugs
# The tests below FAIL against the engine as committed: each documents a bug (see the report).


def test_BUG_a_broken_record_causes_no_phantom_unknown_reference(make_site, site_content):
    """BUG: when a record cannot be read (here a YAML syntax error in the agency's file), every
    record that refers to it is also reported, as "unknown agency 'so-xay-dung-tinh-mau'" with the
    hint "did you mean 'ubnd-tinh-mau'?" — although the file content/agencies/so-xay-dung-tinh-mau.yaml
    exists and the id is right.  The editor is sent to fix a reference that is not wrong."""
    site_content[AGENCY_PATH] = edit(AGENCY, "kind: department", "kind: department: x")
    result = run(make_site(site_content), "check")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "1 error(s):",
        f"{AGENCY_PATH}:2: YAML syntax error at column 17: mapping values are not allowed here",
        "    hint: put text that contains ': ' inside quotes",
    ]


def test_BUG_site_config_errors_read_like_content_errors(make_site):
    """BUG: site_config.yaml problems show pydantic's raw text: "Value error, '2026-13-01' is not a
    real date..." (the "Value error, " prefix that validate.explain strips for content is left in)."""
    root = make_site(config=FIXTURE_CONFIG.replace("as_of: 2026-11-23", "as_of: 2026-13-01"))
    result = run(root, "check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.splitlines()[1] == "site_config.yaml:6: as_of: '2026-13-01' is not a real date: there is no month 13"


def test_content_link_outside_content_is_refused(make_site, tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text("id: x\n", encoding="utf-8")
    root = make_site()
    os.symlink(outside, root / "content" / "agencies" / "x.yaml")
    result = run(root, "check")
    assert result.exit_code == 1
    assert result.output.splitlines()[1] == "content/agencies/x.yaml: this file is a link to outside content/; it was refused"


@pytest.mark.parametrize("old,new,opened_at", [
    pytest.param("vi: Lập kế hoạch phát triển đô thị thông minh", 'vi: "Lập kế hoạch phát triển đô thị thông minh', 5,
                 id="unclosed-quote"),
    pytest.param("lead: [so-xay-dung-tinh-mau]", "lead: [so-xay-dung-tinh-mau", 12, id="unclosed-bracket"),
])
def test_BUG_unclosed_quote_or_bracket_points_at_where_it_opened(make_site, site_content, old, new, opened_at):
    """BUG (load.read_yaml): only PyYAML's problem_mark is used, so an unclosed quote is reported at
    the end of the file ("file:19: YAML syntax error at column 1: found unexpected end of stream")
    and an unclosed '[' at the next line ("file:13: ... expected ',' or ']', but got ':'"), with no
    hint.  The line where the quote or bracket was opened (PyYAML's context_mark) is never shown."""
    site_content[TASK_PATH] = task(old, new)
    result = run(make_site(site_content), "check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    first = result.output.splitlines()[1]
    assert first.startswith(f"{TASK_PATH}:{opened_at}:") or f"line {opened_at}" in result.output, result.output
