"""One person's most valuable schedule, planned over the whole block at once.

The constructor's depth-first search chooses day by day, so an early choice can cost much later.
This plans all days together, as the pricing step of column generation does for rostering:

1. A dynamic program over (day, yesterday's run, weekends worked), the states of
   `PersonRules.most_work_days`, picks the days to work. It keeps the run rules, days off and the
   weekend cap exactly, as if a long rest came before the block (so a first run of work is held
   to the minimum it is exempt from), and values a day of work by its best shift.
2. The total-minutes band is priced in: each minute worked costs a price, and many prices are
   tried at once (one array dimension), then a finer grid between the two around the band.
3. Within each run of work, a second dynamic program on yesterday's shift picks the shift types,
   keeping the forbidden successions and the rest between shifts.
4. The plan is checked day by day with `PersonRules.allows` (shift caps included); a plan that
   breaks a rule is dropped, and then the caller keeps its own schedule.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from callroom.solver.build.space import Item
from callroom.solver.heuristics.person_rules import NO_MINUTE_CAP, PersonRules, State, step

PRICES = 16  # prices per minute tried in one pass
ROUNDS = 4  # a coarse grid of prices, then finer ones around the band
_NEVER = -1e12

Worth = Callable[[int, Item | None], float]  # the value of working an item (or None: off) on a day
Floats = npt.NDArray[np.float64]


def best_plan(rules: PersonRules, worth: Worth) -> list[Item] | None:
    """The most valuable schedule found that keeps every one of the person's rules, or None."""
    planner = _Planner(rules, worth)
    low, high = planner.price_range()
    for _ in range(ROUNDS):
        # Price 0 is always tried: with a wide band it alone gives the best plan.
        prices = np.union1d(np.linspace(low, high, PRICES), [0.0] if low < 0 < high else [])
        bracket = _bracket(planner.band, prices, planner.try_prices(prices), low, high)
        if bracket == (low, high):
            break
        low, high = bracket
    return planner.best()


class _Planner:
    """The day values of one person, and the plans tried so far."""

    def __init__(self, rules: PersonRules, worth: Worth) -> None:
        self.rules, self.worth = rules, worth
        days = rules.space.items[rules.index]
        self.rest = np.array([worth(d, None) for d in range(len(days))])
        # Days worth the same would all flip together as the price moves, so no price would land
        # between; a small fixed jitter per day, under half a point over the whole block, orders
        # them without reordering plans whose worths differ.
        jitter = np.random.default_rng(rules.index).random(len(days)) * 0.5 / max(len(days), 1)
        self.gains = [
            np.array([worth(d, item) for item in row], dtype=float) - self.rest[d] + jitter[d]
            for d, row in enumerate(days)
        ]
        self.minutes = [np.array([item.counted for item in row], dtype=float) for row in days]
        width = max((len(row) for row in days), default=0) or 1
        self.gain_table = np.full((len(days), width), -np.inf)  # [day, item], -inf: no item
        self.minute_table = np.zeros((len(days), width))
        for d, (gains, minutes) in enumerate(zip(self.gains, self.minutes, strict=True)):
            self.gain_table[d, : len(gains)], self.minute_table[d, : len(minutes)] = gains, minutes
        limits = rules.person.limits
        self.band = (limits.min_total_minutes or 0, limits.max_total_minutes or NO_MINUTE_CAP)
        self.follows: dict[int, npt.NDArray[np.bool_]] = {}
        # Many prices pick the same days, and the same best shift on each day (always so when
        # all shifts last as long); such plans are worked out once.
        self.plans: dict[tuple[float, ...], tuple[list[Item], int] | None] = {}  # with minutes

    def price_range(self) -> tuple[float, float]:
        """Prices per minute from "work whenever allowed" to "work as little as allowed"."""
        top = max((float(np.abs(g).max()) for g in self.gains if g.size), default=1.0) + 1.0
        shortest = min((float(m.min()) for m in self.minutes if m.size and m.min() > 0), default=1.0)
        return -2 * top / shortest, 2 * top / shortest

    def try_prices(self, prices: Floats) -> list[int | None]:
        """Plans at each price; returns each plan's total minutes (None: no plan)."""
        totals = []
        priced = self.gain_table[:, :, None] - self.minute_table[:, :, None] * prices
        earned, best_shift = priced.max(axis=1), priced.argmax(axis=1)
        for p, (price, work_days) in enumerate(zip(prices, _work_days(self.rules, earned), strict=True)):
            key = (*(work_days or ()), *best_shift[:, p].tolist())
            if work_days is not None and key not in self.plans:
                plan = _with_shifts(self.rules, work_days, self.gains, self.minutes, price, self.follows)
                self.plans[key] = None if plan is None else (plan, sum(i.counted for i in plan))
            found = self.plans.get(key)
            totals.append(None if found is None else found[1])
        return totals

    def best(self) -> list[Item] | None:
        low, high = self.band
        inside = [plan for plan, minutes in filter(None, self.plans.values()) if low <= minutes <= high]
        inside.sort(key=lambda plan: -sum(self.worth(i.day, i) - self.rest[i.day] for i in plan))
        return next((plan for plan in inside if _keeps_rules(self.rules, plan)), None)


def _bracket(
    band: tuple[int, int], prices: Floats, totals: list[int | None], low: float, high: float
) -> tuple[float, float]:
    """The prices around the band's edges: dearer work means fewer minutes."""
    floor, ceiling = band
    over = [p for p, t in zip(prices, totals, strict=True) if t is not None and t > ceiling]
    under = [p for p, t in zip(prices, totals, strict=True) if t is not None and t < floor]
    return (max(over) if over else low), (min(under) if under else high)


def _work_days(rules: PersonRules, earned: Floats) -> list[list[int] | None]:
    """For each price (earned[day, price]: the most a day of work earns over a day off at that
    price, -inf with no shift), the days to work that earn the most, or None when no way keeps
    the run rules, days off and weekend cap."""
    (days, prices), rows, slots = earned.shape, 2 * (rules.run_cap + 1), rules.weekend_slots
    value = np.zeros((rows, slots, prices))
    works_better = np.zeros((days, rows, slots, prices), dtype=bool)
    for d in range(days - 1, -1, -1):
        value, works_better[d] = rules.day_before(d, value, earned[d], _NEVER)
    start = rules.row(False, rules.run_cap)
    worked = _trace(rules, works_better, start)
    return [
        np.flatnonzero(worked[:, p]).tolist() if value[start, 0, p] > _NEVER / 2 else None
        for p in range(prices)
    ]


def _trace(rules: PersonRules, works_better: npt.NDArray[np.bool_], start: int) -> npt.NDArray[np.bool_]:
    """worked[day, price]: the days each price's plan works, followed from the block's start."""
    rest_to, _, work_to, _ = rules.transitions
    days, prices = works_better.shape[0], works_better.shape[-1]
    row, slot, every = np.full(prices, start), np.zeros(prices, dtype=int), np.arange(prices)
    worked = np.zeros((days, prices), dtype=bool)
    for d in range(days):
        works = works_better[d, row, slot, every]
        counted = rules.weekend_counted(d)
        if counted is not None:
            slot = slot + (works & counted[row])
        row = np.where(works, work_to[row], rest_to[row])
        worked[d] = works
    return worked


def _with_shifts(
    rules: PersonRules,
    work_days: list[int],
    gains: list[Floats],
    minutes: list[Floats],
    price: float,
    follows: dict[int, npt.NDArray[np.bool_]],
) -> list[Item] | None:
    """The shift for each day of work: per run, the best chain that keeps the successions."""
    items = rules.space.items[rules.index]
    plan: list[Item] = []
    for run in _runs(work_days):
        chain = _best_chain(rules, run, [gains[d] - price * minutes[d] for d in run], follows)
        if chain is None:
            return None
        plan += [items[d][i] for d, i in zip(run, chain, strict=True)]
    return plan


def _runs(days: list[int]) -> list[list[int]]:
    """Days split into runs of consecutive days."""
    runs: list[list[int]] = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


def _best_chain(
    rules: PersonRules, run: list[int], earned: list[Floats], follows: dict[int, npt.NDArray[np.bool_]]
) -> list[int] | None:
    """For a run of days, the item index on each day that earns the most in total while each
    day's item may follow the day before's (Viterbi on yesterday's item); None if none may."""
    items = rules.space.items[rules.index]
    score, back = earned[0], []
    for previous, d, today in zip(run, run[1:], earned[1:], strict=False):
        if previous not in follows:
            follows[previous] = _follows(rules, items[previous], items[d])
        through = np.where(follows[previous], score[:, None], -np.inf)
        back.append(through.argmax(axis=0))
        score = through.max(axis=0) + today
    if not np.isfinite(score.max()):
        return None
    chain = [int(score.argmax())]
    for pointers in reversed(back):
        chain.append(int(pointers[chain[-1]]))
    return chain[::-1]


def _follows(rules: PersonRules, before: list[Item], after: list[Item]) -> npt.NDArray[np.bool_]:
    forbidden = rules.space.program.rules.forbidden_successions
    return np.array(
        [[(a.shift.id, b.shift.id) not in forbidden and a.end <= b.start for b in after] for a in before],
        dtype=bool,
    )


def _keeps_rules(rules: PersonRules, plan: list[Item]) -> bool:
    by_day = {item.day: item for item in plan}
    state = State()
    for d in range(len(rules.off_days)):
        item = by_day.get(d)
        if not rules.allows(state, d, item):
            return False
        state = step(state, item, rules, d)
    return state.minutes >= (rules.person.limits.min_total_minutes or 0)
