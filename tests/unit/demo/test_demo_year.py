"""The demo's year file, made for any academic year, is a valid year file of the demo's people."""

from __future__ import annotations

from datetime import date

import pytest

from callroom.demo import demo_program_path
from callroom.demo.year import academic_year_of, demo_year
from callroom.formats.program_dump import dump_program
from callroom.formats.program_file import load_program, parse_program


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (date(2026, 12, 4), date(2026, 7, 1)),
        (date(2027, 6, 30), date(2026, 7, 1)),
        (date(2027, 7, 1), date(2027, 7, 1)),
    ],
)
def test_the_academic_year_is_the_one_holding_the_day(today: date, start: date) -> None:
    assert academic_year_of(today) == start


@pytest.mark.parametrize("start", [date(2026, 7, 1), date(2027, 7, 1), date(2031, 7, 1)])
def test_the_demo_year_reads_back_as_a_year_of_thirteen_blocks_with_every_resident_asking(
    start: date,
) -> None:
    block = load_program(demo_program_path())
    program = parse_program(dump_program(demo_year(block, start)), "year.yaml")
    year = program.year
    assert year is not None and (year.start, len(year.blocks), year.weeks) == (start, 13, 52)
    residents = [p for p in program.people if p.grade.is_resident]
    assert len(residents) == 62
    assert all(year.wishes_of(p.id).vacation for p in residents)
    assert {p.rotation for p in block.people if p.grade.is_resident} <= set(year.rotation)


@pytest.mark.parametrize(
    ("start", "thanksgiving"),
    [
        (date(2026, 7, 1), date(2026, 11, 26)),
        (date(2027, 7, 1), date(2027, 11, 25)),
        (date(2029, 7, 1), date(2029, 11, 22)),
    ],
)
def test_the_demo_year_names_thanksgiving_christmas_and_new_years_day(
    start: date, thanksgiving: date
) -> None:
    block = load_program(demo_program_path())
    program = parse_program(dump_program(demo_year(block, start)), "year.yaml")
    assert [(h.name, h.day) for h in program.holidays] == [
        ("Thanksgiving", thanksgiving),
        ("Christmas Day", date(start.year, 12, 25)),
        ("New Year's Day", date(start.year + 1, 1, 1)),
    ]
