"""Writing a program back out: what `dump_program` writes, `parse_program` reads back as the same
program, the paging section included."""

from __future__ import annotations

import yaml

from callroom.demo import DEMO_PROGRAM
from callroom.formats.program_dump import dump_program
from callroom.formats.program_file import parse_program
from callroom.formats.program_paging import wait_text
from tests.unit.formats.program_texts import program_text

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
# Every paging key, most of them away from their defaults.
PAGING = """\
    paging:
      fallback: [person:cy, operators]
      default: {wait: 1m30s, fallback: [operators]}
      policies:
        - {for: ward, wait: 2m, steps: [{target: post:ward/senior, wait: 90s}], repeat: 2}
        - {for: night-team, wait: 1h, fallback: [team:home]}
      groups:
        - {id: night-team, members: [team:ward/PGY-2+, post:home]}
      coverage:
        - {person: ada, by: person:bob}
        - {post: ward, grades: residents, by: post:ward/senior}
        - {post: home, grades: attending, by: operators}
      contacts:
        email_domain: test.example
        rules: [{via: inapp}, {via: email, after: 0}, {via: webhook, after: 5m}]
        people:
          - {person: ada, email: ada@elsewhere.example, phone: "+1 555 0100", rules: [{via: webhook}]}
          - {person: bob, phone: "0100"}
"""


def test_the_demo_program_round_trips_through_a_program_file() -> None:
    program = parse_program(DEMO_PROGRAM.read_text(encoding="utf-8"))
    again = parse_program(dump_program(program))
    assert again.paging == program.paging
    assert again == program


def test_every_paging_key_round_trips() -> None:
    program = parse_program(program_text(services=SERVICES, people=PEOPLE, paging=PAGING))
    assert parse_program(dump_program(program)) == program


def test_the_default_policys_fallback_becomes_the_sections_and_policies_state_their_own() -> None:
    program = parse_program(program_text(services=SERVICES, people=PEOPLE, paging=PAGING))
    paging = yaml.safe_load(dump_program(program))["paging"]
    assert "fallback" not in paging  # the default policy's is `operators`, the file's default
    assert paging["default"] == {"wait": "1m30s"}
    assert [p.get("fallback") for p in paging["policies"]] == [["person:cy", "operators"], ["team:home"]]


def test_a_program_without_paging_writes_no_paging_section() -> None:
    program = parse_program(program_text())
    assert "paging" not in yaml.safe_load(dump_program(program))


def test_waits_are_written_in_the_files_own_words() -> None:
    assert [wait_text(s) for s in (0, 45, 120, 90, 3600, 3725)] == [0, "45s", "2m", "1m30s", "1h", "1h2m5s"]
