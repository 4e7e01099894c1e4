"""The program file: the YAML a chief resident writes to describe a service and a block.

`load_program` and `parse_program` turn it into a domain `Program` or raise `ProgramFileError`
listing every problem found, each with file, line and field. Checking runs in stages, and each
stage reports all it finds: YAML syntax (and duplicate keys), then structure (pydantic models in
program_model), then cross-references and cover (program_checks, program_cover). A later stage
only runs when the earlier ones pass, because it needs their output to make sense.

`program_json_schema()` is the published JSON Schema (src/callroom/schema/program.schema.json);
regenerate the committed copy with `python -m callroom.formats.program_file`.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from callroom.domain.program import Program
from callroom.errors import Detail, Invalid
from callroom.formats.program_checks import Finding, check_program_spec
from callroom.formats.program_convert import to_program
from callroom.formats.program_cover import check_cover
from callroom.formats.program_model import ProgramSpec
from callroom.formats.program_paging import check_paging
from callroom.formats.yaml_source import (
    YamlDocument,
    YamlPath,
    YamlSourceError,
    dotted,
    parse_yaml,
)

_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_TOP_LEVEL = "a program file is a YAML mapping with hospital, block, shift_types, services, cover and people"


@dataclass(frozen=True)
class FileIssue:
    """One problem in a file; `line` is 1-based, `field` is written like people[3].posts[1]."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return ": ".join(part for part in (where, self.field, self.message) if part)


class ProgramFileError(Invalid):
    """A program file that cannot be loaded; `issues` lists every problem found, in line order,
    and each is a detail with its line."""

    def __init__(self, issues: list[FileIssue]) -> None:
        self.issues = sorted(issues, key=lambda issue: issue.line or 0)
        details = [
            Detail(i.field, i.message, {"line": str(i.line or ""), "file": i.file}) for i in self.issues
        ]
        super().__init__(self.issues[0].field, "\n".join(str(issue) for issue in self.issues), details)


def load_program(path: Path) -> Program:
    """Read and parse a program file; an unreadable file is a ProgramFileError too."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise _unreadable(path, error.strerror or str(error)) from error
    except UnicodeDecodeError as error:
        raise _unreadable(path, f"not UTF-8 text (byte {error.start})") from error
    return parse_program(text, str(path))


def parse_program(text: str, filename: str = "<program>") -> Program:
    """The `Program` a program file describes, or ProgramFileError naming every problem."""
    document = _document(text, filename)
    spec = _spec(document, filename)
    program = to_program(spec)
    findings = [*check_program_spec(spec), *check_paging(spec), *check_cover(program)]
    if findings:
        raise ProgramFileError([_finding_issue(filename, document, f) for f in findings])
    return program


def program_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the program file, generated from the models."""
    return {"$schema": _SCHEMA_DIALECT, **ProgramSpec.model_json_schema(by_alias=True)}


def _unreadable(path: Path, reason: str) -> ProgramFileError:
    return ProgramFileError([FileIssue(str(path), None, "", f"cannot read the file: {reason}")])


def _document(text: str, filename: str) -> YamlDocument:
    try:
        return parse_yaml(text)
    except YamlSourceError as error:
        issues = [FileIssue(filename, p.line, dotted(p.path), p.message) for p in error.problems]
        raise ProgramFileError(issues) from error


def _spec(document: YamlDocument, filename: str) -> ProgramSpec:
    if not isinstance(document.data, dict):
        message = _TOP_LEVEL if document.data is not None else f"the file is empty: {_TOP_LEVEL}"
        raise ProgramFileError([FileIssue(filename, document.line_of(()), "", message)])
    try:
        return ProgramSpec.model_validate(document.data)
    except ValidationError as error:
        issues = [_validation_issue(filename, document, e) for e in error.errors()]
        raise ProgramFileError(issues) from error


def _finding_issue(filename: str, document: YamlDocument, finding: Finding) -> FileIssue:
    path = finding.path
    return FileIssue(filename, document.line_of(path), dotted(path), finding.message)


def _validation_issue(filename: str, document: YamlDocument, error: ErrorDetails) -> FileIssue:
    # Pydantic marks an invalid dict key with a "[key]" step; the key itself is the field.
    path = tuple(part for part in error["loc"] if part != "[key]")
    return FileIssue(filename, document.line_of(path), dotted(path), _message(error))


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "value_error" and "ctx" in error:
        return str(error["ctx"]["error"])  # our validators' own words, without "Value error, "
    if kind == "missing":
        return "required, but missing"
    if kind == "extra_forbidden":
        return _unknown_key(error["loc"])
    value = error["input"]
    if isinstance(value, dict | list):
        return error["msg"]
    return f"{error['msg']} (got {value!r})"


def _unknown_key(loc: YamlPath) -> str:
    key = str(loc[-1])
    allowed = _keys_at(loc[:-1])
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"use {', '.join(allowed)}"
    return f"unknown key {key!r}: {hint}"


def _keys_at(loc: YamlPath) -> list[str]:
    """The keys allowed in the mapping at `loc`, found by walking the models from the top.

    List indexes and dict keys (a rotation's name) match no field and leave the model unchanged.
    """
    model: type[BaseModel] = ProgramSpec
    for part in loc:
        fields = {info.alias or name: info for name, info in model.model_fields.items()}
        field = fields.get(str(part))
        inner = _model_in(field.annotation) if field is not None else None
        model = inner or model
    return [info.alias or name for name, info in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(_model_in, get_args(annotation)) if m is not None), None)


if __name__ == "__main__":
    print(json.dumps(program_json_schema(), indent=2))
