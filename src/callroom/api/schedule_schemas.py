"""Bodies of the directory, roster, assignment-edit and on-call routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from callroom.domain.program import Person, Post, Program
from callroom.rules.violations import Violation

ID = Field(min_length=1, max_length=100)


class PersonRead(BaseModel):
    id: str
    name: str
    grade: str
    rotation: str | None
    posts: list[str]

    @classmethod
    def of(cls, person: Person) -> PersonRead:
        return cls(id=person.id, name=person.name, grade=person.grade.label, rotation=person.rotation,
                   posts=list(person.post_ids))


class PostRead(BaseModel):
    id: str
    name: str
    service: str
    shifts: list[str]
    team: str
    new_patients: bool
    grades: str

    @classmethod
    def of(cls, post: Post) -> PostRead:
        return cls(id=post.id, name=post.name, service=post.service_id, shifts=list(post.shift_ids),
                   team=post.team, new_patients=post.new_patients, grades=post.grades.label)


class ServiceRead(BaseModel):
    id: str
    name: str
    posts: list[str]


def services_of(program: Program) -> list[ServiceRead]:
    return [ServiceRead(id=s.id, name=s.name, posts=[p.id for p in program.posts if p.service_id == s.id])
            for s in program.services]


class AssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    person_id: str
    day: date
    shift_id: str
    post_id: str


class RosterVersionRead(BaseModel):
    """One saved roster version; `audit` says who edited it, when and why (edits only)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: int
    parent_id: int | None
    created_at: datetime
    source: str
    status: str
    objective: int | None
    program: str
    audit: dict[str, Any] | None = None


class RosterRead(RosterVersionRead):
    assignments: list[AssignmentRead]


class RosterDiffRead(BaseModel):
    """From version `base` to version `other`: what was taken off and what was put on."""

    program: str
    base: int
    other: int
    removed: list[AssignmentRead]
    added: list[AssignmentRead]


class ViolationRead(BaseModel):
    rule: str
    title: str
    cited: str
    severity: str
    message: str
    person_id: str | None
    day: date | None
    measured: float | None
    limit: float | None

    @classmethod
    def of(cls, violation: Violation) -> ViolationRead:
        rule = violation.rule
        return cls(rule=rule.code, title=rule.title, cited=rule.cited, severity=rule.severity.value,
                   message=violation.message, person_id=violation.person_id, day=violation.day,
                   measured=violation.measured, limit=violation.limit)


class CellEdit(BaseModel):
    """Set one cell of the live roster: `person_id` works `shift_id` on `post_id` on `day`, or
    is off that day (no shift and no post). `base_version` is the roster number the edit was
    made against; if another version was saved since, the edit is refused (409)."""

    model_config = ConfigDict(extra="forbid")

    base_version: int = Field(ge=1)
    person_id: str = ID
    day: date
    shift_id: str | None = Field(None, min_length=1, max_length=100)
    post_id: str | None = Field(None, min_length=1, max_length=100)
    reason: str = Field("", max_length=500, description="why; kept in the version's audit")
    dry_run: bool = Field(False, description="only say what the edit would do; save nothing")
    force: bool = Field(False, description="save even though hard rules would break (needs a reason)")


class EditImpactRead(BaseModel):
    """What the edit does to the rules: `hard` are the introduced violations that make it
    unacceptable; `cover_gaps` the introduced cover shortfalls; `saved` is the new version
    (absent on a dry run)."""

    removed: list[AssignmentRead]
    added: list[AssignmentRead]
    acceptable: bool
    hard: list[ViolationRead]
    cover_gaps: list[ViolationRead]
    introduced: list[ViolationRead]
    resolved: list[ViolationRead]
    saved: RosterVersionRead | None = None


class HolderRead(BaseModel):
    person_id: str
    name: str
    grade: str
    shift_id: str
    starts: datetime
    ends: datetime


class OnCallRead(BaseModel):
    """Who holds the post at `at` (most junior first: first call), and who holds it next."""

    post: str
    post_name: str
    at: datetime
    roster_version_id: int | None
    holders: list[HolderRead]
    next: list[HolderRead]
