"""Storage: SQLAlchemy tables, Alembic migrations and append-only repositories.

    with open_database(settings.database_url) as database, database.session() as session:
        version = ProgramRepository(session).save_source(name, text, path)
"""

from callroom.storage.db import Database, open_database
from callroom.storage.records import (
    ProgramVersionRecord,
    RosterSource,
    RosterVersionRecord,
    VersionNotFound,
)
from callroom.storage.repositories import ProgramRepository, RosterRepository

__all__ = [
    "Database",
    "ProgramRepository",
    "ProgramVersionRecord",
    "RosterRepository",
    "RosterSource",
    "RosterVersionRecord",
    "VersionNotFound",
    "open_database",
]
