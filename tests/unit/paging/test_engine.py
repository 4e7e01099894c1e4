"""The page state machine and the delivery policy, table by table, with frozen instants."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import pytest

from callroom.domain.paging import (
    OPERATORS,
    EscalationPolicy,
    EscalationStep,
    MessageState,
    PageState,
    RecipientState,
    Target,
)
from callroom.paging.engine import (
    AfterSend,
    DeliveryRules,
    Escalate,
    EscalationReason,
    FallBack,
    Outcome,
    PageView,
    Wait,
    after_send,
    already_paged,
    cancel_reason,
    lease_expired,
    message_from,
    next_action,
    page_from,
    recipient_from,
)

T0 = datetime(2027, 3, 9, 7, 10, tzinfo=UTC)  # 02:10 in New York
WARD = Target.parse("post:gs-night")
SENIOR = Target.parse("post:gs-night/senior")
ATTENDING = Target.parse("post:gs-home")
POLICY = EscalationPolicy(
    300, (EscalationStep(SENIOR, 300), EscalationStep(ATTENDING, 600)), repeat=1, fallback=(OPERATORS,)
)
PAGE = PageView(
    PageState.DELIVERED, WARD, POLICY, step=0, round=0, deadline=T0, exhausted=False, step_declined=False
)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("page", "now", "expected"),
    [
        pytest.param(PAGE, at(-1), Wait(T0), id="before the deadline it waits for it"),
        pytest.param(
            PAGE,
            T0,
            Escalate(1, 0, SENIOR, 300, EscalationReason.NO_ACK),
            id="at the deadline the senior on call is paged",
        ),
        pytest.param(
            replace(PAGE, step=1),
            at(5),
            Escalate(2, 0, ATTENDING, 600, EscalationReason.NO_ACK),
            id="after the senior, the attending",
        ),
        pytest.param(
            replace(PAGE, step=2),
            at(5),
            Escalate(0, 1, WARD, 300, EscalationReason.NO_ACK),
            id="after the last step the sequence repeats from the page's own target",
        ),
        pytest.param(
            replace(PAGE, step=2, round=1),
            at(5),
            FallBack((OPERATORS,), EscalationReason.NO_ACK),
            id="when the repeats are spent it falls back to the operators",
        ),
        pytest.param(
            replace(PAGE, step_declined=True),
            at(-200),
            Escalate(1, 0, SENIOR, 300, EscalationReason.DECLINED),
            id="a decline by every recipient escalates before the deadline",
        ),
        pytest.param(
            replace(PAGE, state=PageState.ACKNOWLEDGED),
            at(999),
            Wait(None),
            id="an acknowledged page never escalates",
        ),
        pytest.param(replace(PAGE, state=PageState.RESOLVED), at(999), Wait(None), id="nor a resolved one"),
        pytest.param(
            replace(PAGE, exhausted=True), at(999), Wait(None), id="nor one whose fallback was paged"
        ),
        pytest.param(replace(PAGE, deadline=None), at(999), Wait(None), id="nor one without a deadline"),
        pytest.param(
            replace(PAGE, state=PageState.SENT),
            T0,
            Escalate(1, 0, SENIOR, 300, EscalationReason.NO_ACK),
            id="an undelivered page escalates like any other",
        ),
        pytest.param(
            replace(PAGE, state=PageState.SEEN),
            T0,
            Escalate(1, 0, SENIOR, 300, EscalationReason.NO_ACK),
            id="seen is not acknowledged: it escalates",
        ),
    ],
)
def test_next_action(page: PageView, now: datetime, expected: object) -> None:
    assert next_action(page, now) == expected


def test_a_policy_without_steps_or_repeats_falls_back_after_its_first_wait() -> None:
    page = replace(PAGE, policy=EscalationPolicy(60))

    assert next_action(page, at(-1)) == Wait(T0)
    assert next_action(page, T0) == FallBack((OPERATORS,), EscalationReason.NO_ACK)


def test_walking_the_policy_to_the_end_pages_each_step_once_per_round() -> None:
    page, seen = PAGE, []
    while not isinstance(action := next_action(page, page.deadline or T0), FallBack):
        assert isinstance(action, Escalate)
        seen.append((action.step, action.round, str(action.target)))
        page = replace(page, step=action.step, round=action.round, deadline=at(len(seen) * 1000))

    assert seen == [
        (1, 0, "post:gs-night/senior"),
        (2, 0, "post:gs-home"),
        (0, 1, "post:gs-night"),
        (1, 1, "post:gs-night/senior"),
        (2, 1, "post:gs-home"),
    ]


def test_a_round_remembers_the_first_step_that_reached_each_person() -> None:
    earlier = [("ada", 0, 0), ("cy", 1, 0), ("ada", 2, 0), ("operators", 0, 0)]

    assert already_paged(earlier, 0) == {"ada": 0, "cy": 1, "operators": 0}


def test_a_repeat_round_pages_everyone_again_on_purpose() -> None:
    earlier = [("ada", 0, 0), ("cy", 1, 0), ("ada", 0, 1)]

    assert already_paged(earlier, 1) == {"ada": 0}
    assert already_paged(earlier, 2) == {}


@pytest.mark.parametrize(
    ("vocabulary", "moves_from"),
    [
        (PageState, page_from),
        (RecipientState, recipient_from),
        (MessageState, message_from),
    ],
)
def test_every_state_has_its_allowed_moves(
    vocabulary: type[StrEnum], moves_from: Callable[[Any], frozenset[Any]]
) -> None:
    for state in vocabulary:
        assert moves_from(state) <= set(vocabulary) - {state}


def test_a_page_only_moves_forward_and_anything_but_a_resolved_page_may_be_resolved() -> None:
    order = list(PageState)

    for state in PageState:
        assert page_from(state) == set(order[: order.index(state)])


@pytest.mark.parametrize(
    ("reached", "expected"),
    [
        (RecipientState.NOTIFIED, set()),
        (RecipientState.DELIVERED, {RecipientState.NOTIFIED}),
        (RecipientState.SEEN, {RecipientState.NOTIFIED, RecipientState.DELIVERED}),
        (
            RecipientState.ACKNOWLEDGED,
            {RecipientState.NOTIFIED, RecipientState.DELIVERED, RecipientState.SEEN},
        ),
        (RecipientState.DECLINED, {RecipientState.NOTIFIED, RecipientState.DELIVERED, RecipientState.SEEN}),
    ],
    ids=[
        "where recipients start",
        "a delivery",
        "seen, delivered or not",
        "an acknowledgement, but not of a decline",
        "a decline, but not of an acknowledgement",
    ],
)
def test_a_recipients_answer_is_final(reached: RecipientState, expected: set[RecipientState]) -> None:
    assert recipient_from(reached) == expected


def test_a_message_is_claimed_from_pending_and_every_outcome_is_recorded_from_sending() -> None:
    assert message_from(MessageState.SENDING) == {MessageState.PENDING}
    for outcome in set(MessageState) - {MessageState.SENDING}:
        assert message_from(outcome) == {MessageState.SENDING}


@pytest.mark.parametrize(
    ("page", "recipient", "conditional", "expected"),
    [
        (PageState.SENT, RecipientState.NOTIFIED, False, None),
        (PageState.DELIVERED, RecipientState.SEEN, False, None),
        (PageState.DELIVERED, RecipientState.DELIVERED, True, None),
        (PageState.SEEN, RecipientState.SEEN, True, "recipient has seen the page"),
        (PageState.ACKNOWLEDGED, RecipientState.DELIVERED, False, "page acknowledged"),
        (PageState.RESOLVED, RecipientState.NOTIFIED, False, "page resolved"),
        (PageState.DELIVERED, RecipientState.DECLINED, False, "recipient declined"),
        (PageState.DELIVERED, RecipientState.ACKNOWLEDGED, False, "recipient acknowledged"),
    ],
    ids=[
        "first message goes",
        "an unconditional message goes though seen",
        "unseen: the email goes",
        "seen: the email waits in vain",
        "acknowledged pages stop everything",
        "so do resolved ones",
        "a decliner is not chased",
        "nor an acknowledger",
    ],
)
def test_cancel_reason(
    page: PageState, recipient: RecipientState, conditional: bool, expected: str | None
) -> None:
    assert cancel_reason(page, recipient, conditional) == expected


RULES = DeliveryRules(max_attempts=3, retry_base_s=2, retry_cap_s=60)


@pytest.mark.parametrize(
    ("outcome", "attempts", "dedupes", "expected"),
    [
        (Outcome.SENT, 1, True, AfterSend(MessageState.SENT, None, "accepted")),
        (Outcome.FAILED, 1, True, AfterSend(MessageState.FAILED, None, "refused for good")),
        (Outcome.RETRY, 1, False, AfterSend(MessageState.PENDING, 2.0, "will retry in 2s")),
        (Outcome.RETRY, 2, False, AfterSend(MessageState.PENDING, 4.0, "will retry in 4s")),
        (Outcome.RETRY, 3, False, AfterSend(MessageState.FAILED, None, "gave up after 3 attempts")),
        (
            Outcome.UNKNOWN,
            1,
            True,
            AfterSend(MessageState.PENDING, 2.0, "outcome unknown; resent with the same key in 2s"),
        ),
        (Outcome.UNKNOWN, 3, True, AfterSend(MessageState.FAILED, None, "gave up after 3 attempts")),
        (
            Outcome.UNKNOWN,
            1,
            False,
            AfterSend(
                MessageState.UNKNOWN,
                None,
                "outcome unknown; not resent (the receiver cannot drop duplicates)",
            ),
        ),
    ],
    ids=[
        "sent",
        "refused for good",
        "retried after 2 s",
        "then after 4 s",
        "until the attempts run out",
        "unknown outcome to a deduplicating receiver is resent",
        "within the same attempt limit",
        "unknown outcome by email is not resent",
    ],
)
def test_after_send_is_the_written_unknown_outcome_policy(
    outcome: Outcome, attempts: int, dedupes: bool, expected: AfterSend
) -> None:
    assert after_send(outcome, attempts, dedupes, RULES) == expected


def test_an_expired_lease_is_an_unknown_outcome() -> None:
    assert lease_expired(1, True, RULES).state is MessageState.PENDING
    assert lease_expired(1, False, RULES).state is MessageState.UNKNOWN


def test_backoff_is_capped() -> None:
    rules = DeliveryRules(max_attempts=20, retry_base_s=2, retry_cap_s=60)

    assert after_send(Outcome.RETRY, 10, True, rules).retry_in_s == 60
