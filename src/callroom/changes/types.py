"""The vocabulary of roster changes shared by the service, the API and the CLI: who acts, the
errors (each naming a field and carrying its HTTP status), and what the service hands back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from callroom.domain.roster import Assignment
from callroom.rules.change import Change
from callroom.rules.ids import Severity
from callroom.rules.violations import Violation
from callroom.solver.repair.staged import RepairResult
from callroom.storage import RosterVersionRecord
from callroom.storage.changes_repositories import ChangeEventRecord, OfferRecord, ProposalRecord

# Roles that decide on changes: those the permission table (callroom.accounts.permissions)
# gives request:approve. The API edge enforces that table; the service checks again so the CLI
# and every other caller obey it too.
CHIEF_ROLES = frozenset({"chief"})


class Kind(StrEnum):
    REPAIR = "repair"
    SWAP = "swap"
    GIVE_AWAY = "give_away"
    DAY_OFF = "day_off"
    OPEN_SHIFT = "open_shift"


class State(StrEnum):
    PROPOSED = "proposed"  # waiting for the colleague named in it
    ACCEPTED = "accepted"  # waiting for the chief
    APPROVED = "approved"  # applied: result_version_id is the new roster version
    DECLINED = "declined"  # the colleague said no
    REFUSED = "refused"  # the chief said no
    WITHDRAWN = "withdrawn"  # the requester took it back
    OPEN = "open"  # an open shift waiting for a taker
    FILLED = "filled"  # an open shift taken: colleague is the taker
    CANCELLED = "cancelled"  # an open shift the chief took back


PENDING = (State.PROPOSED, State.ACCEPTED, State.OPEN)


@dataclass(frozen=True)
class Actor:
    """Who acts: a person or user id, and their role (resident, chief, admin...)."""

    user: str
    role: str

    @property
    def is_chief(self) -> bool:
        return self.role in CHIEF_ROLES


class ChangeError(Exception):
    """Bad input or a refused action; `field` names what was wrong, `status` the HTTP answer.
    `violations` carries the rules (with their numbers) behind a refusal."""

    status = 422

    def __init__(self, field: str, message: str, violations: Iterable[Violation] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.violations = tuple(violations)


class ProposalNotFound(ChangeError):
    status = 404


class NotAllowed(ChangeError):
    status = 403


class WrongState(ChangeError):
    status = 409


class RulesRefuse(ChangeError):
    """The change would break a hard rule: the message names the rule and the numbers."""

    status = 409


@dataclass(frozen=True)
class Check:
    """A proposal checked against the current roster for everyone it touches."""

    proposal_id: int
    acceptable: bool
    introduced: tuple[Violation, ...]  # hard rules first
    resolved: tuple[Violation, ...]
    roster_version_id: int

    @property
    def refusal(self) -> str | None:
        """Why it cannot be approved, naming each hard rule and its numbers."""
        hard = [v for v in self.introduced if v.rule.severity is Severity.HARD]
        if not hard:
            return None
        return "; ".join(f"{v.rule.code} ({v.rule.title}): {v.message}" for v in hard)


@dataclass(frozen=True)
class Decision:
    """An approved proposal (or a taken open shift) and the roster version it made."""

    proposal: ProposalRecord
    version: RosterVersionRecord | None  # None when there was nothing to change
    notified: tuple[str, ...]  # people paged about their new shifts


@dataclass(frozen=True)
class RepairProposal:
    proposal: ProposalRecord
    result: RepairResult


@dataclass(frozen=True)
class OpenShift:
    proposal: ProposalRecord
    offered: tuple[str, ...]  # the people the rules let take it


@dataclass(frozen=True)
class ProposalDetail:
    proposal: ProposalRecord
    events: tuple[ChangeEventRecord, ...]
    offers: tuple[OfferRecord, ...] = field(default=())

    @property
    def change(self) -> Change:
        return change_of(self.proposal.payload)


def assignment_json(a: Assignment) -> dict[str, str]:
    return {"person_id": a.person_id, "day": a.day.isoformat(), "shift_id": a.shift_id, "post_id": a.post_id}


def assignment_of(data: dict[str, Any]) -> Assignment:
    return Assignment(data["person_id"], date.fromisoformat(data["day"]), data["shift_id"], data["post_id"])


def change_json(change: Change) -> dict[str, Any]:
    return {"removed": [assignment_json(a) for a in change.removed],
            "added": [assignment_json(a) for a in change.added]}


def change_of(payload: dict[str, Any]) -> Change:
    return Change(tuple(assignment_of(a) for a in payload.get("removed", ())),
                  tuple(assignment_of(a) for a in payload.get("added", ())))
