from click.testing import CliRunner
from build import cli
from conftest import TASK_PATH, DIRECTIVE_PATH, FIXTURE_CONTENT, dedent

T = dedent(FIXTURE_CONTENT[TASK_PATH])
def sub(old, new, text=T):
    assert old in text, old
    return text.replace(old, new, 1)

CASES = {
 "yaml": {TASK_PATH: sub("vi: Lập kế hoạch phát triển", "vi: Lập kế hoạch: phát triển")},
 "yaml2": {TASK_PATH: sub("lead: [so-xay-dung-tinh-mau]", "lead: [so-xay-dung-tinh-mau")},
 "missing": {TASK_PATH: sub("lead: [so-xay-dung-tinh-mau]\n", "")},
 "agency": {TASK_PATH: sub("lead: [so-xay-dung-tinh-mau]", "lead: [so-xay-dung-tinh-mua]")},
 "province": {TASK_PATH: sub("province: tinh-mau", "province: tinh-khac")},
 "directive": {TASK_PATH: sub("directive: 12-ubnd-kt-2022", "directive: 13-ubnd-kt-2022")},
 "dup": {"content/agencies/ubnd-tinh-mau.yml": FIXTURE_CONTENT["content/agencies/ubnd-tinh-mau.yaml"]},
 "dup2": {"content/tasks/other/mau-1-sxd-ke-hoach.yaml": T},
 "dupdir": {DIRECTIVE_PATH.replace(".yaml", ".yml"): FIXTURE_CONTENT[DIRECTIVE_PATH]},
 "date": {TASK_PATH: sub("date: 2022-09-30", "date: 2022-11-31")},
 "progress": {TASK_PATH: sub("status: no-report", "status: in-progress\nprogress: 150")},
 "status": {TASK_PATH: sub("status: no-report", "status: done")},
 "english": {TASK_PATH: sub("  en: Prepare the smart urban development plan\n", "")},
 "typo": {TASK_PATH: sub("deadline:", "dealine:")},
 "quote": {TASK_PATH: sub("vi: chủ trì lập kế hoạch phát triển", "vi: chủ trì lập quy hoạch phát triển")},
 "comma": {TASK_PATH: sub("ref: {vi: Mục 1, en: Section 1}", "ref: {vi: Mục 1, đoạn 2, en: Section 1}")},
 "comma2": {TASK_PATH: sub("title:\n  vi: Lập kế hoạch phát triển đô thị thông minh\n  en: Prepare the smart urban development plan", "title: {vi: Lập kế hoạch, trình duyệt, en: Prepare the plan}")},
 "empty": {TASK_PATH: ""},
 "latin1": {TASK_PATH: T.replace("Lập kế hoạch phát triển", "Lap ke hoach phát trien").encode("utf-8").decode("utf-8").encode("latin-1", "replace")},
 "tab": {TASK_PATH: sub("  kind: day", "\tkind: day")},
 "tab2": {TASK_PATH: T.replace("\n  ", "\n\t")},
}

import pytest
@pytest.mark.parametrize("name", list(CASES))
def test_x(name, make_site):
    content = {**FIXTURE_CONTENT, **CASES[name]}
    root = make_site(content)
    for cmd in (["check"], ["build"]):
        r = CliRunner().invoke(cli, ["--root", str(root), *cmd])
        print(f"\n=== {name} {cmd} exit={r.exit_code}\n{r.output}")
