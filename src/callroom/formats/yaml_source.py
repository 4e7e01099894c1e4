"""YAML text to plain data, remembering the line of every node so errors can point into the file.

PyYAML's `safe_load` forgets where things were; here the document is composed into nodes first and
the data built from them, recording a path -> line map on the way. While building:

- mapping keys are kept as their literal text: YAML 1.1 would turn the keys `on` and `off` (which
  the program file uses) into booleans;
- a key repeated in one mapping is an error rather than a silent "last one wins";
- scalar values keep the usual YAML meaning (numbers, dates, booleans), so the schema layer can
  say precisely what went wrong ("YAML read 19:00 as the number 1140").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

YamlPath = tuple[str | int, ...]
"""Where a value sits in the document: keys and list indexes from the top, e.g. ("people", 3)."""

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class YamlProblem:
    """Something that makes the text unusable as data; `line` is 1-based."""

    line: int | None
    path: YamlPath
    message: str


class YamlSourceError(Exception):
    """The text is not well-formed YAML, or breaks a rule the data builder enforces."""

    def __init__(self, problems: list[YamlProblem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    lines: Mapping[YamlPath, int]

    def line_of(self, path: YamlPath) -> int | None:
        """The line of the value at `path`, or of its nearest ancestor that has one.

        A missing key has no line of its own, so its error points at the mapping it is missing from.
        """
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def dotted(path: YamlPath) -> str:
    """A path written the way people read it: people[3].posts[1]."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.removeprefix(".")


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise YamlSourceError listing every problem found."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        raise YamlSourceError([_syntax_problem(error)]) from error
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        problem = YamlProblem(line, (), f"unreadable text: {error.reason}")
        raise YamlSourceError([problem]) from error
    if root is None:
        return YamlDocument(None, {})
    builder = _Builder()
    data = builder.build(root, ())
    if builder.problems:
        raise YamlSourceError(builder.problems)
    return YamlDocument(data, builder.lines)


def _syntax_problem(error: yaml.MarkedYAMLError) -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    # PyYAML splits its sentences: context "while scanning a quoted scalar", problem "found ...".
    detail = ", ".join(part for part in (error.context, error.problem) if part) or "not valid YAML"
    return YamlProblem(mark.line + 1 if mark else None, (), f"malformed YAML: {detail}")


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _Builder:
    """Builds plain data from composed nodes, collecting problems instead of stopping at one."""

    def __init__(self) -> None:
        self.lines: dict[YamlPath, int] = {}
        self.problems: list[YamlProblem] = []
        # Only the constructor of this loader is used (for scalars); it never reads a stream.
        self._scalars = yaml.SafeLoader("")
        # An alias shares its anchor's value: building it once keeps "billion laughs" documents
        # linear, and an alias to a collection still being built is a cycle, not data.
        self._built: dict[yaml.Node, Any] = {}
        self._open: set[yaml.Node] = set()

    def build(self, node: yaml.Node, path: YamlPath) -> Any:
        self.lines[path] = _line(node)
        if node in self._built:
            return self._built[node]
        if node in self._open:
            return self._problem(node, path, "an alias refers to a collection that contains it")
        self._open.add(node)
        try:
            value = self._value(node, path)
        finally:
            self._open.discard(node)
        self._built[node] = value
        return value

    def _value(self, node: yaml.Node, path: YamlPath) -> Any:
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        return self._problem(node, path, f"unsupported YAML tag {node.tag!r}")

    def _mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            child = (*path, key)
            if key in data:
                first = self.lines[child]
                self._problem(key_node, child, f"duplicate key {key!r} (first at line {first})")
                continue
            data[key] = self.build(value_node, child)
            # The key's line, not the value's: for `hospital:` followed by an indented block,
            # errors about the hospital should point at the word "hospital".
            self.lines[child] = _line(key_node)
        return data

    def _key(self, node: yaml.Node, path: YamlPath) -> str | None:
        if node.tag == _MERGE_TAG:
            self._problem(node, path, "merge keys (<<) are not supported: repeat the keys")
            return None
        if not isinstance(node, yaml.ScalarNode):
            self._problem(node, path, "a mapping key must be plain text")
            return None
        return str(node.value)

    def _scalar(self, node: yaml.ScalarNode, path: YamlPath) -> Any:
        try:
            return self._scalars.construct_object(node)
        except yaml.MarkedYAMLError as error:
            return self._problem(node, path, error.problem or f"cannot read {node.value!r}")
        except ValueError as error:
            # A well-formed but impossible timestamp, e.g. 2026-02-30.
            return self._problem(node, path, f"cannot read {node.value!r}: {error}")

    def _problem(self, node: yaml.Node, path: YamlPath, message: str) -> None:
        self.problems.append(YamlProblem(_line(node), path, message))
