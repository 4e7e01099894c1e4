"""Targets and their parsing, policy choice and copying, and contact plans."""

from __future__ import annotations

import pytest

from callroom.domain.grades import Grade, GradeRange
from callroom.domain.paging import (
    OPERATORS,
    Channel,
    Contact,
    ContactRule,
    EscalationPolicy,
    EscalationStep,
    PagingConfig,
    Priority,
    Target,
    TargetKind,
)
from callroom.paging.policy import (
    choose_policy,
    contact_plan,
    policy_from_json,
    policy_to_json,
    retry_delay_s,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("person:ada-okonkwo", Target(TargetKind.PERSON, "ada-okonkwo")),
        ("post:neuro-call", Target(TargetKind.ROLE, "neuro-call")),
        ("post:neuro-call/senior", Target(TargetKind.ROLE, "neuro-call", GradeRange(Grade.PGY3, Grade.PGY5))),
        ("post:gs-night/intern", Target(TargetKind.ROLE, "gs-night", GradeRange(Grade.PGY1, Grade.PGY1))),
        ("post:gs-night/junior", Target(TargetKind.ROLE, "gs-night", GradeRange(Grade.PGY1, Grade.PGY2))),
        ("post:gs-day/chief", Target(TargetKind.ROLE, "gs-day", GradeRange(Grade.PGY5, Grade.PGY5))),
        ("post:pit/attending", Target(TargetKind.ROLE, "pit", GradeRange(Grade.ATTENDING, Grade.ATTENDING))),
        ("post:pit/PGY-3+", Target(TargetKind.ROLE, "pit", GradeRange(Grade.PGY3, Grade.ATTENDING))),
        ("team:pit", Target(TargetKind.TEAM, "pit")),
        ("team:pit/residents", Target(TargetKind.TEAM, "pit", GradeRange(Grade.PGY1, Grade.PGY5))),
        ("group:code-team", Target(TargetKind.GROUP, "code-team")),
        (" operators ", OPERATORS),
    ],
)
def test_targets_parse(text: str, expected: Target) -> None:
    assert Target.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "post:gs-night/senior",
        "team:pit",
        "group:code-team",
        "operators",
        "post:pit/PGY-2..PGY-4",
        "post:pit/PGY-3+",
        "person:ada",
    ],
)
def test_a_target_writes_back_as_it_reads(text: str) -> None:
    assert str(Target.parse(text)) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gs-night", "unknown target 'gs-night': write person:ID, post:ID[/GRADES]"),
        ("pager:gs-night", "unknown target 'pager:gs-night'"),
        ("post:GS-Night", "unknown target 'post:GS-Night'"),
        ("person:ada/senior", "only post: and team: targets take /GRADES"),
        ("post:pit/sophomore", "unknown grade 'sophomore'"),
        ("", "unknown target ''"),
    ],
)
def test_bad_targets_say_what_is_accepted(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Target.parse(text)


NIGHT = EscalationPolicy(120, (EscalationStep(Target.parse("post:gs-home"), 600),))
CODE = EscalationPolicy(60, repeat=2)
CONFIG = PagingConfig(default_policy=EscalationPolicy(300), policies={"gs-night": NIGHT, "code-team": CODE})


@pytest.mark.parametrize(
    ("target", "held", "expected"),
    [
        ("post:gs-night/senior", None, NIGHT),
        ("team:gs-night", None, NIGHT),
        ("group:code-team", None, CODE),
        ("person:ada", "gs-night", NIGHT),
        ("person:ada", None, EscalationPolicy(300)),
        ("post:pit", None, EscalationPolicy(300)),
    ],
    ids=[
        "a role follows its post's policy",
        "so does a team",
        "a group its own",
        "a person the policy of the post they hold now",
        "a person off duty the default",
        "a post without a policy the default",
    ],
)
def test_choose_policy(target: str, held: str | None, expected: EscalationPolicy) -> None:
    assert choose_policy(CONFIG, Target.parse(target), held) == expected


def test_a_policy_copied_onto_a_page_reads_back_the_same() -> None:
    policy = EscalationPolicy(
        120,
        (EscalationStep(Target.parse("post:gs-night/senior"), 300),),
        1,
        (Target.parse("person:chief"), OPERATORS),
    )

    assert policy_from_json(policy_to_json(policy)) == policy


CONTACTS = PagingConfig(
    email_domain="st-elsewhere.example",
    contacts={
        "cy": Contact(
            "cy", phone="+1-555-0103", rules=(ContactRule(Channel.INAPP), ContactRule(Channel.WEBHOOK, 60))
        ),
        "dee": Contact("dee", rules=(ContactRule(Channel.WEBHOOK),)),
    },
)


@pytest.mark.parametrize(
    ("person", "priority", "expected"),
    [
        ("ada", Priority.ROUTINE, [("inapp", "ada", 0), ("email", "ada@st-elsewhere.example", 120)]),
        ("ada", Priority.STAT, [("email", "ada@st-elsewhere.example", 0), ("inapp", "ada", 0)]),
        ("cy", Priority.URGENT, [("inapp", "cy", 0), ("webhook", "+1-555-0103", 60)]),
        ("dee", Priority.ROUTINE, [("inapp", "dee", 0)]),
        ("operators", Priority.STAT, [("inapp", "operators", 0)]),
    ],
    ids=[
        "the default: in-app now, email after 2 minutes unseen",
        "STAT: every channel at once",
        "a person's own rules",
        "a rule without an address is skipped; in-app always remains",
        "the operators' queue is in-app only",
    ],
)
def test_contact_plan(person: str, priority: Priority, expected: list[tuple[str, str, int]]) -> None:
    plan = contact_plan(CONTACTS, person, priority)

    assert [(m.channel.value, m.address, m.after_s) for m in plan] == expected


def test_retry_delays_double_up_to_the_cap() -> None:
    assert [retry_delay_s(n, 2, 20) for n in range(1, 6)] == [2, 4, 8, 16, 20]
