"""What operators ask of a running callroom: is it up, is it ready, what has it done, and a
backup of its database or a restore from one.

None of this needs a principal: health, readiness and metrics answer a load balancer and a
scraper (the metrics token, if set, is checked by the API), and backup and restore are run at the
machine by whoever holds the database's credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from callroom.domain.clock import Clock, utc_now
from callroom.errors import Unavailable
from callroom.storage import Database, open_database
from callroom.storage import backup as backups
from callroom.storage.db import current_revisions, migration_heads
from callroom.storage.ops_repositories import Figures, OpsRepository


@dataclass(frozen=True)
class Readiness:
    """Whether this process can serve: its database answers and its schema is this code's."""

    problems: dict[str, str]  # what is wrong, by what was checked ("database", "schema")

    @property
    def ready(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class OpsService:
    database: Database
    window_s: float
    clock: Clock = utc_now

    def readiness(self) -> Readiness:
        try:
            current = current_revisions(self.database)
        except Unavailable as error:
            return Readiness({"database": error.message})
        head = migration_heads()
        if current != head:
            at = ", ".join(current) or "no migration"
            return Readiness({"schema": f"the database is at {at}; this code needs {', '.join(head)}"})
        return Readiness({})

    def figures(self) -> Figures:
        """The counts, and the latencies and durations of the last `window_s` seconds."""
        since = self.clock() - timedelta(seconds=self.window_s)
        with self.database.reading() as session:
            return OpsRepository(session).figures(since)


def backup(database_url: str, file: Path) -> None:
    """Write a backup of the database to `file` (see `storage.backup`)."""
    backups.backup(database_url, file)


def check_backup(database_url: str, file: Path) -> None:
    """`Invalid` unless `file` is a backup this database can be restored from."""
    backups.check(database_url, file)


def restore(database_url: str, file: Path) -> None:
    """Replace the database with the backup in `file`, then bring its schema to this code's
    migrations (a backup taken before an upgrade is upgraded as it is restored)."""
    backups.restore(database_url, file)
    with open_database(database_url):
        pass
