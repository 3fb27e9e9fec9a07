"""`build.py check`: the build's errors plus editorial warnings, strict mode, GitHub annotations, acknowledgements."""

from __future__ import annotations

from click.testing import CliRunner

from build import cli
from conftest import FIXTURE_CONFIG, FIXTURE_CONTENT, ROOT, TASK_PATH, DIRECTIVE_ID
from minhbach.checks import months_before

TEXT_VI = f"content/directives/{DIRECTIVE_ID}/text.vi.md"


def check(root, *args):
    return CliRunner().invoke(cli, ["--root", str(root), "check", *args])


def warned_site(make_site, config=FIXTURE_CONFIG):
    """The fixture site with one warning of every kind."""
    content = dict(FIXTURE_CONTENT)
    content[TASK_PATH] = FIXTURE_CONTENT[TASK_PATH].replace(
        "status: no-report", "status: no-report\n        funding: {vi: Ngân sách tỉnh}")
    content[TEXT_VI] = FIXTURE_CONTENT[TEXT_VI] + "\n        Căn cứ Quyết định số 950/QĐ-TTg ngày 01/8/2018.\n"
    content["content/agencies/so-tai-chinh-tinh-mau.yaml"] = """
        id: so-tai-chinh-tinh-mau
        kind: department
        name: {vi: Sở Tài chính tỉnh Mẫu, en: Mau Department of Finance}
        short: {vi: Sở Tài chính, en: Department of Finance}
        province: tinh-mau
        """
    return make_site(content, config=config)


def test_months_before_keeps_the_day_or_the_month_end():
    from datetime import date

    assert months_before(date(2026, 11, 23), 6) == date(2026, 5, 23)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 15) == date(2024, 12, 15)


def test_check_warns_about_every_editorial_gap(make_site):
    root = warned_site(make_site)
    result = check(root)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()

    def line_for(fragment):
        found = [line for line in lines if fragment in line]
        assert found, f"{fragment!r} not in:\n{result.stderr}"
        return found[0]

    assert line_for("funding: the English text is missing").startswith(f"{TASK_PATH}:19: ")
    assert line_for("no update since 2022-08-01").startswith(f"{TASK_PATH}:18: status: ")
    assert "more than 6 months before as_of (2026-11-23)" in line_for("no update since")
    assert line_for("the deadline (2022-09-30) passed").startswith(f"{TASK_PATH}:16: deadline.date: ")
    assert line_for("cites 950/QĐ-TTg").startswith(f"{TEXT_VI}:13: ")
    assert line_for("refers to this agency").startswith("content/agencies/so-tai-chinh-tinh-mau.yaml:1: id: ")
    assert "5 warning(s):" in result.stderr
    assert "No errors" in result.stdout


def test_an_update_and_a_completion_clear_the_warnings(make_site):
    content = dict(FIXTURE_CONTENT)
    content[TASK_PATH] = FIXTURE_CONTENT[TASK_PATH].replace("status: no-report", """status: completed
        updates:
          - date: 2022-09-20
            source: 12-ubnd-kt-2022
            text: {vi: Đã lập kế hoạch, en: The plan was prepared}
            status: completed
        """)
    root = make_site(content)
    result = check(root, "--strict")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


def test_a_recent_update_is_not_stale(make_site):
    content = dict(FIXTURE_CONTENT)
    content[TASK_PATH] = FIXTURE_CONTENT[TASK_PATH].replace("status: no-report", """status: in-progress
        updates:
          - date: 2026-10-01
            text: {vi: Đang thực hiện, en: Under way}
        """)
    result = check(make_site(content))
    assert "no update since" not in result.stderr
    assert "passed before as_of" in result.stderr  # still overdue: not completed


def test_strict_turns_warnings_into_errors(make_site):
    root = warned_site(make_site)
    result = check(root, "--strict")
    assert result.exit_code == 1
    assert "5 error(s):" in result.stderr
    assert "warning(s)" not in result.stderr


def test_github_annotations(make_site):
    root = warned_site(make_site)
    result = check(root, "--format", "github")
    assert result.exit_code == 0
    assert f"::warning file={TASK_PATH},line=16::deadline.date: the deadline (2022-09-30) passed" in result.stdout
    strict = check(root, "--format", "github", "--strict")
    assert strict.exit_code == 1
    assert f"::error file={TEXT_VI},line=13::cites 950/QĐ-TTg" in strict.stdout
    broken = dict(FIXTURE_CONTENT)
    broken[TASK_PATH] = FIXTURE_CONTENT[TASK_PATH].replace("lead: [so-xay-dung-tinh-mau]", "lead: [so-xay-dung]")
    errors = check(make_site(broken), "--format", "github")
    assert errors.exit_code == 1
    assert f"::error file={TASK_PATH},line=12::lead[0]: unknown agency 'so-xay-dung'" in errors.stdout


ACKNOWLEDGED = FIXTURE_CONFIG + """
acknowledged:
  - file: content/tasks/*.yaml
    check: stale
    reason: no source reports progress
  - {file: "content/tasks/*/mau-1-*.yaml", check: overdue, reason: the deadline passed}
  - {file: content/agencies/so-tai-chinh-tinh-mau.yaml, reason: named in a later plan}
  - {file: "content/directives/*/text.vi.md", check: missing-document, reason: not held}
"""


def test_acknowledged_warnings_let_strict_pass_and_are_listed_on_request(make_site):
    root = warned_site(make_site, config=ACKNOWLEDGED)
    result = check(root, "--strict")
    assert result.exit_code == 1  # the missing English is not acknowledged
    assert result.stderr.startswith("1 error(s):\n") and "funding: the English text is missing" in result.stderr
    (root / TASK_PATH).write_text((root / TASK_PATH).read_text().replace("{vi: Ngân sách tỉnh}",
                                                                           "{vi: Ngân sách tỉnh, en: Provincial budget}"))
    result = check(root, "--strict")
    assert result.exit_code == 0, result.output
    assert "4 acknowledged warning(s) not shown" in result.stdout
    shown = check(root, "--strict", "--show-acknowledged")
    assert shown.exit_code == 0
    assert "4 acknowledged warning(s):" in shown.stderr
    assert "acknowledged: no source reports progress" in shown.stderr
    assert "acknowledged: named in a later plan" in shown.stderr


def test_an_acknowledgement_that_matches_nothing_is_reported(make_site):
    config = FIXTURE_CONFIG + "acknowledged:\n  - {file: content/tasks/nothing.yaml, reason: old}\n"
    content = dict(FIXTURE_CONTENT)
    content[TASK_PATH] = FIXTURE_CONTENT[TASK_PATH].replace("status: no-report", "status: completed")
    result = check(make_site(content, config=config))
    assert "site_config.yaml: acknowledged[0]: this acknowledgement (content/tasks/nothing.yaml) matches no warning" \
        in result.stderr


def test_a_bad_acknowledgement_is_a_config_error(make_site):
    config = FIXTURE_CONFIG + "acknowledged:\n  - {file: content/tasks/x.yaml, check: late}\n"
    result = check(make_site(config=config))
    assert result.exit_code == 1
    assert "site_config.yaml" in result.stderr and "acknowledged[0].check" in result.stderr
    assert "acknowledged[0]" in result.stderr and "reason" in result.stderr
    assert "Traceback" not in result.output


def test_bundled_content_passes_strict_check_with_its_acknowledgements():
    result = check(ROOT, "--strict", "--show-acknowledged")
    assert result.exit_code == 0, result.output
    assert "acknowledged warning(s):" in result.stderr
    assert "overdue" not in result.stdout
