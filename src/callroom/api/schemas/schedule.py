"""Bodies of the directory, roster, assignment-edit and on-call routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from callroom.domain.program import Person, Post, Program
from callroom.rosters.audit import audit_json, audit_of
from callroom.rosters.edits import CellEdit, EditCheck
from callroom.rosters.live import Live
from callroom.rules.violations import Violation
from callroom.storage import RosterVersionRecord

ID = Field(min_length=1, max_length=100)


class PersonRead(BaseModel):
    id: str
    name: str
    grade: str
    rotation: str | None
    posts: list[str]

    @classmethod
    def of(cls, person: Person) -> PersonRead:
        return cls(
            id=person.id,
            name=person.name,
            grade=person.grade.label,
            rotation=person.rotation,
            posts=list(person.post_ids),
        )


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
        return cls(
            id=post.id,
            name=post.name,
            service=post.service_id,
            shifts=list(post.shift_ids),
            team=post.team,
            new_patients=post.new_patients,
            grades=post.grades.label,
        )


class ServiceRead(BaseModel):
    id: str
    name: str
    posts: list[str]


def services_of(program: Program) -> list[ServiceRead]:
    return [
        ServiceRead(id=s.id, name=s.name, posts=[p.id for p in program.posts if p.service_id == s.id])
        for s in program.services
    ]


class AssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    person_id: str
    day: date
    shift_id: str
    post_id: str


class RosterVersionRead(BaseModel):
    """One saved roster version; `audit` says how it came to be (a cell edit, an approved
    change or a new program file; `audit.type` says which): who, when, why and what."""

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

    @classmethod
    def of(cls, record: RosterVersionRecord, program: str) -> RosterVersionRead:
        audit = audit_of(record)
        return cls(
            id=record.id,
            number=record.number,
            parent_id=record.parent_id,
            created_at=record.created_at,
            source=record.source.value,
            status=record.status,
            objective=record.objective,
            program=program,
            audit=None if audit is None else audit_json(audit),
        )


class RosterRead(RosterVersionRead):
    assignments: list[AssignmentRead]

    @classmethod
    def of_live(cls, live: Live, person: str | None = None) -> RosterRead:
        """The version with its assignments: everyone's, or one person's."""
        chosen = live.roster.for_person(person) if person else live.roster.assignments
        return cls(
            **RosterVersionRead.of(live.record, live.name).model_dump(),
            assignments=[AssignmentRead.model_validate(a) for a in chosen],
        )


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
        return cls(
            rule=rule.code,
            title=rule.title,
            cited=rule.cited,
            severity=rule.severity.value,
            message=violation.message,
            person_id=violation.person_id,
            day=violation.day,
            measured=violation.measured,
            limit=violation.limit,
        )


class CellEditCreate(BaseModel):
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

    @property
    def edit(self) -> CellEdit:
        return CellEdit(
            self.person_id, self.day, self.post_id, self.shift_id, self.base_version, self.force, self.reason
        )


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

    @classmethod
    def of(cls, check: EditCheck, saved: RosterVersionRead | None = None) -> EditImpactRead:
        def views(found: tuple[Violation, ...]) -> list[ViolationRead]:
            return [ViolationRead.of(v) for v in found]

        return cls(
            removed=[AssignmentRead.model_validate(a) for a in check.change.removed],
            added=[AssignmentRead.model_validate(a) for a in check.change.added],
            acceptable=check.impact.acceptable,
            hard=views(check.impact.hard),
            cover_gaps=views(check.cover_gaps),
            introduced=views(check.impact.introduced),
            resolved=views(check.impact.resolved),
            saved=saved,
        )


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
