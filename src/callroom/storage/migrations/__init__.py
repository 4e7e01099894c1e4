"""Alembic migrations, shipped inside the package; run them with callroom.storage.open_database."""
