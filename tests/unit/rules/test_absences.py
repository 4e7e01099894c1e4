"""Approved absences, worked by hand: a shift that runs at any moment of one breaks the rule,
the checker names the absence in words, and the CP-SAT model refuses exactly the same rosters.

Blocks start on Monday 2026-06-01 in New York (EDT, UTC-4); the ACGME rules are switched off so
each case shows the absence rule alone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from ortools.sat.python import cp_model

from callroom.domain.absence import AbsenceKind, ApprovedAbsence
from callroom.domain.grades import Grade
from callroom.domain.program import Program
from callroom.domain.roster import Roster
from callroom.rules import ids
from callroom.rules.check import check_all
from callroom.solver.build.model import build_model
from callroom.solver.explain.capacity import shortage
from callroom.solver.explain.infeasible import _holds
from callroom.solver.run import SolveOptions, Status, solve
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)
NEW_YORK = ZoneInfo("America/New_York")


def _at(offset: int, hour: int = 0) -> datetime:
    """Wall-clock `hour` on block day `offset`, in UTC."""
    local = datetime.combine(f.day(offset, JUNE), datetime.min.time(), NEW_YORK) + timedelta(hours=hour)
    return local.astimezone(UTC)


def sick(first: int, last: int, person: str = "ada", proposal: int = 4) -> ApprovedAbsence:
    """Off sick for whole days `first` to `last` of the block, approved with repair `proposal`."""
    return ApprovedAbsence(person, _at(first), _at(last + 1), AbsenceKind.SICK, proposal, "repair")


def _program(*absences: ApprovedAbsence, days: int = 7) -> Program:
    people = [f.person("ada"), f.person("bea")]
    return f.program(people, days=days, start=JUNE, acgme=False).with_absences(absences)


def _roster(*rows: tuple[str, int, str]) -> Roster:
    return f.roster(*rows, start=JUNE)


def test_a_shift_inside_an_approved_absence_breaks_it_and_names_the_absence() -> None:
    program, roster = _program(sick(2, 3)), _roster(("ada", 3, "day"))
    found = check_all(program, roster)
    assert [(v.rule, v.person_id, v.day) for v in found] == [(ids.ABSENCE, "ada", f.day(3, JUNE))]
    assert found[0].message == (
        "Ada is off sick 3–4 Jun (approved with repair #4): may not work Day on Ward on 2026-06-04"
    )
    assert_model_agrees(program, roster)


def test_a_night_running_into_the_absence_breaks_it() -> None:
    program, roster = _program(sick(2, 3)), _roster(("ada", 1, "night"))
    assert [v.rule for v in check_all(program, roster)] == [ids.ABSENCE]
    assert_model_agrees(program, roster)


def test_a_night_ending_as_the_absence_starts_and_a_day_after_it_are_fine() -> None:
    from_seven = ApprovedAbsence("ada", _at(2, 7), _at(2, 19))
    program, roster = _program(from_seven), _roster(("ada", 1, "night"), ("ada", 3, "day"))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_someone_elses_absence_or_one_outside_the_block_changes_nothing() -> None:
    program = _program(sick(2, 3, person="bea"), sick(20, 22), ApprovedAbsence("nobody", _at(0), _at(9)))
    roster = _roster(("ada", 2, "day"), ("ada", 3, "call"))
    assert check_all(program, roster) == []
    assert_model_agrees(program, roster)


def test_two_absences_over_one_shift_are_each_named() -> None:
    program, roster = _program(sick(2, 3), sick(3, 3, proposal=7)), _roster(("ada", 3, "day"))
    found = check_all(program, roster)
    assert ["repair #4" in v.message for v in found] == [True, False]
    assert "Ada is off sick 4 Jun (approved with repair #7)" in found[1].message
    assert_model_agrees(program, roster)


@pytest.mark.parametrize(
    ("absence", "words"),
    [
        (
            ApprovedAbsence("ada", _at(2), _at(3), AbsenceKind.DAY_OFF, 5, "day_off"),
            "Ada has 3 Jun off (day off #5 approved)",
        ),
        (
            ApprovedAbsence("ada", _at(2), _at(3), AbsenceKind.DAY_OFF, 6, "repair"),
            "Ada has 3 Jun off (granted with repair #6)",
        ),
        (
            ApprovedAbsence("ada", _at(2, 7), _at(2, 19), AbsenceKind.SICK, 8, "repair"),
            "Ada is off sick 3 Jun 07:00–19:00 (approved with repair #8)",
        ),
        (
            ApprovedAbsence("ada", _at(2, 19), _at(4, 7), AbsenceKind.SICK, 9, "repair"),
            "Ada is off sick 3 Jun 19:00–5 Jun 07:00 (approved with repair #9)",
        ),
        (
            ApprovedAbsence("ada", _at(29), _at(32), AbsenceKind.SICK, 3, "repair"),
            "Ada is off sick 30 Jun–2 Jul (approved with repair #3)",
        ),
    ],
    ids=["day-off", "day-off-by-repair", "hours", "across-days", "across-months"],
)
def test_the_absence_is_named_in_words_on_the_wall_clock(absence: ApprovedAbsence, words: str) -> None:
    program, day = _program(absence, days=35), (absence.start.astimezone(NEW_YORK).date() - JUNE).days
    found = check_all(program, _roster(("ada", day, "call")))
    assert [v.rule for v in found] == [ids.ABSENCE] and found[0].message.startswith(f"{words}: ")


def test_a_solve_keeps_everyone_off_their_approved_absences() -> None:
    people = [f.person("ada"), f.person("bea")]
    program = f.program(people, days=7, start=JUNE, acgme=False, demands=[f.demand("ward", "day")])
    program = program.with_absences([sick(0, 2), sick(3, 6, person="bea")])
    solution = solve(program, SolveOptions(time_limit_s=2, seed=0))
    assert solution.status is Status.OPTIMAL and solution.roster is not None
    worked = sorted((a.person_id, (a.day - JUNE).days) for a in solution.roster.assignments)
    assert worked == [("ada", 3), ("ada", 4), ("ada", 5), ("ada", 6), ("bea", 0), ("bea", 1), ("bea", 2)]


def test_an_absence_that_leaves_a_post_empty_is_explained_by_it() -> None:
    people = [f.person("ada", Grade.PGY3), f.person("bea", Grade.PGY3)]
    program = f.program(people, days=7, start=JUNE, acgme=False, demands=[f.demand("ward", "day")])
    program = program.with_absences([sick(2, 2), sick(1, 3, person="bea", proposal=5)])
    found = shortage(program)
    assert found is not None
    assert found.sentences[2:] == (
        "- Ada is off sick 3 Jun (approved with repair #4).",
        "- Bea is off sick 2–4 Jun (approved with repair #5).",
        "On 2026-06-03 only 0 of them can work: 0 < 1.",
    )
    assert _holds(build_model(program, explain=True), list(found.keys), 10) == cp_model.INFEASIBLE
    solution = solve(program, SolveOptions(time_limit_s=2, seed=0))
    assert solution.status is Status.INFEASIBLE and "Ada is off sick 3 Jun" in str(solution.explanation)
