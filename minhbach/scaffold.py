"""`build.py new`: write a new record file that is valid from the start, every field explained.

The file says in comments, Vietnamese first and English below, what each field means, so an
editor can fill in the rest without the content model at hand. Nothing is written when a
reference is unknown or the id is taken; a file that would not pass the build is removed again.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .load import load_content
from .models import ID_PATTERN, parse_day
from .pipeline import prepare_site
from .problems import Report, SiteError, format_problems
from .resolve import _suggest
from .schemas import modeline
from .slug import slug
from .validate import Records, validate_records


class ScaffoldError(Exception):
    """A reason not to write the file; the message names the fix."""


def existing(root: Path) -> Records:
    """The records as they are now (readable ones; mistakes elsewhere do not stop scaffolding)."""
    report = Report()
    return validate_records(load_content(root, report), report)


def flow(value) -> str:
    """A value written on one line, quoted only where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9, sort_keys=False)
    if text.endswith("\n...\n"):
        text = text[: -len("\n...\n")]
    return text.strip()


def text(vi: str, en: str | None) -> str:
    return flow({"vi": vi.strip(), "en": en.strip()} if en and en.strip() else {"vi": vi.strip()})


@dataclass
class Field:
    """One line of the new file with its explanation in both languages."""

    key: str
    value: str | None  # YAML text; None writes a commented-out example
    vi: str
    en: str
    example: str = ""

    def lines(self) -> list[str]:
        out = [f"# {self.vi}", f"# {self.en}"]
        out.append(f"{self.key}: {self.value}" if self.value is not None else f"# {self.key}: {self.example}")
        return out


def render(relative: str, title_vi: str, title_en: str, fields: list[Field | str]) -> str:
    """The file's text: schema line, a heading, then each field (or raw block) after its comments."""
    lines = [modeline(relative), f"# {title_vi}", f"# {title_en}",
             "# Mỗi trường có chú thích tiếng Việt, tiếng Anh ở dòng dưới. Xem docs/huong-dan-bien-tap.md.",
             "# Each field is explained in Vietnamese, English below. See docs/editors-guide.md.", ""]
    for item in fields:
        lines.extend(item.lines() if isinstance(item, Field) else item.rstrip("\n").split("\n"))
    return "\n".join(lines) + "\n"


def check_id(records: Records, kind: str, record_id: str, path: Path, what: str) -> None:
    if not re.fullmatch(ID_PATTERN, record_id) or len(record_id) > 120:
        raise ScaffoldError(f"'{record_id}' is not a valid id: use lowercase letters a-z, digits and single hyphens "
                            f"(e.g. so-tai-chinh-kien-giang)\nmã '{record_id}' không hợp lệ: chỉ dùng chữ thường không "
                            f"dấu, số và dấu gạch ngang")
    if record_id in records.of_kind(kind) or (kind, record_id) in records.broken or path.exists():
        where = records.paths.get((kind, record_id)) or path.as_posix()
        raise ScaffoldError(f"the {what} id '{record_id}' already exists ({where}); choose another with --id\n"
                            f"mã '{record_id}' đã có ({where}); chọn mã khác bằng --id")


VIETNAMESE = {"agency": "cơ quan", "province": "tỉnh", "directive": "văn bản"}


def check_ref(records: Records, kind: str, value: str | None, what: str, option: str) -> None:
    if value is None or value in records.of_kind(kind):
        return
    close = _suggest(value, records.of_kind(kind)).removeprefix("did you mean ").rstrip("?")
    english = f"did you mean {close}?" if close else f"see the files in content/{kind}/"
    vietnamese = f"có phải là {close}?" if close else f"xem các tệp trong content/{kind}/"
    raise ScaffoldError(f"{option}: unknown {what} '{value}'; {english}\n"
                        f"{option}: không có {VIETNAMESE[what]} '{value}'; {vietnamese}")


def check_day(value: str, option: str) -> str:
    try:
        return parse_day(value).isoformat()
    except ValueError as error:
        raise ScaffoldError(f"{option}: {error} / ngày viết theo dạng YYYY-MM-DD, ví dụ 2022-09-30") from None


def write_record(root: Path, relative: str, content: str) -> None:
    """Write the file whole, then build the content with it: if the file has problems, remove it."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    created_folder = not any(path.parent.iterdir())
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(content, encoding="utf-8")
    os.replace(temporary, path)
    try:
        prepare_site(root)
    except SiteError as error:
        mine = [p for p in error.problems if p.path == relative and p.severity == "error"]
        if mine:
            path.unlink()
            if created_folder:
                path.parent.rmdir()
            raise ScaffoldError(f"the new record would not pass the build, so nothing was written "
                                f"/ bản ghi mới có lỗi nên chưa ghi gì:\n{format_problems(mine)}") from None


# ---------------------------------------------------------------------------------------- records

def new_province(root: Path, *, name_vi: str, name_en: str, full_name_vi: str, full_name_en: str, kind: str,
                 parent: str | None = None, record_id: str | None = None) -> str:
    records = existing(root)
    record_id = record_id or slug(name_vi)
    relative = f"content/provinces/{record_id}.yaml"
    check_id(records, "provinces", record_id, root / relative, "province")
    check_ref(records, "provinces", parent, "province", "--parent")
    fields = [
        Field("id", record_id, "Mã định danh: tên không dấu, chữ thường, nối bằng gạch ngang. Là địa chỉ trang: không đổi sau khi công bố.",
              "Id: the name folded to lowercase ASCII with hyphens. It is the page's address: never change it once published."),
        Field("kind", kind, "Loại đơn vị: province (tỉnh) | municipality (thành phố trực thuộc trung ương) | district (huyện) | city (thành phố) | town (thị xã).",
              "Kind of unit: province | municipality | district | city | town."),
        Field("name", text(name_vi, name_en), "Tên ngắn, như văn bản gọi: {vi: tiếng Việt, en: tiếng Anh}.",
              "Short name as the documents use it: {vi: Vietnamese, en: English}."),
        Field("full_name", text(full_name_vi, full_name_en), "Tên đầy đủ, ví dụ Tỉnh Kiên Giang.",
              "Full name, e.g. Kien Giang Province."),
        Field("parent", parent, "Với đơn vị cấp huyện: mã của tỉnh chứa nó. Bỏ trống với tỉnh.",
              "For a district-level unit: the id of its province. Leave out for a province.", "kien-giang"),
        Field("changes", "[]", "Các thay đổi sau này (sáp nhập, đổi tên): ngày, loại (merged | abolished | renamed | enlarged), into, basis.",
              "Later changes (mergers, renames): date, change (merged | abolished | renamed | enlarged), into, basis."),
    ]
    write_record(root, relative, render(relative, "Tỉnh hoặc đơn vị hành chính cấp huyện", "A province or a district-level unit", fields))
    return relative


def new_agency(root: Path, *, name_vi: str, name_en: str, short_vi: str, short_en: str, kind: str,
               province: str | None = None, abbr: str | None = None, record_id: str | None = None) -> str:
    records = existing(root)
    check_ref(records, "provinces", province, "province", "--province")
    record_id = record_id or "-".join(part for part in (slug(short_vi), province) if part)
    relative = f"content/agencies/{record_id}.yaml"
    check_id(records, "agencies", record_id, root / relative, "agency")
    fields = [
        Field("id", record_id, "Mã định danh: tên ngắn không dấu rồi mã tỉnh, ví dụ so-xay-dung-kien-giang. Không đổi sau khi công bố.",
              "Id: the short name folded to ASCII, then the province id. Never change it once published."),
        Field("kind", kind, "Loại cơ quan: government | ministry | national-body | provincial-committee | provincial-office | department | district-committee | group | company | academy | police | other.",
              "Kind of agency (one of the values above)."),
        Field("name", text(name_vi, name_en), "Tên đầy đủ, như trên văn bản.", "Full name of record."),
        Field("short", text(short_vi, short_en), "Tên ngắn, như văn bản gọi trong tỉnh, ví dụ Sở Xây dựng.",
              "Short name as the documents use it within the province."),
        Field("abbr", flow(abbr) if abbr else None, "Tên viết tắt (không bắt buộc), ví dụ SXD.", "Abbreviation (optional).", "SXD"),
        Field("province", province, "Mã tỉnh của cơ quan. Bỏ trống với cơ quan trung ương.",
              "Id of the agency's province. Leave out for a national body.", "kien-giang"),
        Field("history", "[]", "Đổi tên, sáp nhập, giải thể: ngày, loại (merged | renamed | dissolved), into.",
              "Renames, mergers, dissolution: date, change (merged | renamed | dissolved), into."),
    ]
    write_record(root, relative, render(relative, "Cơ quan ban hành văn bản, chủ trì hoặc phối hợp nhiệm vụ",
                                        "An agency that issues documents, leads or coordinates tasks", fields))
    return relative


def new_directive(root: Path, *, number: str, kind: str, issuer: str, date: str, title_vi: str, title_en: str,
                  province: str | None = None, record_id: str | None = None) -> str:
    records = existing(root)
    date = check_day(date, "--date")
    check_ref(records, "agencies", issuer, "agency", "--issuer")
    check_ref(records, "provinces", province, "province", "--province")
    record_id = record_id or slug(f"{number} {date[:4]}")
    relative = f"content/directives/{record_id}/directive.yaml"
    check_id(records, "directives", record_id, root / relative, "directive")
    fields = [
        Field("id", record_id, "Mã định danh: số, ký hiệu và năm không dấu, ví dụ 950-qd-ttg-2018. Trùng tên thư mục.",
              "Id: number, symbol and year folded to ASCII. Same as the folder's name."),
        Field("number", flow(number), "Số và ký hiệu như in trên văn bản, ví dụ 950/QĐ-TTg.", "Number and symbol as printed."),
        Field("kind", kind, "Loại văn bản: decision | plan | official-letter | notice | resolution | report.",
              "Kind of document."),
        Field("issuer", issuer, "Mã cơ quan ban hành (tệp trong content/agencies/).", "Agency id of the issuer."),
        Field("province", province, "Mã tỉnh, nếu văn bản của một tỉnh.", "Province id, if the document is a province's.",
              "kien-giang"),
        Field("date", date, "Ngày ban hành, dạng YYYY-MM-DD.", "Date of issue, YYYY-MM-DD."),
        "# Người ký (không bắt buộc): họ tên và chức vụ.\n# Signer (optional): name and title.\n"
        "# signer:\n#   name: Nguyễn Văn A\n#   title: {vi: KT. Chủ tịch, Phó Chủ tịch, en: For the Chairman, Vice Chairman}",
        Field("title", text(title_vi, title_en), "Trích yếu (tiêu đề) của văn bản, tiếng Việt và tiếng Anh.",
              "The subject line (trích yếu), in Vietnamese and English."),
        Field("relations", "[]", "Quan hệ với văn bản khác: kind (implements | forwards | cites | based-on) và target (mã văn bản).",
              "Relations to other documents: kind (implements | forwards | cites | based-on) and target (document id)."),
        Field("text_held", "false", "true khi có toàn văn trong text.vi.md (và bản dịch text.en.md) cạnh tệp này.",
              "true when the full text is in text.vi.md (and its translation text.en.md) beside this file."),
    ]
    write_record(root, relative, render(relative, "Văn bản: quyết định, kế hoạch, công văn, thông báo...",
                                        "A document: decision, plan, letter, notice...", fields))
    return relative


def next_task_id(records: Records, directive_id: str) -> str:
    """The directive's id and the first number not yet used by one of its tasks."""
    number = 1
    while f"{directive_id}-{number}" in records.tasks or (("tasks", f"{directive_id}-{number}") in records.broken):
        number += 1
    return f"{directive_id}-{number}"


def new_task(root: Path, *, directive: str, title_vi: str, title_en: str, lead: list[str], quote_vi: str,
             quote_en: str | None = None, ref_vi: str | None = None, ref_en: str | None = None,
             coordinating: list[str] = (), province: str | None = None, deadline_kind: str = "none",
             deadline_date: str | None = None, deadline_text_vi: str | None = None, deadline_text_en: str | None = None,
             record_id: str | None = None) -> str:
    records = existing(root)
    check_ref(records, "directives", directive, "directive", "--directive")
    province = province or records.directives[directive].province
    if province is None:
        raise ScaffoldError("--province: the directive names no province; give the task's with --province "
                            "/ văn bản không ghi tỉnh; cho biết tỉnh bằng --province")
    check_ref(records, "provinces", province, "province", "--province")
    if not lead:
        raise ScaffoldError("--lead: at least one lead agency is required / cần ít nhất một cơ quan chủ trì")
    for agency in lead:
        check_ref(records, "agencies", agency, "agency", "--lead")
    for agency in coordinating:
        check_ref(records, "agencies", agency, "agency", "--coordinating")
    if deadline_kind == "day" and deadline_date:
        deadline_date = check_day(deadline_date, "--deadline-date")
    if deadline_kind != "none" and not deadline_date and deadline_kind != "yearly":
        raise ScaffoldError(f"--deadline-date: a '{deadline_kind}' deadline needs its date "
                            "/ thời hạn loại này cần ngày (YYYY-MM-DD, YYYY-MM hoặc YYYY)")
    record_id = record_id or next_task_id(records, directive)
    relative = f"content/tasks/{directive}/{record_id}.yaml"
    check_id(records, "tasks", record_id, root / relative, "task")
    source = ["# Đoạn văn bản giao nhiệm vụ: ref là vị trí (Mục 1...), quote là nguyên văn, chép đúng từng chữ",
              "# từ toàn văn (nếu có toàn văn, bản dựng kiểm tra đoạn trích có trong đó).",
              "# The passage that assigns the task: ref is where (Section 1...), quote its exact words, copied",
              "# word for word from the full text (when the text is held, the build checks the quote is in it).",
              "source:"]
    if ref_vi:
        source.append(f"  ref: {text(ref_vi, ref_en)}")
    else:
        source.append("  # ref: {vi: Mục 1, en: Section 1}")
    source.append("  quote:")
    source.append(f"    vi: {flow(quote_vi.strip())}")
    source.append(f"    en: {flow(quote_en.strip())}" if quote_en else "    # en: the faithful English translation of the quote")
    deadline = ["# Thời hạn, như văn bản ghi: kind là none | day (ngày, YYYY-MM-DD) | month (tháng, YYYY-MM) |",
                "# year (năm, YYYY) | yearly (hằng năm: month, day); text là nguyên văn thời hạn.",
                "# The deadline as the document gives it: kind none | day | month | year | yearly; text is its words.",
                "deadline:", f"  kind: {deadline_kind}"]
    if deadline_date:
        deadline.append(f"  date: {flow(deadline_date) if deadline_kind != 'day' else deadline_date}")
    if deadline_kind != "none":
        deadline.append(f"  text: {text(deadline_text_vi, deadline_text_en)}" if deadline_text_vi
                        else "  # text: {vi: trước ngày 30/9/2022, en: before 30/9/2022}")
    fields = [
        Field("id", record_id, "Mã định danh của nhiệm vụ: trùng tên tệp. Không đổi sau khi công bố.",
              "The task's id: same as the file name. Never change it once published."),
        Field("directive", directive, "Mã văn bản giao nhiệm vụ (thư mục trong content/directives/).",
              "Id of the document that assigns the task."),
        Field("province", province, "Mã tỉnh thực hiện.", "Id of the province that carries it out."),
        Field("title", text(title_vi, title_en), "Tên ngắn của nhiệm vụ, tiếng Việt và tiếng Anh.",
              "A short title of the task, in Vietnamese and English."),
        "\n".join(source),
        Field("lead", flow(list(lead)), "Cơ quan chủ trì: danh sách mã cơ quan (ít nhất một).",
              "Lead agencies: a list of agency ids (at least one)."),
        Field("coordinating", flow(list(coordinating)), "Cơ quan phối hợp: danh sách mã cơ quan (có thể để trống []).",
              "Coordinating agencies: a list of agency ids (may be empty [])."),
        "\n".join(deadline),
        Field("funding", None, "Nguồn kinh phí, nếu văn bản ghi.", "Funding source, if the document gives one.",
              "{vi: Ngân sách tỉnh, en: Provincial budget}"),
        Field("status", "no-report", "Tình trạng: no-report (chưa có báo cáo) | not-started | in-progress | completed | cancelled.",
              "Status: no-report | not-started | in-progress | completed | cancelled."),
        "# Tiến độ: mỗi lần có văn bản báo cáo, thêm một mục: date, source (mã văn bản), text, status, progress (0-100).\n"
        "# Progress: for each report, add an item: date, source (document id), text, status, progress (0-100).\n"
        "updates: []\n"
        "# updates:\n"
        "#   - date: YYYY-MM-DD          # ngày của văn bản báo cáo / date of the reporting document\n"
        "#     source: ma-van-ban        # mã văn bản báo cáo / id of the reporting document\n"
        "#     text: {vi: Điều văn bản báo cáo, en: What the report says}\n"
        "#     status: in-progress\n"
        "#     progress: 50",
    ]
    write_record(root, relative, render(relative, "Nhiệm vụ do văn bản giao", "A task a document assigns", fields))
    return relative
