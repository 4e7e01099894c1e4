"""Plans priced against the cover, mixed, dived on and polished, give a better first roster."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from callroom.formats.curtois import load_instance
from callroom.rules.check import hard_violations
from callroom.rules.penalties import score
from callroom.solver.build.model import build_model
from callroom.solver.heuristics.columns import (
    PRICING_SHARE,
    STALL_ROUNDS,
    _Columns,
    _dive,
    _MasterLP,
    column_roster,
)
from callroom.solver.heuristics.construct import Constructor
from callroom.solver.run import roster_of

CURTOIS = Path(__file__).parents[3] / "bench" / "curtois"


def test_the_column_roster_keeps_every_rule_and_costs_less_than_the_constructed_one() -> None:
    program = load_instance(CURTOIS / "Instance2.txt")
    built = build_model(program)
    constructed = Constructor(built.space).roster()
    # Pricing ends when no plan improves the mix (about a second here); the limit is a backstop.
    mixed = roster_of(built, column_roster(built.space, constructed, time.monotonic() + 60))
    assert hard_violations(program, mixed) == []
    assert score(program, mixed).total < score(program, roster_of(built, constructed)).total


def test_with_no_time_left_the_answer_is_the_constructed_roster() -> None:
    program = load_instance(CURTOIS / "Instance1.txt")
    built = build_model(program)
    constructed = Constructor(built.space).roster()
    mixed = column_roster(built.space, constructed, time.monotonic())
    assert sorted(map(id, mixed)) == sorted(map(id, constructed))


def test_a_first_round_of_pricing_too_slow_for_the_stall_rule_leaves_the_time_to_the_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    program = load_instance(CURTOIS / "Instance21.txt")  # 100 people over 26 weeks
    built = build_model(program)
    constructed = Constructor(built.space).roster()
    deadlines: list[float] = []
    price = _Columns.price

    def priced(columns: _Columns, deadline: float) -> bool:
        deadlines.append(deadline)
        return price(columns, deadline)

    monkeypatch.setattr(_Columns, "price", priced)
    began, pricing_s = time.monotonic(), 10 * PRICING_SHARE
    # The stall rule's five rounds would each have a second of the 5 s of pricing; one round
    # here takes several.
    mixed = column_roster(built.space, constructed, began + 10)
    assert mixed is constructed
    assert len(deadlines) == 1
    assert began + pricing_s / (STALL_ROUNDS + 1) <= deadlines[0] < began + pricing_s


def test_a_plan_priced_where_nights_pay_most_keeps_the_cap_on_nights() -> None:
    program = load_instance(CURTOIS / "Instance8.txt")  # person A: at most 4 nights in 4 weeks
    built = build_model(program)
    columns = _Columns(Constructor(built.space), Constructor(built.space).roster())
    nights_pay = {slot: 100.0 if slot[2] == "N" else 0.0 for slot in columns.cover}
    person = columns.people[0]
    assert person.person.limits.max_shifts["N"] == 4
    plan = columns._priced_plan(person, nights_pay)
    assert plan is not None
    assert sum(item.shift.id == "N" for item in plan) <= 4


def test_the_dive_holds_each_person_to_one_of_their_plans() -> None:
    program = load_instance(CURTOIS / "Instance3.txt")
    built = build_model(program)
    columns = _Columns(Constructor(built.space), Constructor(built.space).roster())
    columns.price(time.monotonic() + 60)
    plans = _dive(columns, time.monotonic() + 60)
    assert len(plans) == len(program.people)
    for person, plan in enumerate(plans):
        assert any(plan is known for known in columns.plans[person])


def test_a_dive_out_of_time_holds_everyone_to_their_largest_share_at_once() -> None:
    program = load_instance(CURTOIS / "Instance3.txt")
    built = build_model(program)
    columns = _Columns(Constructor(built.space), Constructor(built.space).roster())
    for _ in range(3):
        columns.price(time.monotonic() + 60)
    shares = _MasterLP(columns).shares()
    largest = [
        plans[max(range(len(s)), key=s.__getitem__)] for plans, s in zip(columns.plans, shares, strict=True)
    ]
    assert _dive(columns, time.monotonic()) == largest


def test_pricing_has_stalled_when_four_rounds_lowered_the_lp_by_under_a_thousandth() -> None:
    program = load_instance(CURTOIS / "Instance1.txt")
    columns = _Columns(Constructor(build_model(program).space), [])
    columns.values = [1000.0, 999.5, 999.4, 999.3, 999.2]
    assert columns.stalled()
    columns.values = [1000.0, 990.0, 999.4, 999.3, 998.0]
    assert not columns.stalled()
    columns.values = [1000.0, 999.9, 999.9, 999.9]  # too few rounds to tell
    assert not columns.stalled()


def test_pricing_has_moved_only_when_the_lp_fell_below_the_roster_given() -> None:
    program = load_instance(CURTOIS / "Instance1.txt")
    columns = _Columns(Constructor(build_model(program).space), [])
    assert not columns.moved()
    columns.values = [1000.0, 1000.0]
    assert not columns.moved()
    columns.values = [1000.0, 999.0]
    assert columns.moved()
