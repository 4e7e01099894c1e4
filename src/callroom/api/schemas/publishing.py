"""Bodies of publishing, rolling back and comparing roster versions."""

from __future__ import annotations

from pydantic import BaseModel, Field

from callroom.api.schemas.schedule import AssignmentRead
from callroom.changes.publishing import Published
from callroom.rosters.compare import Comparison, Gap


class PublishCreate(BaseModel):
    program: str = Field(min_length=1, max_length=200, description="the program the version belongs to")
    reason: str = Field(max_length=1000, description="why (required): kept in the new version's audit")


class PublishedRead(BaseModel):
    version: int = Field(description="the new live version's number")
    changed: list[str] = Field(description="the people whose shifts changed")
    notified: list[str] = Field(description="the people a notice reached")

    @classmethod
    def of(cls, published: Published) -> PublishedRead:
        return cls(
            version=published.version.number,
            changed=list(published.changed),
            notified=[person for person, _ in published.notified],
        )


class ComparisonRead(BaseModel):
    program: str
    number: int
    base: int | None = Field(description="the version it is weighed against (None: nothing published yet)")
    removed: list[AssignmentRead]
    added: list[AssignmentRead]
    total: tuple[int, int] = Field(description="penalty points (before, after)")
    by_rule: dict[str, tuple[int, int]]
    by_person: dict[str, tuple[int, int]]
    spread: dict[str, dict[str, tuple[int, int]]] = Field(
        description="per grade: most minus fewest nights, weekends and calls (before, after)"
    )
    gaps_before: list[Gap] = Field(description="cover requirements under their minimum, before")
    gaps_after: list[Gap]

    @classmethod
    def of(cls, program: str, number: int, base: int | None, found: Comparison) -> ComparisonRead:
        return cls(
            program=program,
            number=number,
            base=base,
            removed=[AssignmentRead.model_validate(a) for a in found.removed],
            added=[AssignmentRead.model_validate(a) for a in found.added],
            total=found.total,
            by_rule=found.by_rule,
            by_person=found.by_person,
            spread=found.spread,
            gaps_before=list(found.gaps[0]),
            gaps_after=list(found.gaps[1]),
        )
