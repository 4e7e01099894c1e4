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
Measured in bench/solver_notes.md.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

from callroom.domain.days import WEEKDAYS, WEEKEND_DAYS, is_weekend
from callroom.domain.program import CoverDemand, DayPattern, Program
from callroom.rules.cover import demand_days

WEEKEND_WEIGHT = 4  # cover short on a weekend costs this many times its weight at first
SCARCE = 0.9  # weekends are scarce from this share of the person-days the caps allow


def weekend_first(program: Program) -> Program | None:
    """The program with weekend cover short weighed `WEEKEND_WEIGHT` times, or None when weekends
    are not scarce (see `scarce`)."""
    if not scarce(program):
        return None
    demands: list[CoverDemand] = []
    for demand in program.demands:
        demands.extend(_split(demand))
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
    return sum(_weekend_targets(program).values()) >= SCARCE * allowed > 0


def _weekend_targets(program: Program) -> dict[tuple[date, str, str], int]:
    """Each weekend slot's largest cover target (requirements of one demand overlap)."""
    targets: dict[tuple[date, str, str], int] = defaultdict(int)
    for demand in program.demands:
        most = max((r.target or 0 for r in demand.requirements), default=0)
        for day in demand_days(program, demand):
            if is_weekend(day):
                slot = (day, demand.post_id, demand.shift_id)
                targets[slot] = max(targets[slot], most)
    return targets


def _split(demand: CoverDemand) -> list[CoverDemand]:
    """`demand` on weekdays as it is, and on weekends with its short cover weighed more."""
    days = demand.days
    weekday_part = dataclasses.replace(
        demand,
        days=DayPattern(
            days.weekdays & WEEKDAYS,
            frozenset(d for d in days.include if not is_weekend(d)),
            days.exclude,
        ),
    )
    weekend_part = dataclasses.replace(
        demand,
        id=f"{demand.id}:weekend",
        days=DayPattern(
            days.weekdays & WEEKEND_DAYS,
            frozenset(d for d in days.include if is_weekend(d)),
            days.exclude,
        ),
        requirements=tuple(
            dataclasses.replace(r, weight_under=r.weight_under * WEEKEND_WEIGHT) for r in demand.requirements
        ),
    )
    return [weekday_part, weekend_part]
