"""Whole-file checks: unique ids, references that resolve, sensible counts and dates, grades."""

from __future__ import annotations

import pytest

from callroom.formats.program_file import FileIssue, ProgramFileError, load_program, parse_program
from tests.unit.formats.program_texts import fixture, line_of, program_text


def only_issue(text: str) -> FileIssue:
    with pytest.raises(ProgramFileError) as caught:
        parse_program(text, "p.yaml")
    [issue] = caught.value.issues
    return issue


def person(extra: str) -> str:
    """The people section with ada carrying some extra keys (flow style, one line)."""
    return f"""\
        people:
          - {{id: ada, grade: PGY-2, posts: [ward], {extra}}}
          - {{id: bob, grade: PGY-3, posts: [ward]}}
    """


def test_post_ids_must_be_unique_across_services() -> None:
    text = program_text(
        services="""\
        services:
          - {id: gs, posts: [{id: ward, shifts: [day]}]}
          - {id: vasc, posts: [{id: ward, shifts: [day]}]}
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "vasc"), "services[1].posts[0].id")
    assert issue.message == "duplicate post id 'ward' (first at services[0].posts[0].id)"


def test_person_ids_must_be_unique() -> None:
    text = program_text(
        people="""\
        people:
          - {id: ada, grade: PGY-2, posts: [ward]}
          - {id: ada, grade: PGY-3, posts: [ward]}
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "PGY-3"), "people[1].id")


def test_an_unknown_shift_in_a_post_suggests_the_closest_id() -> None:
    text = program_text(
        services="""\
        services:
          - id: gs
            posts:
              - {id: ward, shifts: [day, nihgt]}
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "nihgt"), "services[0].posts[0].shifts[1]")
    assert issue.message == "unknown shift type 'nihgt': did you mean 'night'?"


def test_an_unknown_post_in_cover_names_the_line_and_field() -> None:
    text = program_text(
        cover="""\
        cover:
          - {post: ward, shift: day, need: [{min: 1}]}
          - {post: theatre, shift: day, need: [{min: 1}]}
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "theatre"), "cover[1].post")
    assert issue.message == "unknown post 'theatre' (known: ward)"


def test_cover_must_name_a_shift_its_post_runs() -> None:
    text = program_text(
        services="""\
            services:
              - id: gs
                posts:
                  - {id: ward, shifts: [day]}
                  - {id: nights, shifts: [night]}
        """,
        cover="""\
            cover:
              - {post: ward, shift: night, need: [{min: 0}]}
        """,
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "post: ward"), "cover[0].shift")
    assert issue.message == "post 'ward' does not run shift 'night' (it runs day)"


def test_an_unknown_post_in_a_persons_list_is_named() -> None:
    text = program_text(
        people="""\
        people:
          - id: ada
            grade: PGY-2
            posts: [ward, clinic]
    """,
        cover="",
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "clinic"), "people[0].posts[1]")


def test_a_rotation_must_name_a_service_or_a_rotation_the_rules_give_limits() -> None:
    text = program_text(people=person("rotation: neuro"))

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "neuro"), "people[0].rotation")
    assert issue.message == "unknown rotation 'neuro' (known: gs)"
    with_limits = program_text(people=person("rotation: neuro"), rules="rules: {rotations: {neuro: {}}}")
    assert parse_program(with_limits).person["ada"].rotation == "neuro"


def test_a_request_must_name_a_known_shift_and_post() -> None:
    text = program_text(
        people="""\
        people:
          - id: ada
            grade: PGY-2
            posts: [ward]
            requests:
              - {date: 2026-03-03, off: true, shift: evening}
              - {date: 2026-03-04, on: true, post: clinic}
    """
    )

    with pytest.raises(ProgramFileError) as caught:
        parse_program(text)

    found = [(issue.line, issue.field) for issue in caught.value.issues]
    assert found == [
        (line_of(text, "evening"), "people[0].requests[0].shift"),
        (line_of(text, "clinic"), "people[0].requests[1].post"),
    ]


def test_a_conflict_must_name_two_different_known_people() -> None:
    text = program_text(
        conflicts="""\
        conflicts:
          - {between: [ada, zed], reason: rota dispute}
          - {between: [bob, bob], reason: typo}
    """
    )

    with pytest.raises(ProgramFileError) as caught:
        parse_program(text)

    zed, typo = caught.value.issues
    assert (zed.line, zed.field) == (line_of(text, "zed"), "conflicts[0].between[1]")
    assert zed.message == "unknown person 'zed' (known: ada, bob)"
    assert (typo.line, typo.field) == (line_of(text, "typo"), "conflicts[1].between")
    assert typo.message == "'bob' cannot be in conflict with themself"


def test_forbidden_successions_must_name_known_shifts() -> None:
    text = program_text(
        rules="""\
        rules:
          forbidden_successions:
            - {after: night, not: [day, clinic]}
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "clinic"), "rules.forbidden_successions[0].not[1]")


def test_rotation_overrides_must_be_keyed_by_a_service_or_a_rotation_someone_is_on() -> None:
    text = program_text(
        rules="""\
        rules:
          rotations:
            neurosurgery: {weekly_hours: 88}
    """
    )

    issue = only_issue(text)

    assert issue.line == line_of(text, "neurosurgery")
    assert issue.field == "rules.rotations.neurosurgery"


def test_max_shifts_must_name_known_shifts() -> None:
    text = program_text(people=person("limits: {max_shifts: {nights: 4}}"))

    issue = only_issue(text)

    assert issue.field == "people[0].limits.max_shifts.nights"
    assert issue.message == "unknown shift type 'nights': did you mean 'night'?"


@pytest.mark.parametrize(
    ("need", "field", "message"),
    [
        ("{min: 2, max: 1}", "cover[0].need[0].max", "max 1 is below min 2"),
        ("{min: 1, target: 0}", "cover[0].need[0].target", "target 0 is below min 1"),
        ("{min: 1, target: 5, max: 4}", "cover[0].need[0].target", "target 5 is above max 4"),
    ],
)
def test_cover_counts_must_be_ordered_min_target_max(need: str, field: str, message: str) -> None:
    text = program_text(
        cover=f"""\
        cover:
          - post: ward
            shift: day
            need: [{need}]
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field, issue.message) == (line_of(text, "need:"), field, message)


def test_counted_time_cannot_exceed_the_shift() -> None:
    text = program_text(
        shift_types="""\
        shift_types:
          - {id: day, start: "07:00", duration: 12h, kind: day, counted: 13h}
          - {id: night, start: "19:00", duration: 12h, kind: night}
    """
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "13h"), "shift_types[0].counted")


def test_request_dates_must_fall_inside_the_block() -> None:
    text = program_text(people=person("requests: [{date: 2026-03-09, off: true}]"))

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "2026-03-09"), "people[0].requests[0].date")
    assert issue.message == "2026-03-09 is outside the block (2026-03-02 to 2026-03-08)"


def test_fixed_days_off_must_fall_inside_the_block() -> None:
    text = program_text(people=person("days_off: [sat, 2026-03-01]"))

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "2026-03-01"), "people[0].days_off[1]")


def test_leave_may_run_past_the_block() -> None:
    text = program_text(people=person("leave: [{from: 2026-03-07, to: 2026-03-20}]"))

    assert parse_program(text).person["ada"].leave[0].end.day == 20


def test_leave_cannot_end_before_it_starts() -> None:
    text = program_text(people=person("leave: [{from: 2026-03-05, to: 2026-03-04}]"))

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "2026-03-04"), "people[0].leave[0].to")


def test_min_total_above_max_total_is_refused() -> None:
    text = program_text(people=person("limits: {min_total: 50h, max_total: 40h}"))

    issue = only_issue(text)

    assert issue.field == "people[0].limits.max_total"
    assert issue.message == "max_total (2400) is below min_total (3000)"


def test_a_person_must_have_a_grade_the_post_takes() -> None:
    text = program_text(
        services="""\
            services:
              - id: gs
                posts:
                  - {id: ward, shifts: [day, night]}
                  - {id: chief, shifts: [day], grades: PGY-4+}
        """,
        people="""\
            people:
              - {id: ada, grade: PGY-2, posts: [ward, chief]}
              - {id: bob, grade: PGY-3, posts: [ward]}
        """,
    )

    issue = only_issue(text)

    assert (issue.line, issue.field) == (line_of(text, "ada"), "people[0].posts[1]")
    assert issue.message == "ada is PGY-2, but post 'chief' is for PGY-4+"


def test_a_file_with_several_reference_problems_reports_all_of_them() -> None:
    with pytest.raises(ProgramFileError) as caught:
        load_program(fixture("broken_references.yaml"))

    found = [(issue.line, issue.field) for issue in caught.value.issues]
    assert found == [
        (9, "services[0].posts[0].shifts[1]"),
        (11, "cover[0].post"),
        (13, "people[0].days_off[0]"),
        (14, "people[1].id"),
        (16, "conflicts[0].between[1]"),
    ]
