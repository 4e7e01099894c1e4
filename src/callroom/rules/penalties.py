"""Soft goals scored on a roster: the objective the solver minimises, itemised in words.

`score(program, roster).total` equals the solver's objective value for the same roster; a test
holds the two to it, so every paid point can be explained ("Ada: day off refused, 5 points").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from callroom.domain.grades import Grade
from callroom.domain.program import Person, Program, Request, Tally
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftKind
from callroom.rules import ids
from callroom.rules.acgme import hours_text, short_rests
from callroom.rules.context import CheckContext
from callroom.rules.cover import cover_slots
from callroom.rules.general import weekends_worked
from callroom.rules.ids import RuleId


@dataclass(frozen=True)
class PenaltyItem:
    rule: RuleId
    points: int
    detail: str
    person_id: str | None = None
    day: date | None = None


@dataclass(frozen=True)
class PenaltyReport:
    items: tuple[PenaltyItem, ...]

    @property
    def total(self) -> int:
        return sum(item.points for item in self.items)

    def by_rule(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for item in self.items:
            totals[item.rule.code] += item.points
        return dict(sorted(totals.items()))

    def by_person(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for item in self.items:
            if item.person_id is not None:
                totals[item.person_id] += item.points
        return dict(sorted(totals.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_rule": self.by_rule(),
            "by_person": self.by_person(),
            "items": [
                {
                    "rule": i.rule.code,
                    "points": i.points,
                    "detail": i.detail,
                    "person": i.person_id,
                    "day": i.day.isoformat() if i.day else None,
                }
                for i in self.items
            ],
        }


def score_cover(ctx: CheckContext) -> Iterator[PenaltyItem]:
    for slot in cover_slots(ctx.program, ctx.roster):
        target = slot.requirement.target
        if target is None:
            continue
        if slot.count != target:
            rule = ids.COVER_UNDER if slot.count < target else ids.COVER_OVER
            points = slot.requirement.miss(slot.count)
            yield PenaltyItem(rule, points, f"{slot.describe(ctx.program)}, target {target}", day=slot.day)


def request_matches(request: Request, assignment: Assignment | None) -> bool:
    """Whether the assignment that day is what the request names (any work, if it names none)."""
    return assignment is not None and request_names(request, assignment.shift_id, assignment.post_id)


def request_names(request: Request, shift_id: str, post_id: str) -> bool:
    """Whether working `shift_id` on `post_id` is what the request names."""
    return request.shift_id in (None, shift_id) and request.post_id in (None, post_id)


def score_requests(ctx: CheckContext) -> Iterator[PenaltyItem]:
    for person in ctx.program.people:
        for request in person.requests:
            if request.day not in ctx.program.block:
                continue  # nothing in this block can grant or refuse it
            held = request_matches(request, ctx.roster.on(person.id, request.day))
            if held != request.on:
                rule = ids.REQUEST_ON if request.on else ids.REQUEST_OFF
                yield PenaltyItem(
                    rule,
                    request.weight,
                    f"{person.name}: {_wish(request)} on {request.day} refused",
                    person.id,
                    request.day,
                )


def _wish(request: Request) -> str:
    what = " ".join(x for x in (request.shift_id, request.post_id) if x) or "any shift"
    return f"to work {what}" if request.on else f"off {what}"


@dataclass(frozen=True)
class FairnessGroup:
    """People of one grade on one rotation, compared on one count. Colleagues on the same
    rotation share the same posts, so their counts can be equal; a trauma resident's nights
    in the Pit are no unfairness to a plastics resident. `scale` turns a count into tenths of a
    shift per full block, so someone on leave half the block is held to half the count.
    `carried` is each one's count over the year before the block (`Program.ledger`), in tenths:
    a block made from a year balances the year to date, so a heavy block is followed by a
    lighter one."""

    rule: RuleId
    grade: Grade
    rotation: str | None
    scale: Mapping[str, int]
    carried: Mapping[str, int]

    def value(self, person_id: str, count: int) -> int:
        """The person's tenths of a shift: the year before the block, and this block's count."""
        return self.carried[person_id] + count * self.scale[person_id]

    @property
    def label(self) -> str:
        return f"{self.grade.label}" + (f" on {self.rotation}" if self.rotation else "")


# A spread of one whole shift (in tenths) is free: counts cannot always divide evenly.
FAIRNESS_TOLERANCE = 10

# Each fairness count: the weight's name in Weights, which shifts it counts (None: weekends),
# and its field in a Tally.
METRICS: dict[RuleId, tuple[str, ShiftKind | None, str]] = {
    ids.FAIR_NIGHTS: ("fairness_nights", ShiftKind.NIGHT, "nights"),
    ids.FAIR_CALLS: ("fairness_calls", ShiftKind.IN_HOUSE_CALL, "calls"),
    ids.FAIR_WEEKENDS: ("fairness_weekends", None, "weekends"),
}


def fairness_groups(program: Program) -> list[FairnessGroup]:
    ctx = CheckContext(program, Roster(()))
    groups = []
    for rule, (weight_name, _, tally) in METRICS.items():
        if getattr(program.weights, weight_name) <= 0:
            continue
        cohorts: dict[tuple[Grade, str | None], list[Person]] = defaultdict(list)
        for person in program.people:
            if _can_do(program, person, rule) and ctx.available_days(person) > 0:
                cohorts[person.grade, person.rotation].append(person)
        for (grade, rotation), members in sorted(cohorts.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            scale = {p.id: round(10 * program.block.days / ctx.available_days(p)) for p in members}
            carried = {p.id: 10 * getattr(program.ledger.get(p.id, Tally()), tally) for p in members}
            if len(scale) >= 2:
                groups.append(FairnessGroup(rule, grade, rotation, scale, carried))
    return groups


def _can_do(program: Program, person: Person, rule: RuleId) -> bool:
    kind = METRICS[rule][1]
    return any(kind is None or program.shift[s].kind is kind for _, s in program.options(person))


def fairness_count(ctx: CheckContext, rule: RuleId, person_id: str) -> int:
    work = ctx.work[person_id]
    kind = METRICS[rule][1]
    if kind is None:
        return len(weekends_worked(work))
    return sum(1 for item in work if item.shift.kind is kind)


def score_fairness(ctx: CheckContext) -> Iterator[PenaltyItem]:
    for group in fairness_groups(ctx.program):
        weight = getattr(ctx.program.weights, METRICS[group.rule][0])
        values = {pid: group.value(pid, fairness_count(ctx, group.rule, pid)) for pid in group.scale}
        most, fewest = max(values, key=values.__getitem__), min(values, key=values.__getitem__)
        excess = values[most] - values[fewest] - FAIRNESS_TOLERANCE
        if excess > 0:
            yield PenaltyItem(
                group.rule,
                weight * excess,
                (
                    f"{group.label}: {values[most] / 10:g} ({most}) vs {values[fewest] / 10:g} "
                    f"({fewest}) per full block"
                    + (", the year so far included" if any(group.carried.values()) else "")
                ),
            )


def score_short_rest(ctx: CheckContext) -> Iterator[PenaltyItem]:
    weight = ctx.program.weights.short_rest
    for person in ctx.program.people:
        limits = ctx.program.rules.limits_for(person)
        if limits is None or weight <= 0:
            continue
        for item, rest in short_rests(ctx, person, limits):
            yield PenaltyItem(
                ids.SHORT_REST,
                weight,
                f"{person.name}: {hours_text(rest)} off before {item.shift.name}",
                person.id,
                item.assignment.day,
            )


def score(program: Program, roster: Roster) -> PenaltyReport:
    ctx = CheckContext(program, roster)
    parts = (score_cover, score_requests, score_fairness, score_short_rest)
    return PenaltyReport(tuple(item for part in parts for item in part(ctx)))
