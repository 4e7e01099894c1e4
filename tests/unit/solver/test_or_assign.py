"""The OR day's assignment on small days built by hand (real CP-SAT): the hard rules hold even
when breaking one would cover a case, the case-log urgency decides between equals, a senior
teaches a junior, and a case left uncovered says why each candidate is out."""

from __future__ import annotations

import dataclasses

from callroom.domain.grades import Grade
from callroom.domain.operating import CaseNeeds, CaseRole, CreditRole, OrCase
from callroom.domain.program import Conflict
from callroom.rules.caselog import MAJOR
from callroom.rules.operating import check_plan
from callroom.rules.privacy import HIDDEN
from callroom.solver.operating import OrResult, assign_day
from callroom.solver.run import Status
from tests import factories as f
from tests.principals import CHIEF, person
from tests.unit.rules.or_day import (
    BILIARY,
    HERNIA,
    OR_DAY,
    attending,
    case,
    needs,
    on_ward,
    program,
    request,
    resident,
)


def _solve(req_program, roster, cases, case_needs, **kwargs) -> OrResult:  # type: ignore[no-untyped-def]
    req = request(req_program, roster, cases, case_needs, **kwargs)
    result = assign_day(req, time_limit_s=10, workers=2)
    assert result.status is Status.OPTIMAL
    assert check_plan(req_program, cases, case_needs, result.plan, req.availability) == []
    return result


def _who(result: OrResult, case_id: str) -> dict[str, CreditRole]:
    return {r.person_id: r.role for r in result.plan.on_case(case_id)}


def test_a_resident_in_conflict_with_the_attending_never_gets_the_case_even_when_only_they_are_free() -> None:
    people = [resident("ann", Grade.PGY3), resident("bo", Grade.PGY3), attending("drx")]
    prog = program(people, [Conflict("ann", "drx", "A complaint")])
    cases = [case("c1", attending="drx")]
    # Bo is on Vascular: Ann alone is on General Surgery, and she may not operate with Dr Drx.
    result = _solve(prog, f.roster(*on_ward("ann"), ("bo", OR_DAY, "day", "vasc")), cases, needs(cases))

    assert result.plan.roles == ()
    assert result.unassigned == {"c1": (HIDDEN.message, "Bo: not on General Surgery that day")}
    assert result.explained_for(CHIEF, prog)["c1"][0] == (
        "Ann: may not operate with Drx (declared conflict): A complaint"
    )
    assert (
        result.explained_for(person("ann"), prog)["c1"][0]
        == "Ann: may not operate with Drx (declared conflict)"
    )


def test_two_residents_in_conflict_are_never_paired_even_when_teaching_would_pay() -> None:
    """Cy (PGY-5) would teach Ann (PGY-2) on the one case; they are a declared conflict."""
    people = [resident("ann", Grade.PGY2), resident("cy", Grade.PGY5)]
    cases = [case("c1")]
    roster = f.roster(*on_ward("ann", "cy"))
    apart = _solve(program(people, [Conflict("ann", "cy", "Siblings")]), roster, cases, needs(cases))
    together = _solve(program(people), roster, cases, needs(cases))

    assert len(apart.plan.roles) == 1
    assert _who(together, "c1") == {"ann": CreditRole.SJ, "cy": CreditRole.TA}


def test_a_post_call_resident_gets_no_case_though_the_case_is_theirs_by_urgency() -> None:
    people = [resident("ann", Grade.PGY3), resident("bo", Grade.PGY3)]
    roster = f.roster(("ann", OR_DAY - 1, "call"), ("ann", OR_DAY, "home"), *on_ward("bo"))
    cases = [case("c1"), case("c2", "10:00")]
    result = _solve(program(people), roster, cases, needs(cases), urgency={"ann": {"abdominal.biliary": 9.0}})

    assert [r.person_id for r in result.plan.roles] == ["bo", "bo"]
    assert result.unassigned == {}


def test_a_case_that_would_reach_29_hours_goes_to_someone_else() -> None:
    """Ann, on call since 07:00 and short of biliary cases, would run a 22:00 case to 12:00."""
    people = [resident("ann", Grade.PGY3), resident("bo", Grade.PGY3)]
    roster = f.roster(("ann", OR_DAY, "call"), ("bo", OR_DAY, "night"))
    late = [case("c1", "22:00", 14 * 60)]
    result = _solve(program(people), roster, late, needs(late), urgency={"ann": {"abdominal.biliary": 9.0}})

    assert _who(result, "c1") == {"bo": CreditRole.SJ}


def test_the_resident_with_the_biliary_deficit_gets_the_cholecystectomy_when_all_else_is_equal() -> None:
    people = [resident("ann", Grade.PGY3), resident("bo", Grade.PGY3)]
    roster = f.roster(*on_ward("ann", "bo"))
    chole, hernia = case("c1"), case("c2", procedure="Inguinal hernia repair", room="2")
    case_needs = {**needs([chole], categories=BILIARY), **needs([hernia], categories=HERNIA)}
    urgency = {"ann": {"abdominal.hernia": 1.0}, "bo": {"abdominal.biliary": 2.0}}
    result = _solve(program(people), roster, [chole, hernia], case_needs, urgency=urgency)

    assert _who(result, "c1") == {"bo": CreditRole.SJ}
    assert _who(result, "c2") == {"ann": CreditRole.SJ}


def _three(urgency: dict[str, float], cases: list[OrCase]) -> OrResult:
    people = [resident("ann", Grade.PGY2), resident("bo", Grade.PGY3), resident("cy", Grade.PGY5)]
    need = {p: {"abdominal.biliary": u} for p, u in urgency.items()}
    return _solve(program(people), f.roster(*on_ward("ann", "bo", "cy")), cases, needs(cases), urgency=need)


def test_one_surgeon_credit_a_case_the_one_most_in_need_operates_and_a_free_senior_teaches() -> None:
    result = _three({"ann": 1.0, "bo": 5.0, "cy": 2.0}, [case("c1")])

    assert _who(result, "c1") == {"bo": CreditRole.SJ, "cy": CreditRole.TA}


def test_a_chief_operating_leaves_no_one_junior_to_teach() -> None:
    result = _three({"ann": 1.0, "bo": 2.0, "cy": 9.0}, [case("c1")])

    assert _who(result, "c1") == {"cy": CreditRole.SC}


def test_teaching_never_costs_a_case_its_surgeon() -> None:
    """Two cases at once and three residents: the chief, though teaching pays, does not teach
    one case while the other goes uncovered; the two juniors operate and the chief teaches."""
    result = _three({"ann": 1.0, "bo": 1.0, "cy": 0.0}, [case("c1", room="1"), case("c2", room="2")])

    assert result.unassigned == {}
    assert sorted(r.role for r in result.plan.roles) == [CreditRole.SJ, CreditRole.SJ, CreditRole.TA]
    assert [r.person_id for r in result.plan.roles if r.role is CreditRole.TA] == ["cy"]


def test_a_chief_alone_operates_as_sc() -> None:
    people = [resident("cy", Grade.PGY5)]
    cases = [case("c1")]
    result = _solve(program(people), f.roster(*on_ward("cy")), cases, needs(cases))

    assert result.plan.roles == (CaseRole("c1", "cy", CreditRole.SC),)


def test_a_case_below_everyones_grade_and_one_overlapping_are_explained_candidate_by_candidate() -> None:
    people = [resident("ann", Grade.PGY2)]
    roster = f.roster(*on_ward("ann"))
    first, second, whipple = case("c1", "07:30"), case("c2", "08:00", room="2"), case("c3", "13:00")
    case_needs = {**needs([first, second]), **needs([whipple], Grade.PGY4)}
    result = _solve(program(people), roster, [first, second, whipple], case_needs)

    assert result.unassigned["c3"] == ("Ann: PGY-2, below PGY-4 for this case",)
    busy = next(c for c in ("c1", "c2") if c in result.unassigned)
    assert result.unassigned[busy][0].startswith("Ann: on 1, ") or result.unassigned[busy][0].startswith(
        "Ann: on 2, "
    )
    assert result.unassigned[busy][0].endswith("too close with 30 min turnover")


def test_the_index_case_goes_to_the_resident_of_the_cohort_behind_on_index_cases_this_year() -> None:
    people = [resident("ann", Grade.PGY3), resident("bo", Grade.PGY3)]
    cases = [case("c1")]
    index = {"c1": CaseNeeds(Grade.PGY1, BILIARY, True)}
    for behind in ("ann", "bo"):
        req = request(program(people), f.roster(*on_ward("ann", "bo")), cases, index)
        so_far = {"ann": 6, "bo": 6, behind: 2}
        req = dataclasses.replace(
            req,
            candidates=tuple(
                dataclasses.replace(c, index_so_far=so_far[c.person_id]) for c in req.candidates
            ),
        )

        assert _who(assign_day(req), "c1") == {behind: CreditRole.SJ}


def test_two_index_cases_in_a_day_go_one_each_to_two_equals() -> None:
    people = [resident("ann", Grade.PGY3), resident("bo", Grade.PGY3)]
    cases = [case("c1", "07:30"), case("c2", "13:00")]
    index = {c.id: CaseNeeds(Grade.PGY1, BILIARY, True) for c in cases}
    # Ann is a little more urgent: without fair shares she would take both.
    result = _solve(
        program(people),
        f.roster(*on_ward("ann", "bo")),
        cases,
        index,
        urgency={"ann": {"abdominal.biliary": 0.5}},
    )

    assert {r.person_id for r in result.plan.roles} == {"ann", "bo"}


def test_the_resident_behind_on_total_major_cases_gets_an_operation_but_not_a_non_operative_case() -> None:
    people = [resident("ann", Grade.PGY3), resident("bo", Grade.PGY3)]
    roster = f.roster(*on_ward("ann", "bo"))
    operation, bedside = case("c1"), case("c2", procedure="Critical care")
    urgency = {"ann": {MAJOR: 3.0}, "bo": {"abdominal": 1.0, "critical-care": 1.0}}
    operated = _solve(program(people), roster, [operation], needs([operation]), urgency=urgency)
    cared = _solve(
        program(people), roster, [bedside], needs([bedside], categories=("critical-care",)), urgency=urgency
    )

    assert _who(operated, "c1") == {"ann": CreditRole.SJ}
    assert _who(cared, "c2") == {"bo": CreditRole.SJ}
