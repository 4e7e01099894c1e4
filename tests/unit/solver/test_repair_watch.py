"""A repair watched: its phases in order, each better repair found with the fewest changes and
the proven bound on them, and a stop that skips the polish, on the demo block with real CP-SAT."""

from __future__ import annotations

import threading

from callroom.solver.repair.request import Absence, RepairLimits, parse_instant
from callroom.solver.repair.staged import (
    CHAINING,
    FINDING,
    POLISHING,
    RepairOptions,
    RepairProgress,
    RepairWatch,
    repair,
)
from tests.repair_world import absence_days, demo_roster, leaves_a_hole

OPTIONS = RepairOptions(time_limit_s=20)


def searched_sick_call() -> tuple[Absence, RepairLimits]:
    """A shift whose loss leaves a hole, and only someone who may not work that post may move:
    no direct repair and no chain of moves near the hole, so CP-SAT searches."""
    program, roster = demo_roster()
    days = absence_days()
    shift = next(a for a in sorted(roster.assignments) if a.day in days and leaves_a_hole(program, roster, a))
    helper = next(p.id for p in program.people if not program.may_work(p, shift.post_id, shift.shift_id))
    day = shift.day.isoformat()
    absence = Absence(
        shift.person_id, parse_instant(day, program, "from"), parse_instant(day, program, "to", end=True)
    )
    return absence, RepairLimits(None, frozenset({helper}))


def test_a_watched_repair_reports_its_phases_and_the_fewest_changes_found_against_the_bound() -> None:
    program, roster = demo_roster()
    absence, limits = searched_sick_call()
    heard: list[RepairProgress] = []
    result = repair(program, roster, absence, limits, OPTIONS, RepairWatch(heard.append))
    assert result.method == "search" and result.changes is not None
    phases = [p.phase for p in heard]
    assert phases[:4] == ["filling the holes with free colleagues", CHAINING, "building the model", FINDING]
    assert phases[-1] == POLISHING
    found = [p for p in heard if p.phase == FINDING and p.changes is not None]
    assert found and found[-1].changes == result.changes and found[-1].short == result.short_by
    assert all(p.bound is None or p.changes is None or p.bound <= p.changes for p in heard)
    elapsed = [p.elapsed_s for p in heard]
    assert elapsed == sorted(elapsed)


def test_a_stopped_repair_answers_with_what_it_found_unpolished() -> None:
    program, roster = demo_roster()
    absence, limits = searched_sick_call()
    stop = threading.Event()
    heard: list[str] = []

    def hear(progress: RepairProgress) -> None:
        heard.append(progress.phase)
        if progress.changes is not None:
            stop.set()  # as a cancel would, once a repair is found

    result = repair(program, roster, absence, limits, OPTIONS, RepairWatch(hear, stop))
    assert result.roster is not None and len(result.stage_s) == 3
    polished = repair(program, roster, absence, limits, OPTIONS)
    assert result.changes == polished.changes
    assert result.objective is not None and polished.objective is not None
    assert result.objective >= polished.objective  # the polish only ever improves it
