"""Weekend cover first: the program a search starts on where weekends are scarce.

Where people may work only so many weekends and the weekends ask for about as many person-days
as those caps allow, every weekend day worked alone (a one-day weekend) is half a weekend's
allowance lost, and the cover it leaves short on the other day cannot be bought back by anyone
at their cap. A search that honours requests and weekday cover first settles into rosters with
dozens of one-day weekends, and turning one into two days then needs a chain of people to move
work off weekdays, longer than any neighbourhood it tries. On the Curtois benchmark, where every
instance but one asks for at least nine-tenths of what the caps allow, the search ended with 38
units of weekend cover short on Instance19 against a floor of 19, and as many with every request
weighed nothing: the rosters' shape, not the requests, held it there.

So a search on such a program starts on a copy where cover short on a weekend costs
`WEEKEND_WEIGHT` times as much: the constructor and the first part of the search then build
whole weekends, and the rest of the search, on the program itself, gives back what that cost in
requests and weekday cover (people below their most minutes take the weekday work up).

One kind of cover is turned round. A shift type whose targets ask for more shifts than everyone's
maximum of it adds up to (nights on Curtois Instance8, 14 and 15) will be short by the difference
wherever it falls; falling on a weekend, it leaves that weekend's allowance to the other types,
which can use it. So its short cover costs `CAPPED_WEEKDAY_WEIGHT` times as much on weekdays
and its own weight on weekends.

Measured in bench/solver_notes.md.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from datetime import date

from callroom.domain.days import WEEKDAYS, WEEKEND_DAYS, is_weekend
from callroom.domain.program import CoverDemand, CoverRequirement, DayPattern, Program
from callroom.rules.cover import demand_days

WEEKEND_WEIGHT = 4  # cover short on a weekend costs this many times its weight at first
SCARCE = 0.9  # weekends are scarce from this share of the person-days the caps allow
CAPPED_WEEKDAY_WEIGHT = 2  # a capped type's short cover on weekdays costs this many times, at first


def weekend_first(program: Program) -> Program | None:
    """The program with weekend cover short weighed `WEEKEND_WEIGHT` times (capped types' weekday
    cover `CAPPED_WEEKDAY_WEIGHT` times instead), or None when weekends are not scarce (see
    `scarce`)."""
    if not scarce(program):
        return None
    capped = capped_shifts(program)
    demands: list[CoverDemand] = []
    for demand in program.demands:
        weights = (CAPPED_WEEKDAY_WEIGHT, 1) if demand.shift_id in capped else (1, WEEKEND_WEIGHT)
        demands.extend(_split(demand, *weights))
    return dataclasses.replace(program, demands=tuple(demands))


def scarce(program: Program) -> bool:
    """Whether the weekends' cover targets ask for at least `SCARCE` of the weekend person-days
    everyone's weekend cap allows (two days a weekend; people without a cap may work every
    weekend day)."""
    weekend_days = sum(is_weekend(d) for d in program.block.dates())
    allowed = sum(
        weekend_days if cap is None else min(weekend_days, 2 * cap)
        for cap in (person.limits.max_weekends for person in program.people)
    )
    weekend_targets = sum(target for (day, _, _), target in _targets(program).items() if is_weekend(day))
    return weekend_targets >= SCARCE * allowed > 0


def capped_shifts(program: Program) -> frozenset[str]:
    """The shift types whose cover targets over the block ask for more shifts than the people
    who may work them can give by their maximum of each type (without one, every day of the
    block)."""
    asked: Counter[str] = Counter()
    for (_, _, shift), target in _targets(program).items():
        asked[shift] += target
    days = program.block.days
    allowed: Counter[str] = Counter()
    for person in program.people:
        caps = person.limits.max_shifts
        for shift in {shift for _, shift in program.options(person)}:
            allowed[shift] += min(caps.get(shift, days), days)
    return frozenset(shift for shift, count in asked.items() if allowed[shift] < count)


def _targets(program: Program) -> dict[tuple[date, str, str], int]:
    """Each slot's largest cover target (requirements of one demand overlap)."""
    targets: dict[tuple[date, str, str], int] = defaultdict(int)
    for demand in program.demands:
        most = max((r.target or 0 for r in demand.requirements), default=0)
        for day in demand_days(program, demand):
            slot = (day, demand.post_id, demand.shift_id)
            targets[slot] = max(targets[slot], most)
    return targets


def _split(demand: CoverDemand, weekday: int, weekend: int) -> list[CoverDemand]:
    """`demand` on weekdays with its short cover weighed `weekday` times, and on weekends
    `weekend` times."""
    days = demand.days
    weekday_part = dataclasses.replace(
        demand,
        days=DayPattern(
            days.weekdays & WEEKDAYS,
            frozenset(d for d in days.include if not is_weekend(d)),
            days.exclude,
        ),
        requirements=_weighed(demand, weekday),
    )
    weekend_part = dataclasses.replace(
        demand,
        id=f"{demand.id}:weekend",
        days=DayPattern(
            days.weekdays & WEEKEND_DAYS,
            frozenset(d for d in days.include if is_weekend(d)),
            days.exclude,
        ),
        requirements=_weighed(demand, weekend),
    )
    return [weekday_part, weekend_part]


def _weighed(demand: CoverDemand, times: int) -> tuple[CoverRequirement, ...]:
    return tuple(dataclasses.replace(r, weight_under=r.weight_under * times) for r in demand.requirements)
