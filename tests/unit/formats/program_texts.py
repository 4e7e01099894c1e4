"""Program file texts for tests: a small valid program whose top-level sections a test replaces.

Tests find the line they expect an error on with `line_of`, so a fixture can change shape without
hard-coded line numbers going stale, while the assertion stays exact.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

PROGRAMS = Path(__file__).parents[2] / "fixtures" / "programs"

_BASE = {
    "hospital": "hospital: {name: Test General, timezone: America/New_York}",
    "block": "block: {start: 2026-03-02, days: 7}",
    "shift_types": """\
        shift_types:
          - {id: day, start: "07:00", duration: 12h, kind: day}
          - {id: night, start: "19:00", duration: 12h, kind: night}""",
    "services": """\
        services:
          - id: gs
            posts:
              - {id: ward, shifts: [day, night]}""",
    "cover": """\
        cover:
          - {post: ward, shift: day, need: [{min: 1}]}""",
    "people": """\
        people:
          - {id: ada, grade: PGY-2, posts: [ward]}
          - {id: bob, grade: PGY-3, posts: [ward]}""",
}


def program_text(**sections: str) -> str:
    """The base program with the named sections replaced (or added, or with "" removed).

    Each section is the whole top-level entry, key included, indented as the caller likes.
    """
    merged = {**_BASE, **sections}
    return "".join(dedent(text).strip("\n") + "\n" for text in merged.values() if text)


def line_of(text: str, needle: str) -> int:
    """The 1-based line holding `needle`, which must occur on exactly one line."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} is on lines {lines}"
    return lines[0]


def fixture(name: str) -> Path:
    return PROGRAMS / name
