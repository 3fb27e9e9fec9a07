"""Write a deterministic synthetic national content set in the project's own format.

34 provinces × ~20 agencies × 300 tasks, Vietnamese and English text with diacritics,
Markdown bodies of about 300 words, every deadline form, 0–5 updates per task.
Used by the benchmarks; the same seed always gives the same files.

    python benchmarks/national_content.py OUT_DIR [--provinces 34] [--tasks 300]
"""

from __future__ import annotations

import argparse
import random
import shutil
import unicodedata
from pathlib import Path

import yaml

PROVINCES = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
    "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
]
DEPARTMENTS = [
    ("so-xay-dung", "Sở Xây dựng", "Department of Construction"),
    ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ", "Department of Science and Technology"),
    ("so-tai-chinh", "Sở Tài chính", "Department of Finance"),
    ("so-noi-vu", "Sở Nội vụ", "Department of Home Affairs"),
    ("so-y-te", "Sở Y tế", "Department of Health"),
    ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo", "Department of Education and Training"),
    ("so-cong-thuong", "Sở Công Thương", "Department of Industry and Trade"),
    ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"),
    ("so-van-hoa-the-thao-du-lich", "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism"),
    ("so-tu-phap", "Sở Tư pháp", "Department of Justice"),
    ("so-dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo", "Department of Ethnic and Religious Affairs"),
    ("cong-an-tinh", "Công an tỉnh", "Provincial Police"),
    ("van-phong-ubnd", "Văn phòng UBND tỉnh", "Office of the Provincial People's Committee"),
    ("trung-tam-hanh-chinh-cong", "Trung tâm Phục vụ hành chính công", "Public Administration Service Centre"),
    ("thanh-tra-tinh", "Thanh tra tỉnh", "Provincial Inspectorate"),
    ("ban-quan-ly-khu-kinh-te", "Ban Quản lý Khu kinh tế", "Economic Zone Authority"),
    ("dai-phat-thanh-truyen-hinh", "Đài Phát thanh và Truyền hình", "Radio and Television Station"),
    ("vnpt", "VNPT", "VNPT"),
    ("viettel", "Viettel", "Viettel"),
]
TOPICS = [
    ("chiếu sáng đô thị thông minh", "smart urban lighting"),
    ("giao thông thông minh", "smart transport"),
    ("cấp thoát nước thông minh", "smart water supply and drainage"),
    ("thu gom và xử lý rác thải", "waste collection and treatment"),
    ("lưới điện thông minh", "smart power grid"),
    ("cảnh báo rủi ro thiên tai", "natural disaster risk warning"),
    ("trung tâm điều hành đô thị thông minh", "smart city operations centre"),
    ("cơ sở dữ liệu không gian đô thị", "urban spatial database"),
    ("dịch vụ công trực tuyến", "online public services"),
    ("y tế thông minh", "smart healthcare"),
    ("giáo dục thông minh", "smart education"),
    ("du lịch thông minh", "smart tourism"),
    ("kho dữ liệu dùng chung", "shared data warehouse"),
    ("camera giám sát an ninh trật tự", "public security cameras"),
    ("Wi-Fi công cộng", "public Wi-Fi"),
]
VERBS = [
    ("Xây dựng kế hoạch triển khai", "Prepare the implementation plan for"),
    ("Đầu tư nâng cấp hệ thống", "Invest in upgrading the system of"),
    ("Rà soát, đánh giá hiện trạng", "Review and assess the current state of"),
    ("Thí điểm ứng dụng", "Pilot the use of"),
    ("Tổ chức tập huấn về", "Organise training on"),
    ("Tuyên truyền, phổ biến về", "Raise public awareness of"),
]
VI_WORDS = ("phát triển đô thị thông minh bền vững người dân doanh nghiệp chính quyền dữ liệu hạ tầng số "
            "chuyển đổi số quản lý vận hành nâng cao chất lượng dịch vụ kết nối chia sẻ an toàn thông tin "
            "quy hoạch đầu tư nguồn lực phối hợp các sở ngành địa phương hiệu quả minh bạch giám sát đánh giá").split()
EN_WORDS = ("sustainable smart city development residents businesses government data digital infrastructure "
            "transformation management operation service quality connection sharing information security "
            "planning investment resources coordination departments localities effective transparent monitoring").split()
DEADLINES = ["none", "day", "month", "year", "yearly", "yearly-day"]
STATUSES = ["no-report", "not-started", "in-progress", "completed", "cancelled"]


def fold(text: str) -> str:
    """ASCII slug: Vietnamese folded, đ → d."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _sentence(rng: random.Random, words: list[str], n: int) -> str:
    chosen = [rng.choice(words) for _ in range(n)]
    return " ".join(chosen).capitalize() + "."


def _body(rng: random.Random, words: list[str], heading: str, link_word: str) -> str:
    parts = [f"## {heading} 1", " ".join(_sentence(rng, words, rng.randint(10, 18)) for _ in range(5)), ""]
    parts += [f"- {_sentence(rng, words, 8)}" for _ in range(4)]
    parts += ["", f"## {heading} 2", " ".join(_sentence(rng, words, rng.randint(10, 18)) for _ in range(6)),
              "", f"[{link_word}](https://example.org/{rng.randint(1, 999)})", ""]
    parts += [" ".join(_sentence(rng, words, rng.randint(10, 18)) for _ in range(5))]
    return "\n".join(parts)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter: the pure-Python one took 90 % of the time
    """Writes Markdown bodies as literal blocks, the way editors write them."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)
_made: set[Path] = set()


def _dump(path: Path, data: dict) -> None:
    if path.parent not in _made:
        path.parent.mkdir(parents=True, exist_ok=True)
        _made.add(path.parent)
    path.write_text(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")


def generate(out: Path, provinces: int = 34, tasks_per_province: int = 300, seed: int = 950) -> int:
    """Write the content tree under ``out/content``; return the number of tasks."""
    rng = random.Random(seed)
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    _made.clear()
    count = 0
    _dump(content / "agencies" / "thu-tuong.yaml", {"id": "thu-tuong", "kind": "government",
          "name": {"vi": "Thủ tướng Chính phủ", "en": "Prime Minister"}, "short": {"vi": "Thủ tướng", "en": "Prime Minister"}})
    _dump(content / "directives" / "950-qd-ttg-2018" / "directive.yaml", {
        "id": "950-qd-ttg-2018", "number": "950/QĐ-TTg", "kind": "decision", "issuer": "thu-tuong", "date": "2018-08-01",
        "title": {"vi": "Phê duyệt Đề án phát triển đô thị thông minh bền vững Việt Nam", "en": "Approving the scheme for sustainable smart city development"},
        "text_held": False})
    for p_index, name in enumerate(PROVINCES[:provinces]):
        pid = fold(name)
        ascii_name = fold(name).replace("-", " ").title()
        _dump(content / "provinces" / f"{pid}.yaml", {"id": pid, "kind": "province", "name": {"vi": name, "en": ascii_name},
              "full_name": {"vi": f"Tỉnh {name}", "en": f"{ascii_name} Province"}})
        agencies = [f"ubnd-{pid}"]
        _dump(content / "agencies" / f"ubnd-{pid}.yaml", {"id": f"ubnd-{pid}", "kind": "provincial-committee",
              "name": {"vi": f"Ủy ban nhân dân tỉnh {name}", "en": f"{ascii_name} Provincial People's Committee"},
              "short": {"vi": "UBND tỉnh", "en": "Provincial People's Committee"}, "province": pid})
        for slug, vi, en in DEPARTMENTS:
            aid = f"{slug}-{pid}"
            agencies.append(aid)
            kind = "company" if slug in ("vnpt", "viettel") else "police" if slug == "cong-an-tinh" else "department"
            _dump(content / "agencies" / f"{aid}.yaml", {"id": aid, "kind": kind, "name": {"vi": f"{vi} tỉnh {name}", "en": f"{ascii_name} {en}"},
                  "short": {"vi": vi, "en": en}, "province": pid})
        directives = []
        for d_index in range(8):
            number = 100 + p_index * 10 + d_index
            did = f"{number}-qd-ubnd-{2019 + d_index}"
            directives.append(did)
            paragraphs_vi, paragraphs_en = [], []
            for _ in range(tasks_per_province // 8 + 1):
                verb = rng.randrange(len(VERBS))
                topic = rng.randrange(len(TOPICS))
                paragraphs_vi.append(f"{VERBS[verb][0]} {TOPICS[topic][0]} trên địa bàn tỉnh {name}, số {len(paragraphs_vi) + 1}.")
                paragraphs_en.append(f"{VERBS[verb][1]} {TOPICS[topic][1]} in {ascii_name} province, item {len(paragraphs_en) + 1}.")
            folder = content / "directives" / did
            _dump(folder / "directive.yaml", {
                "id": did, "number": f"{number}/QĐ-UBND", "kind": "plan", "issuer": f"ubnd-{pid}", "province": pid,
                "date": f"{2019 + d_index}-0{1 + d_index % 9}-1{d_index % 9}",
                "title": {"vi": f"Kế hoạch phát triển đô thị thông minh tỉnh {name} năm {2019 + d_index}",
                          "en": f"Smart city development plan of {ascii_name} province for {2019 + d_index}"},
                "summary": {"vi": _sentence(rng, VI_WORDS, 30), "en": _sentence(rng, EN_WORDS, 30)},
                "relations": [{"kind": "implements", "target": "950-qd-ttg-2018"}], "text_held": True})
            (folder / "text.vi.md").write_text("\n\n".join(paragraphs_vi) + "\n", encoding="utf-8")
            (folder / "text.en.md").write_text("\n\n".join(paragraphs_en) + "\n", encoding="utf-8")
            directives[-1] = (did, paragraphs_vi, paragraphs_en)
        for t_index in range(tasks_per_province):
            did, paragraphs_vi, paragraphs_en = directives[t_index % 8]
            item = t_index // 8
            tid = f"{pid}-{t_index + 1:03d}"
            deadline_kind = DEADLINES[t_index % len(DEADLINES)]
            deadline: dict = {"kind": "yearly" if deadline_kind.startswith("yearly") else deadline_kind}
            if deadline_kind == "day":
                deadline |= {"date": f"20{22 + t_index % 6}-{1 + t_index % 12:02d}-{1 + t_index % 28:02d}", "text": {"vi": "trước ngày", "en": "before"}}
            elif deadline_kind == "month":
                deadline |= {"date": f"20{22 + t_index % 6}-{1 + t_index % 12:02d}", "text": {"vi": "trong tháng", "en": "within the month"}}
            elif deadline_kind == "year":
                deadline |= {"date": 2025 + t_index % 5, "text": {"vi": "Đến năm", "en": "By"}}
            elif deadline_kind == "yearly":
                deadline |= {"text": {"vi": "Hàng năm", "en": "Annually"}}
            elif deadline_kind == "yearly-day":
                deadline |= {"month": 12, "day": 15, "text": {"vi": "trước ngày 15 tháng 12 hằng năm", "en": "before 15 December every year"}}
            status = STATUSES[rng.randrange(len(STATUSES))]
            updates = []
            for u in range(rng.randint(0, 5) if status != "no-report" else 0):
                updates.append({"date": f"202{3 + u % 3}-{1 + (t_index + u) % 12:02d}-{1 + u * 5:02d}", "source": did,
                                "text": {"vi": _sentence(rng, VI_WORDS, 14), "en": _sentence(rng, EN_WORDS, 14)}})
            lead = [agencies[1 + t_index % (len(agencies) - 1)]]
            coordinating = sorted({rng.choice(agencies) for _ in range(rng.randint(1, 4))} - set(lead))
            task = {
                "id": tid, "directive": did, "province": pid,
                "title": {"vi": paragraphs_vi[item].rsplit(",", 1)[0], "en": paragraphs_en[item].rsplit(",", 1)[0]},
                "description": {"vi": _body(rng, VI_WORDS, "Nội dung", "Tài liệu"), "en": _body(rng, EN_WORDS, "Content", "Document")},
                "source": {"quote": {"vi": paragraphs_vi[item], "en": paragraphs_en[item]}},
                "lead": lead, "coordinating": coordinating, "deadline": deadline,
                "funding": {"vi": "Ngân sách nhà nước", "en": "State budget"}, "status": status,
            }
            if status == "in-progress":
                task["progress"] = rng.randrange(5, 95, 5)
            if updates:
                task["updates"] = updates
            _dump(content / "tasks" / did / f"{tid}.yaml", task)
            count += 1
    return count


def copy_site_files(project: Path, out: Path) -> None:
    """Give the synthetic content the project's templates, translations and a config."""
    for name in ("templates", "locales"):
        if (out / name).exists():
            shutil.rmtree(out / name)
        shutil.copytree(project / name, out / name)
    config = yaml.safe_load((project / "site_config.yaml").read_text(encoding="utf-8"))
    (out / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (out / "content" / "pages").mkdir(parents=True, exist_ok=True)
    for page in (project / "content" / "pages").glob("*.md"):
        shutil.copy(page, out / "content" / "pages" / page.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--tasks", type=int, default=300)
    args = parser.parse_args()
    count = generate(args.out, args.provinces, args.tasks)
    copy_site_files(Path(__file__).resolve().parent.parent, args.out)
    print(f"wrote {count} tasks for {args.provinces} provinces under {args.out}")


if __name__ == "__main__":
    main()
