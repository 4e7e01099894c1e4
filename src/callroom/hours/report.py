"""The duty-hours report of a program (or one resident) by block: CSV and a printable HTML page.

Both carry the same facts: each resident's scheduled and worked hours per week of the blocks
asked for (`HoursReport.weeks`, a table per block), every violation on hours as worked with its
ACGME citation, the rolling-window early warnings (labelled as such), and the justifications
with their review status.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from jinja2 import Environment, select_autoescape

from callroom.domain.program import Block
from callroom.hours.service import HoursReport
from callroom.rules.violations import Violation
from callroom.rules.worked import BlockReport, WeekHours, block_number, nth_block

CSV_COLUMNS = (
    "row",
    "block",
    "block_start",
    "block_end",
    "person",
    "name",
    "week_start",
    "scheduled_hours",
    "worked_hours",
    "difference_hours",
    "rule",
    "citation",
    "message",
)


def hours(minutes: int) -> str:
    return f"{minutes / 60:.2f}"


@dataclass
class WeekTable:
    """One block's weeks as a table: a row of weeks per person, a column per week start."""

    number: int
    block: Block
    starts: list[date] = field(default_factory=list)
    rows: dict[str, list[WeekHours]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"block {self.number} ({self.block.start} to {self.block.end})"


def week_tables(report: HoursReport) -> list[WeekTable]:
    """The report's weeks, one table per block, in the order the report holds them."""
    tables: dict[int, WeekTable] = {}
    for week in report.weeks:
        number = block_number(report.program, week.week_start)
        table = tables.setdefault(number, WeekTable(number, nth_block(report.program, number).block))
        if week.week_start not in table.starts:
            table.starts.append(week.week_start)
        table.rows.setdefault(week.person_id, []).append(week)
    return list(tables.values())


def csv_text(report: HoursReport) -> str:
    """One row per resident and week (`row` = week), then one per violation (`violation`) and
    early warning (`warning`), then one per justification (`justification`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_week_rows(report))
    for block in report.blocks:
        writer.writerows(_violation_row(report, block, v, "violation") for v in block.violations)
        writer.writerows(_violation_row(report, block, v, "warning") for v in block.warnings)
    writer.writerows(_justification_rows(report))
    return out.getvalue()


def _name(report: HoursReport, person_id: str | None) -> str:
    person = report.program.person.get(person_id or "")
    return person.name if person else ""


def _week_rows(report: HoursReport) -> Iterator[list[str]]:
    for table in week_tables(report):
        block = table.block
        for person_id, weeks in table.rows.items():
            yield from (
                [
                    "week",
                    str(table.number),
                    str(block.start),
                    str(block.end),
                    person_id,
                    _name(report, person_id),
                    str(week.week_start),
                    hours(week.scheduled_minutes),
                    hours(week.worked_minutes),
                    hours(week.difference_minutes),
                    "",
                    "",
                    "",
                ]
                for week in weeks
            )


def _violation_row(report: HoursReport, block: BlockReport, violation: Violation, kind: str) -> list[str]:
    return [
        kind,
        str(block.number),
        str(block.block.start),
        str(block.block.end),
        violation.person_id or "",
        _name(report, violation.person_id),
        "",
        "",
        "",
        "",
        violation.rule.code,
        violation.rule.cited,
        violation.message,
    ]


def _justification_rows(report: HoursReport) -> Iterator[list[str]]:
    owner = {p.id: p.person_id for p in report.periods}
    for item in report.justifications:
        person = owner.get(item.period_id, "")
        yield [
            "justification",
            "",
            "",
            "",
            person,
            _name(report, person),
            "",
            "",
            "",
            "",
            item.status,
            item.reason.label,
            f"period {item.period_id}: {item.note}",
        ]


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Duty hours: {{ program.hospital.name }}</title>
<style>
 body { font: 11pt system-ui, sans-serif; margin: 1.5cm; }
 table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
 th, td { border: 1px solid #999; padding: 2px 6px; text-align: right; }
 th:first-child, td:first-child, td.text { text-align: left; }
 .over { font-weight: bold; }
 .warning { color: #7a4b00; }
 @media print { section { page-break-after: always; } }
</style></head><body>
<h1>Duty hours as worked: {{ program.hospital.name }}</h1>
<p>Averaged by block, leave left out of both sides (ACGME). The rolling {{ window }}-day window is an
early warning only.</p>
{% for table in week_tables %}<section>
<h2>Scheduled and worked hours by week, {{ table.label }}</h2>
<table><thead><tr><th>Resident</th>{% for w in table.starts %}<th>Week of {{ w }}<br>worked / scheduled</th>
{% endfor %}</tr></thead><tbody>
{% for person_id, weeks in table.rows.items() %}<tr><td>{{ name(person_id) }}</td>{% for w in weeks %}
<td class="{{ 'over' if w.worked_minutes > w.scheduled_minutes else '' }}">{{ hours(w.worked_minutes) }} /
{{ hours(w.scheduled_minutes) }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>
</section>{% endfor %}
{% for block in blocks %}<section>
<h2>{{ block.label | capitalize }}</h2>
{% if not block.violations and not block.warnings %}<p>No violations on hours as logged.</p>{% endif %}
{% if block.violations %}<table><thead><tr><th>Rule</th><th>Resident</th><th>What</th></tr></thead><tbody>
{% for v in block.violations %}<tr><td class="text">{{ v.rule.cited }}</td>
<td class="text">{{ name(v.person_id) }}</td><td class="text">{{ v.message }}</td></tr>{% endfor %}
</tbody></table>{% endif %}
{% for v in block.warnings %}<p class="warning">Early warning: {{ v.message }}</p>{% endfor %}
</section>{% endfor %}
<section><h2>Justifications</h2>
{% if not justifications %}<p>None.</p>{% else %}<table><thead><tr><th>Period</th><th>Resident</th>
<th>Reason</th><th>Note</th><th>Status</th></tr></thead><tbody>
{% for j in justifications %}<tr><td>{{ j.period_id }}</td>
<td class="text">{{ name(owner.get(j.period_id)) }}</td>
<td class="text">{{ j.reason.label }}</td><td class="text">{{ j.note }}</td><td class="text">{{ j.status }}
{% if j.reviews %}({{ j.reviews[-1].reviewer }}: {{ j.reviews[-1].note }}){% endif %}</td></tr>
{% endfor %}</tbody></table>{% endif %}
</section></body></html>
"""

_ESCAPED = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_TEMPLATE = _ESCAPED.from_string(_PAGE)


def html_page(report: HoursReport) -> str:
    """A self-contained printable page (one section per block); every value is escaped."""
    return _TEMPLATE.render(
        program=report.program,
        blocks=report.blocks,
        justifications=report.justifications,
        week_tables=week_tables(report),
        hours=hours,
        name=lambda pid: _name(report, pid),
        owner={p.id: p.person_id for p in report.periods},
        window=report.program.rules.limits.rolling_window_days,
    )
