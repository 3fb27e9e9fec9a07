"""The build manifest's stamps: what a no-change build compares to find nothing to do."""

from __future__ import annotations

import json
import os

from minhbach.manifest import Manifest, Stamps, input_stamps, output_stamps


def _site(tmp_path):
    root = tmp_path / "site"
    for name, text in {"content/tasks/doc/t-1.yaml": "id: t-1\n", "content/.git/HEAD": "ref\n",
                       "templates/task.html": "<p>", "locales/en/messages.po": "", "site_config.yaml": "x: 1\n"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_inputs_are_every_content_template_and_locale_file_but_hidden_folders(tmp_path):
    root = _site(tmp_path)
    found = input_stamps(root)
    assert {"content/tasks/doc/t-1.yaml", "templates/task.html", "locales/en/messages.po", "site_config.yaml"} <= set(found)
    assert not any(".git" in name for name in found)
    assert found["content/tasks/doc/t-1.yaml"][0] == len("id: t-1\n")


def test_outputs_are_every_file_and_links_to_folders_are_not_followed(tmp_path):
    output = tmp_path / "output"
    (output / "vi" / "nhiem-vu" / "t-1").mkdir(parents=True)
    (output / "vi" / "nhiem-vu" / "t-1" / "index.html").write_text("<p>1</p>", encoding="utf-8")
    (output / ".well-known").mkdir()
    (output / ".well-known" / "security.txt").write_text("Contact: x", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "big.html").write_text("x", encoding="utf-8")
    os.symlink(elsewhere, output / "linked")
    os.symlink(tmp_path / "missing", output / "broken")
    found = output_stamps(output)
    assert set(found) == {"vi/nhiem-vu/t-1/index.html", ".well-known/security.txt"}


def test_a_changed_file_changes_the_digest_and_setting_it_back_restores_it(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    page = output / "index.html"
    page.write_text("<p>1</p>", encoding="utf-8")
    before = Stamps(output_stamps(output))
    page.write_text("<p>12</p>", encoding="utf-8")
    after = Stamps(output_stamps(output))
    assert after.hex() != before.hex()
    after.set("index.html", before.stamps["index.html"])
    assert after.hex() == before.hex()


def test_stamping_in_shares_finds_each_file_once(tmp_path):
    output = tmp_path / "output"
    names = ["index.html", "sitemap.xml", "pagefind/pagefind.js", "data/tasks.csv"]
    names += [f"pagefind/fragment/vi_{n}.pf_fragment" for n in range(7)]
    names += [f"{lang}/nhiem-vu/t-{n}/index.html" for lang in ("vi", "en") for n in range(9)]
    names += ["vi/nhiem-vu/t-1/deeper/more/page.html", "en/index.html"]
    for name in names:
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text(name, encoding="utf-8")
    os.symlink(output / "vi", output / "en" / "linked")
    alone = output_stamps(output)
    assert set(alone) == set(names)
    for jobs in (2, 3):
        assert output_stamps(output, jobs=jobs) == alone


def test_a_damaged_record_is_no_last_build(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("<p>1</p>", encoding="utf-8")
    manifest = Manifest(tmp_path / ".cache" / "build.json")
    inputs, outputs = Stamps({"content/a.yaml": (1, 2)}), Stamps(output_stamps(output))
    manifest.save(pages=1, inputs=inputs, outputs=outputs, search=True,
                  warnings=[{"path": "content/a.yaml", "line": 3, "field": "x", "message": "m"}])
    last = manifest.current(inputs, output, strict=False)
    assert last is not None and last.pages == 1 and last.warnings[0].line == 3
    assert manifest.current(inputs, output, strict=True) is None  # a strict build must fail on the warning
    saved = json.loads(manifest.path.read_text(encoding="utf-8"))
    for damaged in ({k: v for k, v in saved.items() if k != "pages"}, {**saved, "warnings": [{"nonsense": 1}]},
                    {**saved, "pages": "many"}, [saved], "not json"):
        manifest.path.write_text(damaged if isinstance(damaged, str) else json.dumps(damaged), encoding="utf-8")
        assert manifest.current(inputs, output, strict=False) is None
