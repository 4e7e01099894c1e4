"""Open shifts: publish a hole to the people the rules let take it; the first to accept wins."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from callroom.changes.offers import candidates, take_change
from callroom.changes.types import Actor, ChangeError, NotAllowed, RulesRefuse, State, WrongState, change_json
from callroom.changes.workflow import Applied, Context, load_context
from callroom.domain.roster import Assignment
from callroom.rules.change import ChangeError as EditError
from callroom.rules.change import impact
from callroom.rules.penalties import score
from callroom.storage import RosterRepository, RosterSource
from callroom.storage.changes_repositories import ChangeRepository, ProposalRecord


def offer_slot(context: Context, day: date, shift_id: str, post_id: str, holder: str | None
               ) -> tuple[str, dict[str, Any]]:
    """The slot in words and the proposal payload (slot, holder, who is offered it)."""
    program = context.program
    if post_id not in program.post:
        raise ChangeError("post", f"post: no post {post_id!r}")
    if shift_id not in program.post[post_id].shift_ids:
        raise ChangeError("shift", f"shift: {post_id} has no shift {shift_id!r}")
    if day not in program.block:
        block = program.block
        raise ChangeError("day", f"day: {day} is outside the block {block.start}..{block.end}")
    slot = Assignment(holder or "", day, shift_id, post_id)
    if holder is not None and context.roster.on(holder, day) != slot:
        raise ChangeError("holder", f"holder: {holder} does not work {shift_id} on {post_id} on {day}")
    offered = candidates(program, context.roster, slot, holder)
    words = f"{program.shift[shift_id].name} on {program.post[post_id].name}, {day:%a %d %b}"
    return words, {"slot": {"day": day.isoformat(), "shift_id": shift_id, "post_id": post_id},
                   "holder": holder, "offered": offered, "removed": [], "added": []}


def take(session: Session, record: ProposalRecord, actor: Actor, now: datetime) -> tuple[Applied, list[str]]:
    """Give the open shift to the actor if it is still open and the rules still allow it."""
    changes = ChangeRepository(session)
    offers = changes.offers(record.id)
    if record.kind != "open_shift":
        raise WrongState("proposal", f"proposal {record.id} is not an open shift")
    if not any(o.person_id == actor.user for o in offers):
        raise NotAllowed("proposal", f"open shift {record.id} was not offered to {actor.user}")
    if record.state != State.OPEN:
        raise WrongState("proposal", f"open shift {record.id} is {record.state}: it is gone")
    context = load_context(session, record.program_name)
    slot_data, holder = record.payload["slot"], record.payload.get("holder")
    slot = Assignment(holder or "", date.fromisoformat(slot_data["day"]), slot_data["shift_id"],
                      slot_data["post_id"])
    change = take_change(slot, actor.user, holder)
    try:
        found = impact(context.program, context.roster, change)
    except EditError as error:
        raise WrongState("proposal",
                         f"open shift {record.id} no longer fits the roster: {error.message}") from error
    if not found.acceptable:
        text = "; ".join(f"{v.rule.code} ({v.rule.title}): {v.message}" for v in found.hard)
        raise RulesRefuse("proposal", f"taking open shift {record.id} now would break: {text}", found.hard)
    payload = {**record.payload, **change_json(change)}
    if not changes.move(record, (State.OPEN,), state=State.FILLED, colleague=actor.user, decided_at=now,
                        decided_by=actor.user, payload=_json(payload)):
        raise WrongState("proposal", f"open shift {record.id} has just been taken by someone else")
    version = RosterRepository(session).add_version(
        context.version.program_version_id, found.after, source=RosterSource.EDIT, status="open shift taken",
        objective=None, bound=None, report=_report(context, found.after, record, actor, now, payload),
        parent_id=context.version.id)
    _finish(session, changes, record, actor, now, version.id)
    others = [o.person_id for o in offers if o.person_id != actor.user and o.state == "offered"]
    return Applied(context.program, context.roster, found.after, change, version), others


def _finish(session: Session, changes: ChangeRepository, record: ProposalRecord, actor: Actor, now: datetime,
            version_id: int) -> None:
    from sqlalchemy import update

    from callroom.storage.changes_tables import ChangeProposalRow
    session.execute(update(ChangeProposalRow).where(ChangeProposalRow.id == record.id)
                    .values(result_version_id=version_id))
    changes.close_offers(record.id, actor.user, now)
    changes.add_event(record.id, now, actor.user, actor.role, "taken", {"version_id": version_id})


def _report(context: Context, after: Any, record: ProposalRecord, actor: Actor, now: datetime,
            payload: dict[str, Any]) -> dict[str, Any]:
    report = score(context.program, after).to_dict()
    report["change"] = {"proposal_id": record.id, "kind": record.kind, "requested_by": record.requester,
                        "taken_by": actor.user, "taken_at": now.isoformat(),
                        "removed": payload["removed"], "added": payload["added"]}
    return report


def _json(payload: dict[str, Any]) -> str:
    import json
    return json.dumps(payload, sort_keys=True)
