"""The editors' guide works as written: its commands, run in a copy of the project, print what it shows."""

from __future__ import annotations

import re
import shlex
import shutil

from click.testing import CliRunner

from build import cli
from conftest import ROOT
from minhbach.pipeline import build_site

GUIDES = {"vi": ROOT / "docs" / "huong-dan-bien-tap.md", "en": ROOT / "docs" / "editors-guide.md"}
TASK = "content/tasks/1320-ubnd-kt-2020/1320-ubnd-kt-2020-1.yaml"


def blocks(lang: str) -> list[tuple[str, str]]:
    return re.findall(r"```(\w+)\n(.*?)```", GUIDES[lang].read_text(encoding="utf-8"), flags=re.S)


def commands(block: str) -> list[str]:
    return [line.strip() for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def shown(line: str) -> re.Pattern:
    """A line the guide shows; page and warning counts change with the content, so any number matches."""
    return re.compile(re.sub(r"\\d\+", r"\\d+", re.escape(line).replace(r"380", r"\d+").replace(r"77", r"\d+")))


def test_the_twins_show_the_same_commands_files_and_messages():
    assert blocks("vi") == blocks("en")
    vi, en = (GUIDES[lang].read_text(encoding="utf-8") for lang in ("vi", "en"))
    assert vi.count("\n## ") == en.count("\n## ") == 9
    assert "editors-guide.md" in vi and "huong-dan-bien-tap.md" in en


def test_every_command_the_guide_names_exists():
    text = GUIDES["vi"].read_text(encoding="utf-8")
    named = set(re.findall(r"python build\.py ((?:[a-z]+ ?)+)", text))
    assert {"new directive", "new task", "new agency", "check", "serve"} <= {n.strip() for n in named}
    for name in named:
        result = CliRunner().invoke(cli, [*name.split(), "--help"])
        assert result.exit_code == 0, (name, result.output)
    for option in set(re.findall(r"(?<![-\w])(--[a-z][a-z-]*)", text)):
        if option not in ("--id", "--strict", "--show-acknowledged", "--help"):
            assert any(option in CliRunner().invoke(cli, ["new", kind, "--help"]).output
                       for kind in ("task", "directive", "agency")), option


def test_following_the_guide_in_a_copy_of_the_project(tmp_path):
    root = tmp_path / "minh-bach"
    for name in ("content", "templates", "locales", "schemas"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site_config.yaml", root)
    sequence = blocks("vi")
    yaml_blocks = [body for lang, body in sequence if lang == "yaml"]
    (translation,) = [line for body in yaml_blocks for line in body.splitlines() if line.startswith("    en: To coordinate")]
    broken_lead, fixed_lead = [body.strip() for body in yaml_blocks if body.startswith("lead:")]
    checks = 0
    ran = []
    for index, (lang, body) in enumerate(sequence):
        if lang != "sh":
            continue
        for command in commands(body):
            if not re.match(r"python build\.py (new|check)\b", command):
                continue
            args = shlex.split(command)[2:]
            if args[0] == "check":
                task = root / TASK
                text = task.read_text(encoding="utf-8")
                if checks == 1:  # section 6 translated the quote, section 8 mistypes the lead agency
                    assert "    # en: the faithful English translation of the quote" in text
                    text = text.replace("    # en: the faithful English translation of the quote", translation)
                    text = text.replace(fixed_lead, broken_lead)
                elif checks == 2:  # and corrects it
                    text = text.replace(broken_lead, fixed_lead)
                task.write_text(text, encoding="utf-8")
                checks += 1
            result = CliRunner().invoke(cli, ["--root", str(root), *args])
            ran.append(command)
            following = sequence[index + 1] if index + 1 < len(sequence) else ("", "")
            if following[0] != "text":
                continue
            expected = [line for line in following[1].splitlines() if line.strip()]
            output = result.output.splitlines()
            for line in expected:
                assert any(shown(line).fullmatch(out) for out in output), \
                    f"the guide shows {line!r} after `{command}`; the command printed:\n{result.output}"
            assert result.exit_code == (1 if any(line.startswith(("Error:", "1 error")) for line in expected) else 0), \
                result.output
    assert checks == 3 and len(ran) == 6, ran
    result = build_site(root, root / "output")
    page = root / "output/vi/nhiem-vu/1320-ubnd-kt-2020-1/index.html"
    assert page.exists(), "the guide's link to the new task's page"
    assert "Hoàn thiện Đề án thành phố thông minh Rạch Giá" in page.read_text(encoding="utf-8")
    assert "http://127.0.0.1:8000/vi/nhiem-vu/1320-ubnd-kt-2020-1/" in GUIDES["vi"].read_text(encoding="utf-8")
