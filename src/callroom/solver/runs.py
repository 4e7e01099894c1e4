"""Working runs and runs off as one automaton per person (mirrors rules.general.check_consecutive).

The clause encoding in general.add_max_consecutive / add_min_runs is what explanations use (it
takes guard literals); for solving, one CP-SAT automaton over the person's work days is much
stronger: CP-SAT expands it into a flow of states whose LP sees run lengths and day counts
together. A lone Curtois Instance20 employee (115 to 117 of 182 days, runs of 2 to 5, two days
off at least, 13 weekends) is not solved in 10 s with clauses and is solved at once with it.

States, by the kind and length of the run that ends today:
- the start (before day 0);
- the first run (touching day 0): exempt from the minimum lengths, not from the maximum;
- a work run of length k (1..maximum, or counted up to the minimum when there is no maximum);
- an off run of length k (counted up to the minimum off).
Every state is final, because a run touching the last day is exempt from the minimums too.
"""

from __future__ import annotations

from dataclasses import dataclass

from callroom.domain.program import PersonLimits
from callroom.solver.space import Space

WORK, OFF = 1, 0


@dataclass(frozen=True)
class _Spec:
    min_work: int
    max_work: int | None
    min_off: int

    @property
    def work_cap(self) -> int:
        """The longest work length a state needs to tell apart."""
        return self.max_work if self.max_work is not None else self.min_work


def needs_automaton(limits: PersonLimits, days: int) -> bool:
    return any((
        limits.max_consecutive_work is not None and limits.max_consecutive_work < days,
        (limits.min_consecutive_work or 1) > 1,
        (limits.min_consecutive_off or 1) > 1,
    ))


def add_run_automata(space: Space) -> None:
    for p, person in enumerate(space.program.people):
        if needs_automaton(person.limits, len(space.works[p])):
            limits = person.limits
            spec = _Spec(limits.min_consecutive_work or 1, limits.max_consecutive_work,
                         limits.min_consecutive_off or 1)
            states, transitions = _automaton(spec)
            space.model.add_automaton(space.works[p], 0, list(states.values()), transitions)


def _automaton(spec: _Spec) -> tuple[dict[str, int], list[tuple[int, int, int]]]:
    names = ["start", "first-off"]
    names += [f"first-work-{k}" for k in range(1, spec.work_cap + 1)]
    names += [f"work-{k}" for k in range(1, spec.work_cap + 1)]
    names += [f"off-{k}" for k in range(1, spec.min_off + 1)]
    state = {name: index for index, name in enumerate(names)}
    arcs: list[tuple[str, int, str]] = [("start", OFF, "first-off"), ("start", WORK, "first-work-1"),
                                        ("first-off", OFF, "first-off"), ("first-off", WORK, "work-1")]
    for k in range(1, spec.work_cap + 1):
        arcs += _work_arcs(spec, k)
    for k in range(1, spec.min_off + 1):
        arcs.append((f"off-{k}", OFF, f"off-{min(k + 1, spec.min_off)}"))
        if k >= spec.min_off:
            arcs.append((f"off-{k}", WORK, "work-1"))
    return state, [(state[a], label, state[b]) for a, label, b in arcs]


def _work_arcs(spec: _Spec, k: int) -> list[tuple[str, int, str]]:
    """Arcs out of the work states of length k: carry on working, or stop."""
    longer = k + 1 if spec.max_work is not None else min(k + 1, spec.work_cap)
    arcs = []
    if spec.max_work is None or k < spec.max_work:
        arcs += [(f"first-work-{k}", WORK, f"first-work-{longer}"), (f"work-{k}", WORK, f"work-{longer}")]
    arcs.append((f"first-work-{k}", OFF, "off-1"))  # the first run is exempt from the minimum
    if k >= spec.min_work:
        arcs.append((f"work-{k}", OFF, "off-1"))
    return arcs
