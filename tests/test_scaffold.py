"""`build.py new`: new records that build at once, every field explained, and nothing written on a mistake."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from build import cli
from conftest import DIRECTIVE_ID, Pages
from minhbach.pipeline import build_site
from minhbach.schemas import MODELINE

QUOTE = "chủ trì lập kế hoạch phát triển đô thị thông minh"


def new(root: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--root", str(root), "new", *args], input=input)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "content").rglob("*")) if p.is_file()}


def test_a_new_agency_builds_and_explains_every_field(make_site):
    root = make_site()
    result = new(root, "agency", "--name-vi", "Sở Tài chính tỉnh Mẫu", "--name-en", "Mau Department of Finance",
                 "--short-vi", "Sở Tài chính", "--short-en", "Department of Finance", "--kind", "department",
                 "--province", "tinh-mau", "--abbr", "STC")
    assert result.exit_code == 0, result.output
    assert "content/agencies/so-tai-chinh-tinh-mau.yaml" in result.output
    lines = (root / "content/agencies/so-tai-chinh-tinh-mau.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == MODELINE + "../../schemas/agency.schema.json"
    for key in ("id", "kind", "name", "short", "abbr", "province", "history"):
        (index,) = [i for i, line in enumerate(lines) if line.startswith(f"{key}:")]
        vietnamese, english = lines[index - 2], lines[index - 1]
        assert vietnamese.startswith("# ") and english.startswith("# ") and vietnamese != english, key
    assert "name: {vi: Sở Tài chính tỉnh Mẫu, en: Mau Department of Finance}" in lines
    assert "Mã định danh" in "\n".join(lines) and "Never change it once published" in "\n".join(lines)
    build_site(root, root / "output")
    page = Pages(root / "output").soup("en/agencies/so-tai-chinh-tinh-mau/index.html")
    assert "Mau Department of Finance" in page.find("h1").get_text()


def test_a_new_directive_and_its_tasks_get_the_next_free_ids_and_build(make_site):
    root = make_site()
    result = new(root, "directive", "--number", "45/KH-UBND", "--kind", "plan", "--issuer", "ubnd-tinh-mau",
                 "--date", "2023-03-15", "--title-vi", "Kế hoạch thử", "--title-en", "A trial plan",
                 "--province", "tinh-mau")
    assert result.exit_code == 0, result.output
    assert (root / "content/directives/45-kh-ubnd-2023/directive.yaml").exists()
    for expected in ("45-kh-ubnd-2023-1", "45-kh-ubnd-2023-2"):
        result = new(root, "task", "--directive", "45-kh-ubnd-2023", "--title-vi", "Lập cơ sở dữ liệu",
                     "--title-en", "Build the database", "--lead", "so-xay-dung-tinh-mau,ubnd-tinh-mau",
                     "--coordinating", "ubnd-tinh-mau", "--quote-vi", "Giao Sở Xây dựng lập cơ sở dữ liệu",
                     "--deadline-kind", "month", "--deadline-date", "2023-12",
                     "--deadline-text-vi", "trong tháng 12/2023", "--deadline-text-en", "within December 2023")
        assert result.exit_code == 0, result.output
        assert f"content/tasks/45-kh-ubnd-2023/{expected}.yaml" in result.output
    text = (root / "content/tasks/45-kh-ubnd-2023/45-kh-ubnd-2023-2.yaml").read_text(encoding="utf-8")
    assert "lead: [so-xay-dung-tinh-mau, ubnd-tinh-mau]" in text and "province: tinh-mau" in text
    assert "date: 2023-12" in text or "date: '2023-12'" in text
    result = build_site(root, root / "output")
    pages = Pages(root / "output")
    assert "Build the database" in pages.soup("en/tasks/45-kh-ubnd-2023-2/index.html").find("h1").get_text()
    assert "Kế hoạch thử" in pages.soup("vi/van-ban/45-kh-ubnd-2023/index.html").get_text()


def test_a_task_quoting_the_held_text_builds(make_site):
    root = make_site()
    result = new(root, "task", "--directive", DIRECTIVE_ID, "--title-vi", "Lập kế hoạch", "--title-en", "Plan",
                 "--lead", "so-xay-dung-tinh-mau", "--quote-vi", QUOTE, "--ref-vi", "Mục 1", "--ref-en", "Section 1",
                 "--deadline-kind", "day", "--deadline-date", "2022-09-30")
    assert result.exit_code == 0, result.output
    assert (root / f"content/tasks/{DIRECTIVE_ID}/{DIRECTIVE_ID}-1.yaml").exists()
    build_site(root, root / "output")


def test_prompts_ask_for_what_is_missing(make_site):
    root = make_site()
    answers = "\n".join(["Sở Nội vụ tỉnh Mẫu", "Mau Department of Home Affairs", "Sở Nội vụ",
                         "Department of Home Affairs", "department", "tinh-mau"]) + "\n"
    result = new(root, "agency", input=answers)
    assert result.exit_code == 0, result.output
    assert "Tên ngắn (tiếng Việt)" in result.output and "Loại cơ quan" in result.output
    assert (root / "content/agencies/so-noi-vu-tinh-mau.yaml").exists()
    result = new(root, "task", "--directive", DIRECTIVE_ID, "--title-vi", "Dữ liệu", "--title-en", "Data",
                 "--quote-vi", "xây dựng cơ sở dữ liệu đô thị", input="so-noi-vu-tinh-mau\n")
    assert result.exit_code == 0, result.output
    assert "Mã cơ quan chủ trì" in result.output
    build_site(root, root / "output")


def test_a_new_province_builds(make_site):
    root = make_site()
    result = new(root, "province", "--name-vi", "Hà Tĩnh Mới", "--name-en", "New Ha Tinh", "--full-name-vi",
                 "Tỉnh Hà Tĩnh Mới", "--full-name-en", "New Ha Tinh Province", "--kind", "province")
    assert result.exit_code == 0, result.output
    assert (root / "content/provinces/ha-tinh-moi.yaml").exists()
    build_site(root, root / "output")
    assert (root / "output/en/provinces/ha-tinh-moi/index.html").exists()


def test_unknown_references_and_taken_ids_write_nothing(make_site):
    root = make_site()
    before = snapshot(root)
    cases = [
        (["task", "--directive", DIRECTIVE_ID, "--title-vi", "a", "--title-en", "a", "--lead", "so-xay-dung",
          "--quote-vi", QUOTE], "--lead: unknown agency 'so-xay-dung'; did you mean 'so-xay-dung-tinh-mau'?"),
        (["task", "--directive", "12-ubnd-2022", "--title-vi", "a", "--title-en", "a", "--lead", "ubnd-tinh-mau",
          "--quote-vi", QUOTE], "--directive: unknown directive '12-ubnd-2022'"),
        (["task", "--directive", DIRECTIVE_ID, "--title-vi", "a", "--title-en", "a", "--lead", "ubnd-tinh-mau",
          "--quote-vi", "words that are not in the text"], "source.quote.vi: the quoted passage is not in the text"),
        (["task", "--directive", DIRECTIVE_ID, "--title-vi", "a", "--title-en", "a", "--lead", "ubnd-tinh-mau",
          "--quote-vi", QUOTE, "--id", "mau-1-sxd-ke-hoach"], "the task id 'mau-1-sxd-ke-hoach' already exists"),
        (["agency", "--name-vi", "Sở Xây dựng tỉnh Mẫu", "--name-en", "x", "--short-vi", "Sở Xây dựng",
          "--short-en", "x", "--kind", "department", "--province", "tinh-mau"],
         "the agency id 'so-xay-dung-tinh-mau' already exists (content/agencies/so-xay-dung-tinh-mau.yaml)"),
        (["agency", "--name-vi", "Sở A", "--name-en", "x", "--short-vi", "Sở A", "--short-en", "x",
          "--kind", "department", "--province", "tinh-mauu"], "--province: unknown province 'tinh-mauu'"),
        (["directive", "--number", "12/UBND-KT", "--kind", "plan", "--issuer", "ubnd-tinh-mau", "--date",
          "2022-08-01", "--title-vi", "a", "--title-en", "a"], "the directive id '12-ubnd-kt-2022' already exists"),
        (["directive", "--number", "7/KH", "--kind", "plan", "--issuer", "ubnd-tinh-mau", "--date", "2022-02-30",
          "--title-vi", "a", "--title-en", "a"], "--date: '2022-02-30' is not a real date"),
        (["agency", "--name-vi", "Sở A", "--name-en", "x", "--short-vi", "Sở A", "--short-en", "x",
          "--kind", "department", "--province", "", "--id", "Sở A"], "'Sở A' is not a valid id"),
    ]
    for args, message in cases:
        result = new(root, *args, input="\n")
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output, result.output
        assert "Nothing was written. / Chưa ghi tệp nào." in result.output
        assert "Traceback" not in result.output
        assert snapshot(root) == before, args
    assert not (root / "content/tasks/12-ubnd-kt-2022" / f"{DIRECTIVE_ID}-1.yaml").exists()
