"""Pure paging policy: priorities, which escalation policy a page gets, the escalation sequence,
how a policy is copied onto a page, and which messages a recipient's contact rules ask for.

Nothing here reads the clock, the environment or a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callroom.domain.paging import (
    Channel,
    EscalationPolicy,
    EscalationStep,
    PagingConfig,
    Priority,
    Target,
    TargetKind,
)

OPERATOR_QUEUE = "operators"
"""The recipient id of the switchboard's queue; it is no person in the program."""

MAX_BODY = 500
"""Characters in a page's body: a pager screen or an SMS, not a letter."""


def choose_policy(config: PagingConfig, target: Target, held_post: str | None) -> EscalationPolicy:
    """A role or team page follows its post's policy, a group page its group's, and a person
    page the policy of the post they hold now (`held_post`); otherwise the default policy."""
    if target.kind in (TargetKind.ROLE, TargetKind.TEAM, TargetKind.GROUP):
        return config.policy_for(target.id)
    return config.policy_for(held_post)


def sequence_length(policy: EscalationPolicy) -> int:
    """Steps in one round: the page's own target, then the policy's steps."""
    return 1 + len(policy.steps)


def step_at(policy: EscalationPolicy, page_target: Target, step: int) -> EscalationStep:
    """Step 0 is the page's own target with the policy's first wait; then the policy's steps."""
    if step == 0:
        return EscalationStep(page_target, policy.wait_s)
    return policy.steps[step - 1]


def policy_to_json(policy: EscalationPolicy) -> dict[str, Any]:
    """The policy as copied onto a page when it is sent: later edits leave pages in flight alone."""
    return {
        "wait_s": policy.wait_s,
        "steps": [{"target": str(s.target), "wait_s": s.wait_s} for s in policy.steps],
        "repeat": policy.repeat,
        "fallback": [str(t) for t in policy.fallback],
    }


def policy_from_json(data: dict[str, Any]) -> EscalationPolicy:
    steps = tuple(EscalationStep(Target.parse(s["target"]), int(s["wait_s"])) for s in data["steps"])
    fallback = tuple(Target.parse(t) for t in data["fallback"])
    return EscalationPolicy(int(data["wait_s"]), steps, int(data["repeat"]), fallback)


@dataclass(frozen=True)
class PlannedMessage:
    """One outbound message a recipient's contact rules ask for, `after_s` after they are paged.

    A message with `after_s` > 0 is conditional: it is sent only if the recipient has still not
    seen the page by then (and the page is still open).
    """

    channel: Channel
    address: str
    after_s: int


def contact_plan(config: PagingConfig, person_id: str, priority: Priority) -> tuple[PlannedMessage, ...]:
    """The messages to send a recipient. Rules whose channel has no address for the person are
    skipped (the in-app inbox always has one). The operators' queue is in-app only. A STAT page
    goes out on every channel at once: a code cannot wait for a rule's delay."""
    if person_id == OPERATOR_QUEUE:
        return (PlannedMessage(Channel.INAPP, OPERATOR_QUEUE, 0),)
    contact = config.contact(person_id)
    addresses = {Channel.INAPP: person_id, Channel.EMAIL: contact.email, Channel.WEBHOOK: contact.phone}
    planned: dict[Channel, PlannedMessage] = {}
    for rule in config.rules_for(person_id):
        address = addresses[rule.channel]
        if address is not None and rule.channel not in planned:
            after = 0 if priority is Priority.STAT else rule.after_s
            planned[rule.channel] = PlannedMessage(rule.channel, address, after)
    planned.setdefault(Channel.INAPP, PlannedMessage(Channel.INAPP, person_id, 0))
    return tuple(sorted(planned.values(), key=lambda m: (m.after_s, m.channel.value)))


def retry_delay_s(attempt: int, base_s: float, cap_s: float) -> float:
    """Exponential backoff after failed attempt number `attempt` (1, 2, ...): base, 2x, 4x, ..."""
    return float(min(cap_s, base_s * 2 ** max(attempt - 1, 0)))
