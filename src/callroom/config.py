"""Settings, read once at the edge (the CLI's callback, the API's factory, the worker) and passed
down through the composition root; the CALLROOM_ prefix. docs/configuration.md describes every
one (a test keeps them in step)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from callroom.accounts.roles import LEGACY_ROLES, Role


class ApiToken(BaseModel):
    token: SecretStr = Field(min_length=16)
    user: str = Field(min_length=1, max_length=100)
    role: Role = Role.ATTENDING

    @field_validator("role", mode="before")
    @classmethod
    def _legacy_role(cls, value: object) -> object:
        return LEGACY_ROLES.get(value, value) if isinstance(value, str) else value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALLROOM_", extra="ignore")

    database_url: str = "sqlite:///callroom.db"

    # The program (or year, with its `<year>/block-NN` programs) whose roster is the live
    # schedule: the block holding today, else the newest stored (default: among every program).
    paging_program: str | None = None

    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "callroom@localhost"
    smtp_timeout_s: float = Field(10.0, gt=0)

    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_timeout_s: float = Field(10.0, gt=0)

    # A crash delays due work by one poll; a send in flight by its lease, which must outlast
    # the slowest transport's timeout.
    worker_poll_interval_s: float = Field(0.1, gt=0)
    worker_batch: int = Field(200, ge=1)
    send_lease_s: float = Field(30.0, gt=0)
    send_attempts: int = Field(5, ge=1)
    retry_base_s: float = Field(2.0, gt=0)
    retry_cap_s: float = Field(60.0, gt=0)

    # A background job's worker renews its lease every heartbeat; a worker that dies holds the
    # job until its lease runs out, and then another worker starts it again.
    job_lease_s: float = Field(30.0, gt=0)
    job_heartbeat_s: float = Field(0.5, gt=0)
    job_attempts: int = Field(3, ge=1)

    api_tokens: list[ApiToken] = []
    # A signed-in session ends after this long without a request (sliding).
    session_idle_minutes: int = Field(30, ge=1, le=24 * 60)
    stream_poll_interval_s: float = Field(0.02, gt=0)
    # Comment lines on an idle event stream, so proxies keep it open and clients notice loss.
    stream_ping_s: float = Field(15.0, gt=0)

    # Operations (docs/operations.md): one JSON object per log line for a log shipper, or text
    # for a person at a terminal; a bearer token for /metrics (unset: open, for a scraper on a
    # private network); how far back the metrics' histograms look.
    log_format: Literal["text", "json"] = "text"
    metrics_token: SecretStr | None = Field(None, min_length=16)
    metrics_window_s: float = Field(3600.0, gt=0, le=7 * 24 * 3600)

    # The OR board's patient identifiers are kept this many days after the patient's last case;
    # `callroom or purge` (or POST /api/v1/or/purge) then removes them, keeping cases and case logs.
    phi_retention_days: int = Field(30, ge=0, le=36500)
