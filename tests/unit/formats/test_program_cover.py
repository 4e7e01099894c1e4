"""Impossible cover: a need's minimum above the people who could fill it on some date."""

from __future__ import annotations

import pytest

from callroom.formats.program_file import FileIssue, ProgramFileError, parse_program
from tests.unit.formats.program_texts import line_of, program_text

COVER = """\
    cover:
      - {post: ward, shift: day, need: [{min: 1}]}
      - post: ward
        shift: night
        days: weekdays
        need:
          - {grades: any, min: 1}
          - {grades: PGY-3+, min: 2}
"""


def issues_of(**sections: str) -> list[FileIssue]:
    with pytest.raises(ProgramFileError) as caught:
        parse_program(program_text(**sections))
    return caught.value.issues


def test_an_impossible_need_is_reported_once_with_its_first_date_and_count() -> None:
    text = program_text(cover=COVER)

    [issue] = issues_of(cover=COVER)

    assert (issue.line, issue.field) == (line_of(text, "PGY-3+"), "cover[1].need[1].min")
    assert issue.message == (
        "post 'ward' needs at least 2 of PGY-3+ on shift 'night', but on 2026-03-02 only bob"
        " can work it; 5 dates fall short"
    )


def test_people_on_leave_or_a_day_off_do_not_count() -> None:
    people = """\
        people:
          - {id: ada, grade: PGY-2, posts: [ward], leave: [{from: 2026-03-05, to: 2026-03-06}]}
          - {id: bob, grade: PGY-3, posts: [ward], days_off: [2026-03-03, thu]}
    """
    cover = "cover: [{post: ward, shift: day, need: [{min: 2}]}]"

    [issue] = issues_of(people=people, cover=cover)

    assert "on 2026-03-03 only ada can work it; 3 dates fall short" in issue.message


def test_a_shift_capped_at_zero_and_a_post_outside_ones_grade_do_not_count() -> None:
    services = """\
        services:
          - id: gs
            posts:
              - {id: ward, shifts: [day, night], grades: PGY-3+}
    """
    people = """\
        people:
          - {id: ada, grade: PGY-2}
          - {id: bob, grade: PGY-3, posts: [ward], limits: {max_shifts: {day: 0}}}
    """

    [issue] = issues_of(services=services, people=people)

    assert issue.field == "cover[0].need[0].min"
    assert "on 2026-03-02 nobody can work it; 7 dates fall short" in issue.message


def test_cover_is_only_checked_on_the_dates_it_applies() -> None:
    people = """\
        people:
          - {id: ada, grade: PGY-2, posts: [ward], days_off: [sat, sun]}
    """
    cover = """\
        cover:
          - {post: ward, shift: day, days: weekdays, dates: [2026-03-07], need: [{min: 1}]}
    """

    [issue] = issues_of(people=people, cover=cover)

    assert "on 2026-03-07 nobody can work it; 1 date falls short" in issue.message


def test_a_need_everyone_can_meet_passes() -> None:
    cover = "cover: [{post: ward, shift: night, days: [mon], need: [{grades: residents, min: 2}]}]"

    program = parse_program(program_text(cover=cover))

    assert program.demands[0].requirements[0].minimum == 2
