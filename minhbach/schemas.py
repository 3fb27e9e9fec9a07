"""JSON Schemas for editors' code editors, generated from the same models the build validates with.

Each content file's first line names its schema for the YAML language server (VS Code's
YAML extension and others), so the editor completes field names and underlines mistakes:

    # yaml-language-server: $schema=../../schemas/agency.schema.json
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

from pydantic import BaseModel

from .config import SiteConfig
from .models import MODELS, THREAD_KINDS

FOLDER = "schemas"
# Schema file names (without .schema.json) by content folder; the site settings have their own.
NAMES = {"provinces": "province", "agencies": "agency", "directives": "directive", "tasks": "task",
         "comments": "comment-thread", "site_config": "site-config"}
MODELINE = "# yaml-language-server: $schema="


def _model(kind: str) -> type[BaseModel]:
    return SiteConfig if kind == "site_config" else MODELS[kind]


def schema_texts() -> dict[str, str]:
    """Every schema as the text committed under schemas/, by file name."""
    texts = {}
    for kind, name in NAMES.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **_model(kind).model_json_schema()}
        texts[f"{name}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return texts


def write_schemas(root: Path) -> list[str]:
    """Write schemas/ under ``root``; return the files whose text changed."""
    folder = root / FOLDER
    folder.mkdir(exist_ok=True)
    changed = []
    for name, text in schema_texts().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(f"{FOLDER}/{name}")
    return changed


def kind_of(relative: str) -> str | None:
    """Which content type a file under the site root holds (as load.py reads them), or None."""
    parts = PurePosixPath(relative).parts
    if parts == ("site_config.yaml",):
        return "site_config"
    if len(parts) < 3 or parts[0] != "content" or PurePosixPath(relative).suffix not in (".yaml", ".yml"):
        return None
    top = parts[1]
    if top in ("provinces", "agencies", "tasks"):
        return top
    if top == "directives" and len(parts) == 4 and parts[3] in ("directive.yaml", "directive.yml"):
        return "directives"
    if top == "comments" and len(parts) == 4 and parts[2] in THREAD_KINDS:
        return "comments"
    return None


def modeline(relative: str, kind: str | None = None) -> str:
    """The first line of a content file: its schema, relative to the file so any checkout works."""
    kind = kind or kind_of(relative)
    target = f"{FOLDER}/{NAMES[kind]}.schema.json"
    return MODELINE + PurePosixPath(os.path.relpath(target, PurePosixPath(relative).parent.as_posix() or ".")).as_posix()


def content_files(root: Path) -> list[str]:
    """site_config.yaml and every record file under content/, relative to ``root``."""
    found = ["site_config.yaml"] if (root / "site_config.yaml").exists() else []
    for path in sorted((root / "content").rglob("*.y*ml")):
        relative = path.relative_to(root).as_posix()
        if kind_of(relative) and not any(part.startswith(".") for part in path.relative_to(root).parts):
            found.append(relative)
    return found


def add_modelines(root: Path) -> list[str]:
    """Put (or correct) the schema line at the top of every content file; return the files changed."""
    changed = []
    for relative in content_files(root):
        path = root / relative
        text = path.read_text(encoding="utf-8")
        wanted = modeline(relative)
        lines = text.split("\n", 1)
        if lines[0] == wanted:
            continue
        body = lines[1] if lines[0].startswith(MODELINE) and len(lines) > 1 else ("" if lines[0].startswith(MODELINE) else text)
        path.write_text(f"{wanted}\n{body}", encoding="utf-8")
        changed.append(relative)
    return changed
