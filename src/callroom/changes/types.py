"""The vocabulary of roster changes shared by the service, the API and the CLI: kinds and states
of a proposal, the errors particular to changes, and what the service hands back."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from callroom.accounts.principal import Principal
from callroom.domain.program import Program
from callroom.errors import Conflict, Invalid, NotFound
from callroom.rosters.audit import change_of
from callroom.rules.change import Change
from callroom.rules.ids import Severity
from callroom.rules.privacy import as_seen_by
from callroom.rules.violations import Violation
from callroom.solver.repair.staged import RepairResult
from callroom.storage import RosterVersionRecord
from callroom.storage.changes_repositories import ChangeEventRecord, OfferRecord, ProposalRecord

__all__ = [
    "PENDING",
    "BreaksRules",
    "Check",
    "Decision",
    "Kind",
    "OpenShift",
    "ProposalDetail",
    "ProposalNotFound",
    "ProposalRecord",
    "RepairPending",
    "RepairProposal",
    "RulesRefuse",
    "State",
    "Superseded",
    "WrongState",
]


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


class ProposalNotFound(NotFound):
    pass


class WrongState(Conflict):
    """The proposal has moved on (already decided, withdrawn, taken) or no longer fits."""


class Superseded(WrongState):
    """A repair made on an older roster no longer holds on the newest one: it was made again
    there, and the fresh repair, different, is stored as proposal `fresh_id` for the chief."""

    def __init__(self, field: str, message: str, fresh_id: int) -> None:
        super().__init__(field, message)
        self.fresh_id = fresh_id


class RepairPending(Conflict):
    """The sick call asked for is already being repaired: proposal `proposal_id`, awaiting
    approval, is for the same person and times, and is the answer to the second ask."""

    def __init__(self, field: str, message: str, proposal_id: int) -> None:
        super().__init__(field, message)
        self.proposal_id = proposal_id


class RulesRefuse(Conflict):
    """The change would break a hard rule: the message names the rule and the numbers, and each
    broken rule is a detail."""

    def __init__(self, field: str, message: str, violations: tuple[Violation, ...]) -> None:
        super().__init__(field, message, [v.detail for v in violations])
        self.violations = violations


class BreaksRules(Invalid):
    """A request refused before it is stored, because the change it asks for would break a
    hard rule for someone it touches: said to the one asking at once (422), each rule broken
    with its numbers as a detail."""

    def __init__(self, field: str, message: str, violations: tuple[Violation, ...]) -> None:
        super().__init__(field, message, [v.detail for v in violations])
        self.violations = violations


@dataclass(frozen=True)
class Check:
    """A proposal checked against the current roster for everyone it touches."""

    proposal_id: int
    acceptable: bool
    introduced: tuple[Violation, ...]  # hard rules first
    resolved: tuple[Violation, ...]
    roster_version_id: int

    def seen_by(self, reader: Principal, program: Program) -> Check:
        """The check as `reader` may see it: a declared conflict between others is only "a
        confidential rule" (`rules.privacy`); the chief sees its reason."""
        return replace(
            self,
            introduced=as_seen_by(self.introduced, reader, program),
            resolved=as_seen_by(self.resolved, reader, program),
        )

    @property
    def refusal(self) -> str | None:
        """Why it cannot be approved, naming each hard rule and its numbers."""
        hard = [v for v in self.introduced if v.rule.severity is Severity.HARD]
        if not hard:
            return None
        return "; ".join(v.worded for v in hard)


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
