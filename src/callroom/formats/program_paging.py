"""The program file's `paging` section: conversion to `PagingConfig`, and the checks that need
the rest of the file (the posts, people and groups that targets name).

Findings carry the path of the offending value, like every other check, so the loader can name
the line and field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from callroom.domain.grades import GradeRange
from callroom.domain.paging import (
    Channel,
    Contact,
    ContactRule,
    Cover,
    EscalationPolicy,
    EscalationStep,
    PagingConfig,
    PagingGroup,
    Target,
    TargetKind,
)
from callroom.formats.program_checks import Finding, grade_words, unknown
from callroom.formats.program_model import (
    ContactRuleSpec,
    ContactSpec,
    EscalationSpec,
    PagingSpec,
    PostSpec,
    ProgramSpec,
)
from callroom.formats.yaml_source import YamlPath


def to_paging(spec: PagingSpec) -> PagingConfig:
    fallback = tuple(spec.fallback)
    return PagingConfig(
        default_policy=_policy(spec.default, fallback),
        policies={p.subject: _policy(p, fallback) for p in spec.policies},
        groups={g.id: PagingGroup(g.id, g.name or g.id, tuple(g.members)) for g in spec.groups},
        covers=tuple(Cover(c.by, c.person, c.post, c.grades) for c in spec.coverage),
        contact_rules=_rules(spec.contacts.rules),
        contacts={c.person: _contact(c) for c in spec.contacts.people},
        email_domain=spec.contacts.email_domain,
    )


def _policy(spec: EscalationSpec, fallback: tuple[Target, ...]) -> EscalationPolicy:
    steps = tuple(EscalationStep(step.target, step.wait) for step in spec.steps)
    own = tuple(spec.fallback) if spec.fallback is not None else fallback
    return EscalationPolicy(spec.wait, steps, spec.repeat, own)


def _rules(specs: Iterable[ContactRuleSpec]) -> tuple[ContactRule, ...]:
    return tuple(ContactRule(rule.via, rule.after) for rule in specs)


def _contact(spec: ContactSpec) -> Contact:
    rules = None if spec.rules is None else _rules(spec.rules)
    return Contact(spec.person, spec.email, spec.phone, rules)


@dataclass(frozen=True)
class _Names:
    posts: Mapping[str, PostSpec]
    people: frozenset[str]
    groups: frozenset[str]


def check_paging(spec: ProgramSpec) -> list[Finding]:
    """Everything wrong with the paging section that its schema cannot see."""
    paging = spec.paging
    names = _Names(
        posts={p.id: p for s in spec.services for p in s.posts},
        people=frozenset(p.id for p in spec.people),
        groups=frozenset(g.id for g in paging.groups),
    )
    return [
        *_targets(("paging", "fallback"), paging.fallback, names),
        *_escalation(("paging", "default"), paging.default, names),
        *_policy_findings(paging, names),
        *_group_findings(paging, names),
        *_cover_findings(paging, names),
        *_contact_findings(paging, names),
    ]


def _target(path: YamlPath, target: Target, names: _Names, *, in_group: bool = False) -> list[Finding]:
    if target.kind is TargetKind.OPERATORS:
        return []
    if target.kind is TargetKind.PERSON:
        return _known(path, "person", target.id, names.people)
    if target.kind is TargetKind.GROUP:
        if in_group:
            return [Finding(path, "a group's members are people, posts or teams, not other groups")]
        return _known(path, "group", target.id, names.groups)
    post = names.posts.get(target.id)
    if post is None:
        return [Finding(path, unknown("post", target.id, names.posts))]
    return _grades_fit(path, target, post)


def _known(path: YamlPath, kind: str, value: str, known: frozenset[str]) -> list[Finding]:
    return [] if value in known else [Finding(path, unknown(kind, value, known))]


def _grades_fit(path: YamlPath, target: Target, post: PostSpec) -> list[Finding]:
    wanted = target.grades
    if wanted is None or (wanted.lowest <= post.grades.highest and post.grades.lowest <= wanted.highest):
        return []
    return [Finding(path, f"post {post.id!r} is for {grade_words(post.grades)}: nobody"
                          f" {grade_words(wanted)} ever holds it")]


def _targets(path: YamlPath, targets: Iterable[Target], names: _Names, *, in_group: bool = False
             ) -> Iterator[Finding]:
    for k, target in enumerate(targets):
        yield from _target((*path, k), target, names, in_group=in_group)


def _escalation(path: YamlPath, spec: EscalationSpec, names: _Names) -> Iterator[Finding]:
    for k, step in enumerate(spec.steps):
        yield from _target((*path, "steps", k, "target"), step.target, names)
    yield from _targets((*path, "fallback"), spec.fallback or (), names)


def _policy_findings(paging: PagingSpec, names: _Names) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for i, policy in enumerate(paging.policies):
        path: YamlPath = ("paging", "policies", i)
        subjects = set(names.posts) | names.groups
        if policy.subject not in subjects:
            yield Finding((*path, "for"), unknown("post or group", policy.subject, subjects))
        elif policy.subject in first:
            yield Finding((*path, "for"), f"a second policy for {policy.subject!r}"
                                          f" (the first is paging.policies[{first[policy.subject]}])")
        first.setdefault(policy.subject, i)
        yield from _escalation(path, policy, names)


def _group_findings(paging: PagingSpec, names: _Names) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, group in enumerate(paging.groups):
        path: YamlPath = ("paging", "groups", i)
        if group.id in seen:
            yield Finding((*path, "id"), f"duplicate group id {group.id!r}")
        if group.id in names.posts:
            yield Finding((*path, "id"), f"group id {group.id!r} is also a post id: a policy's"
                                         " `for` could not tell them apart")
        seen.add(group.id)
        yield from _targets((*path, "members"), group.members, names, in_group=True)


def _cover_findings(paging: PagingSpec, names: _Names) -> Iterator[Finding]:
    for i, cover in enumerate(paging.coverage):
        path: YamlPath = ("paging", "coverage", i)
        if cover.post is not None and cover.post not in names.posts:
            yield Finding((*path, "post"), unknown("post", cover.post, names.posts))
        if cover.person is not None and cover.person not in names.people:
            yield Finding((*path, "person"), unknown("person", cover.person, names.people))
        if cover.person is not None and cover.grades != GradeRange():
            yield Finding((*path, "grades"), "`grades` narrows a post's cover rule, not a person's")
        yield from _target((*path, "by"), cover.by, names)


def _contact_findings(paging: PagingSpec, names: _Names) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, contact in enumerate(paging.contacts.people):
        path: YamlPath = ("paging", "contacts", "people", i)
        if contact.person not in names.people:
            yield Finding((*path, "person"), unknown("person", contact.person, names.people))
        elif contact.person in seen:
            yield Finding((*path, "person"), f"a second contact entry for {contact.person!r}")
        seen.add(contact.person)
        yield from _addresses(path, contact, paging.contacts.email_domain is not None)


def _addresses(path: YamlPath, contact: ContactSpec, domain: bool) -> Iterator[Finding]:
    # Grafana OnCall #1326: a rule that can never send is a page that silently goes nowhere.
    for k, rule in enumerate(contact.rules or ()):
        if rule.via is Channel.WEBHOOK and contact.phone is None:
            yield Finding((*path, "rules", k, "via"), "a webhook (SMS or voice) rule needs a `phone`")
        if rule.via is Channel.EMAIL and contact.email is None and not domain:
            yield Finding((*path, "rules", k, "via"),
                          "an email rule needs an `email` (or contacts.email_domain)")
