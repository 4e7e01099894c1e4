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
4. Prices alone often miss a narrow band: the plan jumps from a little under it to a little
   over it between two prices (on the Curtois benchmark's largest instances, a band of 720
   minutes is missed by most people). So the plans nearest the band are fitted to it
   (`_fit`): on the same days, the shifts are chosen again by a third dynamic program that
   also tracks the minutes gained or lost against the plan, ending inside the band. A shift
   type over its cap is priced in that program until it is within the cap.
5. The plan is checked day by day with `PersonRules.allows` (shift caps included); a plan that
   breaks a rule is dropped, and then the caller keeps its own schedule.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from callroom.solver.build.space import Item
from callroom.solver.heuristics.person_rules import NO_MINUTE_CAP, PersonRules, State, step

PRICES = 16  # prices per minute tried in one pass
ROUNDS = 4  # a coarse grid of prices, then finer ones around the band
FITTED = 3  # plans fitted to the band, the nearest first
FIT_UNITS = 48  # the most a fit may move the minutes, in units of the shifts' common divisor
CAP_PRICINGS = 8  # tries at pricing the shift types over their cap
CAP_DOUBLINGS = 5  # a type's first price is 2**-CAP_DOUBLINGS of the most any shift earns
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
        # The greatest common divisor of the shift lengths: the steps in which minutes move.
        self.unit = math.gcd(*{int(m) for row in self.minutes for m in row}) or 1
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
        tried = [found for found in self.plans.values() if found is not None]
        inside = [(self._earned(plan), plan) for plan, minutes in tried if low <= minutes <= high]
        # The plans nearest the band, fitted to it (and to the shift caps): see the module doc.
        tried.sort(key=lambda found: max(low - found[1], found[1] - high, 0))
        fitted = [self._fit(plan) for plan, _ in tried[:FITTED]]
        candidates = inside + [found for found in fitted if found is not None]
        candidates.sort(key=lambda found: found[0], reverse=True)
        return next((plan for _, plan in candidates if _keeps_rules(self.rules, plan)), None)

    def _fit(self, plan: list[Item]) -> tuple[float, list[Item]] | None:
        """The plan's days with their shifts chosen again to end inside the band and within
        the shift caps, earning the most that way, and what it earns; None when no choice
        found does."""
        if not plan:
            return None
        caps = self.rules.person.limits.max_shifts
        # A type over its cap is priced: from far below what makes any of its shifts earn less
        # than a day off, doubling until it is within its cap, then halved between the last
        # price too low and the last high enough, to give up as little as a few tries can tell.
        dearest = max(float(np.abs(self.gains[i.day]).max()) for i in plan) + 1.0
        price: dict[str, float] = {}
        too_low: dict[str, float] = {}
        enough: dict[str, float] = {}
        best: tuple[float, list[Item]] | None = None
        for _ in range(CAP_PRICINGS):
            fitted = _fitted_shifts(self, plan, price)
            if fitted is None:
                break
            uses = Counter(i.shift.id for i in fitted)
            over = {s for s, n in uses.items() if n > caps.get(s, n)}
            if not over:
                earned = self._earned(fitted)
                if best is None or earned > best[0]:
                    best = earned, fitted
                enough |= price
            too_low |= {s: price.get(s, 0.0) for s in over}
            price = {s: _next_price(s, too_low, enough, dearest) for s in too_low}
            if not over and not price:
                break
        return best

    def _earned(self, plan: list[Item]) -> float:
        return float(sum(self.worth(i.day, i) - self.rest[i.day] for i in plan))


def _next_price(shift: str, too_low: dict[str, float], enough: dict[str, float], dearest: float) -> float:
    low = too_low[shift]
    if shift in enough:
        return (low + enough[shift]) / 2
    return max(2 * low, dearest * 0.5**CAP_DOUBLINGS)


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
    score, back = earned[0], []
    for previous, today in zip(run, earned[1:], strict=False):
        best, arg = _step(_follows_after(rules, follows, previous), score)
        back.append(arg)
        score = best + today
    if not np.isfinite(score.max()):
        return None
    chain = [int(score.argmax())]
    for pointers in reversed(back):
        chain.append(int(pointers[chain[-1]]))
    return chain[::-1]


def _step(follows: npt.NDArray[np.bool_], score: Floats) -> tuple[Floats, npt.NDArray[np.intp]]:
    """One Viterbi step: from score[yesterday's item, ...], the best score reaching each of
    today's items over the items it may follow, and which one (both [today's item, ...])."""
    allowed = follows.reshape(follows.shape + (1,) * (score.ndim - 1))
    through = np.where(allowed, score[:, None], -np.inf)
    return through.max(axis=0), through.argmax(axis=0)


def _follows_after(
    rules: PersonRules, follows: dict[int, npt.NDArray[np.bool_]], day: int
) -> npt.NDArray[np.bool_]:
    """follows[yesterday's item, today's item]: which of the next day's items may follow which
    of `day`'s, worked out once per person and day."""
    if day not in follows:
        items = rules.space.items[rules.index]
        forbidden = rules.space.program.rules.forbidden_successions
        follows[day] = np.array(
            [
                [(a.shift.id, b.shift.id) not in forbidden and a.end <= b.start for b in items[day + 1]]
                for a in items[day]
            ],
            dtype=bool,
        )
    return follows[day]


def _keeps_rules(rules: PersonRules, plan: list[Item]) -> bool:
    by_day = {item.day: item for item in plan}
    state = State()
    for d in range(len(rules.off_days)):
        item = by_day.get(d)
        if not rules.allows(state, d, item):
            return False
        state = step(state, item, rules, d)
    return state.minutes >= (rules.person.limits.min_total_minutes or 0)


def _fitted_shifts(planner: _Planner, plan: list[Item], price: dict[str, float]) -> list[Item] | None:
    """Viterbi over the plan's days on (today's item, minutes moved against the plan, in
    units of the shifts' common divisor): the shifts that earn the most, less `price` for each
    shift of a type, and end with the total inside the band (None when none does within
    FIT_UNITS units)."""
    rules, items = planner.rules, planner.rules.space.items[planner.rules.index]
    unit = planner.unit
    total = sum(i.counted for i in plan)
    low, high = planner.band
    need_low = max(math.ceil((low - total) / unit), -FIT_UNITS)
    need_high = min(math.floor((high - total) / unit), FIT_UNITS)
    if need_low > need_high:
        return None
    floor, top = min(0, need_low) - 1, max(0, need_high) + 1
    width = top - floor + 1
    offsets = np.arange(width)
    score = np.full((1, width), -np.inf)
    score[0, -floor] = 0.0
    days = sorted(i.day for i in plan)
    was = {i.day: i for i in plan}
    back: list[npt.NDArray[np.intp]] = []
    moves: list[npt.NDArray[np.intp]] = []
    for k, d in enumerate(days):
        if k > 0 and days[k - 1] == d - 1:
            best, arg = _step(_follows_after(rules, planner.follows, d - 1), score)
        else:
            choices = len(items[d])
            best = np.broadcast_to(score.max(axis=0), (choices, width))
            arg = np.broadcast_to(score.argmax(axis=0), (choices, width))
        move = np.rint((planner.minutes[d] - was[d].counted) / unit).astype(np.intp)
        source = offsets[None, :] - move[:, None]
        inside = (source >= 0) & (source < width)
        source = source.clip(0, width - 1)
        rows = np.arange(len(items[d]))[:, None]
        costs = np.array([price.get(i.shift.id, 0.0) for i in items[d]])
        score = np.where(inside, best[rows, source], -np.inf) + (planner.gains[d] - costs)[:, None]
        back.append(np.where(inside, arg[rows, source], -1))
        moves.append(move)
    ends = score[:, need_low - floor : need_high - floor + 1]
    if not np.isfinite(ends.max()):
        return None
    last, at = np.unravel_index(int(ends.argmax()), ends.shape)
    chosen = _traced(back, moves, int(last), int(at) + need_low - floor)
    return [items[d][i] for d, i in zip(days, chosen, strict=True)]


def _traced(
    back: list[npt.NDArray[np.intp]], moves: list[npt.NDArray[np.intp]], last: int, offset: int
) -> list[int]:
    """The item index chosen on each day, followed back from the last day's item and offset."""
    chosen = [last]
    for k in range(len(back) - 1, 0, -1):
        item = chosen[-1]
        chosen.append(int(back[k][item, offset]))
        offset -= int(moves[k][item])
    return chosen[::-1]
