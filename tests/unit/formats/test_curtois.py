"""The Curtois & Qu benchmark format: instances import into the roster model, rosters round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from callroom.formats.curtois import format_roster, load_instance, parse_instance, parse_roster
from callroom.formats.program_dump import dump_program
from callroom.formats.program_file import ProgramFileError, parse_program

DATA = Path(__file__).parents[3] / "bench" / "curtois"
# (days, employees, shift types) from FORMAT.md and the instance files.
SIZES = {1: (14, 8, 1), 4: (28, 10, 2), 14: (42, 32, 4), 20: (182, 50, 6), 24: (364, 150, 32)}


@pytest.mark.parametrize("number", range(1, 25))
def test_every_instance_imports_into_a_program(number: int) -> None:
    program = load_instance(DATA / f"Instance{number}.txt")
    assert program.block.start.weekday() == 0
    assert program.block.days % 7 == 0
    assert program.demands and program.people and not program.rules.acgme
    if number in SIZES:
        days, people, shifts = SIZES[number]
        assert (program.block.days, len(program.people), len(program.shift_types)) == (days, people, shifts)


def test_an_imported_instance_round_trips_through_a_program_file() -> None:
    program = load_instance(DATA / "Instance4.txt")
    assert parse_program(dump_program(program)) == program


def test_forbidden_successions_and_zero_caps_come_across() -> None:
    program = load_instance(DATA / "Instance4.txt")
    assert program.rules.forbidden_successions == frozenset({("L", "E")})
    bob = program.person["B"]
    assert bob.limits.max_shifts == {"E": 28, "L": 0}
    assert not program.may_work(bob, "ward", "L")
    assert [d.isoformat() for d in sorted(bob.days_off)] == ["2024-01-12", "2024-01-17"]


def test_a_roster_file_round_trips() -> None:
    program = load_instance(DATA / "Instance4.txt")
    text = (DATA / "reference_solutions" / "Instance4_strandmark_1733.roster").read_text()
    roster = parse_roster(text, program)
    assert parse_roster(format_roster(program, roster), program) == roster


GOOD = """SECTION_HORIZON
7

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=7,2400,960,5,1,1,1

SECTION_COVER
0,D,1,100,1
"""


@pytest.mark.parametrize(
    ("broken", "line", "words"),
    [
        (GOOD.replace("D,480,", "D,-480,"), 5, "Length must not be negative"),
        (GOOD.replace("D,480,", "D,480,X"), 5, "unknown shift 'X'"),
        (GOOD.replace("A,D=7,", "A,N=7,"), 8, "unknown shift 'N'"),
        (GOOD.replace("A,D=7,2400,960,5,1,1,1", "A,D=7,2400,960"), 8, "found 4"),
        (GOOD.replace("0,D,1,100,1", "9,D,1,100,1"), 11, "day 9 is outside the horizon 0..6"),
        (GOOD.replace("0,D,1,100,1", "0,D,one,100,1"), 11, "Requirement must be a whole number"),
        (GOOD.replace("7\n", "10\n", 1), 2, "not a positive multiple of 7"),
    ],
)
def test_a_malformed_instance_names_the_line(broken: str, line: int, words: str) -> None:
    with pytest.raises(ProgramFileError) as caught:
        parse_instance(broken, "bad.txt")
    issue = caught.value.issues[0]
    assert (issue.file, issue.line) == ("bad.txt", line)
    assert words in issue.message


def test_a_missing_section_is_named() -> None:
    with pytest.raises(ProgramFileError, match="missing SECTION_COVER"):
        parse_instance(GOOD.split("SECTION_COVER")[0], "bad.txt")


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("Z - - - - - - -", "unknown employee 'Z'"),
        ("A - - -", "3 days, expected 7"),
        ("A D D Q - - - -", "unknown shift 'Q'"),
    ],
)
def test_a_bad_roster_line_is_named(line: str, words: str) -> None:
    program = parse_instance(GOOD)
    with pytest.raises(ProgramFileError) as caught:
        parse_roster(f"# comment\n{line}\n", program, "r.roster")
    issue = caught.value.issues[0]
    assert (issue.line, words in issue.message) == (2, True)
