"""Open shifts: publish a hole to the people the rules let take it; the first to accept wins."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from callroom.accounts.principal import Principal
from callroom.changes.offers import candidates, take_change
from callroom.changes.types import Kind, RulesRefuse, State, WrongState
from callroom.changes.workflow import Applied, decision_audit, load_live
from callroom.domain.roster import Assignment
from callroom.errors import Invalid, NotAllowed
from callroom.rosters.audit import change_json
from callroom.rosters.live import Live, LiveSchedules
from callroom.rosters.store import add_version
from callroom.rules.change import Change, DoesNotApply, Impact, impact
from callroom.rules.privacy import as_seen_by
from callroom.storage.changes_repositories import ChangeRepository, ProposalRecord


def offer_slot(
    live: Live, day: date, shift_id: str, post_id: str, holder: str | None
) -> tuple[str, dict[str, Any]]:
    """The slot in words and the proposal payload (slot, holder, who is offered it)."""
    program = live.program
    if post_id not in program.post:
        raise Invalid("post", f"no post {post_id!r}")
    if shift_id not in program.post[post_id].shift_ids:
        raise Invalid("shift", f"{post_id} has no shift {shift_id!r}")
    if day not in program.block:
        block = program.block
        raise Invalid("day", f"{day} is outside the block {block.start}..{block.end}")
    slot = Assignment(holder or "", day, shift_id, post_id)
    if holder is not None and live.roster.on(holder, day) != slot:
        raise Invalid("holder", f"{holder} does not work {shift_id} on {post_id} on {day}")
    offered = candidates(program, live.roster, slot, holder)
    words = f"{program.shift[shift_id].name} on {program.post[post_id].name}, {day:%a %d %b}"
    return words, {
        "slot": {"day": day.isoformat(), "shift_id": shift_id, "post_id": post_id},
        "holder": holder,
        "offered": offered,
        "removed": [],
        "added": [],
    }


def take(
    session: Session, schedules: LiveSchedules, record: ProposalRecord, caller: Principal, now: datetime
) -> tuple[Applied, list[str]]:
    """Give the open shift to the caller if it is still open and the rules still allow it."""
    changes = ChangeRepository(session)
    offers = changes.offers(record.id)
    taker = caller.identity
    if record.kind != Kind.OPEN_SHIFT:
        raise WrongState("proposal", f"proposal {record.id} is not an open shift")
    if not any(o.person_id == taker for o in offers):
        raise NotAllowed("proposal", f"open shift {record.id} was not offered to {taker}")
    if record.state != State.OPEN:
        raise WrongState("proposal", f"open shift {record.id} is {record.state}: it is gone")
    live = load_live(session, schedules, record.program_name)
    change = take_change(_slot(record), taker, record.payload.get("holder"))
    found = _checked(live, record, change, caller)
    payload = {**record.payload, **change_json(change)}
    if not changes.move(
        record,
        (State.OPEN,),
        state=State.FILLED,
        colleague=taker,
        decided_at=now,
        decided_by=taker,
        payload=json.dumps(payload, sort_keys=True),
    ):
        raise WrongState("proposal", f"open shift {record.id} has just been taken by someone else")
    taken = replace(record, colleague=taker)
    version = add_version(
        session, live, found.after, decision_audit(taken, caller, "", now, change), status="open shift taken"
    )
    _finish(changes, record.id, caller, now, version.id)
    others = [o.person_id for o in offers if o.person_id != taker and o.state == "offered"]
    return Applied(live.program, live.roster, found.after, change, version), others


def why_not_taken(live: Live, record: ProposalRecord, caller: Principal) -> str | None:
    """Why the caller could not take the open shift on `live` now (it no longer fits the
    roster: they already hold it, or the roster moved on; or it breaks a hard rule), as `take`
    would refuse it; None when they could."""
    change = take_change(_slot(record), caller.identity, record.payload.get("holder"))
    try:
        _checked(live, record, change, caller)
    except (WrongState, RulesRefuse) as refused:
        return refused.message
    return None


def _slot(record: ProposalRecord) -> Assignment:
    data = record.payload["slot"]
    return Assignment(
        record.payload.get("holder") or "", date.fromisoformat(data["day"]), data["shift_id"], data["post_id"]
    )


def _checked(live: Live, record: ProposalRecord, change: Change, caller: Principal) -> Impact:
    """The change's impact; WrongState when it no longer fits, RulesRefuse (worded for the
    caller: `rules.privacy`) when it breaks a hard rule."""
    try:
        found = impact(live.program, live.roster, change)
    except DoesNotApply as error:
        raise WrongState(
            "proposal", f"open shift {record.id} no longer fits the roster: {error.message}"
        ) from error
    if not found.acceptable:
        hard = as_seen_by(found.hard, caller, live.program)
        text = "; ".join(v.worded for v in hard)
        raise RulesRefuse("proposal", f"taking open shift {record.id} now would break: {text}", hard)
    return found


def _finish(
    changes: ChangeRepository, proposal_id: int, caller: Principal, now: datetime, version_id: int
) -> None:
    filled = changes.get(proposal_id)
    assert filled is not None
    changes.move(filled, (State.FILLED,), result_version_id=version_id)
    changes.close_offers(proposal_id, caller.identity, now)
    changes.add_event(
        proposal_id, now, caller.identity, caller.role.value, "taken", {"version_id": version_id}
    )
