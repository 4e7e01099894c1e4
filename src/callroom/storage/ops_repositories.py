"""Read-only queries for operations: the figures `/metrics` reports.

The figures are read from the database at scrape time, so every API process reports the same
numbers (see docs/operations.md). Each query is cheap: counts run on indexes (migration 0014
adds those on `page_events.kind`, `outbound_messages (state, channel)`, `outbound_messages.sent_at`
and `jobs.finished_at`), and the latencies and durations behind the histograms are read only for
rows finished inside a bounded window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callroom.domain.paging import EventKind, MessageState
from callroom.storage.job_repositories import JobState
from callroom.storage.job_tables import JobRow
from callroom.storage.paging_tables import EventRow, MessageRow, PageRow, RecipientRow


@dataclass(frozen=True)
class Figures:
    """What the service has done (counts since the database began) and how fast (in a window)."""

    pages_sent: int
    delivered: dict[str, int]  # messages sent, by channel
    escalations: dict[str, int]  # escalation events by kind: "escalated" (a next step), "fallback"
    jobs: dict[tuple[str, str], int]  # jobs by (kind, state)
    delivery_latencies_s: list[float]  # due to sent, of messages sent inside the window
    job_durations_s: dict[str, list[float]]  # claimed to finished, by kind, of jobs done inside it


class OpsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def figures(self, since: datetime) -> Figures:
        return Figures(
            pages_sent=int(self._session.scalar(select(func.count(PageRow.id))) or 0),
            delivered=self._delivered(),
            escalations=self._escalations(),
            jobs={(kind, state): n for kind, state, n in self._jobs()},
            delivery_latencies_s=self._latencies(since),
            job_durations_s=self._durations(since),
        )

    def _delivered(self) -> dict[str, int]:
        rows = self._session.execute(
            select(MessageRow.channel, func.count())
            .where(MessageRow.state == MessageState.SENT)
            .group_by(MessageRow.channel)
        )
        return {channel: int(n) for channel, n in rows}

    def _escalations(self) -> dict[str, int]:
        kinds = (EventKind.ESCALATED, EventKind.FALLBACK)
        rows = self._session.execute(
            select(EventRow.kind, func.count()).where(EventRow.kind.in_(kinds)).group_by(EventRow.kind)
        )
        found = {kind: int(n) for kind, n in rows}
        return {kind.value: found.get(kind.value, 0) for kind in kinds}

    def _jobs(self) -> list[tuple[str, str, int]]:
        rows = self._session.execute(
            select(JobRow.kind, JobRow.state, func.count()).group_by(JobRow.kind, JobRow.state)
        )
        return [(kind, state, int(n)) for kind, state, n in rows]

    def _latencies(self, since: datetime) -> list[float]:
        """A message is due when its recipient was paged plus its delay (`after_s`); its latency
        is how long after that a worker recorded it sent."""
        rows = self._session.execute(
            select(MessageRow.sent_at, RecipientRow.notified_at, MessageRow.after_s)
            .join(RecipientRow, RecipientRow.id == MessageRow.recipient_id)
            .where(MessageRow.sent_at >= since, MessageRow.state == MessageState.SENT)
        )
        return [
            max(0.0, (sent - paged).total_seconds() - after)
            for sent, paged, after in rows
            if sent is not None
        ]

    def _durations(self, since: datetime) -> dict[str, list[float]]:
        rows = self._session.execute(
            select(JobRow.kind, JobRow.started_at, JobRow.finished_at).where(
                JobRow.finished_at >= since, JobRow.state == JobState.DONE, JobRow.started_at.is_not(None)
            )
        )
        found: dict[str, list[float]] = {}
        for kind, started, finished in rows:
            if started is None or finished is None:
                continue  # the query excludes these; the column types allow them
            found.setdefault(kind, []).append((finished - started).total_seconds())
        return found
