"""`ChangeService`: every change to a published roster after it is published, for the API, the
web pages and the CLI alike.

Life of a proposal (a row in `change_proposals`, every step an event in `change_events`):

- swap / give_away: a resident proposes (state proposed) -> the colleague accepts (accepted) or
  declines -> the chief approves (approved: a new roster version) or refuses;
- day_off and repair: go straight to the chief (accepted);
- open_shift: the chief publishes a hole (open); it is offered to the people the rules let take
  it; the first to accept gets it (filled: a new roster version) and the rest are told it is gone.

Before approval every change is checked against the newest roster with `rules.change.impact`
for everyone it touches; a refusal names the rule and its numbers. Approval writes the roster
version, the decision and its audit event in one transaction, then pages each person whose
schedule changed. Actors are (user, role): residents act for themselves, chiefs decide.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from callroom.changes.notify import SENDER, Notifier, SilentNotifier
from callroom.changes.repairs import RepairAsk, run_repair
from callroom.changes.types import (
    PENDING,
    Actor,
    ChangeError,
    Check,
    Decision,
    Kind,
    NotAllowed,
    OpenShift,
    ProposalDetail,
    ProposalNotFound,
    RepairProposal,
    State,
    WrongState,
    assignment_json,
    change_json,
)
from callroom.changes.workflow import Applied, Context, apply_change, check_change, load_context, notify_all
from callroom.domain.clock import Clock, utc_now
from callroom.domain.roster import Assignment
from callroom.rules.change import give_away, swap
from callroom.storage import Database
from callroom.storage.changes_repositories import ChangeRepository, NewProposal, ProposalRecord


class ChangeService:
    """See the module doc. `program` names the program whose newest roster is the published one
    (None: the newest roster of any program, like the live paging schedule)."""

    def __init__(self, database: Database, *, notifier: Notifier | None = None,
                 program: str | None = None, clock: Clock = utc_now) -> None:
        self._database = database
        self._notifier = notifier or SilentNotifier()
        self._program = program
        self._clock = clock

    # --- repairs -------------------------------------------------------------------------

    def propose_repair(self, actor: Actor, ask: RepairAsk) -> RepairProposal:
        """Solve a sick-call repair on the newest roster and store it for the chief.

        RepairError-derived ChangeError (422, naming the field) for bad input; WrongState (409)
        when no repair exists within the limits given or none was found in time. A repair
        that cannot cover every post is stored with its shortfalls: the least-bad option.
        """
        return self._repair(actor, ask, {})

    def _repair(self, actor: Actor, ask: RepairAsk, extra: dict[str, Any]) -> RepairProposal:
        _require_chief(actor, "propose a repair")
        with self._database.reading() as session:
            context = load_context(session, self._program)
        result, payload = run_repair(context, ask)
        with self._database.session() as session:
            record = self._add(session, context, Kind.REPAIR, State.ACCEPTED, actor, None,
                               {**payload, **extra}, ask.note)
        return RepairProposal(record, result)

    def repair_day_off(self, proposal_id: int, actor: Actor, time_limit_s: float = 10.0) -> RepairProposal:
        """A day off that would leave a hole, granted with a repair: the requester is absent that
        day and the fewest others move. Approving the repair grants the day off with it."""
        with self._database.reading() as session:
            _, record = _load(session, proposal_id)
        if record.kind != Kind.DAY_OFF or record.state != State.ACCEPTED:
            raise WrongState("proposal", f"proposal {proposal_id} is not a day off awaiting approval")
        day = record.payload["day"]
        ask = RepairAsk(record.requester, day, day, time_limit_s=time_limit_s,
                        note=f"day off ({record.note})")
        proposed = self._repair(actor, ask, {"day_off_proposal": proposal_id})
        with self._database.session() as session:
            ChangeRepository(session).add_event(proposal_id, self._clock(), actor.user, actor.role,
                                                "repair proposed", {"repair": proposed.proposal.id})
        return proposed

    # --- swaps, offered shifts and days off -----------------------------------------------

    def propose_swap(self, actor: Actor, day: date, colleague: str, colleague_day: date,
                     note: str = "") -> ProposalRecord:
        """The actor offers their shift on `day` for `colleague`'s shift on `colleague_day`."""
        with self._database.session() as session:
            context = load_context(session, self._program)
            mine = _held(context, actor.user, day, "day")
            theirs = _held(context, colleague, colleague_day, "colleague_day")
            change = swap(mine, theirs)
            return self._add(session, context, Kind.SWAP, State.PROPOSED, actor, colleague,
                             change_json(change), note)

    def offer_shift(self, actor: Actor, day: date, colleague: str, note: str = "") -> ProposalRecord:
        """The actor offers their shift on `day` to `colleague` (who must accept)."""
        with self._database.session() as session:
            context = load_context(session, self._program)
            _person(context, colleague, "colleague")
            change = give_away(_held(context, actor.user, day, "day"), colleague)
            return self._add(session, context, Kind.GIVE_AWAY, State.PROPOSED, actor, colleague,
                             change_json(change), note)

    def request_day_off(self, actor: Actor, day: date, note: str = "") -> ProposalRecord:
        """The actor asks for `day` off; their shift that day (if any) comes off on approval."""
        with self._database.session() as session:
            context = load_context(session, self._program)
            _person(context, actor.user, "user")
            if day not in context.program.block:
                raise ChangeError("day", f"day: {day} is outside the block "
                                         f"{context.program.block.start}..{context.program.block.end}")
            held = context.roster.on(actor.user, day)
            payload = {"removed": [] if held is None else [assignment_json(held)], "added": [],
                       "day": day.isoformat()}
            return self._add(session, context, Kind.DAY_OFF, State.ACCEPTED, actor, None, payload, note)

    def accept(self, proposal_id: int, actor: Actor) -> ProposalRecord:
        """The colleague named in a swap or offered shift agrees; it goes to the chief."""
        with self._database.session() as session:
            changes, record = _load(session, proposal_id)
            if actor.user != record.colleague:
                raise NotAllowed("proposal", f"only {record.colleague} can accept proposal {proposal_id}")
            return self._move(changes, record, (State.PROPOSED,), actor, "accepted", state=State.ACCEPTED)

    def decline(self, proposal_id: int, actor: Actor, reason: str = "") -> ProposalRecord:
        """The colleague declines (while proposed), or the chief refuses (while accepted)."""
        with self._database.session() as session:
            changes, record = _load(session, proposal_id)
            if record.state == State.PROPOSED and actor.user == record.colleague:
                return self._move(changes, record, (State.PROPOSED,), actor, "declined",
                                  state=State.DECLINED, decision_reason=reason)
            _require_chief(actor, "refuse a proposal")
            return self._move(changes, record, (State.ACCEPTED,), actor, "refused", state=State.REFUSED,
                              decided_at=self._clock(), decided_by=actor.user, decision_reason=reason)

    def withdraw(self, proposal_id: int, actor: Actor) -> ProposalRecord:
        """The requester takes back a pending proposal (the chief cancels an open shift)."""
        with self._database.session() as session:
            changes, record = _load(session, proposal_id)
            if actor.user != record.requester and not actor.is_chief:
                raise NotAllowed("proposal", f"only {record.requester} can withdraw proposal {proposal_id}")
            target = State.CANCELLED if record.kind == Kind.OPEN_SHIFT else State.WITHDRAWN
            moved = self._move(changes, record, PENDING, actor, target.value, state=target)
            if record.kind == Kind.OPEN_SHIFT:
                changes.close_offers(record.id, None, self._clock())
            return moved

    # --- checks and approval ----------------------------------------------------------------

    def check(self, proposal_id: int) -> Check:
        """The proposal checked against the newest roster for everyone it touches."""
        with self._database.reading() as session:
            _, record = _load(session, proposal_id)
            context = load_context(session, record.program_name)
            return check_change(context, record)

    def approve(self, proposal_id: int, actor: Actor, reason: str = "") -> Decision:
        """Apply an accepted proposal as a new roster version (audited), then page each person
        whose schedule changed. RulesRefuse (409) names the rule and numbers it would break."""
        _require_chief(actor, "approve a change")
        with self._database.session() as session:
            changes, record = _load(session, proposal_id)
            if record.state != State.ACCEPTED:
                raise WrongState("proposal",
                                 f"proposal {proposal_id} is {record.state}, not awaiting approval")
            context = load_context(session, record.program_name)
            applied = apply_change(session, context, record, actor, reason, self._clock())
            decided = self._move(changes, record, (State.ACCEPTED,), actor, "approved",
                                 state=State.APPROVED, decided_at=self._clock(), decided_by=actor.user,
                                 decision_reason=reason,
                                 result_version_id=None if applied.version is None else applied.version.id)
            self._grant_day_off(changes, decided, actor)
        return Decision(decided, applied.version, self._tell(decided.id, applied))

    # --- open shifts --------------------------------------------------------------------------

    def publish_open_shift(self, actor: Actor, day: date, shift_id: str, post_id: str,
                           holder: str | None = None, note: str = "") -> OpenShift:
        """Publish a hole (the holder's shift, or an extra slot when `holder` is None) and offer it
        to everyone the rules let take it; each is paged."""
        from callroom.changes.open_shifts import offer_slot
        _require_chief(actor, "publish an open shift")
        with self._database.session() as session:
            context = load_context(session, self._program)
            slot, payload = offer_slot(context, day, shift_id, post_id, holder)
            record = self._add(session, context, Kind.OPEN_SHIFT, State.OPEN, actor, None, payload, note)
            offered = tuple(payload["offered"])
            ChangeRepository(session).add_offers(record.id, offered, self._clock())
        for person in offered:
            self._notifier.notify(person, f"Open shift #{record.id}: {slot}. Reply to take it.")
        return OpenShift(record, offered)

    def take_open_shift(self, proposal_id: int, actor: Actor) -> Decision:
        """The actor takes an open shift offered to them; the first to accept wins (a
        conditional update), the rest are told it is gone."""
        from callroom.changes.open_shifts import take
        with self._database.session() as session:
            changes, record = _load(session, proposal_id)
            applied, others = take(session, record, actor, self._clock())
            decided = changes.get(record.id)
            assert decided is not None
        notified = self._tell(record.id, applied)
        for person in others:
            self._notifier.notify(person, f"Open shift #{record.id} has been taken by someone else.")
        return Decision(decided, applied.version, notified)

    # --- reading ------------------------------------------------------------------------------

    def get(self, proposal_id: int) -> ProposalDetail:
        with self._database.reading() as session:
            changes, record = _load(session, proposal_id)
            return ProposalDetail(record, tuple(changes.events(record.id)), tuple(changes.offers(record.id)))

    def pending_for(self, person_id: str) -> list[ProposalRecord]:
        """What waits on or concerns the person: their own pending proposals, those naming
        them, and open shifts offered to them."""
        with self._database.reading() as session:
            changes = ChangeRepository(session)
            mine = changes.listing(states=PENDING, program_name=self._program, person_id=person_id)
            offered = [changes.get(o.proposal_id) for o in changes.offers_to(person_id)]
            still_open = [r for r in offered if r is not None and r.state == State.OPEN]
            found = {r.id: r for r in [*mine, *still_open]}
            return sorted(found.values(), key=lambda r: r.id, reverse=True)

    def pending_for_chief(self) -> list[ProposalRecord]:
        """Everything awaiting the chief's decision, and open shifts not yet taken."""
        with self._database.reading() as session:
            return ChangeRepository(session).listing(states=(State.ACCEPTED, State.OPEN),
                                                     program_name=self._program)

    # --- internals ----------------------------------------------------------------------------

    def _add(self, session: Session, context: Context, kind: Kind, state: State, actor: Actor,
             colleague: str | None, payload: dict[str, Any], note: str) -> ProposalRecord:
        changes = ChangeRepository(session)
        now = self._clock()
        record = changes.add(NewProposal(context.name, kind.value, state.value, context.version.id,
                                         actor.user, colleague, payload, note, now))
        changes.add_event(record.id, now, actor.user, actor.role, "proposed", {"kind": kind.value})
        return record

    def _move(self, changes: ChangeRepository, record: ProposalRecord, from_states: tuple[State, ...],
              actor: Actor, event: str, **values: Any) -> ProposalRecord:
        if record.state not in from_states or not changes.move(record, from_states, **values):
            current = changes.get(record.id)
            state = current.state if current else record.state
            raise WrongState("proposal", f"proposal {record.id} is {state}; cannot mark it {event}")
        changes.add_event(record.id, self._clock(), actor.user, actor.role, event,
                          {"reason": values.get("decision_reason")} if "decision_reason" in values else {})
        moved = changes.get(record.id)
        assert moved is not None
        return moved

    def _grant_day_off(self, changes: ChangeRepository, repaired: ProposalRecord, actor: Actor) -> None:
        """A repair made for a day off grants that day off, in the same transaction."""
        if repaired.kind != Kind.REPAIR or "day_off_proposal" not in repaired.payload:
            return
        day_off = changes.get(int(repaired.payload["day_off_proposal"]))
        if day_off is not None and day_off.state == State.ACCEPTED:
            self._move(changes, day_off, (State.ACCEPTED,), actor, "approved", state=State.APPROVED,
                       decided_at=self._clock(), decided_by=actor.user,
                       decision_reason=f"granted with repair {repaired.id}",
                       result_version_id=repaired.result_version_id)

    def _tell(self, proposal_id: int, applied: Applied) -> tuple[str, ...]:
        """Page the people the change moved (after the change is committed, so a paging failure
        never undoes it), and record who was paged with which page in the audit trail."""
        reached = notify_all(self._notifier, applied)
        if reached:
            with self._database.session() as session:
                ChangeRepository(session).add_event(
                    proposal_id, self._clock(), SENDER, "system", "notified",
                    {"pages": {person: page_id for person, page_id in reached}})
        return tuple(person for person, _ in reached)


def _require_chief(actor: Actor, action: str) -> None:
    if not actor.is_chief:
        raise NotAllowed("role", f"only a chief may {action} ({actor.user} is {actor.role})")


def _load(session: Session, proposal_id: int) -> tuple[ChangeRepository, ProposalRecord]:
    changes = ChangeRepository(session)
    record = changes.get(proposal_id)
    if record is None:
        raise ProposalNotFound("proposal", f"no proposal {proposal_id}")
    return changes, record


def _person(context: Context, person_id: str, field: str) -> None:
    if person_id not in context.program.person:
        raise ChangeError(field, f"{field}: no person {person_id!r} in {context.program.hospital.name}")


def _held(context: Context, person_id: str, day: date, field: str) -> Assignment:
    _person(context, person_id, "colleague" if field == "colleague_day" else "user")
    held = context.roster.on(person_id, day)
    if held is None:
        raise ChangeError(field, f"{field}: {person_id} has no shift on {day} in roster version "
                                 f"{context.version.number}")
    return held
