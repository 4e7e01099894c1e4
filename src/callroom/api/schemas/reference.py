"""Bodies of the reference-data routes: the program file, read and replaced whole, and the
declared conflicts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from callroom.api.schemas.schedule import RosterVersionRead
from callroom.domain.program import Conflict


class ProgramChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, description="the whole program file (YAML)")
    reason: str = Field(min_length=1, max_length=500, description="why; kept in the roster version's audit")


class ProgramChanged(BaseModel):
    program: str
    program_version: int
    unchanged: bool
    roster: RosterVersionRead | None


class ConflictRead(BaseModel):
    """Two people who must never share a team, and why."""

    between: list[str]
    reason: str

    @classmethod
    def of(cls, conflict: Conflict) -> ConflictRead:
        return cls(between=[conflict.first, conflict.second], reason=conflict.reason)
