"""A valid program file becomes the expected domain Program."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from callroom.domain.grades import Grade, GradeRange
from callroom.domain.program import (
    AcgmeLimits,
    Conflict,
    DayPattern,
    Leave,
    Program,
    Request,
    RuleProfile,
    Weights,
)
from callroom.domain.shifts import ShiftKind
from callroom.formats.program_file import (
    FileIssue,
    ProgramFileError,
    load_program,
    parse_program,
)
from tests.unit.formats.program_texts import fixture, program_text


@pytest.fixture(scope="module")
def full() -> Program:
    return load_program(fixture("full.yaml"))


def test_shift_types_keep_wall_clock_starts_durations_and_kinds(full: Program) -> None:
    night = full.shift["night"]

    # Starts stay naive wall-clock times: the block crosses the DST change on 2026-03-08 and
    # turning them into instants is the Timeline's job, per date.
    assert (night.start, night.start.tzinfo) == (time(19), None)
    assert (night.duration_minutes, night.kind) == (750, ShiftKind.NIGHT)
    assert full.shift["call"].duration_minutes == 1440
    assert full.shift["clinic"].counted_minutes == 180


def test_counted_minutes_default_to_the_duration_but_to_zero_for_home_call(full: Program) -> None:
    assert full.shift["day"].counted_minutes == 720
    assert full.shift["home"].counted_minutes == 0


def test_names_default_to_ids(full: Program) -> None:
    assert full.shift["day"].name == "Day"
    assert full.shift["night"].name == "night"
    assert full.person["cal"].name == "cal"


def test_posts_belong_to_their_service_and_default_to_its_team(full: Program) -> None:
    day, night, clinic = full.posts

    assert (day.service_id, day.team, day.shift_ids) == ("gen-surg", "gen-surg", ("day", "call"))
    assert (night.team, night.new_patients) == ("gs-nights", False)
    assert night.grades == GradeRange(Grade.PGY2, Grade.PGY5)
    assert clinic.grades == GradeRange()


def test_cover_entries_become_demands_numbered_by_position(full: Program) -> None:
    nights, days, clinic = full.demands

    ids = [demand.id for demand in full.demands]
    assert ids == ["gs-night/night#0", "gs-day/day#1", "gs-clinic/clinic#2"]
    assert nights.days == DayPattern()
    assert days.days == DayPattern(
        frozenset(range(5)), frozenset({date(2026, 3, 7)}), frozenset({date(2026, 3, 9)})
    )
    assert clinic.days.weekdays == frozenset({1, 3})


def test_cover_needs_keep_counts_and_take_default_weights(full: Program) -> None:
    [senior] = full.demands[0].requirements
    [team] = full.demands[1].requirements

    assert (senior.grades, senior.minimum, senior.target) == (GradeRange(Grade.PGY3), 1, None)
    assert (senior.weight_under, senior.weight_over) == (100, 1)
    assert (team.minimum, team.target, team.maximum) == (2, 3, 4)
    assert (team.weight_under, team.weight_over) == (50, 5)


def test_weekday_days_off_expand_to_every_such_date_in_the_block(full: Program) -> None:
    sundays = {date(2026, 3, 8), date(2026, 3, 15), date(2026, 3, 22), date(2026, 3, 29)}

    assert full.person["ada"].days_off == sundays | {date(2026, 3, 20)}


def test_people_keep_grade_posts_leave_and_limits(full: Program) -> None:
    ada = full.person["ada"]

    assert (ada.grade, ada.post_ids, ada.rotation) == (Grade.PGY2, ("gs-day", "gs-night"), "neurosurgery")
    assert ada.leave == (Leave(date(2026, 3, 10), date(2026, 3, 16), "conference"),)
    assert ada.limits.max_shifts == {"night": 8}
    assert (ada.limits.min_total_minutes, ada.limits.max_total_minutes) == (2400, 12000)
    assert full.person["cal"].grade is Grade.PGY5
    assert full.person["cal"].leave[0].kind == "vacation"


def test_requests_say_on_or_off_with_optional_shift_and_post(full: Program) -> None:
    assert full.person["ada"].requests == (
        Request(date(2026, 3, 5), on=False, weight=5),
        Request(date(2026, 3, 7), on=True, weight=3, shift_id="night", post_id="gs-night"),
    )


def test_rotation_limits_are_merged_over_the_program_limits(full: Program) -> None:
    base = full.rules.limits
    neuro = full.rules.rotation_limits["neurosurgery"]

    assert (base.weekly_hours, base.night_float_max_nights, base.free_day_start) == (80, 6, time(6))
    assert neuro == AcgmeLimits(weekly_hours=88, night_float_max_nights=6, free_day_start=time(6))
    assert full.rules.limits_for(full.person["ada"]) == neuro


def test_rules_conflicts_and_objective_are_carried_over(full: Program) -> None:
    assert full.rules.acgme is True
    assert full.rules.forbidden_successions == {("night", "day"), ("night", "clinic")}
    assert full.conflicts == (Conflict("ada", "bea", "Married since June"),)
    assert full.weights == Weights(fairness_nights=3, short_rest=25)
    assert full.hospital.timezone == "America/New_York"
    assert (full.block.start, full.block.end) == (date(2026, 3, 2), date(2026, 3, 29))


def test_a_minimal_file_takes_the_domain_defaults() -> None:
    program = parse_program(program_text())

    assert program.rules == RuleProfile()
    assert program.weights == Weights()
    assert program.conflicts == ()
    assert program.person["ada"].days_off == frozenset()


def test_profile_none_switches_the_acgme_rules_off() -> None:
    program = parse_program(program_text(rules="rules: {profile: none}"))

    assert program.rules.acgme is False


def test_a_missing_file_is_a_program_file_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"

    with pytest.raises(ProgramFileError) as caught:
        load_program(missing)

    [issue] = caught.value.issues
    assert (issue.file, issue.line) == (str(missing), None)
    assert "No such file" in issue.message


def test_a_file_that_is_not_utf8_is_a_program_file_error(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("hospital: {name: Hôpital}\n".encode("latin-1"))

    with pytest.raises(ProgramFileError, match="not UTF-8"):
        load_program(latin)


def test_a_file_issue_reads_like_a_compiler_message() -> None:
    issue = FileIssue("p.yaml", 12, "people[3].grade", "unknown grade 'PGY-7'")

    assert str(issue) == "p.yaml:12: people[3].grade: unknown grade 'PGY-7'"
    assert str(FileIssue("p.yaml", None, "", "cannot read")) == "p.yaml: cannot read"


def test_the_error_lists_every_issue_on_its_own_line_in_line_order() -> None:
    error = ProgramFileError([FileIssue("p", 9, "b", "late"), FileIssue("p", 2, "a", "early")])

    assert str(error) == "p:2: a: early\np:9: b: late"
    assert [issue.line for issue in error.issues] == [2, 9]
