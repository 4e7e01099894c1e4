"""The page state machine and the delivery policy, as pure functions of a snapshot and `now`.

A page moves sent -> delivered -> seen -> acknowledged -> resolved (each optional but the
first; resolving is possible from any state). While it is open (sent, delivered or seen) it has
a deadline: when the deadline passes with no acknowledgement, or as soon as every recipient of
the current step has declined, `next_action` says where it goes next. Workers apply the answer;
this module never reads the clock or the database.

The delivery half decides what happens to one outbound message: whether it is still worth
sending (`cancel_reason`), and what its state becomes after an attempt (`after_send`) or when
the worker that claimed it vanished (`lease_expired`). That last case is the unknown outcome:

**Unknown-outcome policy.** A send whose outcome is unknown (the receiver may or may not have
it: a webhook that timed out after the request was written, an SMTP connection that dropped
during DATA, or a worker killed between claiming a message and recording its result) is resent
*with the same idempotency key* when the channel's receiver deduplicates on that key (in-app:
a unique key in the inbox; webhooks: gateways must drop a repeated `Idempotency-Key`, see the
README), up to `max_attempts`. When the receiver cannot deduplicate (email: SMTP has no such
key) the message is marked `unknown` and not resent, because a duplicate page is itself a
hazard; the page is not lost, since it stays open and escalates unless someone acknowledges it.
Known failures (refused, 429, 5xx, SMTP 4xx) are retried with backoff; permanent ones (other
4xx, SMTP 5xx) are not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from callroom.domain.paging import EscalationPolicy, MessageState, PageState, RecipientState, Target
from callroom.paging.policy import retry_delay_s, sequence_length, step_at

OPEN_STATES = frozenset({PageState.SENT, PageState.DELIVERED, PageState.SEEN})
"""A page is open (it escalates, and may be acknowledged or declined) until someone takes it."""

# The allowed moves: for each state, the states it may be reached from (none: where things
# start). Every conditional update in storage applies these tables, so no caller can write a
# move the engine does not allow, and two racing writers cannot both make one.
_PAGE_FROM: dict[PageState, frozenset[PageState]] = {
    PageState.SENT: frozenset(),
    # Only forward: a second recipient's delivery does not undo a seen.
    PageState.DELIVERED: frozenset({PageState.SENT}),
    PageState.SEEN: frozenset({PageState.SENT, PageState.DELIVERED}),
    PageState.ACKNOWLEDGED: OPEN_STATES,
    PageState.RESOLVED: OPEN_STATES | {PageState.ACKNOWLEDGED},
}
_RECIPIENT_UNANSWERED = frozenset({RecipientState.NOTIFIED, RecipientState.DELIVERED, RecipientState.SEEN})
_RECIPIENT_FROM: dict[RecipientState, frozenset[RecipientState]] = {
    RecipientState.NOTIFIED: frozenset(),
    RecipientState.DELIVERED: frozenset({RecipientState.NOTIFIED}),
    RecipientState.SEEN: frozenset({RecipientState.NOTIFIED, RecipientState.DELIVERED}),
    # An answer is final: an acknowledgement cannot be declined, nor a decline acknowledged.
    RecipientState.ACKNOWLEDGED: _RECIPIENT_UNANSWERED,
    RecipientState.DECLINED: _RECIPIENT_UNANSWERED,
}
_SENDING = frozenset({MessageState.SENDING})
_MESSAGE_FROM: dict[MessageState, frozenset[MessageState]] = {
    MessageState.PENDING: _SENDING,  # created pending; back to pending to be retried
    MessageState.SENDING: frozenset({MessageState.PENDING}),  # claimed by a worker
    MessageState.SENT: _SENDING,
    MessageState.FAILED: _SENDING,
    MessageState.CANCELLED: _SENDING,
    MessageState.UNKNOWN: _SENDING,
}


def page_from(reached: PageState) -> frozenset[PageState]:
    """The states a page may move to `reached` from."""
    return _PAGE_FROM[reached]


def recipient_from(reached: RecipientState) -> frozenset[RecipientState]:
    """The states a recipient may move to `reached` from."""
    return _RECIPIENT_FROM[reached]


def message_from(reached: MessageState) -> frozenset[MessageState]:
    """The states an outbound message may move to `reached` from (see the claim protocol in
    `callroom.storage.outbox_repositories`)."""
    return _MESSAGE_FROM[reached]


class EscalationReason(StrEnum):
    NO_ACK = "no acknowledgement in time"
    DECLINED = "declined by every recipient"


@dataclass(frozen=True)
class PageView:
    """What the state machine needs to know about a page."""

    state: PageState
    target: Target
    policy: EscalationPolicy
    step: int  # 0 is the page's own target, i > 0 the policy's step i
    round: int  # 0 first time through, up to policy.repeat
    deadline: datetime | None
    exhausted: bool  # the fallback has been paged: nothing more to escalate to
    step_declined: bool  # every recipient of the current step declined


@dataclass(frozen=True)
class Wait:
    """Nothing to do before `until` (None: nothing will ever be due again)."""

    until: datetime | None


@dataclass(frozen=True)
class Escalate:
    """Page `target` as step `step` of round `round`; they have `wait_s` to acknowledge."""

    step: int
    round: int
    target: Target
    wait_s: int
    reason: EscalationReason


@dataclass(frozen=True)
class FallBack:
    """Every step and repeat is spent: page the fallback targets and stop escalating."""

    targets: tuple[Target, ...]
    reason: EscalationReason


Action = Wait | Escalate | FallBack


def next_action(page: PageView, now: datetime) -> Action:
    """What is due for `page` at `now`."""
    if page.state not in OPEN_STATES or page.exhausted or page.deadline is None:
        return Wait(None)
    if not page.step_declined and now < page.deadline:
        return Wait(page.deadline)
    reason = EscalationReason.DECLINED if page.step_declined else EscalationReason.NO_ACK
    step, round_ = page.step + 1, page.round
    if step >= sequence_length(page.policy):
        if round_ >= page.policy.repeat:
            return FallBack(page.policy.fallback, reason)
        step, round_ = 0, round_ + 1
    chosen = step_at(page.policy, page.target, step)
    return Escalate(step, round_, chosen.target, chosen.wait_s, reason)


def already_paged(earlier: Iterable[tuple[str, int, int]], round_: int) -> dict[str, int]:
    """Who round `round_` of a page has reached so far, from its recipients as (person, step,
    round), with the first step that reached each.

    A later step of the same round skips them: they have the page, and paging them again (as
    someone's cover, as the post's senior, as the fallback) only repeats it, and hides from the
    sender that the escalation reached nobody new. A new round is different: the policy's
    `repeat` pages everyone again on purpose, so earlier rounds do not count.
    """
    first: dict[str, int] = {}
    for person_id, step, round_no in sorted(earlier, key=lambda reached: reached[1]):
        if round_no == round_:
            first.setdefault(person_id, step)
    return first


class Outcome(StrEnum):
    """What a transport knows after one attempt."""

    SENT = "sent"  # the receiver accepted it
    RETRY = "retry"  # known not accepted, and worth trying again
    FAILED = "failed"  # known not accepted, and never will be
    UNKNOWN = "unknown"  # it may or may not have arrived


@dataclass(frozen=True)
class DeliveryRules:
    max_attempts: int = 5
    retry_base_s: float = 2.0
    retry_cap_s: float = 60.0


@dataclass(frozen=True)
class AfterSend:
    """A message's next state; `retry_in_s` is set when it goes back to pending."""

    state: MessageState
    retry_in_s: float | None
    note: str


def cancel_reason(page: PageState, recipient: RecipientState, conditional: bool) -> str | None:
    """Why a due message should not go out any more, or None to send it.

    Acknowledged and resolved pages stop every message (GoAlert and Grafana users' top complaint
    is paging that continued after an acknowledgement). A message that waited for the page to
    stay unseen goes only if it did.
    """
    if page not in OPEN_STATES:
        return f"page {page.value}"
    if recipient is RecipientState.DECLINED:
        return "recipient declined"
    if recipient is RecipientState.ACKNOWLEDGED:
        return "recipient acknowledged"
    if conditional and recipient is RecipientState.SEEN:
        return "recipient has seen the page"
    return None


def after_send(outcome: Outcome, attempts: int, dedupes: bool, rules: DeliveryRules) -> AfterSend:
    """The message's state after attempt number `attempts` ended in `outcome`."""
    if outcome is Outcome.SENT:
        return AfterSend(MessageState.SENT, None, "accepted")
    if outcome is Outcome.FAILED:
        return AfterSend(MessageState.FAILED, None, "refused for good")
    if outcome is Outcome.UNKNOWN and not dedupes:
        return AfterSend(
            MessageState.UNKNOWN, None, "outcome unknown; not resent (the receiver cannot drop duplicates)"
        )
    if attempts >= rules.max_attempts:
        return AfterSend(MessageState.FAILED, None, f"gave up after {attempts} attempts")
    delay = retry_delay_s(attempts, rules.retry_base_s, rules.retry_cap_s)
    why = "outcome unknown; resent with the same key" if outcome is Outcome.UNKNOWN else "will retry"
    return AfterSend(MessageState.PENDING, delay, f"{why} in {delay:g}s")


def lease_expired(attempts: int, dedupes: bool, rules: DeliveryRules) -> AfterSend:
    """A message still `sending` after its lease: the worker died or hung mid-send, so the
    outcome is unknown and the policy above applies."""
    return after_send(Outcome.UNKNOWN, attempts, dedupes, rules)
