"""Checks of a year file's `year` section and its people's year keys, each naming its field.

A block structure that leaves a gap or overlaps, a rotation naming an unknown post, requirements
adding up to more weeks than the year holds, dates outside the year: each is a finding with the
path of the value at fault, so nothing is solved, let alone stored, from such a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from callroom.domain.year import WEEK
from callroom.formats.program_model import PersonSpec, ProgramSpec, RequirementSpec, YearSpec
from callroom.formats.program_year import block_lengths, explicit_blocks, year_end, year_weeks
from callroom.formats.yaml_source import YamlPath

Found = tuple[YamlPath, str]
Reference = Callable[[YamlPath, str, str | None], list[Found]]


def year_findings(spec: ProgramSpec, posts: frozenset[str], reference: Reference) -> Iterator[Found]:
    """What is wrong with the year and the people's year keys (`reference` names unknown ids)."""
    if spec.year is None:
        yield from _year_keys_without_a_year(spec)
        return
    year = spec.year
    end = year_end(year)
    if end <= year.start:
        yield ("year", "end"), f"{end} is not after the year's start ({year.start})"
        return
    yield from _block_findings(year)
    rotations = frozenset(r.id for r in year.rotations)
    yield from _rotation_findings(year, posts, reference)
    for i, requirement in enumerate(year.requirements):
        for k, rotation in enumerate(requirement.rotations):
            yield from reference(("year", "requirements", i, "rotations", k), "rotation", rotation)
        if requirement.max_weeks is not None and requirement.max_weeks < requirement.min_weeks:
            message = f"max_weeks ({requirement.max_weeks}) is below min_weeks ({requirement.min_weeks})"
            yield ("year", "requirements", i, "max_weeks"), message
    yield from _weeks_add_up(year)
    for i, first in enumerate(year.first):
        yield from reference(("year", "first", i, "rotation"), "rotation", first.rotation)
    for i, person in enumerate(spec.people):
        yield from _wish_findings(("people", i), person, year, rotations, reference)


def _year_keys_without_a_year(spec: ProgramSpec) -> Iterator[Found]:
    for i, person in enumerate(spec.people):
        for key in ("vacation", "electives", "fixed", "joins"):
            if getattr(person, key):
                yield ("people", i, key), f"`{key}` belongs to a year file (one with a `year` section)"


def _block_findings(year: YearSpec) -> Iterator[Found]:
    weeks = year_weeks(year)
    listed = explicit_blocks(year)
    expected = year.start
    for i, block in enumerate(listed):
        if block.start != expected:
            what = "leaves a gap after" if block.start > expected else "overlaps"
            before = "the year's start" if i == 0 else f"block {i}, which ends {expected - timedelta(days=1)}"
            yield ("year", "blocks", i, "from"), f"block {i + 1} starts {block.start}: it {what} {before}"
            return
        expected = block.start + timedelta(days=block.weeks * WEEK)
    total = sum(block_lengths(year))
    if total != weeks:
        path: YamlPath = ("year", "blocks", len(listed) - 1, "weeks") if listed else ("year", "blocks")
        yield (
            path,
            f"the blocks make {total} weeks; the year from {year.start} to {year_end(year)} has {weeks}",
        )


def _rotation_findings(year: YearSpec, posts: frozenset[str], reference: Reference) -> Iterator[Found]:
    seen: dict[str, int] = {}
    for i, rotation in enumerate(year.rotations):
        if rotation.id in seen:
            yield ("year", "rotations", i, "id"), f"duplicate rotation id {rotation.id!r}"
        seen.setdefault(rotation.id, i)
        for k, post in enumerate(rotation.posts):
            yield from reference(("year", "rotations", i, "posts", k), "post", post)
        for k, complement in enumerate(rotation.complement):
            if complement.maximum is not None and complement.maximum < complement.minimum:
                message = f"max ({complement.maximum}) is below min ({complement.minimum})"
                yield ("year", "rotations", i, "complement", k, "max"), message


def _weeks_add_up(year: YearSpec) -> Iterator[Found]:
    """For each grade, the requirements' minimums (on rotations no other of them counts) must fit
    in the year's weeks less vacation."""
    room = year_weeks(year) - year.vacation.weeks
    for grade in sorted({g for r in year.requirements for g in _grades(r)}):
        binding = [(i, r) for i, r in enumerate(year.requirements) if grade in _grades(r)]
        counted = [rot for _, r in binding for rot in r.rotations]
        if len(counted) != len(set(counted)):
            continue  # overlapping requirements: their minimums do not add up
        total = sum(r.min_weeks for _, r in binding)
        if total > room:
            parts = " + ".join(f"{r.min_weeks} ({' or '.join(r.rotations)})" for _, r in binding)
            label = binding[-1][1].grades.label if len(binding) == 1 else f"PGY-{grade}"
            message = (
                f"{label} requirements need {parts} = {total} weeks; the year has {year_weeks(year)} "
                f"weeks, {year.vacation.weeks} of them vacation: {room} < {total}"
            )
            yield ("year", "requirements", binding[-1][0], "min_weeks"), message


def _grades(requirement: RequirementSpec) -> list[int]:
    low, high = requirement.grades.lowest, requirement.grades.highest
    return [g for g in range(low, high + 1) if g <= 5]


def _wish_findings(
    path: YamlPath, person: PersonSpec, year: YearSpec, rotations: frozenset[str], reference: Reference
) -> Iterator[Found]:
    end = year_end(year)

    def outside(at: YamlPath, day: date) -> list[Found]:
        inside = year.start <= day <= end
        return [] if inside else [(at, f"{day} is outside the academic year ({year.start} to {end})")]

    for k, weeks in enumerate(person.vacation):
        for j, day in enumerate(weeks):
            yield from outside((*path, "vacation", k, j), day)
    electives = frozenset(r.id for r in year.rotations if r.elective)
    for k, rotation in enumerate(person.electives):
        yield from reference((*path, "electives", k), "rotation", rotation)
        if rotation in rotations and rotation not in electives:
            yield (*path, "electives", k), f"{rotation!r} is not an elective rotation"
    for k, fixed in enumerate(person.fixed):
        yield from reference((*path, "fixed", k, "rotation"), "rotation", fixed.rotation)
        yield from outside((*path, "fixed", k, "from"), fixed.start)
        yield from outside((*path, "fixed", k, "to"), fixed.end)
        if fixed.end < fixed.start:
            yield (*path, "fixed", k, "to"), f"{fixed.end} is before {fixed.start}"
    if person.joins is not None:
        yield from outside((*path, "joins"), person.joins)
