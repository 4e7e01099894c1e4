"""Cover against capacity, before any search: when the people eligible for a cover requirement
cannot give as many shifts as it needs, even each alone, no roster exists, and the sum says why.

For each requirement with a hard minimum, each eligible person's most is a sound upper bound on
the shifts of that post and type they can work on the requirement's days: the least of what
each rule capping them allows (days not on leave or off, with the longest runs of work and the
pairs of days the rules forbid; maximum shifts of the type; total minutes; 80 hours a week;
call every third night; working weekends). When the sum falls short of the minimum times the
days, or on one day fewer are eligible and available than the minimum, the program is
infeasible at once, with the arithmetic ("Ann 9 + Raj 9 = 18 < 28").

Every bound here also holds in the CP-SAT model, so the guard keys given with a shortage
conflict there as well (see explain).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from callroom.domain.days import is_weekend
from callroom.domain.program import CoverDemand, Person, Program
from callroom.domain.shifts import ShiftType
from callroom.domain.timeline import Timeline
from callroom.rules import ids
from callroom.rules.absences import absences_over
from callroom.rules.acgme import hours_text, max_call_nights
from callroom.rules.cover import demand_days
from callroom.rules.periods import earns_rest
from callroom.solver.build.cover import cover_key
from callroom.solver.build.general import absence_key, unavailable_key
from callroom.solver.build.guards import GuardKey
from callroom.solver.explain.wording import cover_sentence, eligible, nth

HEADER = "No roster can meet all of these at once:"


@dataclass(frozen=True)
class Shortage:
    """A cover requirement the eligible people cannot meet: the sentences and the guard keys
    (the cover minimums and each person's binding rules) that conflict."""

    keys: tuple[GuardKey, ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Cap:
    """The most one person can give a requirement, the rules and facts that bound it, and why
    in words ("" when only the days bound it)."""

    most: int
    keys: tuple[GuardKey, ...] = ()
    reason: str = ""


def shortage(program: Program) -> Shortage | None:
    """The first cover requirement (in program order) that capacity cannot meet, or None."""
    timeline = Timeline(program)
    for demand in program.demands:
        days = demand_days(program, demand)
        for r, need in enumerate(demand.requirements):
            if need.minimum <= 0 or not days:
                continue
            found = _short_day(program, timeline, demand, r, days) or _short_block(
                program, timeline, demand, r, days
            )
            if found is not None:
                return found
    return None


def _short_day(
    program: Program, timeline: Timeline, demand: CoverDemand, r: int, days: list[date]
) -> Shortage | None:
    """A day on which fewer eligible people are free than the minimum."""
    need = demand.requirements[r]
    who = eligible(program, demand, need)
    for day in days:
        off = [(p, why) for p in who if (why := kept_off(program, timeline, p, demand, day)) is not None]
        free = len(who) - len(off)
        if free >= need.minimum:
            continue
        keys = [cover_key(demand, r, day), *(key for _, (key, _) in off)]
        lines = [HEADER, f"- {cover_sentence(program, demand, need, [day])}"]
        lines += [f"- {p.name} {words}." for p, (_, words) in off]
        lines.append(f"On {day} only {free} of them can work: {free} < {need.minimum}.")
        return Shortage(tuple(keys), tuple(lines))
    return None


def kept_off(
    program: Program, timeline: Timeline, person: Person, demand: CoverDemand, day: date
) -> tuple[GuardKey, str] | None:
    """What keeps the person off the demand's shift that day (leave, a fixed day off, an
    approved absence it would overlap), as its guard key and in words; None when nothing does."""
    if person.unavailable(day):
        return unavailable_key(person, day), f"is {_absent_word(person, day)} on {day}"
    zone = timeline.zone
    for absence in absences_over(program, timeline, person.id, program.block.index(day), demand.shift_id):
        return absence_key(absence), absence.describe(zone)
    return None


def _absent_word(person: Person, day: date) -> str:
    return "on leave" if day in person.leave_dates else "off (fixed day off)"


def _short_block(
    program: Program, timeline: Timeline, demand: CoverDemand, r: int, days: list[date]
) -> Shortage | None:
    need = demand.requirements[r]
    needed = need.minimum * len(days)
    who = eligible(program, demand, need)
    caps = [person_cap(program, timeline, p, demand, days) for p in who]
    total = sum(c.most for c in caps)
    if total >= needed:
        return None
    keys = [cover_key(demand, r, day) for day in days] + [k for c in caps for k in c.keys]
    lines = [HEADER, f"- {cover_sentence(program, demand, need, days)}"]
    lines += [f"- {c.reason}" for c in caps if c.reason]
    lines.append(_sum_sentence(who, caps, needed))
    return Shortage(tuple(dict.fromkeys(keys)), tuple(lines))


def _sum_sentence(who: list[Person], caps: list[Cap], needed: int) -> str:
    total = sum(c.most for c in caps)
    if not who:
        return f"Nobody can take any of the {needed} needed: 0 < {needed}."
    terms = " + ".join(f"{p.name} {c.most}" for p, c in zip(who, caps, strict=True))
    return (
        f"Together the {len(who)} eligible can take at most {terms} = {total} of the {needed} "
        f"needed: {total} < {needed}."
    )


def person_cap(
    program: Program, timeline: Timeline, person: Person, demand: CoverDemand, days: list[date]
) -> Cap:
    """The least of the bounds each rule puts on the person's shifts of the demand's post and
    type on `days`; on a tie, the first in the order below (the simplest to say)."""
    look = _Look(program, timeline, person, demand, days)
    bounds = [
        look.available(),
        look.runs(),
        look.max_shifts(),
        look.call_frequency(),
        look.weekly_hours(),
        look.total_minutes(),
        look.weekends(),
    ]
    return min((b for b in bounds if b is not None), key=lambda b: b.most)


class _Look:
    """One person against one demand's days: each rule's bound on what they can give."""

    def __init__(
        self, program: Program, timeline: Timeline, person: Person, demand: CoverDemand, days: list[date]
    ) -> None:
        self.program, self.timeline, self.person, self.days = program, timeline, person, days
        self.shift: ShiftType = program.shift[demand.shift_id]
        self.post = program.post[demand.post_id]
        self.index = [program.block.index(d) for d in days]
        self.limits = program.rules.limits_for(person)
        off = {d: why for d in days if (why := kept_off(program, timeline, person, demand, d)) is not None}
        self.free = [d for d in days if d not in off]
        self.off_keys = tuple(dict.fromkeys(key for key, _ in off.values()))
        self.absent = any(key.rule == ids.ABSENCE.code for key in self.off_keys)

    def span(self, d: int) -> tuple[int, int]:
        return self.timeline.span(d, self.shift.id)

    def available(self) -> Cap:
        gone = len(self.days) - len(self.free)
        if not gone:
            return Cap(len(self.days))
        why = "on leave, off or absent (approved)" if self.absent else "on leave or a fixed day off"
        return Cap(
            len(self.free),
            self.off_keys,
            f"{self.person.name} is {why} on {gone} of the {len(self.days)} days: at most {len(self.free)}.",
        )

    def runs(self) -> Cap | None:
        """Days worked, in runs no longer than the rules allow and never on a pair of days the
        rules forbid together (exact for those, by dynamic programming over the block)."""
        cap, run_keys, run_words = self._run_cap()
        banned, pair_keys, pair_words = self._banned_pairs()
        if cap is None and not banned:
            return None
        most = _most_days(
            self.program.block.days, set(self.program.block.index(d) for d in self.free), banned, cap
        )
        words = "; ".join(run_words + pair_words)
        return Cap(
            most,
            self.off_keys + run_keys + pair_keys,
            f"{self.person.name} may work {self.shift.name} on at most {most} of the "
            f"{len(self.days)} days: {words}.",
        )

    def _run_cap(self) -> tuple[int | None, tuple[GuardKey, ...], list[str]]:
        caps: list[tuple[int, GuardKey, str]] = []
        longest = self.person.limits.max_consecutive_work
        if longest is not None:
            caps.append(
                (
                    longest,
                    GuardKey.of(ids.MAX_CONSECUTIVE, self.person.id),
                    f"at most {longest} working days in a row",
                )
            )
        nights = self.limits.night_float_max_nights if self.limits else None
        if nights is not None and self.shift.is_night:
            caps.append(
                (
                    nights,
                    GuardKey.of(ids.NIGHT_FLOAT, self.person.id),
                    f"at most {nights} nights in a row (ACGME {ids.NIGHT_FLOAT.citation})",
                )
            )
        if not caps or min(c for c, _, _ in caps) >= self.program.block.days:
            return None, (), []
        return (min(c for c, _, _ in caps), tuple(k for _, k, _ in caps), [w for _, _, w in caps])

    def _banned_pairs(self) -> tuple[set[int], tuple[GuardKey, ...], list[str]]:
        """Days d whose shift may not follow the same shift on day d - 1, with the rules why."""
        banned: set[int] = set()
        found: dict[ids.RuleId, list[tuple[int, int]]] = {}  # rule: (day, continuous minutes)
        for d in self.index:
            if d - 1 not in self.index:
                continue
            why = self._pair_rule(d)
            if why is not None:
                banned.add(d)
                found.setdefault(why[0], []).append((d - 1, why[1]))
        keys = tuple(GuardKey.of(rule, self.person.id) for rule in found if rule is not ids.OVERLAP)
        return banned, keys, [self._pair_words(rule, pairs) for rule, pairs in found.items()]

    def _pair_rule(self, d: int) -> tuple[ids.RuleId, int] | None:
        """Which rule forbids the shift on days d - 1 and d both, with the continuous minutes."""
        (s1, e1), (s2, e2) = self.span(d - 1), self.span(d)
        if e1 > s2:
            return ids.OVERLAP, e2 - s1
        if (self.shift.id, self.shift.id) in self.program.rules.forbidden_successions:
            return ids.SUCCESSION, e2 - s1
        limits = self.limits
        if limits is None or not self.shift.in_house:
            return None
        if s2 == e1:  # one continuous period
            if e2 - s1 > (limits.max_continuous_hours + limits.transition_hours) * 60:
                return ids.CONTINUOUS_HOURS, e2 - s1
            if e2 > s1 + limits.max_continuous_hours * 60 and self.post.new_patients:
                return ids.TRANSITION, e2 - s1
            return None
        if earns_rest(e1 - s1, [self.shift], limits) and s2 - e1 < limits.rest_after_call_hours * 60:
            return ids.REST_AFTER_CALL, e1 - s1
        return None

    def _pair_words(self, rule: ids.RuleId, pairs: list[tuple[int, int]]) -> str:
        """Why the shift is never worked two days in a row, with the elapsed hours: the usual
        ones, and those of the pairs a clock change lengthens or shortens."""
        name = self.shift.name
        if rule is ids.OVERLAP:
            return f"{name} on two days in a row would overlap"
        if rule is ids.SUCCESSION:
            return f"{name} may not follow {name} (a forbidden succession)"
        limits = self.limits
        assert limits is not None  # the ACGME rules bind residents only
        usual = Counter(m for _, m in pairs).most_common(1)[0][0]
        dates = self.program.block.dates()
        odd = [f"{hours_text(m)} from {dates[d]}" for d, m in pairs if m != usual]
        dst = f" ({', '.join(odd)}, across the clock change)" if odd else ""
        cited = f"(ACGME {rule.citation} / {rule.citation_2025})"
        if rule is ids.REST_AFTER_CALL:
            return (
                f"{hours_text(usual)} of {name}{dst} earn {limits.rest_after_call_hours} hours free "
                f"after, so no {name} the next day {cited}"
            )
        if rule is ids.TRANSITION:
            return (
                f"{name} on two days in a row is {hours_text(usual)} continuous{dst}, taking new "
                f"patients past {limits.max_continuous_hours} h {cited}"
            )
        return (
            f"{name} on two days in a row is {hours_text(usual)} continuous{dst}, more than "
            f"{limits.max_continuous_hours} + {limits.transition_hours} h {cited}"
        )

    def max_shifts(self) -> Cap | None:
        cap = self.person.limits.max_shifts.get(self.shift.id)
        if cap is None:
            return None
        return Cap(
            cap,
            (GuardKey.of(ids.MAX_SHIFTS, self.person.id, self.shift.id),),
            f"{self.person.name} may work at most {cap} {self.shift.name} shifts.",
        )

    def call_frequency(self) -> Cap | None:
        if self.limits is None or not self.shift.is_in_house_call:
            return None
        available = self._days_off_leave()
        cap = max_call_nights(available, self.limits)
        return Cap(
            cap,
            (GuardKey.of(ids.CALL_FREQUENCY, self.person.id),),
            f"{self.person.name} may take at most {cap} in-house call nights in {available} "
            f"days (every {nth(self.limits.call_every_nth_night)} night, ACGME "
            f"{ids.CALL_FREQUENCY.citation}).",
        )

    def _days_off_leave(self) -> int:
        return sum(1 for d in self.program.block.dates() if d not in self.person.leave_dates)

    def weekly_hours(self) -> Cap | None:
        if self.limits is None:
            return None
        available = self._days_off_leave()
        budget = self.limits.weekly_hours * 60 * available // 7
        most = self._within(budget)
        if most is None:
            return None
        return Cap(
            most,
            (GuardKey.of(ids.WEEKLY_HOURS, self.person.id),),
            f"{self.person.name} may work at most {self.limits.weekly_hours} hours a week "
            f"averaged over {available} days ({hours_text(budget)} in all, ACGME "
            f"{ids.WEEKLY_HOURS.citation}): at most {most} {self.shift.name} shifts.",
        )

    def total_minutes(self) -> Cap | None:
        budget = self.person.limits.max_total_minutes
        most = None if budget is None else self._within(budget)
        if budget is None or most is None:
            return None
        return Cap(
            most,
            (GuardKey.of(ids.TOTAL_MINUTES, self.person.id),),
            f"{self.person.name} may work at most {hours_text(budget)} in all: at most "
            f"{most} {self.shift.name} shifts.",
        )

    def _within(self, budget: int) -> int | None:
        """How many of the demand's shifts fit in `budget` counted minutes, the shortest first
        (a DST night's shift counts its elapsed time); None when they all fit."""
        counted = sorted(self.shift.counted(e - s) for s, e in map(self.span, self.index))
        if sum(counted) <= budget:
            return None
        spent, most = 0, 0
        for minutes in counted:
            if spent + minutes > budget:
                break
            spent, most = spent + minutes, most + 1
        return most

    def weekends(self) -> Cap | None:
        cap = self.person.limits.max_weekends
        if cap is None:
            return None
        weekend = sum(1 for d in self.days if is_weekend(d))
        if weekend <= 2 * cap:
            return None
        most = len(self.days) - weekend + 2 * cap
        return Cap(
            most,
            (GuardKey.of(ids.MAX_WEEKENDS, self.person.id),),
            f"{self.person.name} may work at most {cap} weekends: at most {most} of the "
            f"{len(self.days)} days.",
        )


def _most_days(days: int, allowed: set[int], banned: set[int], run_cap: int | None) -> int:
    """The most days of `allowed` one can work when no run of worked days is longer than
    `run_cap` and no day in `banned` is worked right after the day before it."""
    top = run_cap if run_cap is not None else 1
    best: dict[int, int] = {0: 0}  # length of the run ending yesterday (capped at top): most worked
    for d in range(days):
        after: dict[int, int] = {0: max(best.values())}
        if d in allowed:
            for run, worked in best.items():
                if run and d in banned:
                    continue
                if run_cap is not None and run >= run_cap:
                    continue
                longer = min(run + 1, top)
                after[longer] = max(after.get(longer, -1), worked + 1)
        best = after
    return max(best.values())
