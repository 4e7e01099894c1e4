"""Paging configuration: targets, escalation policies, named groups, cover and contact rules; and
paging's vocabulary: the states of pages, recipients and messages, channels, priorities and the
audit trail's event kinds (the one home of each: the database's CHECK constraints are built from
them, and a test holds the migrated schema to them).

These are the program's paging facts, as plain values. What to do with them (resolving a target
against the live schedule, the escalation state machine and which state may follow which) lives
in `callroom.paging`.

A target is written `person:ID`, `post:ID[/GRADES]` (a role: one holder of the post now),
`team:ID[/GRADES]` (everyone holding the post now), `group:ID` (a named group such as the code
team) or `operators` (the switchboard's queue, which always has someone). GRADES is a word
(intern, junior, senior, chief, attending, residents) or any grade range ("PGY-3+").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from callroom.domain.grades import Grade, GradeRange


class TargetKind(StrEnum):
    PERSON = "person"
    ROLE = "post"
    TEAM = "team"
    GROUP = "group"
    OPERATORS = "operators"


class Channel(StrEnum):
    """How a page reaches a person: the in-app inbox, email, or a webhook (an SMS/voice gateway)."""

    INAPP = "inapp"
    EMAIL = "email"
    WEBHOOK = "webhook"


class Priority(StrEnum):
    """Routine and urgent pages respect off-duty cover and the ACGME transition; STAT (a code)
    ignores both, and sends on every contact channel at once."""

    ROUTINE = "routine"
    URGENT = "urgent"
    STAT = "stat"


class PageState(StrEnum):
    """Where a page stands, in the order it moves (see `callroom.paging.engine`)."""

    SENT = "sent"
    DELIVERED = "delivered"
    SEEN = "seen"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class RecipientState(StrEnum):
    """Where one recipient of a page stands; acknowledged and declined are final."""

    NOTIFIED = "notified"
    DELIVERED = "delivered"
    SEEN = "seen"
    ACKNOWLEDGED = "acknowledged"
    DECLINED = "declined"


class MessageState(StrEnum):
    """One outbound message: waiting, claimed by a worker, or done one way or another."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # it may or may not have arrived, and is not resent (see the engine)


class EventKind(StrEnum):
    """The audit trail's vocabulary: one event per change to a page."""

    SENT = "sent"
    ROUTED = "routed"  # what the sender was told: re-routed, fallback, someone not paged again
    NOTIFIED = "notified"  # a recipient was added, with the reason
    DELIVERY = "delivery"  # one delivery attempt and its outcome
    CANCELLED = "cancelled"  # a message no longer worth sending
    LEASE_EXPIRED = "lease_expired"  # a send with an unknown outcome
    SEEN = "seen"
    ACKNOWLEDGED = "acknowledged"
    DECLINED = "declined"
    ESCALATED = "escalated"
    SKIPPED = "skipped"  # an escalation step that reached nobody (new)
    FALLBACK = "fallback"
    RESOLVED = "resolved"


# Senior means a senior *resident*: a page to "post:pit/senior" must not wake the attending
# first. Write "PGY-3+" to include attendings.
GRADE_WORDS: Mapping[str, GradeRange] = {
    "intern": GradeRange(Grade.PGY1, Grade.PGY1),
    "junior": GradeRange(Grade.PGY1, Grade.PGY2),
    "senior": GradeRange(Grade.PGY3, Grade.PGY5),
    "chief": GradeRange(Grade.PGY5, Grade.PGY5),
    "attending": GradeRange(Grade.ATTENDING, Grade.ATTENDING),
    "residents": GradeRange(Grade.PGY1, Grade.PGY5),
}

_ID = r"[a-z0-9][a-z0-9_-]{0,39}"
_TARGET = re.compile(rf"(?P<kind>[a-z]+):(?P<id>{_ID})(?:/(?P<grades>.+))?")
TARGET_SYNTAX = "person:ID, post:ID[/GRADES], team:ID[/GRADES], group:ID or operators"


@dataclass(frozen=True)
class Target:
    """Whom a page or an escalation step is for; `grades` only narrows roles and teams."""

    kind: TargetKind
    id: str = ""
    grades: GradeRange | None = None

    def __str__(self) -> str:
        if self.kind is TargetKind.OPERATORS:
            return "operators"
        text = f"{self.kind.value}:{self.id}"
        return text if self.grades is None else f"{text}/{grade_text(self.grades)}"

    @classmethod
    def parse(cls, text: str) -> Target:
        """Read a target; ValueError with the accepted syntax otherwise."""
        cleaned = text.strip()
        if cleaned == "operators":
            return OPERATORS
        match = _TARGET.fullmatch(cleaned)
        if match is None or match["kind"] not in _KINDS:
            raise ValueError(f"unknown target {text!r}: write {TARGET_SYNTAX}")
        kind = TargetKind(match["kind"])
        grades = match["grades"]
        if grades is not None and kind not in (TargetKind.ROLE, TargetKind.TEAM):
            raise ValueError(f"target {text!r}: only post: and team: targets take /GRADES")
        return cls(kind, match["id"], None if grades is None else parse_grades(grades))


_KINDS = {kind.value for kind in TargetKind if kind is not TargetKind.OPERATORS}
OPERATORS = Target(TargetKind.OPERATORS)


def parse_grades(text: str) -> GradeRange:
    """A grade word (intern, junior, senior, chief, attending, residents) or a grade range."""
    word = text.strip().lower()
    return GRADE_WORDS[word] if word in GRADE_WORDS else GradeRange.parse(text)


def grade_text(grades: GradeRange) -> str:
    """The shortest way to write `grades` in a target: a grade word where one fits."""
    if grades == GradeRange():
        return "any"
    word = next((w for w, g in GRADE_WORDS.items() if g == grades), None)
    return word or grades.label


@dataclass(frozen=True)
class EscalationStep:
    """Who to page next, and how long they have to acknowledge before the step after."""

    target: Target
    wait_s: int


@dataclass(frozen=True)
class EscalationPolicy:
    """What happens when a page is not acknowledged.

    The page's own recipients have `wait_s` to acknowledge; then each step in turn. After the
    last step the whole sequence (the page's own target first) runs `repeat` more times, and
    then every `fallback` target is paged and escalation stops. The page stays open until
    someone acknowledges or resolves it.
    """

    wait_s: int = 300
    steps: tuple[EscalationStep, ...] = ()
    repeat: int = 0
    fallback: tuple[Target, ...] = (OPERATORS,)


@dataclass(frozen=True)
class PagingGroup:
    """A named group paged all at once (the code team): the union of its members' targets."""

    id: str
    name: str
    members: tuple[Target, ...]


@dataclass(frozen=True)
class ContactRule:
    """Send through `channel` once `after_s` seconds have passed with the page still unseen."""

    channel: Channel
    after_s: int = 0


DEFAULT_CONTACT_RULES = (ContactRule(Channel.INAPP), ContactRule(Channel.EMAIL, 120))


@dataclass(frozen=True)
class Contact:
    """One person's addresses and, if they chose their own, contact rules."""

    person_id: str
    email: str | None = None
    phone: str | None = None
    rules: tuple[ContactRule, ...] | None = None


@dataclass(frozen=True)
class Cover:
    """Who takes pages for someone off duty, on leave or in transition: for one person, or for
    everyone of `grades` who lists a post."""

    by: Target
    person_id: str | None = None
    post_id: str | None = None
    grades: GradeRange = GradeRange()


@dataclass(frozen=True)
class PagingConfig:
    """A program's paging section. Policies are keyed by post or group id."""

    default_policy: EscalationPolicy = EscalationPolicy()
    policies: Mapping[str, EscalationPolicy] = field(default_factory=dict, hash=False)
    groups: Mapping[str, PagingGroup] = field(default_factory=dict, hash=False)
    covers: tuple[Cover, ...] = ()
    contact_rules: tuple[ContactRule, ...] = DEFAULT_CONTACT_RULES
    contacts: Mapping[str, Contact] = field(default_factory=dict, hash=False)
    email_domain: str | None = None

    def policy_for(self, key: str | None) -> EscalationPolicy:
        """The policy of a post or group, or the default one."""
        return self.policies.get(key or "", self.default_policy)

    def cover_for(self, person_id: str, post_ids: tuple[str, ...], grade: Grade) -> Target | None:
        """Who covers a person: their own rule, else the first rule for the first post they list
        (in their order) that fits their grade."""
        own = next((c.by for c in self.covers if c.person_id == person_id), None)
        if own is not None:
            return own
        for post_id in post_ids:
            found = next((c.by for c in self.covers if c.post_id == post_id and grade in c.grades), None)
            if found is not None:
                return found
        return None

    def contact(self, person_id: str) -> Contact:
        """The person's contact, with an email at `email_domain` when none is given."""
        known = self.contacts.get(person_id, Contact(person_id))
        if known.email is None and self.email_domain is not None:
            return Contact(person_id, f"{person_id}@{self.email_domain}", known.phone, known.rules)
        return known

    def rules_for(self, person_id: str) -> tuple[ContactRule, ...]:
        return self.contact(person_id).rules or self.contact_rules
