"""The year so far: fairness balances each resident's counts before the block with the block's,
and nobody works more than one of the year's named holidays (checkers, model, and a solve)."""

from __future__ import annotations

import dataclasses
import statistics
from datetime import date

from callroom.domain.program import DayPattern, Holiday, Program, Request, Tally
from callroom.domain.roster import Roster
from callroom.formats.program_dump import dump_program
from callroom.formats.program_file import parse_program
from callroom.rules import ids
from callroom.rules.check import hard_violations
from callroom.rules.cover import demand_days
from callroom.rules.penalties import score
from callroom.solver.run import SolveOptions, solve
from callroom.year.derive import year_to_date
from tests import factories as f
from tests.agreement import assert_model_agrees

JUNE = date(2026, 6, 1)
QUICK = SolveOptions(time_limit_s=5, workers=1, seed=0)
CHRISTMAS = Holiday("Christmas Day", date(2026, 6, 3))  # on the block's Wednesday, for the test
NEW_YEAR = Holiday("New Year's Day", date(2026, 6, 5))


def _nights(*people: str, days: int = 7, keen: str = "", start: date = JUNE) -> Program:
    """One night to cover every night of the block, among residents of one grade; `keen` asks
    to work every night."""
    asks = tuple(Request(f.day(d, start), True, 1, "night") for d in range(days))
    return f.program(
        [f.person(p, requests=asks if p == keen else ()) for p in people],
        demands=[f.demand("ward", "night", f.need(1))],
        start=start,
        days=days,
    )


def _count_nights(roster: Roster) -> dict[str, int]:
    found: dict[str, int] = {}
    for a in roster.assignments:
        if a.shift_id == "night":
            found[a.person_id] = found.get(a.person_id, 0) + 1
    return found


def test_nights_carried_from_earlier_in_the_year_count_in_the_fairness_penalty() -> None:
    roster = f.roster(*f.every("ada", "night", (0, 2, 4)), *f.every("bob", "night", (1, 3, 5, 6)), start=JUNE)
    plain = _nights("ada", "bob")
    carried = dataclasses.replace(plain, ledger={"ada": Tally(nights=6)})
    fair_then = [i for i in score(plain, roster).items if i.rule is ids.FAIR_NIGHTS]
    fair_now = [i for i in score(carried, roster).items if i.rule is ids.FAIR_NIGHTS]
    assert fair_then == []  # 3 against 4: within the one shift that is free
    assert fair_now and "the year so far included" in fair_now[0].detail
    assert_model_agrees(carried, roster)


def test_the_resident_with_most_nights_in_one_block_gets_no_more_than_the_median_in_the_next() -> None:
    # Ada asks to work every night, so block 1 makes her the busiest; block 2 carries the
    # year so far, and fairness then outweighs her requests.
    first_program = _nights("ada", "bob", "cy", "dee", keen="ada")
    first = solve(first_program, QUICK)
    assert first.roster is not None
    before = _count_nights(first.roster)
    assert max(before, key=before.__getitem__) == "ada"
    following = _nights("ada", "bob", "cy", "dee", keen="ada", start=date(2026, 6, 8))
    balanced = solve(
        dataclasses.replace(following, ledger=year_to_date(first_program, [first.roster])), QUICK
    )
    unbalanced = solve(following, QUICK)
    assert balanced.roster is not None and unbalanced.roster is not None
    after, alone = _count_nights(balanced.roster), _count_nights(unbalanced.roster)
    assert after.get("ada", 0) <= statistics.median(after.get(p, 0) for p in ("ada", "bob", "cy", "dee"))
    assert alone["ada"] > statistics.median(alone.get(p, 0) for p in ("ada", "bob", "cy", "dee"))


def _holidays(ledger: dict[str, Tally] | None = None) -> Program:
    program = f.program(
        [f.person("ada")],
        start=JUNE,
        days=7,
        demands=[f.demand("ward", "day", f.need(0, 1), days=DayPattern(frozenset({2, 4})))],
    )
    return program.__class__(
        **{**program.__dict__, "holidays": (CHRISTMAS, NEW_YEAR), "ledger": ledger or {}}
    )


def test_nobody_works_two_named_holidays_in_a_block() -> None:
    program = _holidays()
    both = f.roster(("ada", 2, "day"), ("ada", 4, "day"), start=JUNE)
    assert [v.rule for v in hard_violations(program, both)] == [ids.HOLIDAYS]
    assert_model_agrees(program, both)
    assert_model_agrees(program, f.roster(("ada", 2, "day"), start=JUNE))


def test_a_holiday_worked_earlier_in_the_year_leaves_none_for_this_block() -> None:
    program = _holidays({"ada": Tally(holidays=1)})
    one = f.roster(("ada", 4, "day"), start=JUNE)
    [broken] = hard_violations(program, one)
    assert broken.rule is ids.HOLIDAYS and "after 1 earlier in the year" in broken.message
    assert_model_agrees(program, one)


def test_holidays_and_the_year_so_far_are_written_to_the_file_and_read_back() -> None:
    program = _holidays({"ada": Tally(nights=3, holidays=1)})
    again = parse_program(dump_program(program), "block.yaml")
    assert (again.holidays, dict(again.ledger)) == (program.holidays, {"ada": Tally(nights=3, holidays=1)})


def test_a_named_holiday_is_staffed_with_the_weekend_cover() -> None:
    weekdays, weekends = DayPattern(frozenset(range(5))), DayPattern(frozenset({5, 6}))
    program = dataclasses.replace(
        f.program(
            [f.person("ada")],
            start=JUNE,
            days=7,
            demands=[
                f.demand("ward", "day", f.need(1), days=weekdays),
                f.demand("ward", "night", f.need(1), days=weekends),
            ],
        ),
        holidays=(CHRISTMAS,),
    )
    by_shift = {d.shift_id: demand_days(program, d) for d in program.demands}
    assert CHRISTMAS.day not in by_shift["day"] and CHRISTMAS.day in by_shift["night"]
