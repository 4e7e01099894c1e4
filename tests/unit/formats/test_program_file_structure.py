"""Bad YAML and bad structure: each problem names its file, exact line and field."""

from __future__ import annotations

import pytest

from callroom.formats.program_file import FileIssue, ProgramFileError, load_program, parse_program
from tests.unit.formats.program_texts import fixture, line_of, program_text


def issues_of(text: str) -> list[FileIssue]:
    with pytest.raises(ProgramFileError) as caught:
        parse_program(text, "p.yaml")
    return caught.value.issues


def only_issue(text: str) -> FileIssue:
    [issue] = issues_of(text)
    return issue


PERSON_WITH_GRADE_7 = """\
    people:
      - {id: ada, grade: PGY-2, posts: [ward]}
      - {id: bob, grade: PGY-7, posts: [ward]}
"""


def test_an_unknown_grade_names_the_line_and_field() -> None:
    text = program_text(people=PERSON_WITH_GRADE_7)

    issue = only_issue(text)

    assert str(issue) == (
        f"p.yaml:{line_of(text, 'PGY-7')}: people[1].grade:"
        " unknown grade 'PGY-7': use PGY-1..PGY-5 or attending"
    )


def test_malformed_yaml_reports_its_line() -> None:
    with pytest.raises(ProgramFileError) as caught:
        load_program(fixture("malformed.yaml"))

    [issue] = caught.value.issues
    assert issue.line == 4
    assert issue.message.startswith("malformed YAML")
    assert issue.file.endswith("malformed.yaml")


def test_duplicate_mapping_keys_are_an_error_at_the_second_key() -> None:
    with pytest.raises(ProgramFileError) as caught:
        load_program(fixture("duplicate_keys.yaml"))

    [issue] = caught.value.issues
    assert (issue.line, issue.field) == (8, "shift_types[0].duration")
    assert issue.message == "duplicate key 'duration' (first at line 6)"


def test_an_unquoted_clock_time_explains_that_yaml_read_a_number() -> None:
    text = program_text(
        shift_types="""\
        shift_types:
          - {id: day, start: 7:00, duration: 12h, kind: day}
          - {id: night, start: "19:00", duration: 12h, kind: night}
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "7:00,"), "shift_types[0].start")
    assert 'quoted "HH:MM"' in issue.message
    assert "the number 420" in issue.message


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        ("0", "more than 0 minutes and at most 36h, not 0m"),
        ("-90", "more than 0 minutes and at most 36h, not -90m"),
        ("37h", "more than 0 minutes and at most 36h, not 2220m"),
        ("12 hours", "unknown duration '12 hours'"),
    ],
)
def test_a_shift_duration_must_be_a_positive_readable_length(duration: str, message: str) -> None:
    text = program_text(
        shift_types=f"""\
        shift_types:
          - {{id: day, start: "07:00", duration: 12h, kind: day}}
          - {{id: night, start: "19:00", duration: {duration}, kind: night}}
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "id: night"), "shift_types[1].duration")
    assert message in issue.message


def test_counted_time_cannot_be_negative() -> None:
    text = program_text(
        shift_types="""\
        shift_types:
          - {id: day, start: "07:00", duration: 12h, kind: day}
          - {id: night, start: "19:00", duration: 12h, kind: night, counted: -1h}
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "counted"), "shift_types[1].counted")
    assert issue.message == "cannot be negative (-60 minutes)"


def test_a_negative_cover_count_is_refused() -> None:
    text = program_text(
        cover="""\
        cover:
          - post: ward
            shift: day
            need: [{min: -1}]
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "min: -1"), "cover[0].need[0].min")
    assert "greater than or equal to 0" in issue.message


def test_an_unknown_key_is_an_error_that_suggests_the_closest_key() -> None:
    text = program_text(
        people="""\
        people:
          - id: ada
            grade: PGY-2
            psots: [ward]
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "psots"), "people[0].psots")
    assert issue.message == "unknown key 'psots': did you mean 'posts'?"


def test_an_unknown_key_under_an_alias_named_field_lists_the_file_keys() -> None:
    text = program_text(
        rules="""\
        rules:
          forbidden_successions:
            - {after: night, not: [day], forbid: [night]}
    """
    )

    issue = only_issue(text)

    assert issue.field == "rules.forbidden_successions[0].forbid"
    assert issue.message == "unknown key 'forbid': use after, not"


def test_a_missing_key_points_at_the_mapping_it_is_missing_from() -> None:
    text = program_text(
        people="""\
        people:
          - id: ada
            posts: [ward]
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "id: ada"), "people[0].grade")
    assert issue.message == "required, but missing"


def test_an_unknown_time_zone_is_named() -> None:
    text = program_text(hospital="hospital: {name: Test General, timezone: Mars/Olympus}")

    issue = only_issue(text)

    assert (issue.line, issue.field) == (1, "hospital.timezone")
    assert "unknown time zone 'Mars/Olympus'" in issue.message


def test_an_unknown_shift_kind_shows_the_value_given() -> None:
    text = program_text(
        shift_types="""\
        shift_types:
          - {id: day, start: "07:00", duration: 12h, kind: day}
          - {id: night, start: "19:00", duration: 12h, kind: nights}
    """
    )

    issue = only_issue(text)

    assert issue.field == "shift_types[1].kind"
    assert issue.message.endswith("(got 'nights')")


def test_a_request_must_be_exactly_one_of_on_and_off() -> None:
    text = program_text(
        people="""\
        people:
          - id: ada
            grade: PGY-2
            posts: [ward]
            requests:
              - {date: 2026-03-04, on: true, off: true}
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "on: true"), "people[0].requests[0]")
    assert issue.message == "a request needs exactly one of `on: true` or `off: true`"


def test_an_id_yaml_read_as_a_number_asks_for_quotes() -> None:
    text = program_text(
        people="""\
        people:
          - {id: 2026, grade: PGY-2, posts: [ward]}
    """
    )

    issue = only_issue(text)

    assert issue.field == "people[0].id"
    assert issue.message == "an id must be text, but YAML read this as a number (2026): quote it"


def test_an_unknown_weekday_in_days_off_is_named() -> None:
    text = program_text(
        people="""\
        people:
          - {id: ada, grade: PGY-2, posts: [ward], days_off: [sunday, funday]}
    """
    )

    issue = only_issue(text)

    assert issue.field == "people[0].days_off[1]"
    assert "'funday'" in issue.message


def test_an_empty_file_says_what_a_program_file_is() -> None:
    issue = only_issue("# nothing yet\n")

    assert (issue.line, issue.field) == (None, "")
    assert issue.message.startswith("the file is empty: a program file is a YAML mapping")


def test_a_file_with_several_problems_reports_all_of_them() -> None:
    with pytest.raises(ProgramFileError) as caught:
        load_program(fixture("several_problems.yaml"))

    found = [(issue.line, issue.field) for issue in caught.value.issues]
    assert found == [
        (2, "hospital.timezone"),
        (5, "shift_types[0].start"),
        (6, "shift_types[1].duration"),
        (9, "people[0].grade"),
    ]
    assert str(caught.value).count("\n") == 3
