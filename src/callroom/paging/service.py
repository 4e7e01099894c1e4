"""Sending a page and acting on one: the write paths the API and the CLI share.

`send` resolves the target against the live schedule and writes the page, its recipients, their
outbound messages, its first deadline and the audit events in one transaction, which also
delivers the in-app messages due at once (`callroom.paging.delivery`). The actions (seen,
acknowledge, decline, resolve) lock the page row and change it with conditional updates, so
they serialise with the workers' escalations; each leaves an event in the audit trail.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy.orm import Session

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.domain.clock import Clock, utc_now
from callroom.domain.paging import (
    EventKind,
    PageState,
    Priority,
    RecipientState,
    Target,
    TargetKind,
)
from callroom.errors import CallroomError, Conflict, Detail, Invalid, NotAllowed, NotFound
from callroom.paging.delivery import deliver_stored
from callroom.paging.engine import OPEN_STATES
from callroom.paging.escalation import Step, config_of, escalate, new_recipients, route, step_events
from callroom.paging.policy import MAX_BODY, choose_policy, policy_to_json
from callroom.paging.routing import Resolution, RouteRequest, Schedule, UnknownTarget, check_target
from callroom.rosters.live import LiveSchedules
from callroom.storage import Database
from callroom.storage.outbox_repositories import OutboxRepository
from callroom.storage.paging_records import (
    EventRecord,
    MessageRecord,
    NewEvent,
    NewPage,
    PageRecord,
    RecipientRecord,
)
from callroom.storage.paging_repositories import PageRepository, StepRecipients
from callroom.storage.web_repositories import PageListRepository

CALLBACK = re.compile(r"[0-9+()#*x .-]{1,40}")
MAX_PATIENT_REF = 100
MAX_BATCH = 500
"""Pages one batch may send: one transaction holds the database's write lock (SQLite) for
all of them, so a huge batch would hold up every other writer."""


class PageNotFound(NotFound):
    pass


class WrongState(Conflict):
    """The page has moved on (already acknowledged or resolved)."""


@dataclass(frozen=True)
class PageRequest:
    sender: str
    target: str
    body: str
    callback: str
    priority: Priority = Priority.ROUTINE
    patient_ref: str | None = None
    new_patient: bool | None = None  # None: a page to a role or team of a new-patient post is one
    # A notice to a person about their own schedule (a roster change): it reaches them off duty,
    # as an escalation step naming them would, instead of going to whoever covers them, and it
    # is never escalated (no deadline): nobody is waiting on an answer, so it needs no callback.
    notice: bool = False


@dataclass(frozen=True)
class SentPage:
    id: int
    recipients: tuple[str, ...]
    notes: tuple[str, ...]
    roster_version_id: int | None


@dataclass(frozen=True)
class PageDetail:
    page: PageRecord
    recipients: tuple[RecipientRecord, ...]
    events: tuple[EventRecord, ...]
    messages: tuple[MessageRecord, ...]

    @property
    def progress(self) -> PageProgress:
        """How far the page has got, counted from the recipients already read."""
        states = Counter(r.state for r in self.recipients)
        return PageProgress(self.page, len(self.recipients), states)


@dataclass(frozen=True)
class PageProgress:
    """How far a page has got, from counts alone (a page to a group of thousands is followed
    live without reading its thousands of rows)."""

    page: PageRecord
    recipients: int
    states: Mapping[RecipientState, int]

    @property
    def delivered(self) -> int:
        """Recipients the page reached: every state but `notified` comes after delivery."""
        return self.recipients - self.states.get(RecipientState.NOTIFIED, 0)

    @property
    def done(self) -> bool:
        """Nothing more to follow: someone has taken the page (or it is resolved). While it is
        open, people keep seeing and declining it, and an escalation reaches more people."""
        return self.page.state not in OPEN_STATES

    @property
    def delivering(self) -> bool:
        """Some of the page's recipients have yet to be reached, and it is still open."""
        return self.delivered < self.recipients and not self.done


def parse_request(request: PageRequest) -> Target:
    """The request's target, once every field is acceptable; Invalid naming the field."""
    checks = [
        ("body", 0 < len(request.body.strip()) <= MAX_BODY, f"1 to {MAX_BODY} characters"),
        (
            "callback",
            # A notice asks for no call back, so it may carry no number.
            (request.notice and not request.callback) or CALLBACK.fullmatch(request.callback) is not None,
            "a phone number or extension: digits and + ( ) # * x . - space, 1 to 40 characters",
        ),
        (
            "patient_ref",
            request.patient_ref is None or 0 < len(request.patient_ref) <= MAX_PATIENT_REF,
            f"1 to {MAX_PATIENT_REF} characters, or left out",
        ),
        ("sender", 0 < len(request.sender) <= 200, "1 to 200 characters"),
    ]
    for field, ok, rule in checks:
        if not ok:
            raise Invalid(field, f"{field} must be {rule}")
    try:
        return Target.parse(request.target)
    except ValueError as error:
        raise Invalid("target", str(error)) from error


def _new_patient(schedule: Schedule | None, target: Target, given: bool | None) -> bool:
    if given is not None:
        return given
    if schedule is None or target.kind not in (TargetKind.ROLE, TargetKind.TEAM):
        return False
    return schedule.program.post[target.id].new_patients


class PagingService:
    def __init__(self, database: Database, schedules: LiveSchedules, clock: Clock = utc_now) -> None:
        self._database = database
        self._schedules = schedules
        self._clock = clock

    def send(self, request: PageRequest) -> SentPage:
        """Resolve and store a page; Invalid (field "target") for a target naming nothing."""
        (sent,) = self.send_each([request])
        if isinstance(sent, CallroomError):
            raise sent
        return sent

    def send_each(self, requests: Sequence[PageRequest]) -> list[SentPage | CallroomError]:
        """Resolve and store each page, all in one transaction against one reading of the live
        roster (the notices of a published roster, one per person moved); each answer is its
        page or the reason it was refused, and a refused one stores nothing of its own."""
        with self._database.session() as session:
            schedule, now, targets = self._targets(session, requests)
            chosen = [(r, t) for r, t in zip(requests, targets, strict=True) if isinstance(t, Target)]
            stored = iter(_store(session, schedule, chosen, now))
            return [next(stored) if isinstance(t, Target) else t for t in targets]

    def send_batch(self, requests: Sequence[PageRequest]) -> list[SentPage]:
        """Store every page or none, in one transaction against one reading of the live roster:
        Invalid naming each bad request's index and field (`pages.3.target`) if any is."""
        if not 0 < len(requests) <= MAX_BATCH:
            raise Invalid("pages", f"a batch holds 1 to {MAX_BATCH} pages")
        with self._database.session() as session:
            schedule, now, targets = self._targets(session, requests)
            problems = [
                Detail(f"pages.{index}.{t.field}", t.message)
                for index, t in enumerate(targets)
                if isinstance(t, CallroomError)
            ]
            if problems:
                raise Invalid.of(problems)
            return _store(
                session, schedule, list(zip(requests, cast(list[Target], targets), strict=True)), now
            )

    def _targets(
        self, session: Session, requests: Sequence[PageRequest]
    ) -> tuple[Schedule | None, datetime, list[Target | CallroomError]]:
        """The live roster now, and each request's target or the reason it is refused."""
        now = self._clock()
        schedule = self._schedules.current(session, now)
        return schedule, now, [_target_or_refusal(schedule, request) for request in requests]

    def detail(self, caller: Principal, page_id: int) -> PageDetail:
        """The page with its recipients, timeline and messages, for its sender, its recipients,
        operators and admins."""
        with self._database.reading() as session:
            pages = PageRepository(session)
            page = pages.page(page_id)
            if page is None:
                raise PageNotFound("page", f"no page {page_id}")
            recipients = tuple(pages.recipients(page_id))
            me = caller.identity
            involved = me == page.sender or any(r.person_id == me for r in recipients)
            if not (_anyone(caller) or involved):
                raise NotAllowed("page", f"{me} neither sent nor received page {page_id}")
            messages = tuple(OutboxRepository(session).messages(page_id))
            return PageDetail(page, recipients, tuple(pages.events(page_id)), messages)

    def progress(self, caller: Principal, page_id: int) -> PageProgress:
        """The page and how many of its recipients are in each state, for whoever may read its
        detail (its sender, its recipients, operators and admins)."""
        with self._database.reading() as session:
            pages = PageRepository(session)
            page = pages.page(page_id)
            if page is None:
                raise PageNotFound("page", f"no page {page_id}")
            me = caller.identity
            if not (_anyone(caller) or me == page.sender or pages.has_recipient(page_id, me)):
                raise NotAllowed("page", f"{me} neither sent nor received page {page_id}")
            states = pages.recipient_counts(page_id)
            return PageProgress(page, sum(states.values()), states)

    def recent(self, caller: Principal, limit: int) -> tuple[list[PageRecord], list[PageRecord]]:
        """The newest pages that reached the caller's inbox, and those they sent, newest first."""
        with self._database.reading() as session:
            pages = PageListRepository(session)
            return pages.received(caller.inbox, limit), pages.sent(caller.identity, limit)

    def seen(self, caller: Principal, page_id: int) -> PageRecord:
        """The caller has seen the page: their later, conditional messages will not be sent."""
        with self._database.session() as session:
            pages = PageRepository(session)
            _, mine = _mine(pages, page_id, caller)
            if pages.move_recipients([r.id for r in mine], RecipientState.SEEN):
                pages.advance_page(page_id, PageState.SEEN)
                pages.add_events(page_id, self._clock(), [_event(EventKind.SEEN, caller)])
            return _reload(pages, page_id)

    def acknowledge(self, caller: Principal, page_id: int) -> PageRecord:
        """Take the page: escalation and every pending message to anyone stop."""
        with self._database.session() as session:
            pages = PageRepository(session)
            page, mine = _mine(pages, page_id, caller)
            _require_open(page, "acknowledge")
            pages.move_recipients([r.id for r in mine], RecipientState.ACKNOWLEDGED)
            pages.update_page(page_id, page.version, state=PageState.ACKNOWLEDGED, deadline=None)
            pages.add_events(page_id, self._clock(), [_event(EventKind.ACKNOWLEDGED, caller)])
            return _reload(pages, page_id)

    def decline(self, caller: Principal, page_id: int, reason: str) -> PageRecord:
        """Refuse the page with a reason. When every recipient of the current step has
        declined, it escalates at once, in this same transaction."""
        if not 0 < len(reason.strip()) <= MAX_BODY:
            raise Invalid("reason", f"a decline needs a reason of 1 to {MAX_BODY} characters")
        with self._database.session() as session:
            pages = PageRepository(session)
            page, mine = _mine(pages, page_id, caller, recipients_only=True)
            _require_open(page, "decline")
            current = [r.id for r in mine if (r.step, r.round) == (page.step, page.round)]
            ids = current or [r.id for r in mine]
            pages.move_recipients(ids, RecipientState.DECLINED, decline_reason=reason.strip())
            now = self._clock()
            pages.add_events(
                page_id,
                now,
                [NewEvent(EventKind.DECLINED, caller.identity, caller.identity, {"reason": reason.strip()})],
            )
            escalate(session, self._schedules, page_id, now, caller.identity)
            return _reload(pages, page_id)

    def resolve(self, caller: Principal, page_id: int) -> PageRecord:
        """Close the page: a recipient, its sender, or an operator may."""
        with self._database.session() as session:
            pages = PageRepository(session)
            page = _locked(pages, page_id)
            me = caller.identity
            mine = [r for r in pages.recipients(page_id) if r.person_id == me]
            if not (mine or _anyone(caller) or me == page.sender):
                raise NotAllowed("page", f"{me} neither sent nor received page {page_id}")
            if page.state == PageState.RESOLVED:
                raise WrongState("page", f"page {page_id} is already resolved")
            pages.update_page(page_id, page.version, state=PageState.RESOLVED, deadline=None)
            pages.add_events(page_id, self._clock(), [_event(EventKind.RESOLVED, caller)])
            return _reload(pages, page_id)


def _new_page(
    schedule: Schedule | None, request: PageRequest, target: Target, now: datetime
) -> tuple[NewPage, Resolution]:
    """The page to store, with its policy copied in, and where its target resolved to."""
    new_patient = _new_patient(schedule, target, request.new_patient)
    policy = choose_policy(config_of(schedule), target, _held_post(schedule, target, now))
    routed = route(
        schedule,
        RouteRequest(target, request.priority, new_patient, escalation=request.notice),
        now,
        policy.fallback,
    )
    page = NewPage(
        now,
        request.sender,
        request.priority,
        str(target),
        request.body.strip(),
        request.callback,
        request.patient_ref,
        new_patient,
        schedule.roster_version_id if schedule else None,
        policy_to_json(policy),
        routed.notes,
        # A notice tells; it asks nothing of anyone, so it never escalates to the switchboard.
        None if request.notice else now + timedelta(seconds=policy.wait_s),
        request.notice,
    )
    return page, routed


def _target(schedule: Schedule | None, request: PageRequest) -> Target:
    """The request's target, once the request is acceptable and the target names something."""
    target = parse_request(request)
    if schedule is not None:
        _check(schedule, target)
    return target


def _target_or_refusal(schedule: Schedule | None, request: PageRequest) -> Target | CallroomError:
    try:
        return _target(schedule, request)
    except CallroomError as error:
        return error


def _check(schedule: Schedule, target: Target) -> None:
    try:
        check_target(schedule.program, target)
    except UnknownTarget as error:
        raise Invalid("target", str(error)) from error


def _held_post(schedule: Schedule | None, target: Target, now: datetime) -> str | None:
    if schedule is None or target.kind is not TargetKind.PERSON:
        return None
    work = schedule.duty(target.id, now)
    return work.post.id if work is not None else None


def _store(
    session: Session, schedule: Schedule | None, requests: Sequence[tuple[PageRequest, Target]], now: datetime
) -> list[SentPage]:
    """Store acceptable requests: their pages, recipients, messages and events, one multi-row
    statement for each kind, however many pages. A page an in-app message reaches as it is
    stored is stored delivered (its "sent" and "delivery" events both recorded)."""
    config = config_of(schedule)
    built = []
    for request, target in requests:
        page, routed = _new_page(schedule, request, target, now)
        recipients = new_recipients(routed, config, Priority(page.priority), now)
        if any(r.reached_at_once for r in recipients):
            page = replace(page, state=PageState.DELIVERED)
        built.append((page, routed, recipients))
    if not built:
        return []
    pages = PageRepository(session)
    ids = pages.add_pages([page for page, _, _ in built])
    steps, events = [], []
    for page_id, (page, routed, recipients) in zip(ids, built, strict=True):
        steps.append(StepRecipients(page_id, 0, 0, recipients))
        detail = {
            "target": page.target,
            "priority": page.priority,
            "roster_version": page.roster_version_id,
            "new_patient": page.new_patient,
            "policy": page.policy,
        }
        events.append((page_id, NewEvent(EventKind.SENT, page.sender, None, detail)))
        at = Step(page_id, Priority(page.priority), 0, 0)
        events += [(page_id, e) for e in step_events(at, routed, recipients, page.sender)]
    stored = pages.add_steps(steps, now)
    by_id = {page_id: page for page_id, (page, _, _) in zip(ids, built, strict=True)}
    events += deliver_stored(session, by_id, steps, stored, now)
    pages.add_events_to(events, now)
    return [
        SentPage(page_id, tuple(r.person_id for r in routed.recipients), routed.notes, page.roster_version_id)
        for page_id, (page, routed, _) in zip(ids, built, strict=True)
    ]


def _locked(pages: PageRepository, page_id: int) -> PageRecord:
    page = pages.page(page_id, lock=True)
    if page is None:
        raise PageNotFound("page", f"no page {page_id}")
    return page


def _reload(pages: PageRepository, page_id: int) -> PageRecord:
    page = pages.page(page_id)
    assert page is not None
    return page


def _mine(
    pages: PageRepository, page_id: int, caller: Principal, *, recipients_only: bool = False
) -> tuple[PageRecord, list[RecipientRecord]]:
    """The locked page and the caller's recipient rows; NotAllowed if they may not act on it."""
    page = _locked(pages, page_id)
    mine = [r for r in pages.recipients(page_id) if r.person_id == caller.identity]
    if not mine and (recipients_only or not _anyone(caller)):
        raise NotAllowed("page", f"{caller.identity} is not a recipient of page {page_id}")
    return page, mine


def _event(kind: EventKind, caller: Principal) -> NewEvent:
    """An event the caller did to their own part of the page."""
    return NewEvent(kind, caller.identity, caller.identity)


def _anyone(caller: Principal) -> bool:
    """Operators and admins act on every page (the switchboard's queue)."""
    return caller.can(Permission.PAGE_ANY)


def _require_open(page: PageRecord, action: str) -> None:
    if page.state not in OPEN_STATES:
        raise WrongState("page", f"cannot {action} page {page.id}: it is already {page.state}")
