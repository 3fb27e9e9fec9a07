"""Read YAML while remembering the line of every key, so messages can point at it."""

from __future__ import annotations

import re
from typing import Any

import yaml


class LineDict(dict):
    """A mapping from YAML that knows the line of its start and of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A sequence from YAML that knows the line of each item."""

    line: int = 0
    item_lines: list[int]


class DuplicateKey(yaml.MarkedYAMLError):
    """Two entries with the same key: the second would silently replace the first."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text and records line numbers."""


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same, parsed by libyaml when PyYAML has it (about ten times faster)."""


# Dates stay strings: a YAML timestamp such as 2022-11-31 would crash PyYAML's
# constructor, and we want to explain impossible dates ourselves.
for _loader in (_Loader, _FastLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_TEXT = "tag:yaml.org,2002:str"


def _construct(loader: _Loader, node: yaml.Node) -> Any:
    """Most values are plain text: take it from the node without PyYAML's general machinery."""
    if node.tag == _TEXT and type(node) is yaml.ScalarNode:
        return node.value
    return loader.construct_object(node, deep=True)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, "found a key that is not plain text", key_node.start_mark
            )
        if key in result:
            raise DuplicateKey(
                None, None, f"the key '{key}' appears twice in the same mapping", key_node.start_mark
            )
        result[key] = _construct(loader, value_node)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(_construct(loader, child) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document into LineDict/LineList values.

    libyaml parses; when it finds a mistake, the pure-Python parser reads the file
    again so the message (and its marks) are the same whichever parser is installed.
    """
    try:
        data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        try:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - raises the readable error
        except yaml.reader.ReaderError as error:
            raise _unreadable_character(text, error) from None
    if ("&" in text or "*" in text) and _MAYBE_ALIAS.search(text):
        _refuse_aliases(text)
    return data


class ControlCharacter(yaml.MarkedYAMLError):
    """A character YAML does not allow (a control code pasted from a PDF or a word processor)."""


def _unreadable_character(text: str, error: yaml.reader.ReaderError) -> ControlCharacter:
    position = error.position
    line = text.count("\n", 0, position)
    column = position - (text.rfind("\n", 0, position) + 1)
    mark = yaml.Mark("", position, line, column, None, None)
    return ControlCharacter(None, None, f"the character U+{error.character:04X} cannot be used in YAML text", mark)


# An anchor (&name) or alias (*name) can make a few lines expand into millions of values.
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s*&]")


class AliasRefused(yaml.MarkedYAMLError):
    """Content has no use for anchors and aliases; refusing them keeps a small file small."""


def _refuse_aliases(text: str) -> None:
    for event in yaml.parse(text, Loader=_FastLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise AliasRefused(None, None, "YAML anchors and aliases (&name, *name) are not used in content",
                               event.start_mark)


def line_of(data: Any, location: tuple) -> int:
    """Return the line of the deepest part of ``location`` that exists in ``data``."""
    line = getattr(data, "line", 1) or 1
    node = data
    for step in location:
        if isinstance(node, LineDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line
