"""The program file's `paging` section: what it turns into, and line-numbered errors."""

from __future__ import annotations

import pytest

from callroom.domain.grades import Grade, GradeRange
from callroom.domain.paging import (
    OPERATORS,
    Channel,
    ContactRule,
    Cover,
    EscalationPolicy,
    EscalationStep,
    Target,
)
from callroom.formats.program_file import FileIssue, ProgramFileError, parse_program
from tests.unit.formats.program_texts import line_of, program_text

SERVICES = """\
    services:
      - id: gs
        posts:
          - {id: ward, shifts: [day, night]}
          - {id: home, shifts: [night], grades: attending}
"""
PEOPLE = """\
    people:
      - {id: ada, grade: PGY-2, posts: [ward]}
      - {id: bob, grade: PGY-3, posts: [ward]}
      - {id: cy, grade: attending, posts: [home]}
"""


def paging_program(paging: str) -> str:
    return program_text(services=SERVICES, people=PEOPLE, paging=paging)


def only_issue(text: str) -> FileIssue:
    with pytest.raises(ProgramFileError) as caught:
        parse_program(text, "p.yaml")
    [issue] = caught.value.issues
    return issue


def test_a_program_without_paging_escalates_to_the_operators_after_five_minutes() -> None:
    config = parse_program(paging_program(""), "p.yaml").paging

    assert config.policy_for("ward") == EscalationPolicy(300, (), 0, (OPERATORS,))
    assert config.rules_for("ada") == (ContactRule(Channel.INAPP), ContactRule(Channel.EMAIL, 120))


def test_the_paging_section_becomes_the_programs_paging_config() -> None:
    text = paging_program("""\
        paging:
          fallback: [person:cy, operators]
          policies:
            - for: ward
              wait: 90s
              steps: [{target: post:ward/senior, wait: 5m}, {target: post:home, wait: 1h}]
              repeat: 1
          groups:
            - {id: code-team, name: Code team, members: [team:ward, post:home]}
          coverage:
            - {post: ward, grades: PGY-1..PGY-2, by: post:ward/senior}
            - {person: bob, by: person:cy}
          contacts:
            email_domain: test.example
            rules: [{via: inapp}, {via: email, after: 2m}]
            people:
              - {person: cy, phone: "+1-555-0100", rules: [{via: webhook}]}
    """)

    config = parse_program(text, "p.yaml").paging

    assert config.policy_for("ward") == EscalationPolicy(
        90,
        (
            EscalationStep(Target.parse("post:ward/senior"), 300),
            EscalationStep(Target.parse("post:home"), 3600),
        ),
        1,
        (Target.parse("person:cy"), OPERATORS),
    )
    assert config.default_policy.fallback == (Target.parse("person:cy"), OPERATORS)
    assert config.groups["code-team"].members == (Target.parse("team:ward"), Target.parse("post:home"))
    juniors = GradeRange(Grade.PGY1, Grade.PGY2)
    assert config.covers == (
        Cover(Target.parse("post:ward/senior"), None, "ward", juniors),
        Cover(Target.parse("person:cy"), "bob"),
    )
    assert config.contact("ada").email == "ada@test.example"
    assert config.rules_for("cy") == (ContactRule(Channel.WEBHOOK),)


@pytest.mark.parametrize(
    ("paging", "needle", "field", "message"),
    [
        (
            """\
        paging:
          policies:
            - {for: ward, steps: [{target: post:wrad, wait: 5m}]}
    """,
            "wrad",
            "paging.policies[0].steps[0].target",
            "unknown post 'wrad': did you mean 'ward'?",
        ),
        (
            """\
        paging:
          policies:
            - {for: ward, steps: [{target: post:home/senior, wait: 5m}]}
    """,
            "home/senior",
            "paging.policies[0].steps[0].target",
            "post 'home' is for attending: nobody PGY-3..PGY-5 ever holds it",
        ),
        (
            """\
        paging:
          policies:
            - {for: ward}
            - {for: ward, wait: 1m}
    """,
            "wait: 1m",
            "paging.policies[1].for",
            "a second policy for 'ward' (the first is paging.policies[0])",
        ),
        (
            """\
        paging:
          policies:
            - {for: ward, wait: 5 minutes}
    """,
            "5 minutes",
            "paging.policies[0].wait",
            "unknown wait '5 minutes': write it like 30s, 5m, 1m30s or a number of seconds",
        ),
        (
            """\
        paging:
          groups:
            - {id: a, members: [post:ward]}
            - {id: b, members: [group:a]}
    """,
            "group:a",
            "paging.groups[1].members[0]",
            "a group's members are people, posts or teams, not other groups",
        ),
        (
            """\
        paging:
          groups:
            - {id: ward, members: [person:ada]}
    """,
            "person:ada",
            "paging.groups[0].id",
            "group id 'ward' is also a post id: a policy's `for` could not tell them apart",
        ),
        (
            """\
        paging:
          coverage:
            - {post: ward, person: ada, by: person:bob}
    """,
            "by: person:bob",
            "paging.coverage[0]",
            "a cover rule names exactly one of `post` or `person`",
        ),
        (
            """\
        paging:
          contacts:
            people:
              - {person: ada, rules: [{via: webhook}]}
    """,
            "via: webhook",
            "paging.contacts.people[0].rules[0].via",
            "a webhook (SMS or voice) rule needs a `phone`",
        ),
        (
            """\
        paging:
          fallback: [pager:switchboard]
    """,
            "pager:",
            "paging.fallback[0]",
            "unknown target 'pager:switchboard': write person:ID, post:ID[/GRADES], team:ID[/GRADES], "
            "group:ID or operators",
        ),
        (
            """\
        paging:
          polices: []
    """,
            "polices",
            "paging.polices",
            "unknown key 'polices': did you mean 'policies'?",
        ),
    ],
    ids=[
        "an unknown post in a step",
        "a role no grade of the post can hold",
        "two policies for one post",
        "a wait that is not a duration",
        "groups do not nest",
        "a group id that is a post id",
        "a cover rule for a post and a person at once",
        "a webhook rule without a phone",
        "a target that is no target",
        "a misspelt key",
    ],
)
def test_paging_errors_name_the_line_and_field(paging: str, needle: str, field: str, message: str) -> None:
    text = paging_program(paging)

    issue = only_issue(text)

    assert (issue.line, issue.field, issue.message) == (line_of(text, needle), field, message)
