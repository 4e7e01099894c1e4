"""The demo program and the OR fixture files the OR format tests read."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from callroom.demo import demo_program_path
from callroom.domain.program import Program
from callroom.formats.program_file import load_program

FIXTURES = Path(__file__).parents[2] / "fixtures" / "operating"


@cache
def demo() -> Program:
    return load_program(demo_program_path())


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")
