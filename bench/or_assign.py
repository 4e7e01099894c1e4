"""Benchmark: assigning an OR day's cases to residents (`solver.operating.assign_day`).

(a) One day: 20 rooms, 60 cases (three a room, back to back with 30 minutes' turnover), 40
    residents of PGY-1..5 (8 a year) on General Surgery that day, 20 attendings, a few declared
    conflicts, continuity and pairings. Availability comes from `rules.operating.availability`
    on a real roster (timed apart); the assignment is solved `--runs` times and the median wall
    time to the proven optimum is reported (goal: 2 s).
(b) A month: 30 such days in a row (48 residents on a rotating roster: a day off in seven, a
    24-hour call every tenth day and the post-call day after it, so about 40 are free each
    day), each day's plan crediting every surgeon and TA with the case's categories, the next
    day's urgency computed from the new counts. At the end, the spread of each cohort's
    projected deficits (per defined category: the standard deviation and the max minus min
    across the cohort's residents, averaged over the categories) is compared with a greedy
    baseline: "the most senior free resident takes each case, in start order".

    .venv/bin/python bench/or_assign.py [--seed 3] [--runs 5] [--days 30] [--workers 2]

Note: the CPT table and the case-log rules (`formats.cpt_table.default_cpt_table`,
`rules.caselog.tally/urgency`) are built on another branch that had not reached main when this
was written; the bench carries a small table of common general-surgery procedures and the
urgency formula the shared design states (projected deficit at graduation, minimum - have -
pace * months_left floored at 0, per max(months_left, 1) months). Swap them for the real ones
once they land. Results also go to bench/results/or_assign.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from callroom.domain.grades import Grade
from callroom.domain.operating import (
    ACGME_CATEGORIES,
    CaseNeeds,
    CaseRole,
    CreditRole,
    OrCase,
    OrPlan,
    surgeon_role,
)
from callroom.domain.program import Block, Conflict, Hospital, Person, Post, Program, Service
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftKind, ShiftType
from callroom.rules.operating import Availability, availability, check_plan, overlaps
from callroom.solver.operating import Candidate, OrRequest, assign_day

ZONE = ZoneInfo("America/New_York")
START = date(2027, 3, 1)
ROOMS, PER_ROOM, TURNOVER = 20, 3, 30
MINIMUM = {c.id: c.minimum for c in ACGME_CATEGORIES}
TRAINING_MONTHS = 60.0

# code, procedure, categories (parents added below), least grade to operate, index case
PROCEDURES: tuple[tuple[str, str, tuple[str, ...], Grade, bool], ...] = (
    ("47562", "Laparoscopic cholecystectomy", ("abdominal.biliary", "lap-basic"), Grade.PGY1, True),
    ("49505", "Inguinal hernia repair", ("abdominal.hernia",), Grade.PGY1, False),
    ("49652", "Laparoscopic ventral hernia repair", ("abdominal.hernia", "lap-complex"), Grade.PGY3, False),
    ("44970", "Laparoscopic appendectomy", ("alimentary.appendix", "lap-basic"), Grade.PGY1, True),
    ("44140", "Partial colectomy", ("alimentary.large-intestine",), Grade.PGY3, True),
    (
        "44204",
        "Laparoscopic partial colectomy",
        ("alimentary.large-intestine", "lap-complex"),
        Grade.PGY4,
        True,
    ),
    ("44120", "Small bowel resection", ("alimentary.small-intestine",), Grade.PGY3, False),
    ("43280", "Laparoscopic fundoplication", ("alimentary.esophagus", "lap-complex"), Grade.PGY4, False),
    ("48150", "Pancreaticoduodenectomy", ("abdominal.pancreas",), Grade.PGY5, True),
    ("19303", "Total mastectomy", ("breast.mastectomy",), Grade.PGY2, False),
    ("38525", "Axillary node biopsy", ("breast.axilla",), Grade.PGY2, False),
    ("60240", "Total thyroidectomy", ("endocrine.thyroid-parathyroid", "head-neck"), Grade.PGY3, True),
    ("36821", "Arteriovenous fistula", ("vascular.access",), Grade.PGY2, False),
    ("11406", "Excision of a skin lesion", ("skin",), Grade.PGY1, False),
    ("43235", "Upper endoscopy", ("endoscopy.upper",), Grade.PGY1, False),
    ("45378", "Colonoscopy", ("endoscopy.colonoscopy",), Grade.PGY1, False),
)

DAY_SHIFT = ShiftType("day", "Day", clock(7), 12 * 60, ShiftKind.DAY, 12 * 60)
CALL = ShiftType("call", "24-hour call", clock(7), 24 * 60, ShiftKind.IN_HOUSE_CALL, 24 * 60)


def with_parents(categories: Sequence[str]) -> tuple[str, ...]:
    found = list(categories)
    for category in categories:
        head, dot, _ = category.rpartition(".")
        if dot and head not in found:
            found.append(head)
    return tuple(sorted(found))


@dataclass
class Counts:
    """A resident's case-log counts by category, and the months of training done."""

    have: dict[str, int]
    months_done: float

    def urgency(self) -> dict[str, float]:
        """The shared design's urgency: the projected deficit at graduation per month left."""
        left = max(TRAINING_MONTHS - self.months_done, 0.0)
        found = {}
        for category, minimum in MINIMUM.items():
            have = self.have.get(category, 0)
            pace = have / self.months_done if self.months_done > 0 else 0.0
            deficit = max(minimum - have - pace * left, 0.0)
            if deficit > 0:
                found[category] = deficit / max(left, 1.0)
        return found

    def deficit(self, category: str) -> float:
        left = max(TRAINING_MONTHS - self.months_done, 0.0)
        have = self.have.get(category, 0)
        pace = have / self.months_done if self.months_done > 0 else 0.0
        return max(MINIMUM[category] - have - pace * left, 0.0)


def people(count: int) -> list[Person]:
    residents = [Person(f"r{i:02d}", f"Resident {i:02d}", Grade(1 + i % 5), ("ward",)) for i in range(count)]
    attendings = [Person(f"a{i:02d}", f"Dr {i:02d}", Grade.ATTENDING, ()) for i in range(ROOMS)]
    return residents + attendings


def program(count: int, days: int) -> Program:
    everyone = people(count)
    residents = [p.id for p in everyone if p.grade.is_resident]
    conflicts = (
        Conflict(residents[0], residents[5], "private"),
        Conflict(residents[1], "a03", "private"),
        Conflict(residents[7], "a11", "private"),
    )
    return Program(
        hospital=Hospital("Bench General", "America/New_York"),
        block=Block(START - timedelta(days=1), days + 2),
        services=(Service("gs", "General Surgery"),),
        shift_types=(DAY_SHIFT, CALL),
        posts=(Post("ward", "Ward", "gs", ("day", "call"), "gs"),),
        demands=(),
        people=tuple(everyone),
        conflicts=conflicts,
    )


def roster(program: Program, rotating: bool) -> Roster:
    """Everyone on the ward's day shift; rotating: a day off in seven, 24-hour call every tenth
    day and nothing the day after it (post-call)."""
    rows = []
    for index, person in enumerate(program.residents):
        for day in program.block.dates():
            d = (day - program.block.start).days
            if rotating and (d + index) % 10 == 3:
                rows.append(Assignment(person.id, day, "call", "ward"))
            elif rotating and ((d + index) % 7 == 0 or (d + index) % 10 == 4):
                continue
            else:
                rows.append(Assignment(person.id, day, "day", "ward"))
    return Roster.of(rows)


def day_cases(day: date, program: Program, rng: random.Random) -> tuple[list[OrCase], dict[str, CaseNeeds]]:
    residents = [p.id for p in program.residents]
    cases, needs = [], {}
    for room in range(ROOMS):
        start = datetime.combine(day, clock(7, 30), ZONE)
        for slot in range(PER_ROOM):
            code, name, categories, grade, index = rng.choice(PROCEDURES)
            minutes = rng.choice([60, 90, 120, 150, 180])
            continuity = (rng.choice(residents),) if rng.random() < 0.1 else ()
            case = OrCase(
                f"{day:%m%d}-{room:02d}-{slot}",
                day,
                str(room + 1),
                start.astimezone(ZoneInfo("UTC")),
                minutes,
                name,
                (code,),
                "gs",
                attending_id=f"a{room:02d}",
                continuity=continuity,
            )
            cases.append(case)
            needs[case.id] = CaseNeeds(grade, with_parents(categories), index)
            start += timedelta(minutes=minutes + TURNOVER)
    return cases, needs


def starting_counts(program: Program, rng: random.Random) -> dict[str, Counts]:
    found = {}
    for person in program.residents:
        done = (int(person.grade) - 1) * 12 + 8.0
        share = done / TRAINING_MONTHS
        have = {c: int(m * share * rng.uniform(0.6, 1.2)) for c, m in MINIMUM.items()}
        found[person.id] = Counts(have, done)
    return found


def request(
    program: Program,
    day: date,
    cases: list[OrCase],
    needs: Mapping[str, CaseNeeds],
    free: Availability,
    counts: Mapping[str, Counts],
    index_so_far: Mapping[str, int],
) -> OrRequest:
    candidates = tuple(
        Candidate(p.id, p.name, p.grade, p.grade.label, counts[p.id].urgency(), index_so_far.get(p.id, 0))
        for p in program.residents
    )
    pairings = frozenset({("a02", "r10"), ("a04", "r14"), ("a09", "r19")})
    return OrRequest(
        day=day,
        cases=tuple(cases),
        needs=needs,
        candidates=candidates,
        availability=free,
        conflicts=program.conflicts,
        pairings=pairings,
        turnover_minutes=TURNOVER,
        names={p.id: p.name for p in program.people},
        timezone=program.hospital.timezone,
    )


def greedy(program: Program, req: OrRequest) -> OrPlan:
    """The baseline: cases in start order, each to the most senior free resident who may take
    it (ties to the first by id), no teaching."""
    held: dict[str, list[OrCase]] = defaultdict(list)
    roles = []
    for case in sorted(req.cases, key=lambda c: (c.start, c.id)):
        able = [
            c
            for c in req.candidates
            if req.availability.may_take(case.id, c.person_id)
            and c.grade >= req.needs[case.id].min_grade
            and not (case.attending_id and req.conflicted(case.attending_id, c.person_id))
            and not any(overlaps(o, case, TURNOVER) for o in held[c.person_id])
        ]
        if able:
            best = max(able, key=lambda c: (c.grade, [-ord(ch) for ch in c.person_id]))
            held[best.person_id].append(case)
            roles.append(CaseRole(case.id, best.person_id, surgeon_role(best.grade)))
    return OrPlan(req.day, tuple(roles))


def credit(
    plan: OrPlan, needs: Mapping[str, CaseNeeds], counts: dict[str, Counts], index: dict[str, int]
) -> None:
    for role in plan.roles:
        for category in needs[role.case_id].categories:
            counts[role.person_id].have[category] = counts[role.person_id].have.get(category, 0) + 1
        if role.role.is_surgeon and needs[role.case_id].index:
            index[role.person_id] = index.get(role.person_id, 0) + 1


def spread(program: Program, counts: Mapping[str, Counts]) -> dict[str, tuple[float, float]]:
    """Per cohort: the mean over categories of the standard deviation and of max - min of the
    residents' projected deficits."""
    found = {}
    for grade in list(Grade)[:5]:
        members = [p.id for p in program.residents if p.grade is grade]
        sds, ranges = [], []
        for category in MINIMUM:
            values = [counts[m].deficit(category) for m in members]
            sds.append(statistics.pstdev(values))
            ranges.append(max(values) - min(values))
        found[grade.label] = (statistics.mean(sds), statistics.mean(ranges))
    return found


def one_day(args: argparse.Namespace) -> dict[str, float]:
    rng = random.Random(args.seed)
    prog = program(40, 1)
    rota = roster(prog, rotating=False)
    cases, needs = day_cases(START, prog, rng)
    started = time.monotonic()
    free = availability(prog, rota, START, cases)
    availability_s = time.monotonic() - started
    counts = starting_counts(prog, rng)
    req = request(prog, START, cases, needs, free, counts, {})
    walls, result = [], None
    for _ in range(args.runs):
        result = assign_day(req, time_limit_s=args.time_limit, workers=args.workers)
        assert result.optimal, f"not proven optimal within {args.time_limit} s"
        walls.append(result.wall_s)
    assert result is not None
    assert check_plan(prog, cases, needs, result.plan, free, turnover_minutes=TURNOVER) == []
    covered = len({r.case_id for r in result.plan.roles if r.role.is_surgeon})
    teaching = sum(1 for r in result.plan.roles if r.role is CreditRole.TA)
    print(f"(a) one OR day: {len(cases)} cases in {ROOMS} rooms, {len(prog.residents)} residents free")
    print(f"    {'availability':<34} {availability_s:>8.2f} s (60 x 40 judgements, duty hours included)")
    median = statistics.median(walls)
    print(f"    {'to the proven optimum, median':<34} {median:>8.2f} s (of {args.runs}; goal 2 s)")
    print(f"    {'worst':<34} {max(walls):>8.2f} s")
    print(f"    {'cases covered':<34} {covered:>8} of {len(cases)}; {teaching} with a teaching assistant")
    return {
        "availability_s": availability_s,
        "median_s": statistics.median(walls),
        "worst_s": max(walls),
        "covered": covered,
        "teaching": teaching,
    }


def month(args: argparse.Namespace) -> dict[str, object]:
    rng = random.Random(args.seed + 1)
    prog = program(48, args.days)
    rota = roster(prog, rotating=True)
    start_counts = starting_counts(prog, rng)
    plans = {
        name: {k: Counts(dict(v.have), v.months_done) for k, v in start_counts.items()}
        for name in ("cp-sat", "greedy")
    }
    index: dict[str, dict[str, int]] = {"cp-sat": {}, "greedy": {}}
    uncovered = {"cp-sat": 0, "greedy": 0}
    free_per_day, solve_s = [], []
    for offset in range(args.days):
        day = START + timedelta(days=offset)
        cases, needs = day_cases(day, prog, rng)
        free = availability(prog, rota, day, cases)
        free_per_day.append(len({p for (_, p), why in free.reasons.items() if why is None}))
        for name, counts in plans.items():
            req = request(prog, day, cases, needs, free, counts, index[name])
            if name == "cp-sat":
                result = assign_day(req, time_limit_s=args.time_limit, workers=args.workers)
                plan = result.plan
                solve_s.append(result.wall_s)
            else:
                plan = greedy(prog, req)
            assert check_plan(prog, cases, needs, plan, free, turnover_minutes=TURNOVER) == []
            uncovered[name] += len(cases) - len({r.case_id for r in plan.roles if r.role.is_surgeon})
            credit(plan, needs, counts, index[name])
            for c in counts.values():
                c.months_done += 1 / 30
    ours, theirs = spread(prog, plans["cp-sat"]), spread(prog, plans["greedy"])
    before = spread(prog, start_counts)
    print(
        f"\n(b) a month: {args.days} days of {ROOMS * PER_ROOM} cases, {len(prog.residents)} residents, "
        f"{statistics.mean(free_per_day):.1f} free a day on average; "
        f"assign_day median {statistics.median(solve_s):.2f} s, worst {max(solve_s):.2f} s"
    )
    print(f"    uncovered cases over the month: cp-sat {uncovered['cp-sat']}, greedy {uncovered['greedy']}")
    print("    spread of projected deficits within each cohort at the month's end (mean over categories)")
    print(
        f"    {'cohort':<8} {'sd start':>9} {'sd cp-sat':>10} {'sd greedy':>10} "
        f"{'range start':>12} {'range cp-sat':>13} {'range greedy':>13}"
    )
    for label in ours:
        print(
            f"    {label:<8} {before[label][0]:>9.2f} {ours[label][0]:>10.2f} {theirs[label][0]:>10.2f} "
            f"{before[label][1]:>12.2f} {ours[label][1]:>13.2f} {theirs[label][1]:>13.2f}"
        )
    return {
        "spread_start": before,
        "spread_cp_sat": ours,
        "spread_greedy": theirs,
        "uncovered": uncovered,
        "median_solve_s": statistics.median(solve_s),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    print("$ " + " ".join([Path(sys.executable).name, *sys.argv]))
    found = {"one_day": one_day(args), "month": month(args)}
    out = Path(__file__).parent / "results" / "or_assign.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"args": vars(args), **found}, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
