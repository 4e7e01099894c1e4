"""Checks that need the whole program file: unique ids, references that resolve, counts and dates
that make sense, and grades that fit the posts people list.

Every finding carries the path of the offending value in the file (using the file's keys, e.g.
("cover", 2, "need", 0, "max")), so the loader can name its line and field.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from callroom.domain.grades import GradeRange
from callroom.domain.program import Block
from callroom.formats.program_model import (
    NeedSpec,
    PersonLimitsSpec,
    PersonSpec,
    PostSpec,
    ProgramSpec,
    ServiceSpec,
    ShiftTypeSpec,
)
from callroom.formats.program_year import planning_block
from callroom.formats.program_year_checks import year_findings
from callroom.formats.yaml_source import YamlPath, dotted

_LISTED = 8
"""Up to this many known ids are listed in an "unknown id" message; more would be noise."""


@dataclass(frozen=True)
class Finding:
    path: YamlPath
    message: str


@dataclass(frozen=True)
class _Known:
    """The ids each kind of reference may name."""

    shifts: frozenset[str]
    services: frozenset[str]
    posts: Mapping[str, PostSpec]
    people: frozenset[str]
    rotations: frozenset[str]

    @classmethod
    def of(cls, spec: ProgramSpec) -> _Known:
        return cls(
            shifts=frozenset(s.id for s in spec.shift_types),
            services=frozenset(s.id for s in spec.services),
            posts={p.id: p for s in spec.services for p in s.posts},
            people=frozenset(p.id for p in spec.people),
            rotations=frozenset(r.id for r in spec.year.rotations) if spec.year else frozenset(),
        )


def check_program_spec(spec: ProgramSpec) -> list[Finding]:
    """Everything wrong with a schema-valid file that the schema alone cannot see."""
    known = _Known.of(spec)
    block = planning_block(spec)
    return [
        *_duplicate_ids(spec),
        *_shift_type_findings(spec),
        *_post_findings(spec, known),
        *_cover_findings(spec, known),
        *_people_findings(spec, known, block),
        *_conflict_findings(spec, known),
        *_history_findings(spec, known, block),
        *_rule_findings(spec, known),
        *_year_findings(spec, known),
        *(
            f
            for pid in spec.year_to_date
            for f in _reference(("year_to_date", pid), "person", pid, known.people)
        ),
    ]


def grade_words(grades: GradeRange) -> str:
    """A grade range for a sentence: "PGY-3+", "residents", "any grade"."""
    return "residents" if grades.label == "resident" else grades.label


def unknown(kind: str, value: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1)
    if close:
        return f"unknown {kind} {value!r}: did you mean {close[0]!r}?"
    if 0 < len(known) <= _LISTED:
        return f"unknown {kind} {value!r} (known: {', '.join(sorted(known))})"
    return f"unknown {kind} {value!r}"


def _reference(path: YamlPath, kind: str, value: str | None, known: Collection[str]) -> list[Finding]:
    if value is None or value in known:
        return []
    return [Finding(path, unknown(kind, value, known))]


def _duplicates(kind: str, entries: Iterable[tuple[YamlPath, str]]) -> Iterator[Finding]:
    first: dict[str, YamlPath] = {}
    for path, value in entries:
        if value in first:
            yield Finding(path, f"duplicate {kind} id {value!r} (first at {dotted(first[value])})")
        else:
            first[value] = path


def _duplicate_ids(spec: ProgramSpec) -> Iterator[Finding]:
    # Post ids are global: cover entries and people name a post without its service.
    posts = [
        (("services", i, "posts", j, "id"), post.id)
        for i, service in enumerate(spec.services)
        for j, post in enumerate(service.posts)
    ]
    yield from _duplicates("shift type", _id_paths("shift_types", spec.shift_types))
    yield from _duplicates("service", _id_paths("services", spec.services))
    yield from _duplicates("post", posts)
    yield from _duplicates("person", _id_paths("people", spec.people))


def _id_paths(
    section: str, items: Sequence[ShiftTypeSpec | ServiceSpec | PersonSpec]
) -> list[tuple[YamlPath, str]]:
    return [((section, i, "id"), item.id) for i, item in enumerate(items)]


def _shift_type_findings(spec: ProgramSpec) -> Iterator[Finding]:
    for i, shift in enumerate(spec.shift_types):
        if shift.counted is not None and shift.counted > shift.duration:
            yield Finding(
                ("shift_types", i, "counted"),
                f"counts {shift.counted} minutes, more than the shift lasts ({shift.duration})",
            )


def _post_findings(spec: ProgramSpec, known: _Known) -> Iterator[Finding]:
    for i, service in enumerate(spec.services):
        for j, post in enumerate(service.posts):
            for k, shift in enumerate(post.shifts):
                path = ("services", i, "posts", j, "shifts", k)
                yield from _reference(path, "shift type", shift, known.shifts)


def _post_runs(path: YamlPath, post_id: str | None, shift_id: str | None, known: _Known) -> list[Finding]:
    """The shift must exist and, when the post is known, be one the post runs."""
    if shift_id is None or shift_id not in known.shifts:
        return _reference(path, "shift type", shift_id, known.shifts)
    post = known.posts.get(post_id) if post_id is not None else None
    if post is None or shift_id in post.shifts:
        return []
    runs = ", ".join(post.shifts)
    return [Finding(path, f"post {post.id!r} does not run shift {shift_id!r} (it runs {runs})")]


def _cover_findings(spec: ProgramSpec, known: _Known) -> Iterator[Finding]:
    for i, cover in enumerate(spec.cover):
        yield from _reference(("cover", i, "post"), "post", cover.post, known.posts)
        yield from _post_runs(("cover", i, "shift"), cover.post, cover.shift, known)
        for j, need in enumerate(cover.need):
            yield from _need_counts(("cover", i, "need", j), need)


def _need_counts(path: YamlPath, need: NeedSpec) -> list[Finding]:
    low, target, high = need.minimum, need.target, need.maximum
    if high is not None and low > high:
        return [Finding((*path, "max"), f"max {high} is below min {low}")]
    if target is not None and target < low:
        return [Finding((*path, "target"), f"target {target} is below min {low}")]
    if target is not None and high is not None and target > high:
        return [Finding((*path, "target"), f"target {target} is above max {high}")]
    return []


def _people_findings(spec: ProgramSpec, known: _Known, block: Block) -> Iterator[Finding]:
    for i, person in enumerate(spec.people):
        path = ("people", i)
        yield from _person_posts(path, person, known)
        # A block file's rotations are its services, or any rotation `rules.rotations` names.
        rotations = known.services | frozenset(spec.rules.rotations)
        yield from _reference((*path, "rotation"), "rotation", person.rotation, rotations)
        yield from _leave_findings(path, person)
        yield from _days_off_findings(path, person, block)
        yield from _request_findings(path, person, known, block)
        yield from _limit_findings((*path, "limits"), person.limits, known)


def _person_posts(path: YamlPath, person: PersonSpec, known: _Known) -> Iterator[Finding]:
    for k, post_id in enumerate(person.posts):
        post = known.posts.get(post_id)
        if post is None:
            yield Finding((*path, "posts", k), unknown("post", post_id, known.posts))
        elif person.grade not in post.grades:
            yield Finding(
                (*path, "posts", k),
                f"{person.id} is {person.grade.label}, but post {post_id!r} is for"
                f" {grade_words(post.grades)}",
            )


def _outside(path: YamlPath, day: date, block: Block) -> list[Finding]:
    if day in block:
        return []
    return [Finding(path, f"{day} is outside the block ({block.start} to {block.end})")]


def _leave_findings(path: YamlPath, person: PersonSpec) -> Iterator[Finding]:
    # Leave may run past the block: it still shapes the ACGME averages at its edges.
    for k, leave in enumerate(person.leave):
        if leave.end < leave.start:
            message = f"leave ends on {leave.end}, before it starts on {leave.start}"
            yield Finding((*path, "leave", k, "to"), message)


def _days_off_findings(path: YamlPath, person: PersonSpec, block: Block) -> Iterator[Finding]:
    for k, day in enumerate(person.days_off):
        if isinstance(day, date):
            yield from _outside((*path, "days_off", k), day, block)


def _request_findings(path: YamlPath, person: PersonSpec, known: _Known, block: Block) -> Iterator[Finding]:
    for k, request in enumerate(person.requests):
        at = (*path, "requests", k)
        yield from _outside((*at, "date"), request.day, block)
        yield from _reference((*at, "post"), "post", request.post, known.posts)
        yield from _post_runs((*at, "shift"), request.post, request.shift, known)


def _limit_findings(path: YamlPath, limits: PersonLimitsSpec, known: _Known) -> Iterator[Finding]:
    for shift in limits.max_shifts:
        yield from _reference((*path, "max_shifts", shift), "shift type", shift, known.shifts)
    yield from _ordered(path, "min_total", limits.min_total, "max_total", limits.max_total)
    yield from _ordered(
        path,
        "min_consecutive_work",
        limits.min_consecutive_work,
        "max_consecutive_work",
        limits.max_consecutive_work,
    )


def _ordered(path: YamlPath, low_key: str, low: int | None, high_key: str, high: int | None) -> list[Finding]:
    if low is None or high is None or low <= high:
        return []
    return [Finding((*path, high_key), f"{high_key} ({high}) is below {low_key} ({low})")]


def _conflict_findings(spec: ProgramSpec, known: _Known) -> Iterator[Finding]:
    for i, conflict in enumerate(spec.conflicts):
        for k, person in enumerate(conflict.between):
            yield from _reference(("conflicts", i, "between", k), "person", person, known.people)
        if conflict.between[0] == conflict.between[1]:
            yield Finding(
                ("conflicts", i, "between"),
                f"{conflict.between[0]!r} cannot be in conflict with themself",
            )


def _history_findings(spec: ProgramSpec, known: _Known, block: Block) -> Iterator[Finding]:
    if spec.history is None:
        return
    start = spec.history.start
    if start >= block.start:
        yield Finding(("history", "from"), f"{start} is not before the block (it starts {block.start})")
    seen: set[tuple[str, date]] = set()
    for i, worked in enumerate(spec.history.shifts):
        path = ("history", "shifts", i)
        yield from _reference((*path, "person"), "person", worked.person, known.people)
        yield from _reference((*path, "post"), "post", worked.post, known.posts)
        yield from _post_runs((*path, "shift"), worked.post, worked.shift, known)
        if not start <= worked.day < block.start:
            yield Finding(
                (*path, "date"), f"{worked.day} is outside the history ({start} to the block's eve)"
            )
        if (worked.person, worked.day) in seen:
            yield Finding((*path, "date"), f"{worked.person} already has a shift on {worked.day}")
        seen.add((worked.person, worked.day))


def _year_findings(spec: ProgramSpec, known: _Known) -> Iterator[Finding]:
    ids = {"post": frozenset(known.posts), "rotation": known.rotations}

    def reference(path: YamlPath, kind: str, value: str | None) -> list[tuple[YamlPath, str]]:
        return [(f.path, f.message) for f in _reference(path, kind, value, ids[kind])]

    for path, message in year_findings(spec, frozenset(known.posts), reference):
        yield Finding(path, message)


def _rule_findings(spec: ProgramSpec, known: _Known) -> Iterator[Finding]:
    # A year file's rotations are its own; a block file's are its services, or the rotation of
    # one of its people (a block made from a year names the rotations its residents are on).
    people_on = frozenset(p.rotation for p in spec.people if p.rotation)
    known_here = known.rotations if spec.year is not None else known.services | people_on
    for name in spec.rules.rotations:
        yield from _reference(("rules", "rotations", name), "rotation", name, known_here)
    for i, rule in enumerate(spec.rules.forbidden_successions):
        path = ("rules", "forbidden_successions", i)
        yield from _reference((*path, "after"), "shift type", rule.after, known.shifts)
        for k, shift in enumerate(rule.forbids):
            yield from _reference((*path, "not", k), "shift type", shift, known.shifts)
