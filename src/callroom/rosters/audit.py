"""How a roster version came to be, typed: a chief's cell edit, an approved change (a swap, an
offered shift, a day off, a repair, an open shift taken) or a new program file. A version's
stored report keeps its audit under the audit's key; `audit_of` reads it back, and
`describe` says it in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from callroom.domain.program import Program
from callroom.domain.roster import Assignment
from callroom.rules.change import Change
from callroom.storage import RosterVersionRecord

Json = dict[str, Any]


def assignment_json(a: Assignment) -> dict[str, str]:
    return {"person_id": a.person_id, "day": a.day.isoformat(), "shift_id": a.shift_id, "post_id": a.post_id}


def assignment_of(data: dict[str, Any]) -> Assignment:
    return Assignment(data["person_id"], date.fromisoformat(data["day"]), data["shift_id"], data["post_id"])


def _moves(removed: tuple[Assignment, ...], added: tuple[Assignment, ...]) -> Json:
    return {"removed": [assignment_json(a) for a in removed], "added": [assignment_json(a) for a in added]}


def change_json(change: Change) -> Json:
    """A change as stored (in a proposal's payload, in an audit): what comes off, what goes on."""
    return _moves(change.removed, change.added)


def change_of(data: Json) -> Change:
    return Change(_assignments(data, "removed"), _assignments(data, "added"))


def _assignments(data: Json, key: str) -> tuple[Assignment, ...]:
    return tuple(assignment_of(a) for a in data.get(key, ()))


@dataclass(frozen=True)
class CellAudit:
    """A chief set one cell: who, as what, when and why; what came off and went on; and the
    rules it broke (`forced`), introduced and resolved, in words."""

    KEY = "edit"

    by: str
    role: str
    at: datetime
    reason: str
    base_version: int
    removed: tuple[Assignment, ...]
    added: tuple[Assignment, ...]
    hard: tuple[str, ...] = ()
    introduced: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()

    @property
    def forced(self) -> bool:
        return bool(self.hard)

    def to_json(self) -> Json:
        return {
            "by": self.by,
            "role": self.role,
            "at": self.at.isoformat(),
            "reason": self.reason,
            "forced": self.forced,
            "base_version": self.base_version,
            **_moves(self.removed, self.added),
            "hard": list(self.hard),
            "introduced": list(self.introduced),
            "resolved": list(self.resolved),
        }

    @classmethod
    def of(cls, data: Json) -> CellAudit:
        return cls(
            data["by"],
            data["role"],
            datetime.fromisoformat(data["at"]),
            data.get("reason", ""),
            int(data["base_version"]),
            _assignments(data, "removed"),
            _assignments(data, "added"),
            tuple(data.get("hard", ())),
            tuple(data.get("introduced", ())),
            tuple(data.get("resolved", ())),
        )

    def describe(self, program: Program | None = None) -> str:
        moves = "; ".join(
            [
                *(f"off {_words(a, program)}" for a in self.removed),
                *(f"on {_words(a, program)}" for a in self.added),
            ]
        )
        by = _name(self.by, program)
        return f"cell edit by {by}: {moves}" + (" (forced: " + self.reason + ")" if self.forced else "")


@dataclass(frozen=True)
class ChangeAudit:
    """An approved proposal (or an open shift taken, its taker deciding): which, asked by whom,
    decided by whom, as what, when and why, and what came off and went on."""

    KEY = "change"

    proposal_id: int
    kind: str
    requested_by: str
    colleague: str | None
    approved_by: str
    role: str
    approved_at: datetime
    reason: str
    removed: tuple[Assignment, ...]
    added: tuple[Assignment, ...]

    def to_json(self) -> Json:
        return {
            "proposal_id": self.proposal_id,
            "kind": self.kind,
            "requested_by": self.requested_by,
            "colleague": self.colleague,
            "approved_by": self.approved_by,
            "role": self.role,
            "approved_at": self.approved_at.isoformat(),
            "reason": self.reason,
            **_moves(self.removed, self.added),
        }

    @classmethod
    def of(cls, data: Json) -> ChangeAudit:
        # Open shifts taken before this record was typed stored taken_by / taken_at.
        by = data.get("approved_by") or data.get("taken_by") or ""
        at = data.get("approved_at") or data.get("taken_at")
        return cls(
            int(data["proposal_id"]),
            data["kind"],
            data["requested_by"],
            data.get("colleague"),
            by,
            data.get("role", ""),
            datetime.fromisoformat(at) if at else datetime.min,
            data.get("reason", ""),
            _assignments(data, "removed"),
            _assignments(data, "added"),
        )

    def describe(self, program: Program | None = None) -> str:
        asked, decided = _name(self.requested_by, program), _name(self.approved_by, program)
        if self.kind == "open_shift":  # the first to take it decides: nobody approves
            return f"open shift #{self.proposal_id} published by {asked}, taken by {decided}"
        return f"{self.kind} #{self.proposal_id} asked by {asked}, approved by {decided}"


@dataclass(frozen=True)
class ProgramAudit:
    """The program file was replaced; the roster carried over unchanged."""

    KEY = "program_change"

    by: str
    reason: str
    from_program_version: int

    def to_json(self) -> Json:
        return {"by": self.by, "reason": self.reason, "from_program_version": self.from_program_version}

    @classmethod
    def of(cls, data: Json) -> ProgramAudit:
        return cls(data["by"], data.get("reason", ""), int(data["from_program_version"]))

    def describe(self, program: Program | None = None) -> str:
        return f"program file replaced by {_name(self.by, program)}: {self.reason}"


@dataclass(frozen=True)
class PublishAudit:
    """A version made live again: a draft published (`rollback` False), or an earlier version
    rolled back to; who, as what, when and why, and what came off and went on."""

    KEY = "publish"

    from_version: int
    rollback: bool
    by: str
    role: str
    at: datetime
    reason: str
    removed: tuple[Assignment, ...]
    added: tuple[Assignment, ...]

    def to_json(self) -> Json:
        return {
            "from_version": self.from_version,
            "rollback": self.rollback,
            "by": self.by,
            "role": self.role,
            "at": self.at.isoformat(),
            "reason": self.reason,
            **_moves(self.removed, self.added),
        }

    @classmethod
    def of(cls, data: Json) -> PublishAudit:
        return cls(
            int(data["from_version"]),
            bool(data["rollback"]),
            data["by"],
            data.get("role", ""),
            datetime.fromisoformat(data["at"]),
            data.get("reason", ""),
            _assignments(data, "removed"),
            _assignments(data, "added"),
        )

    def describe(self, program: Program | None = None) -> str:
        what = (
            f"rolled back to version {self.from_version}"
            if self.rollback
            else f"draft {self.from_version} published"
        )
        return f"{what} by {_name(self.by, program)}: {self.reason}"


Audit = CellAudit | ChangeAudit | ProgramAudit | PublishAudit
KINDS: tuple[type[CellAudit] | type[ChangeAudit] | type[ProgramAudit] | type[PublishAudit], ...] = (
    CellAudit,
    ChangeAudit,
    ProgramAudit,
    PublishAudit,
)


def audit_of(record: RosterVersionRecord) -> Audit | None:
    """The audit kept in the version's report; None for a solved or imported version."""
    for kind in KINDS:
        data = record.report.get(kind.KEY)
        if isinstance(data, dict):
            return kind.of(data)
    return None


def audit_json(audit: Audit) -> Json:
    """The audit as the API shows it: its fields, and `type` saying which kind it is."""
    return {"type": audit.KEY, **audit.to_json()}


def describe(record: RosterVersionRecord, program: Program | None = None) -> str:
    """One line saying how a roster version came to be; with the `program`, people, posts and
    shifts by name (ids it does not know as stored)."""
    audit = audit_of(record)
    return audit.describe(program) if audit is not None else f"{record.source.value} ({record.status})"


def _name(identity: str, program: Program | None) -> str:
    found = program.person.get(identity) if program is not None else None
    return found.name if found else identity


def _words(a: Assignment, program: Program | None) -> str:
    if program is None:
        return f"{a.person_id} {a.day.isoformat()} {a.shift_id}@{a.post_id}"
    shift, post = program.shift.get(a.shift_id), program.post.get(a.post_id)
    return (
        f"{_name(a.person_id, program)} {a.day:%a %d %b} {shift.name if shift else a.shift_id}, "
        f"{post.name if post else a.post_id}"
    )
