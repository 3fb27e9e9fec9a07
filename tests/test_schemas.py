"""JSON Schemas: generated from the models, committed, named by every content file, and agreeing with the build."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from build import cli
from conftest import ROOT, TASK_PATH
from minhbach.export import thread_file_text
from minhbach.pipeline import build_site
from minhbach.schemas import FOLDER, MODELINE, NAMES, content_files, kind_of, modeline, schema_texts
from minhbach.yamlfile import parse_yaml


def validator(kind: str) -> Draft202012Validator:
    schema = json.loads((ROOT / FOLDER / f"{NAMES[kind]}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_committed_schemas_are_generated_from_the_current_models():
    committed = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / FOLDER).glob("*.schema.json")}
    assert committed == schema_texts(), "schemas/ is stale: run `python build.py schemas` and commit the result"


BUNDLED = content_files(ROOT)


def test_every_content_file_is_found():
    assert "site_config.yaml" in BUNDLED
    assert {kind_of(name) for name in BUNDLED} >= {"site_config", "provinces", "agencies", "directives", "tasks"}
    assert len([n for n in BUNDLED if kind_of(n) == "tasks"]) > 50


@pytest.mark.parametrize("relative", BUNDLED)
def test_content_file_names_its_schema_and_satisfies_it(relative):
    text = (ROOT / relative).read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    assert first == modeline(relative), f"{relative} must start with {modeline(relative)}"
    target = (ROOT / relative).parent / first[len(MODELINE):]
    assert target.resolve() == (ROOT / FOLDER / f"{NAMES[kind_of(relative)]}.schema.json").resolve()
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator(kind_of(relative)).iter_errors(parse_yaml(text))]
    assert not errors, f"{relative}: {errors}"


def test_modeline_paths_are_relative_to_the_file():
    assert modeline("content/agencies/bo-xay-dung.yaml") == MODELINE + "../../schemas/agency.schema.json"
    assert modeline("content/tasks/950-qd-ttg-2018/x.yaml") == MODELINE + "../../../schemas/task.schema.json"
    assert modeline("content/directives/950-qd-ttg-2018/directive.yaml") == \
        MODELINE + "../../../schemas/directive.schema.json"
    assert modeline("site_config.yaml") == MODELINE + "schemas/site-config.schema.json"
    assert kind_of("content/directives/950-qd-ttg-2018/text.vi.md") is None


def test_the_schema_underlines_what_the_build_refuses(make_site, site_content):
    task = parse_yaml(site_content[TASK_PATH].replace("        ", "", -1))
    assert not list(validator("tasks").iter_errors(task))
    for mistake in ({"statuss": "completed"}, {"status": "done"}, {"progress": 120}, {"lead": []},
                    {"id": "Sở Xây dựng"}, {"title": {"vi": "a", "fr": "b"}}):
        broken = {**task, **mistake}
        assert list(validator("tasks").iter_errors(broken)), mistake
    bad = {**task}
    del bad["source"]
    assert list(validator("tasks").iter_errors(bad))


def test_schemas_command_wires_fixture_files_and_they_still_build(make_site):
    root = make_site()
    result = CliRunner().invoke(cli, ["--root", str(root), "schemas"])
    assert result.exit_code == 0, result.output
    assert f"Added the schema line to {TASK_PATH}" in result.output
    assert (root / TASK_PATH).read_text(encoding="utf-8").startswith(MODELINE + "../../../schemas/task.schema.json\n")
    assert (root / "schemas" / "task.schema.json").exists()
    again = CliRunner().invoke(cli, ["--root", str(root), "schemas"])
    assert "Added" not in again.output and "Wrote" not in again.output
    build_site(root, root / "output")


def test_exported_comment_files_name_their_schema():
    text = thread_file_text({"thread": "tasks/mau-1", "comments": []}, "Nhiệm vụ")
    assert text.startswith(MODELINE + "../../../schemas/comment-thread.schema.json\n")
