"""The national benchmark script, run on one tiny province (the real benchmark is not a test)."""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import national_content  # noqa: E402
import run  # noqa: E402

KEYS = ("pages", "full_s", "peak_rss_mb", "peak_pss_mb", "search_index_s", "search_peak_rss_mb", "nochange_s",
        "edit_task_s", "edit_agency_s", "edit_template_s", "edit_task_search_s", "hugo_full_s", "hugo_peak_rss_mb")


def test_generator_is_deterministic_and_writes_every_deadline_form(tmp_path):
    national_content.generate(tmp_path / "a", provinces=1, tasks_per_province=12)
    national_content.generate(tmp_path / "b", provinces=1, tasks_per_province=12)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len([f for f in files if f.parts[1] == "tasks"]) == 12
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    tasks = "".join((tmp_path / "a" / f).read_text(encoding="utf-8") for f in files if f.parts[1] == "tasks")
    for kind in ("kind: none", "kind: day", "kind: month", "kind: year", "kind: yearly"):
        assert kind in tasks
    assert "description:\n  vi: |" in tasks and "ệ" in tasks


def test_benchmark_prints_the_table_and_writes_every_figure(tmp_path, capsys):
    figures_file = tmp_path / "figures.json"
    run.main(["--provinces", "1", "--tasks", "12", "--work", str(tmp_path / "national"), "--jobs", "2",
              "--repeat", "2", "--json", str(figures_file)])
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert all(key in figures for key in KEYS), sorted(set(KEYS) - set(figures))
    # ours and Hugo's full builds took turns; each figure is the median of its runs
    assert len(figures["full_runs_s"]) == len(figures["hugo_full_runs_s"]) == 2
    assert figures["full_s"] == pytest.approx(statistics.median(figures["full_runs_s"]), abs=1e-3)
    assert figures["hugo_full_s"] == pytest.approx(statistics.median(figures["hugo_full_runs_s"]), abs=1e-3)
    assert figures["pages"] > 50 and figures["hugo_full_s"] > 0 and figures["peak_rss_mb"] > 10
    assert 0 < figures["edit_task_s"] < figures["full_s"]
    # each cheap edit was timed several times, each a different change; the figure is their median
    assert len(figures["edit_task_runs_s"]) == 5 and len(figures["edit_agency_runs_s"]) == 3
    assert figures["edit_task_s"] == pytest.approx(statistics.median(figures["edit_task_runs_s"]), abs=1e-3)
    assert len(figures["nochange_runs_s"]) == 3
    assert figures["nochange_s"] == pytest.approx(statistics.median(figures["nochange_runs_s"]), abs=1e-3)
    assert figures["search_index_s"] > 0 and figures["search_peak_rss_mb"] > 0 and figures["edit_task_search_s"] > 0
    # which interpreter built ours: the figures depend on how it was compiled
    version, executable = figures["python"].split(" ", 1)
    assert version == platform.python_version() and Path(executable).resolve() == Path(sys.executable).resolve()
    printed = capsys.readouterr().out
    for label in ("full clean build", "search indexing", "no-change rebuild", "edit one task", "Hugo: full build",
                  "time ratio"):
        assert label in printed
    # The edits were undone: the content is the generator's again.
    again = tmp_path / "again"
    national_content.generate(again, provinces=1, tasks_per_province=12)
    for path in (again / "content").rglob("*.yaml"):
        assert path.read_bytes() == (tmp_path / "national" / path.relative_to(again)).read_bytes()
    # ... and so is the site, search index included: the build command finds nothing to do.
    build = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(tmp_path / "national"), "build",
                            "--output", str(tmp_path / "national" / "output")], capture_output=True, text=True, check=True)
    assert "Nothing changed since the last build" in build.stdout
