"""A notice of changed shifts fits one page: as many changes as fit, then how many more."""

from __future__ import annotations

from callroom.changes.notify import new_shifts_text
from callroom.domain.program import Program
from callroom.domain.roster import Assignment, Roster
from callroom.paging.policy import MAX_BODY
from tests.factories import day, person, post, program


def _world(days: int) -> tuple[Program, Roster, Roster]:
    chosen = program([person("ada")], posts=[post("ward")], days=days)
    after = Roster.of(Assignment("ada", day(d), "day", "ward") for d in range(days))
    return chosen, Roster.of(()), after


def test_a_few_changes_are_all_listed() -> None:
    chosen, before, after = _world(2)
    text = new_shifts_text(chosen, before, after, "ada", [day(0), day(1)], 3)
    assert text.count("(was off)") == 2 and "more" not in text


def test_many_changes_are_cut_between_shifts_and_counted() -> None:
    chosen, before, after = _world(28)
    text = new_shifts_text(chosen, before, after, "ada", [day(d) for d in range(28)], 3)
    assert len(text) <= MAX_BODY
    shown = text.count("(was off)")
    assert 0 < shown < 28 and text.endswith(f"; and {28 - shown} more: see My schedule")
