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

Cases draw their codes from the default CPT table (`formats.cpt_table.default_cpt_table`, the
general-surgery codes), their needs from `case_needs`; the residents' counts and urgency are
`rules.caselog.tally` and `urgency` (projected deficit at graduation per month left), the
starting counts synthetic (60-120% of what the minimums' pace gives for their months done).
Results also go to bench/results/or_assign.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
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
    LoggedCase,
    OrCase,
    OrPlan,
    surgeon_role,
)
from callroom.domain.program import Block, Conflict, Hospital, Person, Post, Program, Service
from callroom.domain.roster import Assignment, Roster
from callroom.domain.shifts import ShiftKind, ShiftType
from callroom.formats.cpt_table import case_needs, default_cpt_table
from callroom.rules.caselog import ACGME_TOTALS, TRAINING_MONTHS, Tally, tally, urgency
from callroom.rules.operating import Availability, availability, check_plan, overlaps
from callroom.solver.operating import Candidate, OrRequest, assign_day

ZONE = ZoneInfo("America/New_York")
START = date(2027, 3, 1)
ROOMS, PER_ROOM, TURNOVER = 20, 3, 30
CATEGORY_IDS = tuple(c.id for c in ACGME_CATEGORIES)

# The general-surgery operations of the default CPT table (the codes of other services, which
# count toward no defined category, are left out).
TABLE = default_cpt_table()
PROCEDURES = tuple(entry for entry in TABLE.entries.values() if entry.categories)

DAY_SHIFT = ShiftType("day", "Day", clock(7), 12 * 60, ShiftKind.DAY, 12 * 60)
CALL = ShiftType("call", "24-hour call", clock(7), 24 * 60, ShiftKind.IN_HOUSE_CALL, 24 * 60)


@dataclass
class Counts:
    """A resident's case-log counts (`rules.caselog.Tally`) and the months of training done."""

    tally: Tally
    months_done: float

    @property
    def months_left(self) -> float:
        return max(TRAINING_MONTHS - self.months_done, 0.0)

    def urgency(self) -> dict[str, float]:
        return urgency(self.tally, self.months_left, self.months_done)

    def deficit(self, category: str) -> float:
        """The deficit projected at graduation: what `urgency` divides by the months left."""
        return self.urgency()[category] * max(self.months_left, 1.0)

    def add(self, lines: Sequence[LoggedCase]) -> None:
        """The day's lines, tallied by the case-log rules, added to the counts so far."""
        new = tally(lines)
        have = Counter(self.tally.categories)
        have.update(new.categories)
        old = self.tally
        self.tally = Tally(
            categories=dict(have),
            major=old.major + new.major,
            chief_year_major=old.chief_year_major + new.chief_year_major,
            ta=old.ta + new.ta,
            fa=old.fa + new.fa,
        )


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
            entry = rng.choice(PROCEDURES)
            minutes = rng.choice([60, 90, 120, 150, 180])
            continuity = (rng.choice(residents),) if rng.random() < 0.1 else ()
            case = OrCase(
                f"{day:%m%d}-{room:02d}-{slot}",
                day,
                str(room + 1),
                start.astimezone(ZoneInfo("UTC")),
                minutes,
                entry.description,
                (entry.code,),
                "gs",
                attending_id=f"a{room:02d}",
                continuity=continuity,
            )
            cases.append(case)
            needs[case.id] = case_needs(case.cpt_codes, TABLE)
            start += timedelta(minutes=minutes + TURNOVER)
    return cases, needs


def starting_counts(program: Program, rng: random.Random) -> dict[str, Counts]:
    """Each resident eight months into their year, with 60-120% of the cases their time in
    training would give at the pace of the minimums."""
    found = {}
    for person in program.residents:
        done = (int(person.grade) - 1) * 12 + 8.0
        share = done / TRAINING_MONTHS
        have = {c.id: int(c.minimum * share * rng.uniform(0.6, 1.2)) for c in ACGME_CATEGORIES}
        major = int(ACGME_TOTALS.major * share * rng.uniform(0.6, 1.2))
        found[person.id] = Counts(Tally(categories=have, major=major), done)
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
    plan: OrPlan,
    cases: Sequence[OrCase],
    needs: Mapping[str, CaseNeeds],
    counts: dict[str, Counts],
    index: dict[str, int],
) -> None:
    """Every surgeon and TA logs the case (its categories from the CPT table)."""
    by_id = {c.id: c for c in cases}
    lines: dict[str, list[LoggedCase]] = defaultdict(list)
    for role in plan.roles:
        case = by_id[role.case_id]
        line = LoggedCase(
            role.person_id,
            case.day,
            case.cpt_codes,
            role.role,
            needs[case.id].categories,
            case.attending_id,
            case.id,
        )
        lines[role.person_id].append(line)
        if role.role.is_surgeon and needs[role.case_id].index:
            index[role.person_id] = index.get(role.person_id, 0) + 1
    for person_id, held in lines.items():
        counts[person_id].add(held)


def spread(program: Program, counts: Mapping[str, Counts]) -> dict[str, tuple[float, float]]:
    """Per cohort: the mean over categories of the standard deviation and of max - min of the
    residents' projected deficits."""
    found = {}
    for grade in list(Grade)[:5]:
        members = [p.id for p in program.residents if p.grade is grade]
        sds, ranges = [], []
        for category in CATEGORY_IDS:
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
        name: {k: Counts(v.tally, v.months_done) for k, v in start_counts.items()}
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
            credit(plan, cases, needs, counts, index[name])
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
