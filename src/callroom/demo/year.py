"""St. Elsewhere's academic year, made from the demo's block program for any academic year.

The block file (st_elsewhere.yaml) says who works where in one block: each resident's rotation
is a service, with the posts they list. The year keeps the people, posts, cover, rules and
paging, and turns the services into rotations:
- each rotation's posts are those its residents list in the block;
- its weekly complement per grade is the block's head count, give or take one;
- every grade spends, over the year, roughly its share of weeks there (requirements);
- three electives (research, global surgery, endoscopy): one block for each PGY-2 to PGY-4,
  who rank them, research the most wanted;
- three weeks of vacation each, asked for in two requests of three ranked weeks (summer, the
  winter holidays and spring break are the popular ones), at most one resident of a rotation
  off in a week;
- the year's named holidays, Thanksgiving, Christmas Day and New Year's Day: staffed as Sundays,
  and nobody works more than one of them. On them the demo asks for the Sunday minimum and no
  more (a skeleton crew): a block staffing Thanksgiving to its targets would leave too few
  residents free for Christmas and New Year's Day, which the next block must staff.
Requests come from a seeded generator, so the same academic year gives the same file.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import date, timedelta

from callroom.domain.grades import Grade, GradeRange
from callroom.domain.program import CoverDemand, DayPattern, Holiday, Person, Program
from callroom.domain.year import (
    WEEK,
    Complement,
    Requirement,
    Rotation,
    VacationRules,
    Wishes,
    Year,
    YearBlock,
)

SEED = 2027
ELECTIVES = (("research", "Research"), ("global-surgery", "Global surgery"), ("endoscopy", "Endoscopy"))
ELECTIVE_WEIGHTS = (3, 2, 2)  # research is first choice for three residents in seven
ELECTIVE_GRADES = GradeRange(Grade.PGY2, Grade.PGY4)  # interns learn the floors; chiefs run them
VACATION_WEEKS = 3
BLOCKS = 13
BLOCK_WEEKS = 4
THURSDAY, SUNDAY = 3, 6  # date.weekday()
HOLIDAY_OVER = 20  # the cost of each resident over a holiday's skeleton crew


def academic_year_of(day: date) -> date:
    """The 1 July on which the academic year holding `day` began."""
    return date(day.year if day.month >= 7 else day.year - 1, 7, 1)


def demo_year(block: Program, start: date, seed: int = SEED) -> Program:
    """The demo program as a year from `start` (13 blocks of 4 weeks, the last week running to
    the day before the next academic year)."""
    rng = random.Random(seed)
    residents = list(block.residents)
    end = date(start.year + 1, start.month, start.day) - timedelta(days=1)
    year = Year(
        start=start,
        end=end,
        blocks=tuple(YearBlock(n + 1, n * BLOCK_WEEKS, BLOCK_WEEKS) for n in range(BLOCKS)),
        rotations=(*_clinical(block, residents), *_electives()),
        requirements=_requirements(residents),
        vacation=VacationRules(VACATION_WEEKS, max_off=2),
        wishes={p.id: _wishes(rng, start, p.grade in ELECTIVE_GRADES) for p in residents},
    )
    people = tuple(_undated(p) for p in block.people)
    holidays = holidays_of(start)
    lighter = [_lighter(d) for d in block.demands]
    return dataclasses.replace(
        block,
        block=dataclasses.replace(block.block, start=start, days=(end - start).days + 1),
        people=people,
        demands=tuple(d for demand in lighter for d in _skeleton_on(demand, holidays)),
        year=year,
        holidays=holidays,
        history=None,
        absences=(),
    )


def holidays_of(start: date) -> tuple[Holiday, ...]:
    """The academic year's named holidays: Thanksgiving (the fourth Thursday of November),
    Christmas Day and New Year's Day."""
    november = date(start.year, 11, 1)
    thanksgiving = november + timedelta(days=(THURSDAY - november.weekday()) % 7 + 3 * 7)
    return (
        Holiday("Thanksgiving", thanksgiving),
        Holiday("Christmas Day", date(start.year, 12, 25)),
        Holiday("New Year's Day", date(start.year + 1, 1, 1)),
    )


def _lighter(demand: CoverDemand) -> CoverDemand:
    """The block file staffs its one block with everyone; a year plans vacation and electives
    for all, and a block begins where the last one left off (a team's residents may come off
    nights elsewhere, and cannot work its first day), so its blocks carry a few residents
    fewer. Hard minimums of three or more are halved, rounded up (the targets stay, so the
    solver still reaches for the full team)."""
    needs = tuple(
        dataclasses.replace(n, minimum=(n.minimum + 1) // 2) if n.minimum >= 3 else n
        for n in demand.requirements
    )
    return dataclasses.replace(demand, requirements=needs)


def _skeleton_on(demand: CoverDemand, holidays: tuple[Holiday, ...]) -> tuple[CoverDemand, ...]:
    """A Sunday demand as it stands on other Sundays, and on the named holidays (staffed as
    Sundays) its minimum as the target, each resident over it a cost (see the module doc)."""
    if SUNDAY not in demand.days.weekdays:
        return (demand,)
    days = frozenset(h.day for h in holidays)
    usual = dataclasses.replace(
        demand, days=dataclasses.replace(demand.days, exclude=demand.days.exclude | days)
    )
    skeleton = dataclasses.replace(
        demand,
        id=f"{demand.id}/holidays",
        days=DayPattern(frozenset(), include=days),
        requirements=tuple(
            dataclasses.replace(n, target=n.minimum, weight_over=HOLIDAY_OVER) for n in demand.requirements
        ),
    )
    return usual, skeleton


def _undated(person: Person) -> Person:
    """The person without the block's dated facts (leave, requests, fixed days off), and a
    resident without a rotation of their own: the year gives them theirs."""
    resident = person.grade.is_resident
    return dataclasses.replace(
        person,
        leave=(),
        requests=(),
        days_off=frozenset(),
        rotation=None if resident else person.rotation,
        post_ids=() if resident else person.post_ids,
    )


# The grade ranges the block's cover asks for within a team, each with how many fewer of it than
# the block had a rotation may keep in a week (never more than that range's spare): seniors who
# take in-house call (PGY-3+, at most every third night) are the scarcest, one fewer at most.
RANGES = (
    (GradeRange(Grade.PGY1, Grade.PGY2), 2),
    (GradeRange(Grade.PGY2, Grade.PGY5), 2),
    (GradeRange(Grade.PGY3, Grade.PGY5), 1),
    (GradeRange(Grade.PGY4, Grade.PGY5), 2),
)
RESIDENTS = GradeRange(Grade.PGY1, Grade.PGY5)


def _clinical(block: Program, residents: list[Person]) -> list[Rotation]:
    """Each service with residents as a rotation: every week it keeps all but its spare of the
    team (so its posts stay covered while others are on vacation or electives), each range as
    above, and at most two more of each grade than the block had."""
    rotations = []
    for service in block.services:
        team = [p for p in residents if p.rotation == service.id]
        posts = sorted({post for p in team for post in p.post_ids})
        if not posts:
            continue
        counts = [(r, fewer, sum(p.grade in r for p in team)) for r, fewer in RANGES]
        ranges = [
            Complement(r, max(1, n - min(fewer, max(1, _spare(n))))) for r, fewer, n in counts if n >= 2
        ]
        if len(team) >= 2:
            ranges.insert(0, Complement(RESIDENTS, max(1, len(team) - _spare(len(team)))))
        grades = Counter(p.grade for p in team)
        caps = [Complement(GradeRange(g, g), 0, n + 2) for g, n in sorted(grades.items())]
        rotations.append(Rotation(service.id, service.name, tuple(posts), complement=(*ranges, *caps)))
    return rotations


def _spare(team: int) -> int:
    """How many of a team may be away (vacation, electives, elsewhere) in a week: one of a
    small team, two of a mid-sized one, three of general surgery's twenty."""
    return 1 if team < 8 else 2 if team < 15 else 3


def _electives() -> list[Rotation]:
    return [
        Rotation(
            rid,
            name,
            (),
            complement=(Complement(GradeRange(Grade.PGY1, Grade.PGY5), 0, 2),),
            vacation=False,
            elective=True,
        )
        for rid, name in ELECTIVES
    ]


def _requirements(residents: list[Person]) -> tuple[Requirement, ...]:
    """Each grade's share of general surgery, trauma and its subspecialties, in whole blocks:
    between half and one and a half times the average, and one elective block for everyone."""
    by_grade = Counter(p.grade for p in residents)
    counts = Counter((p.rotation, p.grade) for p in residents)
    found = []
    for (rotation, grade), n in sorted(counts.items(), key=lambda item: (item[0][1], str(item[0][0]))):
        average = 52 * n / by_grade[grade]
        low = BLOCK_WEEKS * int(average / 2 / BLOCK_WEEKS)
        high = BLOCK_WEEKS * (int(average * 1.5 / BLOCK_WEEKS) + 1)
        found.append(
            Requirement(GradeRange(grade, grade), (str(rotation),), max(0, low - VACATION_WEEKS), high)
        )
    electives = tuple(rid for rid, _ in ELECTIVES)
    found.append(Requirement(ELECTIVE_GRADES, electives, BLOCK_WEEKS, BLOCK_WEEKS))
    return tuple(found)


def _wishes(rng: random.Random, start: date, electives_too: bool) -> Wishes:
    electives = [rid for rid, _ in ELECTIVES]
    ranked: list[str] = []
    weights = list(ELECTIVE_WEIGHTS)
    while electives:
        pick = rng.choices(range(len(electives)), weights)[0]
        ranked.append(electives.pop(pick))
        weights.pop(pick)
    popular = [_week_near(start, 7, 20), _week_near(start, 12, 24), _week_near(start, 3, 15)]
    requests = []
    for _ in range(2):
        first = rng.choice(popular) if rng.random() < 0.4 else start + timedelta(weeks=rng.randrange(2, 50))
        second, third = first + timedelta(weeks=1), first - timedelta(weeks=1)
        requests.append(tuple(d for d in (first, second, third) if start <= d < start + timedelta(weeks=52)))
    return Wishes(vacation=tuple(r for r in requests if r), electives=tuple(ranked) if electives_too else ())


def _week_near(start: date, month: int, day: int) -> date:
    """The start of the year's week that holds `day` of `month`."""
    target = date(start.year if month >= start.month else start.year + 1, month, day)
    return start + timedelta(days=(target - start).days // WEEK * WEEK)
