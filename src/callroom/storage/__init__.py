"""Storage: SQLAlchemy tables, Alembic migrations and append-only repositories.

with open_database(settings.database_url) as database, database.session() as session:
    version = ProgramRepository(session).save_source(name, text, path)
"""

# Registers the paging tables on Base.metadata, which Alembic and the schema test compare.
from callroom.storage import accounts_tables as accounts_tables
from callroom.storage import changes_tables as changes_tables
from callroom.storage import hours_tables as hours_tables
from callroom.storage import job_tables as job_tables
from callroom.storage import operating_tables as operating_tables
from callroom.storage import paging_tables as paging_tables
from callroom.storage import year_tables as year_tables
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
