"""Writing a page's recipients, and applying the state machine's answer to a page, inside the
caller's transaction. Sending a page and the worker's escalations both go through here, so a
step's recipients, their outbound messages, the new deadline and the audit events are written
together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from callroom.domain.paging import (
    OPERATORS,
    Channel,
    EventKind,
    PagingConfig,
    Priority,
    RecipientState,
    Target,
)
from callroom.paging.delivery import Deliveries
from callroom.paging.engine import Escalate as EscalateAction
from callroom.paging.engine import FallBack, PageView, Wait, already_paged, next_action
from callroom.paging.policy import contact_plan, policy_from_json, sequence_length
from callroom.paging.routing import OPERATORS as OPERATOR_RECIPIENT
from callroom.paging.routing import Resolution, RouteRequest, Schedule, resolve
from callroom.paging.transports.inapp import INBOX_NOTE
from callroom.rosters.live import LiveSchedules
from callroom.storage.paging_records import NewEvent, NewMessage, NewRecipient, PageRecord, RecipientRecord
from callroom.storage.paging_repositories import PageRepository, StepRecipients


def route(
    schedule: Schedule | None, request: RouteRequest, now: datetime, fallback: tuple[Target, ...] | None
) -> Resolution:
    """`resolve`, or with no roster stored at all, the operators (when a fallback is wanted)."""
    if schedule is not None:
        return resolve(schedule, request, now, fallback)
    if request.target == OPERATORS or fallback is not None:
        note = () if request.target == OPERATORS else ("no roster is stored yet: sent to the operators",)
        return Resolution((OPERATOR_RECIPIENT,), note, fell_back=bool(note))
    return Resolution(())


def config_of(schedule: Schedule | None) -> PagingConfig:
    return schedule.program.paging if schedule is not None else PagingConfig()


@dataclass(frozen=True)
class Step:
    """Where in its escalation a set of recipients is paged."""

    page_id: int
    priority: Priority
    step: int
    round: int


def record_recipients(
    session: Session,
    page: PageRecord,
    at: Step,
    resolution: Resolution,
    config: PagingConfig,
    now: datetime,
    actor: str,
    deliveries: Deliveries,
) -> None:
    """Add the resolved recipients of one step and their messages (per contact rules); the
    in-app messages due at once and the step's events go to `deliveries`."""
    recipients = new_recipients(resolution, config, at.priority, now)
    steps = [StepRecipients(at.page_id, at.step, at.round, recipients)]
    stored = PageRepository(session).add_steps(steps, now)
    deliveries.note(at.page_id, step_events(at, resolution, recipients, actor))
    deliveries.add({page.id: page}, steps, stored)


def new_recipients(
    resolution: Resolution, config: PagingConfig, priority: Priority, now: datetime
) -> tuple[NewRecipient, ...]:
    """The resolved recipients to store, each with its messages (per the contact rules)."""
    return tuple(
        NewRecipient(
            r.person_id,
            r.name,
            r.post_id,
            r.reason,
            tuple(
                NewMessage(
                    m.channel,
                    m.address,
                    m.after_s,
                    now + timedelta(seconds=m.after_s),
                    # Due at once in the inbox: delivered by the transaction storing it.
                    INBOX_NOTE if m.channel is Channel.INAPP and m.after_s == 0 else None,
                )
                for m in contact_plan(config, r.person_id, priority)
            ),
        )
        for r in resolution.recipients
    )


def step_events(
    at: Step, resolution: Resolution, recipients: Iterable[NewRecipient], actor: str
) -> list[NewEvent]:
    """The audit events of one step: how it was routed, and each person notified."""
    events = [NewEvent(EventKind.ROUTED, actor, None, {"note": note}) for note in resolution.notes]
    events += [
        NewEvent(
            EventKind.NOTIFIED,
            actor,
            r.person_id,
            {
                "step": at.step,
                "round": at.round,
                "name": r.name,
                "post": r.post_id,
                "reason": r.reason,
                "channels": [f"{m.channel}{f' after {m.after_s}s' if m.after_s else ''}" for m in r.messages],
            },
        )
        for r in recipients
    ]
    return events


def new_only(resolution: Resolution, paged: Mapping[str, int]) -> Resolution:
    """The resolution without the people in `paged` (person: the step that reached them; see
    `engine.already_paged`), and a note for the sender about each one left out."""
    fresh = tuple(r for r in resolution.recipients if r.person_id not in paged)
    notes = tuple(
        f"{r.name} already has this page (step {paged[r.person_id]}): not paged again"
        for r in resolution.recipients
        if r.person_id in paged
    )
    return Resolution(fresh, resolution.notes + notes, resolution.fell_back)


def _paged_this_round(recipients: Iterable[RecipientRecord], round_: int) -> dict[str, int]:
    return already_paged(((r.person_id, r.step, r.round) for r in recipients), round_)


def page_view(page: PageRecord, recipients: list[RecipientRecord]) -> PageView:
    current = [r for r in recipients if (r.step, r.round) == (page.step, page.round)]
    declined = bool(current) and all(r.state is RecipientState.DECLINED for r in current)
    return PageView(
        page.state,
        Target.parse(page.target),
        policy_from_json(page.policy),
        page.step,
        page.round,
        page.deadline,
        page.exhausted,
        declined,
    )


def escalate(
    session: Session,
    schedules: LiveSchedules,
    page_id: int,
    now: datetime,
    actor: str,
    deliveries: Deliveries | None = None,
) -> bool:
    """Apply what is due for the page at `now`; True if anything changed. The page row is
    locked for the rest of the transaction, so one writer at a time escalates it. The new step's
    in-app messages due at once and its audit events are written before it returns, or gathered
    in `deliveries` for the caller to write with other pages'."""
    if deliveries is not None:
        return _escalate_page(session, schedules, page_id, now, actor, deliveries)
    at_once = Deliveries()
    changed = _escalate_page(session, schedules, page_id, now, actor, at_once)
    at_once.deliver(session, now)
    return changed


def _escalate_page(
    session: Session,
    schedules: LiveSchedules,
    page_id: int,
    now: datetime,
    actor: str,
    deliveries: Deliveries,
) -> bool:
    pages = PageRepository(session)
    page = pages.page(page_id, lock=True)
    if page is None:
        return False
    recipients = pages.recipients(page_id)
    action = next_action(page_view(page, recipients), now)
    if isinstance(action, Wait):
        return False
    schedule = schedules.current(session, now)
    if isinstance(action, FallBack):
        paged = _paged_this_round(recipients, page.round)
        return _fall_back(session, schedule, page, action, paged, now, actor, deliveries)
    paged = _paged_this_round(recipients, action.round)
    return _escalate(session, schedule, page, action, paged, now, actor, deliveries)


def _lateness(page: PageRecord, now: datetime) -> dict[str, object]:
    deadline = page.deadline or now
    return {"deadline": deadline.isoformat(), "late_ms": round((now - deadline).total_seconds() * 1000, 1)}


def _escalate(
    session: Session,
    schedule: Schedule | None,
    page: PageRecord,
    action: EscalateAction,
    paged: Mapping[str, int],
    now: datetime,
    actor: str,
    deliveries: Deliveries,
) -> bool:
    """Page the step's target, less the people this round has paged already (`paged`)."""
    priority = page.priority
    request = RouteRequest(action.target, priority, page.new_patient, escalation=True)
    routed = route(schedule, request, now, None)
    resolution = new_only(routed, paged)
    detail = {
        "from_step": page.step,
        "step": action.step,
        "round": action.round,
        "target": str(action.target),
        "reason": action.reason.value,
        **_lateness(page, now),
    }
    deliveries.note(page.id, [NewEvent(EventKind.ESCALATED, actor, None, detail)])
    record_recipients(
        session,
        page,
        Step(page.id, priority, action.step, action.round),
        resolution,
        config_of(schedule),
        now,
        actor,
        deliveries,
    )
    if resolution.recipients:
        deadline = now + timedelta(seconds=action.wait_s)
    else:
        # GoAlert #4548: a step with nobody (new) on it should not wait out its delay. Due at once.
        why = "reaches only people already paged" if routed.recipients else "reaches nobody now"
        skipped = {"step": action.step, "target": str(action.target), "why": why}
        deliveries.note(page.id, [NewEvent(EventKind.SKIPPED, actor, None, skipped)])
        deadline = now
    return PageRepository(session).update_page(
        page.id, page.version, step=action.step, round_no=action.round, deadline=deadline
    )


def _fall_back(
    session: Session,
    schedule: Schedule | None,
    page: PageRecord,
    action: FallBack,
    paged: Mapping[str, int],
    now: datetime,
    actor: str,
    deliveries: Deliveries,
) -> bool:
    """Page the fallback (the operators if it reaches nobody), less the people this round has
    paged already: when that leaves nobody, the page stays with whoever has it."""
    priority = page.priority
    policy = policy_from_json(page.policy)
    found: list[Resolution] = [
        route(schedule, RouteRequest(t, priority, page.new_patient, escalation=True), now, None)
        for t in action.targets
    ]
    recipients = tuple({r.person_id: r for res in found for r in res.recipients}.values())
    resolution = new_only(Resolution(recipients or (OPERATOR_RECIPIENT,)), paged)
    step = sequence_length(policy)
    detail = {
        "targets": [str(t) for t in action.targets],
        "reason": action.reason.value,
        **_lateness(page, now),
    }
    deliveries.note(page.id, [NewEvent(EventKind.FALLBACK, actor, None, detail)])
    at = Step(page.id, priority, step, page.round)
    record_recipients(session, page, at, resolution, config_of(schedule), now, actor, deliveries)
    return PageRepository(session).update_page(
        page.id, page.version, step=step, exhausted=True, deadline=None
    )
