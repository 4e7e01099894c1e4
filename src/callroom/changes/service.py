"""`ChangeService`: every change to a published roster after it is published, for the API, the
web pages and the CLI alike.

Life of a proposal (a row in `change_proposals`, every step an event in `change_events`):

- swap / give_away: a resident proposes (state proposed) -> the colleague accepts (accepted) or
  declines -> the chief approves (approved: a new roster version) or refuses;
- day_off and repair: go straight to the chief (accepted);
- open_shift: the chief publishes a hole (open); it is offered to the people the rules let take
  it; the first to accept gets it (filled: a new roster version) and the rest are told it is gone.

A swap, an offered shift and a day off are checked against the live roster with
`rules.change.impact` for everyone they touch when they are asked for, and refused at once
(BreaksRules, nothing stored) when they break a hard rule; before approval every change is
checked again on the newest roster. A refusal names the rule and its numbers. Requests for a
later block (`changes.ahead`) go straight to the chief as day offs. Approval writes the roster
version, the decision and its audit event in one transaction, then pages each person whose
schedule changed. Every method takes the acting `Principal`; residents act for themselves
(`request:own`), and deciding (approve, refuse, repair, open shifts) needs `request:approve`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.changes.absences import store_granted
from callroom.changes.ahead import AheadAsk, payload_of
from callroom.changes.open_shifts import offer_slot, take, why_not_taken
from callroom.changes.repairs import (
    RepairAsk,
    SolvedRepair,
    already_off,
    ask_of,
    changes_nothing,
    checked_ask,
    moved_on,
    off_text,
    parse_ask,
    pending_twin,
    run_repair,
    same_change,
)
from callroom.changes.types import (
    PENDING,
    Check,
    Decision,
    Kind,
    OpenShift,
    ProposalDetail,
    ProposalNotFound,
    RepairPending,
    RepairProposal,
    State,
    Superseded,
    WrongState,
)
from callroom.changes.workflow import (
    Applied,
    apply_change,
    check_change,
    load_live,
    notices_of,
    notify_all,
    refuse_breaking,
)
from callroom.domain.absence import ApprovedAbsence
from callroom.domain.clock import Clock, utc_now
from callroom.domain.roster import Assignment
from callroom.errors import Conflict, Invalid, NotAllowed
from callroom.paging.notices import SENDER, Notifier, SilentNotifier
from callroom.rosters.audit import assignment_json, change_json, change_of
from callroom.rosters.edits import CellEdit
from callroom.rosters.live import Live
from callroom.rosters.service import RosterService, SavedEdit
from callroom.rosters.wishes import ahead_of
from callroom.rules.change import Change, DoesNotApply, give_away, swap
from callroom.solver.repair.staged import UNWATCHED, RepairWatch
from callroom.storage import Database
from callroom.storage.changes_repositories import ChangeRepository, NewProposal, ProposalRecord


class ChangeService:
    """See the module doc. The published roster is the roster service's live one."""

    def __init__(
        self,
        database: Database,
        rosters: RosterService,
        *,
        notifier: Notifier | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._database = database
        self._rosters = rosters
        self._schedules = rosters.schedules
        self._notifier = notifier or SilentNotifier()
        self._clock = clock

    # --- repairs -------------------------------------------------------------------------

    def propose_repair(self, caller: Principal, ask: RepairAsk) -> RepairProposal:
        """Solve a sick-call repair on the newest roster and store it for the chief.

        Invalid (naming the field) for bad input; NoSolution when no repair exists within the
        limits given, OutOfTime when none was found in time. A repair that cannot cover every
        post is stored with its shortfalls: the least-bad option.
        """
        return self._repair(caller, ask, {})

    def check_repair(self, caller: Principal, ask: RepairAsk) -> str:
        """Refuse what `propose_repair` would refuse before solving (the permission, a missing
        live roster, bad input naming its field), without solving; the live program's name.
        A sick call asked twice is one: RepairPending names the repair already awaiting
        approval for the same person and times, and an absence already approved is refused."""
        _require_chief(caller, "propose a repair")
        live = self._live()
        absence, _ = parse_ask(live, ask)
        off = already_off(live, absence)
        if off is not None:
            raise Conflict("absent", f"{self._off_text(live, off)}: there is nothing left to repair")
        with self._database.reading() as session:
            twin = pending_twin(live, absence, ChangeRepository(session).listing(states=PENDING))
        if twin is not None:
            waiting = f"this sick call's repair is already waiting for approval: proposal #{twin.id}"
            raise RepairPending("absent", waiting, twin.id)
        checked_ask(live, ask)
        return live.name

    def _off_text(self, live: Live, off: ApprovedAbsence) -> str:
        """The approved absence in words, with the roster version its approval made."""
        version_id = None
        if off.proposal_id is not None:
            with self._database.reading() as session:
                granted_by = ChangeRepository(session).get(off.proposal_id)
            version_id = None if granted_by is None else granted_by.result_version_id
        number = next((v.number for v in self._rosters.versions(live.name) if v.id == version_id), None)
        return off_text(live, off, number)

    def solve_repair(self, caller: Principal, ask: RepairAsk, watch: RepairWatch = UNWATCHED) -> SolvedRepair:
        """Solve the repair on the newest roster without storing it (see `store_repair`);
        `watch` follows and may stop the search. Refusals as `propose_repair`'s."""
        _require_chief(caller, "propose a repair")
        live = self._live()
        result, payload = run_repair(live, ask, watch)
        return SolvedRepair(live, ask, result, payload)

    def store_repair(
        self, session: Session, caller: Principal, solved: SolvedRepair, extra: dict[str, Any] | None = None
    ) -> RepairProposal:
        """Store a solved repair for the chief, in the caller's transaction."""
        _require_chief(caller, "propose a repair")
        if not extra:  # a sick call solved twice at once is stored once: the first answers both
            absence, _ = parse_ask(solved.live, solved.ask)
            twin = pending_twin(solved.live, absence, ChangeRepository(session).listing(states=PENDING))
            if twin is not None:
                return RepairProposal(twin, solved.result)
        payload = {**solved.payload, **(extra or {})}
        record = self._add(
            session, solved.live, Kind.REPAIR, State.ACCEPTED, caller, None, payload, solved.ask.note
        )
        return RepairProposal(record, solved.result)

    def _repair(self, caller: Principal, ask: RepairAsk, extra: dict[str, Any]) -> RepairProposal:
        solved = self.solve_repair(caller, ask)
        with self._database.session() as session:
            return self.store_repair(session, caller, solved, extra)

    def _live(self) -> Live:
        with self._database.reading() as session:
            return load_live(session, self._schedules, None)

    def repair_day_off(
        self, caller: Principal, proposal_id: int, time_limit_s: float = 10.0
    ) -> RepairProposal:
        """A day off that would leave a hole, granted with a repair: the requester is absent that
        day and the fewest others move. Approving the repair grants the day off with it."""
        with self._database.reading() as session:
            _, record = _load(session, proposal_id)
        if record.kind != Kind.DAY_OFF or record.state != State.ACCEPTED:
            raise WrongState("proposal", f"proposal {proposal_id} is not a day off awaiting approval")
        day = record.payload["day"]
        ask = RepairAsk(
            record.requester, day, day, time_limit_s=time_limit_s, note=f"day off ({record.note})"
        )
        proposed = self._repair(caller, ask, {"day_off_proposal": proposal_id})
        with self._database.session() as session:
            ChangeRepository(session).add_event(
                proposal_id,
                self._clock(),
                caller.identity,
                caller.role.value,
                "repair proposed",
                {"repair": proposed.proposal.id},
            )
        return proposed

    # --- swaps, offered shifts and days off -----------------------------------------------

    def propose_swap(
        self, caller: Principal, day: date, colleague: str, colleague_day: date, note: str = ""
    ) -> ProposalRecord:
        """The caller offers their shift on `day` for `colleague`'s shift on `colleague_day`.
        Invalid when either would end up with two shifts on one day (see `_fits`)."""
        with self._database.session() as session:
            live = load_live(session, self._schedules, None)
            _to_come(live, day, "day", self._clock())
            _to_come(live, colleague_day, "colleague_day", self._clock())
            mine = _held(live, caller.identity, day, "day")
            theirs = _held(live, colleague, colleague_day, "colleague_day")
            change = _fits(live, swap(mine, theirs), caller)
            refuse_breaking(live, caller, Kind.SWAP, change_json(change), "proposal", self._clock())
            return self._add(
                session, live, Kind.SWAP, State.PROPOSED, caller, colleague, change_json(change), note
            )

    def offer_shift(self, caller: Principal, day: date, colleague: str, note: str = "") -> ProposalRecord:
        """The caller offers their shift on `day` to `colleague` (who must accept). Invalid
        ("colleague") when the colleague already works that day, that same shift included."""
        with self._database.session() as session:
            live = load_live(session, self._schedules, None)
            _person(live, colleague, "colleague")
            _to_come(live, day, "day", self._clock())
            change = _fits(live, give_away(_held(live, caller.identity, day, "day"), colleague), caller)
            refuse_breaking(live, caller, Kind.GIVE_AWAY, change_json(change), "colleague", self._clock())
            return self._add(
                session, live, Kind.GIVE_AWAY, State.PROPOSED, caller, colleague, change_json(change), note
            )

    def request_day_off(self, caller: Principal, day: date, note: str = "") -> ProposalRecord:
        """The caller asks for `day` off; their shift that day (if any) comes off on approval."""
        with self._database.session() as session:
            live = load_live(session, self._schedules, None)
            _person(live, caller.identity, "user")
            if day not in live.program.block:
                raise Invalid(
                    "day", f"{day} is outside the block {live.program.block.start}..{live.program.block.end}"
                )
            _to_come(live, day, "day", self._clock())
            _not_asked_twice(
                session,
                caller.identity,
                Kind.DAY_OFF,
                lambda p: p.get("day") == day.isoformat(),
                "day",
                f"you have already asked for {day} off",
            )
            held = live.roster.on(caller.identity, day)
            payload = {
                "removed": [] if held is None else [assignment_json(held)],
                "added": [],
                "day": day.isoformat(),
            }
            refuse_breaking(live, caller, Kind.DAY_OFF, payload, "day", self._clock())
            return self._add(session, live, Kind.DAY_OFF, State.ACCEPTED, caller, None, payload, note)

    def ask_ahead(self, caller: Principal, ask: AheadAsk) -> ProposalRecord:
        """The caller asks for leave, a day off or a preference in a later block (see
        `changes.ahead`); it waits for the chief. Approved leave and days off are absences every
        later roster of the program keeps; approved preferences are requests its next solve
        weighs (`rosters.wishes`)."""
        with self._database.session() as session:
            live = load_live(session, self._schedules, None)
            _person(live, caller.identity, "user")
            payload = payload_of(live.program, ask)
            _not_asked_twice(
                session,
                caller.identity,
                Kind.DAY_OFF,
                lambda p: {k: p.get(k) for k in payload} == payload,
                "first",
                "you have already asked for this",
            )
            return self._add(session, live, Kind.DAY_OFF, State.ACCEPTED, caller, None, payload, ask.note)

    def asked_ahead(self, caller: Principal) -> list[ProposalRecord]:
        """The caller's requests for later blocks in every state, newest first: what they asked
        and what the chief said."""
        caller.require(Permission.REQUEST_OWN, "ask for time in a later block")
        with self._database.reading() as session:
            found = ChangeRepository(session).listing(states=tuple(State), person_id=caller.identity)
        return [r for r in found if ahead_of(r) is not None]

    def edit_cell(self, caller: Principal, edit: CellEdit) -> SavedEdit:
        """The chief's cell edit saved (`RosterService.save`), then a notice to each person it
        moved saying which of their shifts changed (a notice: it never escalates)."""
        live = self._rosters.require_live()
        saved = self._rosters.save(caller, edit)
        after = saved.check.impact.after
        number = saved.version.number
        self._notifier.notify_each(notices_of(live.program, live.roster, after, saved.check.change, number))
        return saved

    def today(self) -> date:
        """Today on the hospital's wall clock (the service's clock: the demo may pretend)."""
        with self._database.reading() as session:
            live = load_live(session, self._schedules, None)
        return self._clock().astimezone(ZoneInfo(live.program.hospital.timezone)).date()

    def accept(self, caller: Principal, proposal_id: int) -> ProposalRecord:
        """The colleague named in a swap or offered shift agrees; it goes to the chief."""
        with self._database.session() as session:
            changes, record = _load(session, proposal_id)
            if caller.identity != record.colleague:
                raise NotAllowed("proposal", f"only {record.colleague} can accept proposal {proposal_id}")
            return self._move(changes, record, (State.PROPOSED,), caller, "accepted", state=State.ACCEPTED)

    def decline(self, caller: Principal, proposal_id: int, reason: str = "") -> ProposalRecord:
        """The colleague declines (while proposed), or the chief refuses (while accepted)."""
        with self._database.session() as session:
            changes, record = _load(session, proposal_id)
            if record.state == State.PROPOSED and caller.identity == record.colleague:
                return self._move(
                    changes,
                    record,
                    (State.PROPOSED,),
                    caller,
                    "declined",
                    state=State.DECLINED,
                    decision_reason=reason,
                )
            _require_chief(caller, "refuse a proposal")
            return self._move(
                changes,
                record,
                (State.ACCEPTED,),
                caller,
                "refused",
                state=State.REFUSED,
                **self._decided(caller, reason),
            )

    def withdraw(self, caller: Principal, proposal_id: int) -> ProposalRecord:
        """The requester takes back a pending proposal (the chief cancels an open shift)."""
        with self._database.session() as session:
            changes, record = _load(session, proposal_id)
            if caller.identity != record.requester and not _decides(caller):
                raise NotAllowed("proposal", f"only {record.requester} can withdraw proposal {proposal_id}")
            target = State.CANCELLED if record.kind == Kind.OPEN_SHIFT else State.WITHDRAWN
            moved = self._move(changes, record, PENDING, caller, target.value, state=target)
            if record.kind == Kind.OPEN_SHIFT:
                changes.close_offers(record.id, None, self._clock())
            return moved

    # --- checks and approval ----------------------------------------------------------------

    def check(self, caller: Principal, proposal_id: int) -> Check:
        """The proposal checked against the newest roster for everyone it touches (for those who
        may read it: see `get`), as the caller may see it (a declared conflict between others
        is only "a confidential rule": `rules.privacy`)."""
        with self._database.reading() as session:
            changes, record = _load(session, proposal_id)
            _may_read(caller, record, changes)
            live = load_live(session, self._schedules, record.program_name)
            return check_change(live, record).seen_by(caller, live.program)

    def approve(self, caller: Principal, proposal_id: int, reason: str = "") -> Decision:
        """Apply an accepted proposal as a new roster version (audited), then page each person
        whose schedule changed. RulesRefuse (409) names the rule and numbers it would break.

        A repair made on an older roster is made again on the newest one first (see
        `_recheck_repair`): approved when it comes out the same, else Superseded. The absence
        a repair or a day off grants is stored with the decision (see changes.absences)."""
        _require_chief(caller, "approve a change")
        checked_on = self._recheck_repair(caller, proposal_id)
        with self._database.session() as session:
            changes, record = _load(session, proposal_id)
            if record.state != State.ACCEPTED:
                raise WrongState(
                    "proposal", f"proposal {proposal_id} is {record.state}, not awaiting approval"
                )
            live = load_live(session, self._schedules, record.program_name)
            if checked_on is not None and checked_on != live.record.id:
                raise WrongState(
                    "proposal",
                    f"the roster moved on (version {live.record.number}) while "
                    f"proposal {proposal_id} was checked again: approve it again",
                )
            applied = apply_change(session, live, record, caller, reason, self._clock())
            decided = self._move(
                changes,
                record,
                (State.ACCEPTED,),
                caller,
                "approved",
                state=State.APPROVED,
                **self._decided(caller, reason),
                result_version_id=None if applied.version is None else applied.version.id,
            )
            self._grant_day_off(changes, decided, caller)
            store_granted(session, live, decided, caller, self._clock())
        self._rosters.forget()
        return Decision(decided, applied.version, self._tell(decided.id, applied))

    def _recheck_repair(self, caller: Principal, proposal_id: int) -> int | None:
        """For a repair awaiting approval, the id of the newest roster version it holds on; None
        for anything else. A repair the roster has moved on from (see repairs.moved_on) is made
        again there with its stored absence and limits: the same change holds, a different one
        is stored as a new proposal and this one refused as superseded (Superseded names both).
        One whose absence was approved meanwhile (the same sick call, repaired twice), or that
        made again changes nothing, is closed with why: there is nothing left to approve."""
        with self._database.reading() as session:
            _, record = _load(session, proposal_id)
            if record.kind != Kind.REPAIR or record.state != State.ACCEPTED:
                return None
            live = load_live(session, self._schedules, record.program_name)
        if not moved_on(live, record):
            return live.record.id
        absence, _ = parse_ask(live, ask_of(record))
        off = already_off(live, absence, but=record.id)
        if off is not None:  # approved meanwhile (a second ask of one sick call): nothing to do
            self._close(caller, record, f"{self._off_text(live, off)}: nothing left to repair")
        _, fresh = run_repair(live, ask_of(record))
        if same_change(record.payload, fresh):
            return live.record.id
        if changes_nothing(fresh):  # not a proposal: there is nothing to approve
            self._close(caller, record, "nothing on the roster has to change for this sick call any more")
        made = self._supersede(caller, record, live, fresh)
        raise Superseded(
            "proposal",
            f"proposal {proposal_id} no longer holds: the roster has moved on "
            f"since it was made (now version {live.record.number}), and repaired "
            "again there it changes other shifts; the fresh repair is proposal "
            f"{made.id}, approve that one instead",
            made.id,
        )

    def _close(self, caller: Principal, record: ProposalRecord, why: str) -> NoReturn:
        """Refuse `record` for the chief, saying `why` (kept as its decision), and say it."""
        with self._database.session() as session:
            if not ChangeRepository(session).move(
                record,
                (State.ACCEPTED,),
                state=State.REFUSED,
                decided_at=self._clock(),
                decided_by=caller.identity,
                decision_reason=why,
            ):
                raise WrongState("proposal", f"proposal {record.id} was decided meanwhile")
        raise WrongState("proposal", f"proposal {record.id} is closed: {why}")

    def _supersede(
        self, caller: Principal, record: ProposalRecord, live: Live, fresh: dict[str, Any]
    ) -> ProposalRecord:
        """Store the fresh repair for the chief and refuse `record` as superseded by it, in one
        transaction (nothing is stored if `record` was decided meanwhile)."""
        carried = {k: record.payload[k] for k in ("day_off_proposal",) if k in record.payload}
        now = self._clock()
        with self._database.session() as session:
            changes = ChangeRepository(session)
            made = self._add(
                session, live, Kind.REPAIR, State.ACCEPTED, caller, None, {**fresh, **carried}, record.note
            )
            if not changes.move(
                record,
                (State.ACCEPTED,),
                state=State.REFUSED,
                decided_at=now,
                decided_by=caller.identity,
                decision_reason=f"superseded by proposal {made.id}: the roster moved on",
            ):
                raise WrongState("proposal", f"proposal {record.id} was decided meanwhile")
            changes.add_event(
                record.id,
                now,
                caller.identity,
                caller.role.value,
                "superseded",
                {"by": made.id, "roster_version": live.record.number},
            )
            if "day_off_proposal" in carried:
                changes.add_event(
                    int(carried["day_off_proposal"]),
                    now,
                    caller.identity,
                    caller.role.value,
                    "repair proposed",
                    {"repair": made.id},
                )
        return made

    # --- open shifts --------------------------------------------------------------------------

    def publish_open_shift(
        self,
        caller: Principal,
        day: date,
        shift_id: str,
        post_id: str,
        holder: str | None = None,
        note: str = "",
    ) -> OpenShift:
        """Publish a hole (the holder's shift, or an extra slot when `holder` is None) and offer it
        to everyone the rules let take it; each is paged."""
        _require_chief(caller, "publish an open shift")
        with self._database.session() as session:
            live = load_live(session, self._schedules, None)
            slot, payload = offer_slot(live, day, shift_id, post_id, holder)
            _not_asked_twice(
                session,
                None,
                Kind.OPEN_SHIFT,
                lambda p: (p.get("slot"), p.get("holder")) == (payload["slot"], holder),
                "slot",
                f"{slot} is already an open shift",
            )
            if not payload["offered"]:
                raise Conflict(
                    "slot",
                    f"nobody can take {slot} without breaking a hard rule: repair the "
                    "roster for the absence instead",
                )
            record = self._add(session, live, Kind.OPEN_SHIFT, State.OPEN, caller, None, payload, note)
            offered = tuple(payload["offered"])
            ChangeRepository(session).add_offers(record.id, offered, self._clock())
        self._notifier.notify_each(
            [(p, f"Open shift #{record.id}: {slot}. Reply to take it.") for p in offered]
        )
        return OpenShift(record, offered)

    def take_open_shift(self, caller: Principal, proposal_id: int) -> Decision:
        """The caller takes an open shift offered to them; the first to accept wins (a
        conditional update), the rest are told it is gone."""
        with self._database.session() as session:
            changes, record = _load(session, proposal_id)
            applied, others = take(session, self._schedules, record, caller, self._clock())
            decided = changes.get(record.id)
            assert decided is not None
        self._rosters.forget()
        notified = self._tell(record.id, applied)
        self._notifier.notify_each(
            [(p, f"Open shift #{record.id} has been taken by someone else.") for p in others]
        )
        return Decision(decided, applied.version, notified)

    def why_not_taken(self, caller: Principal, records: list[ProposalRecord]) -> dict[int, str]:
        """Why the caller could not take each open shift offered to them in `records` now, by
        proposal id; the ones they could take are left out (the page offers "Take it")."""
        mine = [r for r in records if caller.identity in r.payload.get("offered", [])]
        offered = [r for r in mine if r.kind == Kind.OPEN_SHIFT and r.state == State.OPEN]
        if not offered:
            return {}
        live = self._live()
        found = {r.id: why_not_taken(live, r, caller) for r in offered}
        return {key: why for key, why in found.items() if why is not None}

    # --- reading ------------------------------------------------------------------------------

    def get(self, caller: Principal, proposal_id: int) -> ProposalDetail:
        """A proposal with its events and offers, for the people it touches (who asked, the
        colleague named, everyone whose shifts it moves, those offered an open shift) and for
        those who read every request (chiefs, program directors); NotAllowed for anyone else."""
        with self._database.reading() as session:
            changes, record = _load(session, proposal_id)
            _may_read(caller, record, changes)
            return ProposalDetail(record, tuple(changes.events(record.id)), tuple(changes.offers(record.id)))

    def pending_for(self, caller: Principal, person_id: str | None = None) -> list[ProposalRecord]:
        """What waits on or concerns the person (default: the caller): their own pending
        proposals, those naming them, and open shifts offered to them. Someone else's needs
        `request:read`."""
        person_id = person_id or caller.identity
        if person_id != caller.identity and not caller.can(Permission.REQUEST_READ):
            raise NotAllowed("person", f"{caller.identity} may read only their own requests")
        with self._database.reading() as session:
            changes = ChangeRepository(session)
            mine = changes.listing(states=PENDING, program_name=self._schedules.program, person_id=person_id)
            offered = [changes.get(o.proposal_id) for o in changes.offers_to(person_id)]
            still_open = [r for r in offered if r is not None and r.state == State.OPEN]
            found = {r.id: r for r in [*mine, *still_open]}
            return sorted(found.values(), key=lambda r: r.id, reverse=True)

    def pending_for_chief(self, caller: Principal) -> list[ProposalRecord]:
        """Everything awaiting the chief's decision, and open shifts not yet taken (for those who
        read every request)."""
        if not caller.can(Permission.REQUEST_READ):
            raise NotAllowed(
                "permission",
                f"{caller.role.a} may not read every request ({Permission.REQUEST_READ.value})",
            )
        with self._database.reading() as session:
            return ChangeRepository(session).listing(
                states=(State.ACCEPTED, State.OPEN), program_name=self._schedules.program
            )

    # --- internals ----------------------------------------------------------------------------

    def _add(
        self,
        session: Session,
        live: Live,
        kind: Kind,
        state: State,
        caller: Principal,
        colleague: str | None,
        payload: dict[str, Any],
        note: str,
    ) -> ProposalRecord:
        changes = ChangeRepository(session)
        now = self._clock()
        record = changes.add(
            NewProposal(
                live.name,
                kind.value,
                state.value,
                live.record.id,
                caller.identity,
                colleague,
                payload,
                note,
                now,
            )
        )
        changes.add_event(
            record.id, now, caller.identity, caller.role.value, "proposed", {"kind": kind.value}
        )
        return record

    def _move(
        self,
        changes: ChangeRepository,
        record: ProposalRecord,
        from_states: tuple[State, ...],
        caller: Principal,
        event: str,
        **values: Any,
    ) -> ProposalRecord:
        if record.state not in from_states or not changes.move(record, from_states, **values):
            current = changes.get(record.id)
            state = current.state if current else record.state
            raise WrongState("proposal", f"proposal {record.id} is {state}; cannot mark it {event}")
        changes.add_event(
            record.id,
            self._clock(),
            caller.identity,
            caller.role.value,
            event,
            {"reason": values.get("decision_reason")} if "decision_reason" in values else {},
        )
        moved = changes.get(record.id)
        assert moved is not None
        return moved

    def _grant_day_off(self, changes: ChangeRepository, repaired: ProposalRecord, caller: Principal) -> None:
        """A repair made for a day off grants that day off, in the same transaction."""
        if repaired.kind != Kind.REPAIR or "day_off_proposal" not in repaired.payload:
            return
        day_off = changes.get(int(repaired.payload["day_off_proposal"]))
        if day_off is not None and day_off.state == State.ACCEPTED:
            self._move(
                changes,
                day_off,
                (State.ACCEPTED,),
                caller,
                "approved",
                state=State.APPROVED,
                **self._decided(caller, f"granted with repair {repaired.id}"),
                result_version_id=repaired.result_version_id,
            )

    def _decided(self, caller: Principal, reason: str) -> dict[str, Any]:
        """The columns a decision sets: when, by whom, why."""
        return {"decided_at": self._clock(), "decided_by": caller.identity, "decision_reason": reason}

    def _tell(self, proposal_id: int, applied: Applied) -> tuple[str, ...]:
        """Page the people the change moved (after the change is committed, so a paging failure
        never undoes it), and record who was paged with which page in the audit trail."""
        reached = notify_all(self._notifier, applied)
        if reached:
            with self._database.session() as session:
                ChangeRepository(session).add_event(
                    proposal_id,
                    self._clock(),
                    SENDER,
                    "system",
                    "notified",
                    {"pages": {person: page_id for person, page_id in reached}},
                )
        return tuple(person for person, _ in reached)


def _not_asked_twice(
    session: Session,
    requester: str | None,
    kind: Kind,
    same: Callable[[dict[str, Any]], bool],
    field: str,
    said: str,
) -> None:
    """Conflict naming the pending proposal of `kind` (by `requester`, or by anyone) that already
    asks for the same thing: a form sent twice makes one request, not two."""
    pending = ChangeRepository(session).listing(states=PENDING, person_id=requester)
    twin = next((p for p in pending if p.kind == kind and same(p.payload)), None)
    if twin is not None:
        raise Conflict(field, f"{said} (#{twin.id}, {twin.state})")


def _may_read(caller: Principal, record: ProposalRecord, changes: ChangeRepository) -> None:
    if caller.can(Permission.REQUEST_READ):
        return
    me = caller.identity
    moved = change_of(record.payload).people | {record.payload.get("holder") or ""}
    if me in (record.requester, record.colleague) or me in moved:
        return
    if any(o.person_id == me for o in changes.offers(record.id)):
        return
    raise NotAllowed("proposal", f"proposal {record.id} does not concern {me}")


def _decides(caller: Principal) -> bool:
    return caller.can(Permission.REQUEST_APPROVE)


def _require_chief(caller: Principal, action: str) -> None:
    if not _decides(caller):
        raise NotAllowed("role", f"only a chief may {action} ({caller.identity} is {caller.role.value})")


def _load(session: Session, proposal_id: int) -> tuple[ChangeRepository, ProposalRecord]:
    changes = ChangeRepository(session)
    record = changes.get(proposal_id)
    if record is None:
        raise ProposalNotFound("proposal", f"no proposal {proposal_id}")
    return changes, record


def _person(live: Live, person_id: str, field: str) -> None:
    if person_id not in live.program.person:
        raise Invalid(field, f"no person {person_id!r} in {live.program.hospital.name}")


def _fits(live: Live, change: Change, caller: Principal) -> Change:
    """The change, if it gives nobody a second shift on a day they work; Invalid naming the shift
    already held otherwise: on "colleague" when the colleague would get it, on "colleague_day"
    when the caller would (they work the day they asked to take)."""
    try:
        change.apply(live.roster, live.program)
    except DoesNotApply as error:
        field = "colleague_day" if error.assignment.person_id == caller.identity else "colleague"
        raise Invalid(field, error.message) from error
    return change


def _to_come(live: Live, day: date, field: str, now: datetime) -> None:
    """A resident's request is for a day to come: the days before today were worked as they
    were (a past day's record is the duty-hours log's, not the roster's to rewrite)."""
    today = now.astimezone(ZoneInfo(live.program.hospital.timezone)).date()
    if day < today:
        raise Invalid(field, f"{day:%a %d %b} has passed: ask for today or a day to come")


def _held(live: Live, person_id: str, day: date, field: str) -> Assignment:
    _person(live, person_id, "colleague" if field == "colleague_day" else "user")
    held = live.roster.on(person_id, day)
    if held is None:
        raise Invalid(field, f"{person_id} has no shift on {day} in roster version {live.record.number}")
    return held
