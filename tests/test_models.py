"""Records kept small in memory: what compact() changes must not change what they read as."""

from __future__ import annotations

import pickle

import pytest

from minhbach.models import CompactText, PackedText, Task, Text, compact

DESCRIPTION = "## Nội dung\nXây dựng **Trung tâm điều hành đô thị thông minh** của tỉnh.\n\n- Camera giao thông.\n" * 20


def _task(task_id: str, description: Text | None, **extra) -> Task:
    return Task.model_validate({
        "id": task_id, "directive": "kh-1", "province": "kien-giang", "title": {"vi": "Tiêu đề", "en": "Title"},
        "description": description, "source": {"quote": {"vi": "Trích dẫn"}}, "lead": ["so-xay-dung"], **extra,
    })


def test_a_packed_description_reads_as_the_text_it_replaced():
    text = Text(vi=DESCRIPTION, en="Build the **smart city operations centre**.")
    task = compact(_task("t-1", text))
    assert isinstance(task.description, PackedText)
    assert (task.description.vi, task.description.en) == (text.vi, text.en)
    assert task.description == text and task.description == PackedText(text)
    assert task.description != PackedText(Text(vi=DESCRIPTION + "x", en=text.en))


def test_a_description_without_english_stays_without_it():
    task = compact(_task("t-1", Text(vi=DESCRIPTION)))
    assert task.description.en is None and task.description.vi == DESCRIPTION


def test_compacted_tasks_compare_as_before():
    """The incremental builder finds edited tasks by comparing records."""
    one, same, edited = (compact(_task("t-1", Text(vi=text))) for text in (DESCRIPTION, DESCRIPTION, DESCRIPTION + "!"))
    assert one == same and one != edited


def test_records_with_the_same_given_fields_share_one_set():
    first = compact(_task("t-1", Text(vi="Một"), updates=[{"date": "2025-01-02", "text": {"vi": "Đã làm"}}]))
    second = compact(_task("t-2", Text(vi="Hai"), updates=[{"date": "2025-03-04", "text": {"vi": "Xong"}}]))
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert first.updates[0].__pydantic_fields_set__ is second.updates[0].__pydantic_fields_set__
    assert first.updates[0].__pydantic_fields_set__ == {"date", "text"}
    # a copy with a change gets a set of its own, and the shared one stays as it was
    changed = second.model_copy(update={"status": "completed"})
    assert "status" in changed.__pydantic_fields_set__ and "status" not in first.__pydantic_fields_set__


def test_short_texts_become_compact_and_read_compare_and_pickle_as_before():
    task = compact(_task("t-1", None, updates=[{"date": "2025-01-02", "text": {"vi": "Đã làm", "en": "Done"}}],
                         funding={"vi": "Ngân sách nhà nước"}))
    texts = (task.title, task.source.quote, task.updates[0].text, task.funding)
    assert all(isinstance(text, CompactText) for text in texts)
    assert (task.title.vi, task.title.en) == ("Tiêu đề", "Title") and task.funding.en is None
    assert task.title == Text(vi="Tiêu đề", en="Title") and Text(vi="Tiêu đề", en="Title") == task.title
    assert task.title != Text(vi="Tiêu đề", en="Other") and task.title != "Tiêu đề"
    assert hash(task.title) == hash(CompactText("Tiêu đề", "Title"))
    assert pickle.loads(pickle.dumps(task)) == task == _task("t-1", None, updates=[
        {"date": "2025-01-02", "text": {"vi": "Đã làm", "en": "Done"}}], funding={"vi": "Ngân sách nhà nước"})
    with pytest.raises(TypeError):
        task.title.vi = "Khác"
