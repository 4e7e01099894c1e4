"""The published JSON Schema: committed copy up to date, and it agrees with the loader."""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files
from typing import Any

import jsonschema
import pytest

from callroom.domain.grades import Grade, GradeRange
from callroom.formats.program_file import program_json_schema
from callroom.formats.yaml_source import parse_yaml
from tests.unit.formats.program_texts import fixture

REGENERATE = "python -m callroom.formats.program_file > src/callroom/schema/program.schema.json"


def committed_schema() -> Any:
    return json.loads((files("callroom") / "schema" / "program.schema.json").read_text())


def as_json(data: Any) -> Any:
    """The file's data as a JSON document has it: YAML dates become ISO strings."""
    return json.loads(json.dumps(data, default=date.isoformat))


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(program_json_schema(), format_checker=jsonschema.FormatChecker())


def test_the_committed_schema_equals_the_generated_one() -> None:
    assert committed_schema() == program_json_schema(), f"regenerate it: {REGENERATE}"


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(program_json_schema())


def test_the_schema_accepts_the_full_example() -> None:
    data = as_json(parse_yaml(fixture("full.yaml").read_text()).data)

    validator().validate(data)


def test_the_schema_rejects_what_the_loader_rejects() -> None:
    data = as_json(parse_yaml(fixture("full.yaml").read_text()).data)
    data["people"][0]["psots"] = ["gs-day"]
    data["shift_types"][0]["duration"] = "12 hours"

    errors = sorted(error.json_path for error in validator().iter_errors(data))

    assert errors == ["$.people[0]", "$.shift_types[0].duration"]


@pytest.mark.parametrize("text", ["PGY-3", "pgy3", "PGY 1", "Attending", "att", "PGY-7", "PGY-"])
def test_the_grade_pattern_agrees_with_the_domain_parser(text: str) -> None:
    pattern = program_json_schema()["$defs"]["PersonSpec"]["properties"]["grade"]
    try:
        Grade.parse(text)
        parses = True
    except ValueError:
        parses = False

    assert jsonschema.Draft202012Validator(pattern).is_valid(text) is parses


@pytest.mark.parametrize(
    "text",
    ["any", "Residents", "PGY-3+", "PGY-1..PGY-2", "pgy1 .. pgy2", "attending", "PGY-3-", "x"],
)
def test_the_grade_range_pattern_agrees_with_the_domain_parser(text: str) -> None:
    pattern = program_json_schema()["$defs"]["NeedSpec"]["properties"]["grades"]
    try:
        GradeRange.parse(text)
        parses = True
    except ValueError:
        parses = False

    assert jsonschema.Draft202012Validator(pattern).is_valid(text) is parses
