"""The built site is put in place atomically, and a rebuild touches only what changed."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from conftest import TASK_PATH, dedent, FIXTURE_CONTENT, write_content
from minhbach.pipeline import build_site
from minhbach.write import safe_relative, write_site

TASK_PAGES = ("en/tasks/mau-1-sxd-ke-hoach/index.html", "vi/nhiem-vu/mau-1-sxd-ke-hoach/index.html")
ABOUT_PAGES = ("en/about/index.html", "vi/about/index.html")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stats_of(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def no_leftovers(root: Path) -> None:
    assert not (root / ".output.new").exists()
    assert not (root / ".output.old").exists()


def test_rebuilding_unchanged_content_gives_identical_files_and_keeps_them(built_site_copy):
    root = built_site_copy
    output = root / "output"
    first, first_stats = files_of(output), stats_of(output)
    assert len(first) > 40

    result = build_site(root, output)

    assert files_of(output) == first
    assert result.written == 0
    assert result.unchanged == len(first)
    # Unchanged files are the same files (hard-linked), so their inode and mtime stay.
    assert stats_of(output) == first_stats
    for name in first:
        assert (output / name).stat().st_nlink == 1, f"{name} is still linked from a removed build"
    no_leftovers(root)


def test_a_change_rewrites_only_the_pages_it_touches(built_site_copy):
    root = built_site_copy
    output = root / "output"
    before, before_stats = files_of(output), stats_of(output)
    task = dedent(FIXTURE_CONTENT[TASK_PATH])
    write_content(root, {TASK_PATH: task.replace("en: Prepare the smart urban development plan",
                                                 "en: Prepare the smart city plan")})

    result = build_site(root, output)

    after, after_stats = files_of(output), stats_of(output)
    # Search index files are named by their contents: a changed page renames some of them.
    assert {n for n in after if not n.startswith("pagefind/")} == {n for n in before if not n.startswith("pagefind/")}
    assert any(n.startswith("pagefind/fragment/en_") for n in set(after) - set(before))
    changed = {name for name in after if name not in before or after[name] != before[name]}
    assert "en/tasks/mau-1-sxd-ke-hoach/index.html" in changed
    assert "vi/nhiem-vu/mau-1-sxd-ke-hoach/index.html" not in changed  # the Vietnamese title did not change
    assert result.written == len(changed)
    assert result.unchanged == len(after) - len(changed)
    for name in after:
        if name in changed:
            assert after_stats[name][0] != before_stats.get(name, (None,))[0], name
        else:
            assert after_stats[name] == before_stats[name], name
    assert "Prepare the smart city plan" in after["en/tasks/mau-1-sxd-ke-hoach/index.html"].decode("utf-8")
    no_leftovers(root)


def test_a_deleted_record_loses_its_pages_and_stray_files_go(built_site_copy):
    root = built_site_copy
    output = root / "output"
    for name in TASK_PAGES:
        assert (output / name).is_file()
    (output / "stray.html").write_text("left over from an old build", encoding="utf-8")
    write_content(root, {TASK_PATH: None})

    build_site(root, output)

    for name in TASK_PAGES:
        assert not (output / name).exists()
        assert not (output / name).parent.exists()
    assert not (output / "stray.html").exists()
    assert "mau-1-sxd-ke-hoach" not in (output / "sitemap.xml").read_text(encoding="utf-8")
    for name in ABOUT_PAGES:
        assert (output / name).is_file()
    no_leftovers(root)


def test_two_fresh_builds_are_byte_identical(built_fixture_site, tmp_path):
    build_site(built_fixture_site, tmp_path / "again")
    assert files_of(tmp_path / "again") == files_of(built_fixture_site / "output")


def test_a_write_that_fails_halfway_leaves_the_old_output(tmp_path):
    output = tmp_path / "output"
    write_site({"index.html": b"old", "en/index.html": b"old en"}, output)
    before = stats_of(output)
    with pytest.raises(ValueError, match="refusing to write outside the output folder"):
        # "a.html" is staged first; the bad name stops the write before anything is swapped in.
        write_site({"a.html": b"new", "b/../../evil.html": b"evil"}, output)
    assert files_of(output) == {"index.html": b"old", "en/index.html": b"old en"}
    assert stats_of(output) == before
    assert not (tmp_path / "evil.html").exists()
    # The next good write cleans up the abandoned staging folder.
    write_site({"index.html": b"new"}, output)
    assert files_of(output) == {"index.html": b"new"}
    assert not (tmp_path / ".output.new").exists()
    assert not (tmp_path / ".output.old").exists()


@pytest.mark.parametrize("name", ["../x", "/abs", "a\x00b", "", "a/../../x", "en/../../x", ".."])
def test_safe_relative_refuses_names_outside_output(name):
    with pytest.raises(ValueError, match="refusing to write outside the output folder"):
        safe_relative(name)


@pytest.mark.parametrize("name", ["index.html", "en/tasks/x/index.html", "assets/site.0123456789.css"])
def test_safe_relative_accepts_ordinary_names(name):
    assert safe_relative(name) == PurePosixPath(name)
