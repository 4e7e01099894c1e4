"""`/healthz`, `/readyz` and `/metrics`: for the load balancer, the orchestrator and Prometheus.

- `/healthz` answers 200 while the process can answer at all; it touches no database, so a
  database outage never gets healthy processes restarted.
- `/readyz` answers 200 when the database answers and its schema is at this code's newest
  migration, and 503 (the API's error JSON, naming each problem) otherwise: take the process out
  of the load balancer until it is ready again.
- `/metrics` is Prometheus' text format, read from the database at scrape time (see
  `callroom.ops.metrics`). Open when CALLROOM_METRICS_TOKEN is unset; otherwise the scraper
  sends `Authorization: Bearer <token>`.

None of them needs an account (they are among the API's public routes).
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from callroom.api import errors
from callroom.api.deps import Ops, settings
from callroom.config import Settings
from callroom.errors import Unauthenticated
from callroom.ops.metrics import CONTENT_TYPE, scrape

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up (no database is asked)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "not ready: the problems, by what was checked"}})
def readyz(ops: Ops) -> JSONResponse:
    """The database answers and its schema is this code's: 200; otherwise 503 naming what is wrong."""
    found = ops.readiness()
    if found.ready:
        return JSONResponse({"status": "ready"})
    problems = [{"field": what, "message": why} for what, why in found.problems.items()]
    return errors.error(503, problems[0]["field"], problems[0]["message"], problems)


def _metrics_token(
    chosen: Annotated[Settings, Depends(settings)], authorization: Annotated[str | None, Header()] = None
) -> None:
    if chosen.metrics_token is None:
        return
    expected = f"Bearer {chosen.metrics_token.get_secret_value()}"
    if authorization is None or not hmac.compare_digest(authorization.encode(), expected.encode()):
        raise Unauthenticated("Authorization", "send the metrics token: Authorization: Bearer <token>")


@router.get(
    "/metrics",
    dependencies=[Depends(_metrics_token)],
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}}},
)
async def metrics(ops: Ops) -> Response:
    """The service's figures in Prometheus' text format."""
    return Response(await run_in_threadpool(scrape, ops), media_type=CONTENT_TYPE)
