"""A big site's records read in two processes give exactly what one process reads: the same
records in the same order, the same remembered validations and the same problems."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_CONFIG, ROOT, dedent
from minhbach import parallel_load
from minhbach.config import load_config
from minhbach.incremental import Builder
from minhbach.load import load_content, record_files
from minhbach.pipeline import prepare_site
from minhbach.problems import Report, SiteError
from minhbach.validate import validate_as_read, validate_records

sys.path.insert(0, str(ROOT / "benchmarks"))

import national_content  # noqa: E402


@pytest.fixture
def big_site(tmp_path, monkeypatch) -> Path:
    """A generated province (21 agencies, 60 tasks) with the threshold lowered so it counts as big,
    and mistakes spread over the record files, three neighbours alike, so that each process
    reads some of them however evenly the files are shared out."""
    monkeypatch.setattr(parallel_load, "PARALLEL_MIN_FILES", 20)
    root = tmp_path / "site"
    national_content.generate(root, provinces=1, tasks_per_province=60)
    (root / "site_config.yaml").write_text(dedent(FIXTURE_CONFIG), encoding="utf-8")
    tasks = [name for name in record_files(root) if name.startswith("content/tasks/")]
    broken = {
        tasks[3]: "id: x\ntitle: {vi: a, en: b\nstatus: done\n",  # a bracket never closed
        tasks[4]: "id: [a\n",
        tasks[5]: "id: a\nid: b\n",
        tasks[20]: None,  # the status is not one of the allowed values
        tasks[21]: None,
        tasks[22]: None,
        tasks[-2]: "",  # empty
        tasks[-1]: "id: a\n\tstatus: done\n",  # a tab
    }
    for name, text in broken.items():
        path = root / name
        if text is None:
            text = re.sub(r"^status: .*$", "status: finished-ish", path.read_text(encoding="utf-8"), count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")
    folder = root / Path(tasks[30]).parent
    (folder / "notes.txt").write_text("not a record\n", encoding="utf-8")  # a warning from the other process's walk
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", folder / "zz-link")  # reported before this folder's files, by name after them
    return root


def serial_load(root: Path):
    report, memo = Report(), {}
    raw = load_content(root, report, on_record=validate_as_read(memo))
    return raw, report, memo


def test_two_processes_read_a_big_site_as_one_does(big_site, monkeypatch):
    forks, left = [], set()  # left: the files this process left to the forked one
    fork_map, load = parallel_load.fork_map, parallel_load.load_content
    monkeypatch.setattr(parallel_load, "fork_map", lambda work, chunks: forks.append(chunks) or fork_map(work, chunks))
    monkeypatch.setattr(parallel_load, "load_content", lambda root, report, on_record, share: load(
        root, report, on_record, lambda name: share(name) or left.add(name)))
    raw, report, memo = serial_load(big_site)
    report2, memo2 = Report(), {}
    raw2 = parallel_load.load_validated(big_site, report2, memo2, jobs=2)
    assert len(forks) == 1

    assert [r.path for r in raw2.records] == [r.path for r in raw.records]
    assert raw2.records == raw.records
    assert memo2.keys() == memo.keys()
    for item in raw2.records:  # validate_records finds each record's validation by identity
        known = memo2[item.path]
        assert known[0] is item
        assert known[1:] == memo[item.path][1:]
    assert (raw2.unreadable, raw2.texts, raw2.pages, raw2.sources) == (raw.unreadable, raw.texts, raw.pages, raw.sources)

    assert report2.problems == report.problems
    messages = [(p.path, p.line, p.message) for p in report.problems]
    assert any("never closed" in m for _, _, m in messages)
    assert any("the file is empty" in m for _, _, m in messages)
    assert any("this folder is a link to outside content/" in m for _, _, m in messages)
    assert any("not used by the site" in m for _, _, m in messages)

    records, records2 = validate_records(raw, report, memo), validate_records(raw2, report2, memo2)
    assert report2.problems == report.problems
    assert any("'finished-ish' is not one of the allowed values" in p.message for p in report.problems)
    theirs = [p.message for p in report.problems if p.path in left]  # found by the forked process
    assert any(m.startswith("YAML syntax error") for m in theirs) and any("'finished-ish'" in m for m in theirs)
    assert list(records2.tasks) == list(records.tasks) and records2.tasks == records.tasks
    assert records2.broken == records.broken


def test_the_build_reports_the_same_mistakes_with_one_process_or_two(big_site):
    with pytest.raises(SiteError) as serial:
        prepare_site(big_site, jobs=1)
    with pytest.raises(SiteError) as parallel:
        prepare_site(big_site, jobs=2)
    assert parallel.value.problems == serial.value.problems
    builder = Builder(big_site, big_site / "output", jobs=2, manifest=False)
    builder.config = load_config(big_site)
    with pytest.raises(SiteError) as built:
        builder._load(Report())
    assert built.value.problems == serial.value.problems


def test_small_sites_and_one_job_read_in_this_process(big_site, make_site, monkeypatch):
    monkeypatch.setattr(parallel_load, "fork_map", lambda work, chunks: pytest.fail("forked"))
    parallel_load.load_validated(big_site, Report(), {}, jobs=1)
    monkeypatch.setattr(parallel_load, "PARALLEL_MIN_FILES", 2000)
    parallel_load.load_validated(big_site, Report(), {}, jobs=2)
    raw = parallel_load.load_validated(make_site(), Report(), {}, jobs=2)
    assert len(raw.records) == 5
