"""What a solve prints: the outcome, hours per resident by week, violations, penalties, fairness."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from callroom.domain.program import Program
from callroom.rules import ids
from callroom.rules.ids import RuleId, Severity
from callroom.rules.penalties import PenaltyReport, fairness_groups
from callroom.rules.summary import PersonSummary
from callroom.rules.violations import Violation
from callroom.solver.run import Solution


def render_outcome(console: Console, solution: Solution) -> None:
    gap = "–" if solution.gap is None else f"{solution.gap:.2%}"
    first = "–" if solution.first_solution_s is None else f"{solution.first_solution_s:.1f} s"
    console.print(
        f"[bold]{solution.status.value}[/]: objective {solution.objective}, "
        f"bound {solution.bound}, gap {gap}; first roster after {first}, "
        f"{solution.wall_s:.1f} s in all"
    )


def render_hours(console: Console, program: Program, people: list[PersonSummary]) -> None:
    weeks = max((len(p.weekly_hours) for p in people), default=0)
    table = Table(title="Hours per resident by week (counted hours; ACGME average excludes leave)")
    for column in (
        "resident",
        "grade",
        *[f"wk {i + 1}" for i in range(weeks)],
        "avg/wk",
        "free days",
        "calls",
        "nights",
        "weekends",
    ):
        table.add_column(column, justify="left" if column in ("resident", "grade") else "right")
    for summary in sorted(people, key=lambda s: (s.person.grade, s.person.name)):
        if summary.person.grade.is_resident:
            table.add_row(
                summary.person.name,
                summary.person.grade.label,
                *[f"{h:.0f}" for h in summary.weekly_hours],
                _average(program, summary),
                str(summary.free_days),
                str(summary.call_nights),
                str(summary.nights),
                str(summary.weekends),
            )
    console.print(table)


def _average(program: Program, summary: PersonSummary) -> str:
    limits = program.rules.limits_for(summary.person)
    text = f"{summary.average_hours:.1f}"
    return f"[red]{text}[/]" if limits and summary.average_hours > limits.weekly_hours else text


def render_violations(console: Console, violations: list[Violation]) -> None:
    by_severity: dict[Severity, list[Violation]] = defaultdict(list)
    for violation in violations:
        by_severity[violation.rule.severity].append(violation)
    hard = by_severity.get(Severity.HARD, [])
    console.print(f"[bold]Hard rule violations:[/] {len(hard) or 'none'}")
    for violation in hard:
        console.print(f"  [red]{escape(str(violation))}[/]")
    for severity in (Severity.ADVISORY, Severity.WARNING):
        found = by_severity.get(severity, [])
        if found:
            console.print(f"[bold]{severity.value.title()}s:[/] {len(found)}")
            for violation in found[:10]:
                console.print(f"  [yellow]{escape(str(violation))}[/]")
            if len(found) > 10:
                console.print(f"  … and {len(found) - 10} more")


def render_penalties(console: Console, program: Program, report: PenaltyReport) -> None:
    counts = Counter(item.rule.code for item in report.items)
    table = Table(title=f"Penalties paid: {report.total} points")
    for column in ("rule", "items", "points"):
        table.add_column(column, justify="left" if column == "rule" else "right")
    for code, points in sorted(report.by_rule().items(), key=lambda kv: -kv[1]):
        table.add_row(code, str(counts[code]), str(points))
    console.print(table)
    people = sorted(report.by_person().items(), key=lambda kv: -kv[1])[:8]
    if people:
        console.print(
            "Most penalised people: "
            + ", ".join(f"{program.person[pid].name} {points}" for pid, points in people)
        )


COLUMNS = (ids.FAIR_NIGHTS, ids.FAIR_WEEKENDS, ids.FAIR_CALLS)


def render_fairness(console: Console, program: Program, people: list[PersonSummary]) -> None:
    """Fewest–most of each fairness count in each cohort the objective compares (grade and
    rotation), per full block so that leave is pro-rated, as the penalty measures it."""
    counts = {
        s.person.id: {ids.FAIR_NIGHTS: s.nights, ids.FAIR_WEEKENDS: s.weekends, ids.FAIR_CALLS: s.call_nights}
        for s in people
    }
    rows: dict[str, dict[RuleId, str]] = defaultdict(dict)
    for group in fairness_groups(program):
        values = [counts[pid][group.rule] * scale / 10 for pid, scale in group.scale.items()]
        rows[group.label][group.rule] = f"{min(values):g}–{max(values):g} ({len(values)})"
    table = Table(title="Fairness: fewest–most per full block in each cohort (people)")
    for column in ("cohort", "nights", "weekends", "call nights"):
        table.add_column(column, justify="left" if column == "cohort" else "right")
    for label, cells in rows.items():
        table.add_row(label, *(cells.get(rule, "–") for rule in COLUMNS))
    console.print(table)
