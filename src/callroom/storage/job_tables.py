"""Background jobs: long work (a solve) queued by the web or the CLI and run by any worker.

A job is claimed under a token and a lease, as outgoing messages are; its worker renews the
lease while it runs, writing its progress, and a job whose lease ran out is claimed again by
another worker. `active_key` is `kind:subject` while the job is queued or running and NULL after:
a unique column, so there is at most one live job of a kind per subject (two Solve presses give
one job) on both databases without partial indexes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callroom.storage.tables import Base, UtcDateTime

JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"state IN {JOB_STATES!r}", name="state_known"),
        CheckConstraint("attempts >= 0", name="attempts_counted"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    active_key: Mapped[str | None] = mapped_column(String(240), unique=True)
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    claim: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancel_requested: Mapped[bool] = mapped_column(Boolean)
    progress: Mapped[str] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)  # metrics' window
