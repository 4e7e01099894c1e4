from __future__ import annotations

from datetime import date

import pytest

from callroom.formats.yaml_source import YamlSourceError, dotted, parse_yaml

TEXT = """\
hospital:
  name: Test General
people:
  - id: ada
    grade: PGY-2
  - {id: bob, grade: PGY-3}
"""


def problems_of(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(YamlSourceError) as caught:
        parse_yaml(text)
    return [(p.line, dotted(p.path), p.message) for p in caught.value.problems]


def test_it_builds_plain_data_with_yaml_scalars() -> None:
    document = parse_yaml("start: 2026-03-02\ndays: 28\nflag: yes\nname: ada\n")

    assert document.data == {"start": date(2026, 3, 2), "days": 28, "flag": True, "name": "ada"}


def test_each_key_and_list_item_maps_to_its_own_line() -> None:
    lines = parse_yaml(TEXT).lines

    assert lines["hospital",] == 1
    assert lines["hospital", "name"] == 2
    assert lines["people", 0] == 4
    assert lines["people", 0, "grade"] == 5
    assert lines["people", 1, "grade"] == 6


def test_a_path_without_a_node_takes_the_line_of_its_nearest_ancestor() -> None:
    document = parse_yaml(TEXT)

    assert document.line_of(("people", 0, "name")) == 4
    assert document.line_of(("rules", "limits")) == 1  # only the document itself


def test_the_keys_on_and_off_stay_text_instead_of_becoming_booleans() -> None:
    document = parse_yaml("- {on: true}\n- {off: true}\n")

    assert document.data == [{"on": True}, {"off": True}]


def test_malformed_yaml_reports_the_line_of_the_problem() -> None:
    [(line, field, message)] = problems_of("people:\n  - id: ada\n    grade: [PGY-2\n")

    assert line == 4
    assert field == ""
    assert message.startswith("malformed YAML: ")


def test_a_second_document_is_malformed_at_its_line() -> None:
    [(line, _, message)] = problems_of("a: 1\n---\nb: 2\n")

    assert line == 2
    assert message == ("malformed YAML: expected a single document in the stream, but found another document")


def test_a_control_character_is_reported_on_its_line() -> None:
    [(line, _, message)] = problems_of("a: 1\nb: \x07\n")

    assert (line, message) == (2, "unreadable text: special characters are not allowed")


def test_every_duplicate_key_is_reported_with_the_line_of_the_first() -> None:
    text = "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n"

    assert problems_of(text) == [
        (4, "b.c", "duplicate key 'c' (first at line 3)"),
        (5, "a", "duplicate key 'a' (first at line 1)"),
    ]


def test_an_impossible_date_is_reported_on_its_line() -> None:
    [(line, field, message)] = problems_of("block:\n  start: 2026-02-30\n")

    assert (line, field) == (2, "block.start")
    assert "day is out of range for month" in message


def test_an_alias_reuses_the_anchored_value() -> None:
    document = parse_yaml("a: &posts [ward, clinic]\nb: *posts\n")

    assert document.data["b"] == ["ward", "clinic"]
    assert document.lines["b",] == 2


def test_an_alias_inside_its_own_anchor_is_an_error_not_a_hang() -> None:
    [(line, _, message)] = problems_of("a: &loop [1, *loop]\n")

    assert line == 1
    assert "contains it" in message


def test_merge_keys_are_refused_with_a_reason() -> None:
    [(line, _, message)] = problems_of("base: &b {x: 1}\nother:\n  <<: *b\n")

    assert line == 3
    assert "merge keys" in message


def test_an_empty_document_has_no_data() -> None:
    assert parse_yaml("# nothing here\n").data is None


def test_dotted_writes_list_indexes_in_brackets() -> None:
    assert dotted(("people", 3, "posts", 1)) == "people[3].posts[1]"
    assert dotted(()) == ""
