"""Random content trees (Hypothesis): the build succeeds or exits 1 with messages, never a traceback,
and output/ is always a whole site: the previous one, or the new one."""

from __future__ import annotations

import html
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote

from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from build import cli
from conftest import FIXTURE_CONTENT
from test_bad_input import tree

FILES = sorted([*FIXTURE_CONTENT, "site_config.yaml"])
FOLDERS = ["content/provinces", "content/agencies", "content/tasks/12-ubnd-kt-2022", "content/tasks/khac",
           "content/directives/12-ubnd-kt-2022", "content/directives/moi", "content/pages", "content/sources",
           "content/comments/tasks", "content", "templates"]
NAMES = ["x.yaml", "mau-1-sxd-ke-hoach.yaml", "tinh-mau.yml", "directive.yaml", "text.vi.md", "text.en.md",
         "about.vi.md", "Giới thiệu.vi.md", "tinh.vi.md", "a.txt", "task.html", ".hidden.yaml", "notes~"]
# Characters that matter to YAML, Markdown, HTML and file systems, plus any other.
SPECIAL = st.sampled_from(list(":-#{}[]'\"|>&*!%@`\t\n\r\x00\ufeff\\/. <>=_~") +
                          ["../", "<script>", "javascript:", "{{", "{%", "---\n", "  ", "đ", "Ậ", "\u202e"])
TEXT = st.lists(st.one_of(SPECIAL, st.characters(codec="utf-8")), max_size=12).map("".join)


def mutation():
    position = st.floats(min_value=0, max_value=1)
    return st.one_of(
        st.tuples(st.just("insert"), st.sampled_from(FILES), position, TEXT),
        st.tuples(st.just("delete"), st.sampled_from(FILES), position, st.integers(1, 40)),
        st.tuples(st.just("replace-line"), st.sampled_from(FILES), position, TEXT),
        st.tuples(st.just("truncate"), st.sampled_from(FILES), position),
        st.tuples(st.just("bytes"), st.sampled_from(FILES), st.binary(max_size=64)),
        st.tuples(st.just("remove"), st.sampled_from(FILES)),
        st.tuples(st.just("new"), st.sampled_from(FOLDERS), st.sampled_from(NAMES),
                  st.one_of(TEXT, st.sampled_from(list(FIXTURE_CONTENT.values())))),
    )


def apply(root: Path, change: tuple) -> None:
    kind, *args = change
    if kind == "new":
        folder, name, text = args
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        return
    path = root / args[0]
    if not path.exists():
        return
    if kind == "remove":
        path.unlink()
        return
    if kind == "bytes":
        path.write_bytes(args[1])
        return
    data = path.read_bytes()
    at = int(args[1] * len(data))
    if kind == "insert":
        data = data[:at] + args[2].encode("utf-8", "surrogatepass") + data[at:]
    elif kind == "delete":
        data = data[:at] + data[at + args[2]:]
    elif kind == "truncate":
        data = data[:at]
    elif kind == "replace-line":
        lines = data.split(b"\n")
        lines[min(int(args[1] * len(lines)), len(lines) - 1)] = args[2].encode("utf-8", "surrogatepass")
        data = b"\n".join(lines)
    path.write_bytes(data)


def assert_whole_site(output: Path) -> None:
    """Every page the sitemap lists is there, with the files every site has."""
    for name in ("index.html", "404.html", "sitemap.xml", "robots.txt", "_headers"):
        assert (output / name).is_file(), name
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    # The site's address (base URL and sub-path, which a random change may have edited) is
    # where robots.txt says the sitemap is.
    robots = (output / "robots.txt").read_text(encoding="utf-8")
    site_address = robots.split("Sitemap: ", 1)[1].strip().removesuffix("sitemap.xml")
    for line in sitemap.splitlines():
        if "<loc>" in line:
            address = html.unescape(line.split("<loc>")[1].split("</loc>")[0]).removeprefix(site_address)
            assert (output / unquote(address) / "index.html").is_file(), address


# 40 trees keep the suite fast; MINHBACH_EXAMPLES=1000 explores further. CI runs a fixed set of
# trees so a landing never fails on a tree nobody has seen; developers' runs draw new ones.
@settings(max_examples=int(os.environ.get("MINHBACH_EXAMPLES", "40")), deadline=None, database=None,
          derandomize=os.environ.get("CI") == "true",
          # A failing tree is reported as found: shrinking it can take minutes (MINHBACH_SHRINK=1 does it).
          phases=[phase for phase in Phase if phase is not Phase.shrink or os.environ.get("MINHBACH_SHRINK")],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(mutation(), min_size=1, max_size=4))
@example(changes=[("insert", "site_config.yaml", 0.6639632060088135, "8\\>")])  # a changed base URL
def test_random_content_never_crashes_nor_leaves_a_partial_site(built_fixture_site, changes):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        shutil.copytree(built_fixture_site, root, symlinks=True)
        before = tree(root / "output")
        for change in changes:
            apply(root, change)
        result = CliRunner().invoke(cli, ["--root", str(root), "build"])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output
        assert result.exit_code in (0, 1), result.output
        if result.exit_code == 1:
            lines = result.output.splitlines()
            assert lines[0].endswith(" error(s):") and int(lines[0].split()[0]) >= 1, result.output
            assert tree(root / "output") == before
        else:
            assert_whole_site(root / "output")
        # Nothing written beside output/ but the build manifest (.cache/): no staging folder left, no stray file.
        assert {p.name for p in root.iterdir()} <= {"content", "locales", "output", "site_config.yaml", "templates",
                                                    ".cache"}
        if (root / ".cache").exists():
            assert [p.suffix for p in (root / ".cache").iterdir()] in ([], [".json"])
