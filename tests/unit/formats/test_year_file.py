"""A year file: the academic year with its blocks, rotations and curriculum, read and checked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from callroom.domain.grades import Grade
from callroom.domain.year import Length
from callroom.formats.program_dump import dump_program
from callroom.formats.program_file import FileIssue, ProgramFileError, parse_program
from tests.unit.formats.program_texts import program_text

YEAR = Path(__file__).parents[2] / "fixtures" / "programs" / "year_small.yaml"


def _text() -> str:
    return YEAR.read_text()


def _only_issue(text: str) -> FileIssue:
    with pytest.raises(ProgramFileError) as caught:
        parse_program(text, "year.yaml")
    [issue] = caught.value.issues
    return issue


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_year_file_reads_into_a_program_spanning_the_year_with_its_blocks_and_rotations() -> None:
    program = parse_program(_text(), "year.yaml")
    year = program.year
    assert year is not None
    assert (program.block.start, program.block.end) == (date(2027, 7, 1), date(2028, 6, 29))
    assert year.weeks == 52 and len(year.blocks) == 13
    assert [(b.first, b.weeks) for b in year.blocks[:2]] == [(0, 4), (4, 4)]
    assert year.week_end(51) == date(2028, 6, 29)  # the last week runs to the end: eight days
    assert year.rotation["orientation"].length is Length.WEEK
    assert year.rotation["nights"].vacation is False
    assert year.wishes_of("ann").vacation == ((date(2027, 8, 5), date(2027, 8, 12)), (date(2027, 12, 23),))
    assert year.wishes_of("eve").fixed[0].rotation_id == "research"
    assert program.rules.rotation_limits["trauma"].weekly_hours == 88
    assert program.person["ann"].grade is Grade.PGY1


def test_a_year_file_dumps_and_reads_back_to_the_same_program() -> None:
    program = parse_program(_text(), "year.yaml")
    assert parse_program(dump_program(program), "again.yaml") == program


@pytest.mark.parametrize(
    ("pattern", "lengths"),
    [("13x4", [4] * 13), ("4+1", [4, 1] * 10 + [2]), ("6+2", [6, 2] * 6 + [4]), ("2", [2] * 26)],
)
def test_a_block_pattern_is_repeated_until_the_year_is_full(pattern: str, lengths: list[int]) -> None:
    program = parse_program(_text().replace("blocks: 13x4", f'blocks: "{pattern}"'), "year.yaml")
    assert program.year is not None
    assert [b.weeks for b in program.year.blocks] == lengths


def test_listed_blocks_with_a_gap_are_refused_naming_the_block() -> None:
    blocks = "blocks: [{from: 2027-07-01, weeks: 26}, {from: 2028-01-06, weeks: 26}]"
    text = _text().replace("blocks: 13x4", blocks)
    issue = _only_issue(text)
    assert (issue.line, issue.field) == (_line(text, "2028-01-06"), "year.blocks[1].from")
    assert "gap" in issue.message and "2027-12-29" in issue.message


def test_listed_blocks_that_overlap_are_refused() -> None:
    text = _text().replace(
        "blocks: 13x4", "blocks: [{from: 2027-07-01, weeks: 26}, {from: 2027-12-23, weeks: 27}]"
    )
    issue = _only_issue(text)
    assert issue.field == "year.blocks[1].from" and "overlaps" in issue.message


def test_blocks_that_do_not_fill_the_year_are_refused() -> None:
    issue = _only_issue(_text().replace("blocks: 13x4", "blocks: 12x4"))
    assert issue.field == "year.blocks"
    assert issue.message.startswith("the blocks make 48 weeks") and issue.message.endswith("has 52")


def test_a_rotation_naming_an_unknown_post_is_refused() -> None:
    text = _text().replace("posts: [pit]", "posts: [pitt]")
    issue = _only_issue(text)
    assert (issue.line, issue.field) == (_line(text, "[pitt]"), "year.rotations[1].posts[0]")
    assert "unknown post 'pitt'" in issue.message


def test_requirements_needing_more_weeks_than_the_year_has_are_refused_with_the_sum() -> None:
    text = _text().replace(
        "rotations: [trauma], min_weeks: 8, max_weeks: 16", "rotations: [trauma], min_weeks: 48"
    )
    issue = _only_issue(text)
    assert issue.field == "year.requirements[3].min_weeks"
    assert "= 54 weeks" in issue.message and "50 < 54" in issue.message


def test_a_vacation_request_outside_the_year_is_refused() -> None:
    text = _text().replace("[[2028-03-02]]", "[[2028-07-06]]")
    issue = _only_issue(text)
    assert (issue.line, issue.field) == (_line(text, "2028-07-06"), "people[3].vacation[0][0]")
    assert "outside the academic year" in issue.message


def test_year_keys_in_a_block_file_are_refused() -> None:
    people = """\
        people:
          - {id: ada, grade: PGY-2, posts: [ward], electives: [research]}
    """
    issue = _only_issue(program_text(people=people))
    assert issue.field == "people[0].electives"
    assert issue.message == "`electives` belongs to a year file (one with a `year` section)"


def test_a_file_with_both_a_block_and_a_year_is_refused() -> None:
    text = _text().replace("year:\n", "block: {start: 2027-07-01, days: 28}\nyear:\n", 1)
    with pytest.raises(ProgramFileError) as caught:
        parse_program(text, "year.yaml")
    assert "either a `block` or a `year`" in str(caught.value)
