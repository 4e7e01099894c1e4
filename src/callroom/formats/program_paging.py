"""The program file's `paging` section: conversion to `PagingConfig` and back to file form, and
the checks that need the rest of the file (the posts, people and groups that targets name).

Findings carry the path of the offending value, like every other check, so the loader can name
the line and field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from callroom.domain.grades import GradeRange
from callroom.domain.paging import (
    DEFAULT_CONTACT_RULES,
    GRADE_WORDS,
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


def paging_document(config: PagingConfig) -> dict[str, Any]:
    """The `paging` section that `to_paging` reads back as `config`; defaults are left out.

    The file's section-wide `fallback` is written as the default policy's, so a policy states its
    own fallback only where it differs from that one."""
    fallback = config.default_policy.fallback
    document: dict[str, Any] = {}
    if fallback != EscalationPolicy().fallback:
        document["fallback"] = [str(t) for t in fallback]
    default = _policy_document(config.default_policy, fallback)
    if default:
        document["default"] = default
    if config.policies:
        document["policies"] = [
            {"for": key, **_policy_document(policy, fallback)} for key, policy in config.policies.items()
        ]
    if config.groups:
        document["groups"] = [_group_document(group) for group in config.groups.values()]
    if config.covers:
        document["coverage"] = [_cover_document(cover) for cover in config.covers]
    contacts = _contacts_document(config)
    if contacts:
        document["contacts"] = contacts
    return document


def wait_text(seconds: int) -> str | int:
    """A wait as the file writes it: "5m", "1h", "1m30s" (0 stays a number)."""
    if seconds == 0:
        return 0
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (secs, "s")) if n)


def _policy_document(policy: EscalationPolicy, fallback: tuple[Target, ...]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if policy.wait_s != EscalationPolicy().wait_s:
        entry["wait"] = wait_text(policy.wait_s)
    if policy.steps:
        entry["steps"] = [
            {"target": str(step.target), "wait": wait_text(step.wait_s)} for step in policy.steps
        ]
    if policy.repeat:
        entry["repeat"] = policy.repeat
    if policy.fallback != fallback:
        entry["fallback"] = [str(t) for t in policy.fallback]
    return entry


def _group_document(group: PagingGroup) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": group.id}
    if group.name != group.id:
        entry["name"] = group.name
    entry["members"] = [str(t) for t in group.members]
    return entry


def _cover_document(cover: Cover) -> dict[str, Any]:
    entry: dict[str, Any] = (
        {"post": cover.post_id} if cover.post_id is not None else {"person": cover.person_id}
    )
    if cover.grades != GradeRange():
        entry["grades"] = "residents" if cover.grades == GRADE_WORDS["residents"] else cover.grades.text
    entry["by"] = str(cover.by)
    return entry


def _contacts_document(config: PagingConfig) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if config.email_domain is not None:
        entry["email_domain"] = config.email_domain
    if config.contact_rules != DEFAULT_CONTACT_RULES:
        entry["rules"] = _rules_document(config.contact_rules)
    if config.contacts:
        entry["people"] = [_contact_document(contact) for contact in config.contacts.values()]
    return entry


def _rules_document(rules: Iterable[ContactRule]) -> list[dict[str, Any]]:
    return [
        {"via": rule.channel.value, **({"after": wait_text(rule.after_s)} if rule.after_s else {})}
        for rule in rules
    ]


def _contact_document(contact: Contact) -> dict[str, Any]:
    entry: dict[str, Any] = {"person": contact.person_id}
    for key, value in (("email", contact.email), ("phone", contact.phone)):
        if value is not None:
            entry[key] = value
    if contact.rules is not None:
        entry["rules"] = _rules_document(contact.rules)
    return entry


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
    return [
        Finding(
            path,
            f"post {post.id!r} is for {grade_words(post.grades)}: nobody {grade_words(wanted)} ever holds it",
        )
    ]


def _targets(
    path: YamlPath, targets: Iterable[Target], names: _Names, *, in_group: bool = False
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
            yield Finding(
                (*path, "for"),
                f"a second policy for {policy.subject!r}"
                f" (the first is paging.policies[{first[policy.subject]}])",
            )
        first.setdefault(policy.subject, i)
        yield from _escalation(path, policy, names)


def _group_findings(paging: PagingSpec, names: _Names) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, group in enumerate(paging.groups):
        path: YamlPath = ("paging", "groups", i)
        if group.id in seen:
            yield Finding((*path, "id"), f"duplicate group id {group.id!r}")
        if group.id in names.posts:
            yield Finding(
                (*path, "id"),
                f"group id {group.id!r} is also a post id: a policy's `for` could not tell them apart",
            )
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
            yield Finding(
                (*path, "rules", k, "via"), "an email rule needs an `email` (or contacts.email_domain)"
            )
