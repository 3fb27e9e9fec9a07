"""Rendering internals that must not change what a page says."""

from __future__ import annotations

import jinja2
import pytest

from minhbach.pipeline import prepare_site
from minhbach.plan import plan_site
from minhbach.render import PageContext

from conftest import FIXTURE_CONTENT, TASK_PATH, create_site

TEMPLATE = """\
{% extends "base.html" %}
{% block main %}{% macro m(n) %}<{{ shout(n) }}>{% endmacro %}{{ shout("a") }} {{ who() }} {{ greeter.hello("b") }} {{ range(3)|list }} {{ stop() is defined }}
{% for x in [1, 2] %}{% set y = x * 10 %}{{ shout(x) }}{{ seen_y() }}{% endfor %}{{ m(4) }}{% endblock %}
"""
BASE = "<main>{% block main %}{% endblock %}</main>"


class Greeter:
    def hello(self, name):
        return f"hello {name}"


def stop():
    raise StopIteration


@jinja2.pass_context
def who(context):
    return context.get("lang")


@jinja2.pass_context
def seen_y(context):
    return context.get("y", "-")


def render(context_class) -> str:
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": TEMPLATE, "base.html": BASE}), autoescape=True)
    env.context_class = context_class
    env.globals.update(shout=lambda text: f"{text}!", who=who, greeter=Greeter(), stop=stop, seen_y=seen_y, lang="vi")
    return env.get_template("page.html").render()


def test_pages_read_the_same_through_the_page_context():
    assert render(PageContext) == render(jinja2.runtime.Context)
    assert "a! vi hello b [0, 1, 2] False" in render(PageContext)


def test_plain_functions_are_called_without_jinjas_inspection(monkeypatch):
    inspected = []
    original = jinja2.runtime.Context.call

    def counting(self, obj, *args, **kwargs):
        inspected.append(getattr(obj, "__name__", type(obj).__name__))
        return original(self, obj, *args, **kwargs)

    monkeypatch.setattr(jinja2.runtime.Context, "call", counting)
    render(PageContext)
    assert "<lambda>" not in inspected and "hello" not in inspected
    assert "who" in inspected and "seen_y" in inspected  # they need the context: Jinja passes it


@pytest.mark.parametrize("context_class", [PageContext, jinja2.runtime.Context])
def test_a_function_that_fails_fails_the_page(context_class):
    env = jinja2.Environment(loader=jinja2.DictLoader({"p.html": "{{ boom() }}"}))
    env.context_class = context_class
    env.globals["boom"] = lambda: 1 / 0
    with pytest.raises(ZeroDivisionError):
        env.get_template("p.html").render()


def test_markdown_rendered_ahead_gives_the_same_pages_and_each_text_once(tmp_path):
    task = FIXTURE_CONTENT[TASK_PATH].replace("        status: no-report\n", """\
        status: in-progress
        description:
          vi: "Lập **kế hoạch** theo [Quyết định 950](https://example.org/950)<script>alert(1)</script>\\n\\n- một\\n- hai"
          en: "Prepare the **plan** under [Decision 950](https://example.org/950)"
        updates:
          - date: 2022-10-01
            source: 12-ubnd-kt-2022
            text: {vi: "Đã *trình* dự thảo"}
          - date: 2022-11-01
            source: 12-ubnd-kt-2022
            text: {vi: "Đã phê duyệt", en: "Approved"}
        """)
    root = create_site(tmp_path / "site", {**FIXTURE_CONTENT, TASK_PATH: task})
    config, _, site, markdown, report = prepare_site(root, jobs=1)
    plan = plan_site(root, config, site, markdown, report)
    tasks = [index for index, (_, spec, _) in enumerate(plan.pages) if spec.kind == "task"]
    as_they_come = [plan.page_bytes(index) for index in tasks]
    plan.prepare(tasks)
    assert plan.renderer.prepared  # the fixture's tasks have descriptions and updates
    assert [plan.page_bytes(index) for index in tasks] == as_they_come
    assert not plan.renderer.prepared  # every text prepared was handed out, once
