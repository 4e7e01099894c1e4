"""A year file's `year` section and its people's year keys to the domain `Year`.

Like program_convert, conversion never fails on a schema-valid file; program_checks reports what
is wrong (a block pattern that does not fill the year, blocks with a gap or an overlap).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import Any

from callroom.domain.program import Block, Program
from callroom.domain.year import (
    WEEK,
    Complement,
    FirstRotation,
    Fixed,
    Requirement,
    Rotation,
    VacationRules,
    Wishes,
    Year,
    YearBlock,
)
from callroom.formats.program_model import BlockRunSpec, PersonSpec, ProgramSpec, RotationSpec, YearSpec


def planning_block(spec: ProgramSpec) -> Block:
    """The program's block: the file's `block`, or the whole academic year of a year file."""
    if spec.year is None:
        assert spec.block is not None  # the schema asks for one or the other
        return Block(spec.block.start, spec.block.days)
    return Block(spec.year.start, (year_end(spec.year) - spec.year.start).days + 1)


def year_end(spec: YearSpec) -> date:
    """The given end, or the day before the start's anniversary."""
    if spec.end is not None:
        return spec.end
    try:
        anniversary = spec.start.replace(year=spec.start.year + 1)
    except ValueError:  # 29 February
        anniversary = date(spec.start.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


def year_weeks(spec: YearSpec) -> int:
    return ((year_end(spec) - spec.start).days + 1) // WEEK


def block_lengths(spec: YearSpec) -> list[int]:
    """The blocks' lengths in weeks as the file writes them: "13x4" is thirteen 4s; "4+1" is
    4, 1, 4, 1, ... until the year is full (the last block cut to fit); a list is as listed."""
    if isinstance(spec.blocks, list):
        return [b.weeks for b in spec.blocks]
    text = spec.blocks.replace(" ", "")
    counted = re.fullmatch(r"(\d+)x(\d+)", text)
    if counted:
        return [int(counted.group(2))] * int(counted.group(1))
    pattern = [int(n) for n in text.split("+") if int(n) > 0]
    lengths: list[int] = []
    weeks = year_weeks(spec)
    while pattern and sum(lengths) < weeks:
        for n in pattern:
            lengths.append(min(n, weeks - sum(lengths)))
            if sum(lengths) >= weeks:
                break
    return lengths


def to_year(spec: YearSpec, people: list[PersonSpec]) -> Year:
    blocks, first = [], 0
    for number, weeks in enumerate(block_lengths(spec), start=1):
        blocks.append(YearBlock(number, first, weeks))
        first += weeks
    return Year(
        start=spec.start,
        end=year_end(spec),
        blocks=tuple(blocks),
        rotations=tuple(_rotation(r) for r in spec.rotations),
        requirements=tuple(
            Requirement(q.grades, tuple(q.rotations), q.min_weeks, q.max_weeks) for q in spec.requirements
        ),
        first=tuple(FirstRotation(f.grades, f.rotation) for f in spec.first),
        vacation=VacationRules(spec.vacation.weeks, spec.vacation.max_off),
        max_heavy_weeks_in_a_row=spec.max_heavy_weeks_in_a_row,
        wishes={
            p.id: _wishes(p) for p in people if p.vacation or p.electives or p.fixed or p.joins or p.leave
        },
    )


def with_rotation_posts(program: Program) -> Program:
    """A year program whose residents list, besides their own posts, every post of a rotation
    their grade may work: the year's eligibility, which each block narrows to the weeks."""
    assert program.year is not None
    people = []
    for person in program.people:
        posts = dict.fromkeys(person.post_ids)
        if person.grade.is_resident:
            for rotation in program.year.rotations:
                posts.update(dict.fromkeys(program.rotation_posts(person, rotation)))
        people.append(dataclasses.replace(person, post_ids=tuple(posts)))
    return dataclasses.replace(program, people=tuple(people))


def _rotation(spec: RotationSpec) -> Rotation:
    return Rotation(
        id=spec.id,
        name=spec.name or spec.id,
        post_ids=tuple(spec.posts),
        grades=spec.grades,
        complement=tuple(Complement(c.grades, c.minimum, c.maximum) for c in spec.complement),
        length=spec.length,
        vacation=spec.vacation,
        heavy=spec.heavy,
        elective=spec.elective,
        max_weeks_in_a_row=spec.max_weeks_in_a_row,
    )


def _wishes(spec: PersonSpec) -> Wishes:
    return Wishes(
        vacation=tuple(tuple(weeks) for weeks in spec.vacation),
        electives=tuple(spec.electives),
        fixed=tuple(Fixed(f.rotation, f.start, f.end) for f in spec.fixed),
        joins=spec.joins,
        leave=tuple((leave.start, leave.end) for leave in spec.leave),
    )


def year_document(year: Year) -> dict[str, Any]:
    """The `year` section as a file writes it (blocks listed, so any pattern reads back)."""
    document: dict[str, Any] = {
        "start": year.start,
        "end": year.end,
        "blocks": [{"from": year.week_start(b.first), "weeks": b.weeks} for b in year.blocks],
        "rotations": [_rotation_document(r) for r in year.rotations],
        "requirements": [
            {"grades": q.grades.text, "rotations": list(q.rotation_ids), "min_weeks": q.min_weeks}
            | ({} if q.max_weeks is None else {"max_weeks": q.max_weeks})
            for q in year.requirements
        ],
        "first": [{"grades": f.grades.text, "rotation": f.rotation_id} for f in year.first],
        "vacation": {"weeks": year.vacation.weeks}
        | ({} if year.vacation.max_off is None else {"max_off": year.vacation.max_off}),
    }
    if year.max_heavy_weeks_in_a_row is not None:
        document["max_heavy_weeks_in_a_row"] = year.max_heavy_weeks_in_a_row
    return document


def _rotation_document(rotation: Rotation) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": rotation.id, "name": rotation.name, "grades": rotation.grades.text}
    entry["posts"] = list(rotation.post_ids)
    if rotation.complement:
        entry["complement"] = [
            {"grades": c.grades.text, "min": c.minimum} | ({} if c.maximum is None else {"max": c.maximum})
            for c in rotation.complement
        ]
    entry |= {"length": rotation.length.value, "vacation": rotation.vacation}
    entry |= {"heavy": rotation.heavy, "elective": rotation.elective}
    if rotation.max_weeks_in_a_row is not None:
        entry["max_weeks_in_a_row"] = rotation.max_weeks_in_a_row
    return entry


def wishes_document(wishes: Wishes) -> dict[str, Any]:
    """A person's year keys as a file writes them (only those given)."""
    entry: dict[str, Any] = {}
    if wishes.vacation:
        entry["vacation"] = [list(weeks) for weeks in wishes.vacation]
    if wishes.electives:
        entry["electives"] = list(wishes.electives)
    if wishes.fixed:
        entry["fixed"] = [{"rotation": f.rotation_id, "from": f.start, "to": f.end} for f in wishes.fixed]
    if wishes.joins is not None:
        entry["joins"] = wishes.joins
    return entry


def explicit_blocks(spec: YearSpec) -> list[BlockRunSpec]:
    return spec.blocks if isinstance(spec.blocks, list) else []
