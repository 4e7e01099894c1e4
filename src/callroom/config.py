"""Settings, read once at the edge (CLI, app factory) and passed down; CALLROOM_ prefix."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALLROOM_", extra="ignore")

    database_url: str = "sqlite:///callroom.db"
