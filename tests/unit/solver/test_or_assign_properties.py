"""What the OR assignment promises, on many random small days (real CP-SAT): every plan it
returns passes the plan checker, and each case it leaves uncovered is explained for every
candidate."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callroom.domain.grades import Grade
from callroom.domain.operating import CaseNeeds, OrCase
from callroom.domain.program import Conflict, Person, Program
from callroom.domain.roster import Roster
from callroom.rules.operating import check_plan
from callroom.solver.operating import assign_day
from tests import factories as f
from tests.unit.rules.or_day import BILIARY, HERNIA, OR_DAY, attending, case, program, request, resident

SHIFTS = [None, "day", "day", "day", "call", "night", "home"]  # mostly day work: most can operate
ATTENDINGS = ("drx", "dry")


@st.composite
def days(draw: st.DrawFn) -> tuple[Program, Roster, list[OrCase], dict[str, CaseNeeds]]:
    count = draw(st.integers(2, 6))
    people: list[Person] = [resident(f"r{i}", draw(st.sampled_from(list(Grade)[:5]))) for i in range(count)]
    people += [attending(a) for a in ATTENDINGS]
    rows = []
    for i in range(count):
        for offset in (OR_DAY - 1, OR_DAY):
            shift = draw(st.sampled_from(SHIFTS))
            if shift is not None:
                rows.append((f"r{i}", offset, shift, draw(st.sampled_from(["ward", "ward", "vasc"]))))
    pairs = [
        (f"r{i}", other)
        for i in range(count)
        for other in (*(f"r{j}" for j in range(i + 1, count)), *ATTENDINGS)
    ]
    conflicts = [
        Conflict(a, b, "private") for a, b in draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True))
    ]
    cases, case_needs = [], {}
    for k in range(draw(st.integers(1, 6))):
        hour, half = draw(st.integers(6, 21)), draw(st.sampled_from(["00", "30"]))
        one = case(
            f"c{k}",
            f"{hour:02d}:{half}",
            draw(st.integers(1, 12)) * 30,
            service=draw(st.sampled_from(["gs", "gs", "vs"])),
            room=str(k),
            attending=draw(st.sampled_from([None, *ATTENDINGS])),
            continuity=tuple(draw(st.lists(st.sampled_from([f"r{i}" for i in range(count)]), max_size=2))),
        )
        cases.append(one)
        case_needs[one.id] = CaseNeeds(
            draw(st.sampled_from(list(Grade)[:5])),
            draw(st.sampled_from([BILIARY, HERNIA])),
            draw(st.booleans()),
        )
    return program(people, conflicts), f.roster(*rows), cases, case_needs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days(), st.data())
def test_every_plan_assign_day_returns_passes_the_plan_checker(day, data) -> None:  # type: ignore[no-untyped-def]
    prog, roster, cases, case_needs = day
    urgency = {
        p.id: {
            "abdominal.biliary": data.draw(st.floats(0, 5)),
            "abdominal.hernia": data.draw(st.floats(0, 5)),
        }
        for p in prog.residents
    }
    pairings = data.draw(
        st.lists(st.tuples(st.sampled_from(ATTENDINGS), st.sampled_from([p.id for p in prog.residents])))
    )
    req = request(prog, roster, cases, case_needs, urgency=urgency, pairings=pairings)
    result = assign_day(req, time_limit_s=5, workers=1)

    assert check_plan(prog, cases, case_needs, result.plan, req.availability) == []
    covered = {r.case_id for r in result.plan.roles if r.role.is_surgeon}
    assert set(result.why) == {c.id for c in cases} - covered
    assert all(len(found) == len(req.candidates) for found in result.why.values())
    assert result.optimal and result.objective == result.bound
