"""The OR plan checker: every hard rule of a day's assignment, each broken alone by a plan
written by hand, and a declared conflict kept as private as the roster's."""

from __future__ import annotations

from callroom.domain.grades import Grade
from callroom.domain.operating import CaseRole, CreditRole, OrPlan
from callroom.domain.program import Conflict
from callroom.rules import ids
from callroom.rules.operating import availability, check_plan
from callroom.rules.privacy import HIDDEN, as_seen_by
from callroom.rules.violations import Violation
from tests import factories as f
from tests.principals import CHIEF, person
from tests.unit.rules.or_day import DAY, attending, case, needs, on_ward, program, resident

PEOPLE = [
    resident("ann", Grade.PGY2),
    resident("bo", Grade.PGY4),
    resident("cy", Grade.PGY5),
    resident("di", Grade.PGY2),
    attending("drx"),
]
CONFLICTS = [Conflict("ann", "di", "Siblings"), Conflict("bo", "drx", "A complaint")]
PROGRAM = program(PEOPLE, CONFLICTS)
ROSTER = f.roster(*on_ward("ann", "bo", "cy", "di"))
CASES = [case("c1", "07:30", 120, attending="drx"), case("c2", "10:00", 60), case("c3", "09:00", 60)]
NEEDS = needs(CASES)
FREE = availability(PROGRAM, ROSTER, DAY, CASES)


def _check(*roles: tuple[str, str, CreditRole], turnover: int = 30) -> list[Violation]:
    plan = OrPlan(DAY, tuple(CaseRole(*r) for r in roles))
    return check_plan(PROGRAM, CASES, NEEDS, plan, FREE, turnover_minutes=turnover)


def _rules(found: list[Violation]) -> list[ids.RuleId]:
    return [v.rule for v in found]


def test_a_plan_keeping_every_rule_has_no_violation() -> None:
    assert (
        _check(("c1", "ann", CreditRole.SJ), ("c1", "cy", CreditRole.TA), ("c2", "bo", CreditRole.SJ)) == []
    )


def test_two_surgeons_on_one_case_break_the_single_surgeon_credit() -> None:
    found = _check(("c1", "ann", CreditRole.SJ), ("c1", "cy", CreditRole.SC))

    assert _rules(found) == [ids.OR_ONE_SURGEON]
    assert found[0].message == "Ann and Cy both take surgeon credit on 1, 07:30, Laparoscopic cholecystectomy"


def test_a_chief_takes_sc_and_a_junior_sj_never_the_other_way() -> None:
    assert _rules(_check(("c2", "cy", CreditRole.SJ))) == [ids.OR_ROLE_GRADE]
    assert _rules(_check(("c2", "bo", CreditRole.SC))) == [ids.OR_ROLE_GRADE]


def test_a_ta_needs_a_more_junior_surgeon_on_the_same_case() -> None:
    assert _rules(_check(("c2", "cy", CreditRole.TA))) == [ids.OR_TEACHING]
    # Bo (PGY-4) as SJ under Ann (PGY-2) as TA: the teacher is the junior one.
    assert _rules(_check(("c2", "bo", CreditRole.SJ), ("c2", "ann", CreditRole.TA))) == [ids.OR_TEACHING]
    # A chief as SC is no junior surgeon to teach.
    assert _rules(_check(("c2", "cy", CreditRole.SC), ("c2", "bo", CreditRole.TA))) == [ids.OR_TEACHING]


def test_one_teaching_assistant_a_case() -> None:
    found = _check(("c2", "ann", CreditRole.SJ), ("c2", "bo", CreditRole.TA), ("c2", "cy", CreditRole.TA))

    assert _rules(found) == [ids.OR_TEACHING]


def test_a_surgeon_below_the_cases_least_grade_breaks_it_with_both_grades() -> None:
    plan = OrPlan(DAY, (CaseRole("c2", "ann", CreditRole.SJ),))
    found = check_plan(PROGRAM, CASES, {**NEEDS, "c2": needs(CASES, Grade.PGY3)["c2"]}, plan, FREE)

    assert _rules(found) == [ids.OR_MIN_GRADE]
    assert (found[0].measured, found[0].limit) == (2, 3)


def test_someone_unavailable_breaks_availability_with_the_reason_in_words() -> None:
    away = availability(PROGRAM, f.roster(*on_ward("ann", "bo", "cy")), DAY, CASES)
    plan = OrPlan(DAY, (CaseRole("c2", "di", CreditRole.SJ),))
    found = check_plan(PROGRAM, CASES, NEEDS, plan, away)

    assert _rules(found) == [ids.OR_AVAILABLE]
    assert found[0].message.endswith(": not on General Surgery that day")


def test_an_attending_takes_no_credit_role() -> None:
    assert _rules(_check(("c2", "drx", CreditRole.FA))) == [ids.OR_AVAILABLE]


def test_cases_closer_than_the_turnover_cannot_share_a_resident() -> None:
    """c3 (09:00-10:00) then c2 at 10:00: with 30 minutes' turnover they overlap; with none not."""
    both = (("c3", "ann", CreditRole.SJ), ("c2", "ann", CreditRole.SJ))

    assert _rules(_check(*both)) == [ids.OR_OVERLAP]
    assert _check(*both, turnover=0) == []


def test_one_role_a_person_on_one_case() -> None:
    found = _check(("c2", "ann", CreditRole.SJ), ("c2", "ann", CreditRole.FA))

    assert _rules(found) == [ids.OR_ONE_ROLE]


def test_two_residents_in_a_declared_conflict_never_share_a_case_and_the_violation_carries_the_pair() -> None:
    found = _check(("c2", "ann", CreditRole.SJ), ("c2", "di", CreditRole.FA))

    assert _rules(found) == [ids.OR_CONFLICT]
    assert found[0].pair == ("ann", "di")


def test_a_resident_in_conflict_with_the_cases_attending_breaks_it_but_not_on_other_cases() -> None:
    assert [v.pair for v in _check(("c1", "bo", CreditRole.SJ))] == [("bo", "drx")]
    assert _check(("c2", "bo", CreditRole.SJ)) == []


def test_a_conflict_reads_in_full_for_the_chief_as_written_for_the_pair_and_hidden_for_anyone_else() -> None:
    found = _check(("c2", "ann", CreditRole.SJ), ("c2", "di", CreditRole.FA))

    assert "Siblings" in as_seen_by(found, CHIEF, PROGRAM)[0].message
    assert as_seen_by(found, person("di"), PROGRAM) == tuple(found)
    assert as_seen_by(found, person("bo"), PROGRAM) == (HIDDEN,)


def test_roles_on_a_case_not_on_the_day_are_ignored_and_a_day_with_no_roles_is_fine() -> None:
    assert _check(("elsewhere", "ann", CreditRole.SJ)) == []
    assert _check() == []
