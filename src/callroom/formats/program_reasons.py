"""The reasons of declared conflicts are the chief's, not the admin's: an admin maintains the
program file without reading them.

- `hide_reasons` is the file as an admin reads it: each conflict's reason replaced by
  `PLACEHOLDER`, every other character (comments, order, layout) as it was written.
- `keep_reasons` is the file an admin sends back, made ready to store: wherever a conflict's
  reason is still the placeholder, the reason stored for the same two people is put back. A new
  pair with the placeholder for its reason is refused (the admin who adds a conflict writes its
  reason). A file sent back unchanged is the stored file, character for character.

Text is not parsed here beyond finding where each reason is written; a file that is not YAML
is passed on untouched for the program loader to report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass

import yaml

from callroom.domain.program import Conflict
from callroom.errors import Invalid
from callroom.formats.program_dump import program_document
from callroom.formats.program_file import ProgramFileError, parse_program

PLACEHOLDER = "[kept as stored: only the chief resident reads this reason]"


@dataclass(frozen=True)
class _Written:
    """Where conflict number `index` writes its reason: characters start..end of the text."""

    index: int
    pair: frozenset[str]
    value: str
    start: int
    end: int


def hide_reasons(source: str) -> str:
    """The program file with every conflict's reason replaced by PLACEHOLDER (see the module
    doc). When the reasons cannot be found in the text as written (an anchor, say), the file is
    written out again from its data instead, so a reason never shows."""
    hidden = _splice(source, {w: PLACEHOLDER for w in _reasons(source)})
    with suppress(ProgramFileError):  # a reason was an alias of one the splice replaced
        if all(c.reason == PLACEHOLDER for c in parse_program(hidden).conflicts):
            return hidden
    document = program_document(parse_program(source))
    for conflict in document.get("conflicts", ()):
        conflict["reason"] = PLACEHOLDER
    dumped: str = yaml.safe_dump(
        document, sort_keys=False, width=110, default_flow_style=None, allow_unicode=True
    )
    return dumped


def keep_reasons(source: str, stored_source: str, stored: Sequence[Conflict]) -> str:
    """The file to store for `source`, an edit of `stored_source` whose conflicts are `stored`:
    each placeholder reason replaced by the stored reason of the same pair (see the module doc).
    Invalid ("source.conflicts.N.reason") for a pair that has no stored reason."""
    if _lines(source) == _lines(hide_reasons(stored_source)):
        return stored_source
    reasons = {frozenset((c.first, c.second)): c.reason for c in stored}
    kept: dict[_Written, str] = {}
    for written in _reasons(source):
        if written.value != PLACEHOLDER:
            continue
        if written.pair not in reasons:
            raise Invalid(
                f"source.conflicts.{written.index}.reason",
                f"conflict {written.index} ({' and '.join(sorted(written.pair))}) is new: write "
                "its reason (the placeholder keeps only a reason already stored for the same two)",
            )
        kept[written] = reasons[written.pair]
    return _splice(source, kept)


def _splice(source: str, values: dict[_Written, str]) -> str:
    """The text with each written reason replaced by its new value, quoted on one line; the line
    breaks that ended it are kept, so the next key stays where it was."""
    text = source
    spans = {(w.start, w.end): w for w in values}  # an aliased reason is written once
    for written in sorted(spans.values(), key=lambda w: w.start, reverse=True):
        old = text[written.start : written.end]
        trailing = old[len(old.rstrip()) :]
        quoted = json.dumps(values[written], ensure_ascii=False)  # JSON strings are YAML scalars
        text = text[: written.start] + quoted + trailing + text[written.end :]
    return text


def _reasons(source: str) -> list[_Written]:
    """Each conflict's reason as written in the text; none when the text is not YAML or has
    no conflicts in the expected shape (the loader will say what is wrong)."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    conflicts = _value(root, "conflicts")
    if not isinstance(conflicts, yaml.SequenceNode):
        return []
    return list(_written(conflicts.value))


def _written(items: list[yaml.Node]) -> Iterator[_Written]:
    for index, item in enumerate(items):
        reason, between = _value(item, "reason"), _value(item, "between")
        if not isinstance(reason, yaml.ScalarNode) or not isinstance(between, yaml.SequenceNode):
            continue
        pair = frozenset(str(n.value) for n in between.value if isinstance(n, yaml.ScalarNode))
        yield _Written(index, pair, str(reason.value), reason.start_mark.index, reason.end_mark.index)


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _lines(text: str) -> str:
    """The text with a browser's line ends (a form's textarea sends CR LF) made plain."""
    return text.replace("\r\n", "\n")
