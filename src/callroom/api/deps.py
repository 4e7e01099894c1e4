"""Typed FastAPI dependencies: the services the app was built with (in its lifespan, from the
composition root `callroom.services`), for routes and pages. Nothing else reads `app.state`.

The annotated types (`Rosters`, `Accounts`, ...) depend on coroutines (`_inline`): FastAPI runs
a plain function dependency in its thread pool, a hop per request that reading `app.state`
does not need, and a wait for a free thread under load. Who is on call, the app's CPU per
request (`bench/oncall.py --cpu`, medians of two runs on a shared 2-core machine): 0.49 and
0.54 ms with plain functions, 0.22 and 0.23 ms with these. The plain functions stay for
callers outside `Depends`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from callroom.accounts.principal import Principal
from callroom.accounts.service import AccountService
from callroom.changes.publishing import Publishing as PublishingService
from callroom.changes.service import ChangeService
from callroom.config import Settings
from callroom.hours.service import HoursService
from callroom.jobs.service import JobService
from callroom.operating.caselog import CaseLogService
from callroom.operating.service import OrService
from callroom.ops.service import OpsService
from callroom.paging.service import PagingService
from callroom.paging.stream import InboxHub
from callroom.rosters.service import RosterService
from callroom.services import Services
from callroom.year.service import YearService

T = TypeVar("T")


def _inline(read: Callable[[Request], T]) -> Callable[[Request], Awaitable[T]]:
    """`read` as a coroutine, so FastAPI calls it on the event loop (it does no I/O)."""

    async def dependency(request: Request) -> T:
        return read(request)

    return dependency


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


def config_tokens(request: Request) -> dict[str, Principal]:
    """CALLROOM_API_TOKENS as (SHA-256 digest of the token -> principal)."""
    found: dict[str, Principal] = request.app.state.tokens
    return found


def hub(request: Request) -> InboxHub:
    found: InboxHub = request.app.state.hub
    return found


def rosters(request: Request) -> RosterService:
    return services(request).rosters


def paging(request: Request) -> PagingService:
    return services(request).paging


def changes(request: Request) -> ChangeService:
    return services(request).changes


def hours(request: Request) -> HoursService:
    return services(request).hours


def year(request: Request) -> YearService:
    return services(request).year


def jobs(request: Request) -> JobService:
    return services(request).jobs


def publishing(request: Request) -> PublishingService:
    return services(request).publishing


def accounts(request: Request) -> AccountService:
    return services(request).accounts


AppSettings = Annotated[Settings, Depends(_inline(settings))]
Hub = Annotated[InboxHub, Depends(_inline(hub))]
Rosters = Annotated[RosterService, Depends(_inline(rosters))]
Paging = Annotated[PagingService, Depends(_inline(paging))]
Changes = Annotated[ChangeService, Depends(_inline(changes))]
Hours = Annotated[HoursService, Depends(_inline(hours))]
Accounts = Annotated[AccountService, Depends(_inline(accounts))]
Years = Annotated[YearService, Depends(_inline(year))]
Jobs = Annotated[JobService, Depends(_inline(jobs))]
Publishing = Annotated[PublishingService, Depends(_inline(publishing))]


def ops(request: Request) -> OpsService:
    return services(request).ops


Ops = Annotated[OpsService, Depends(_inline(ops))]


def operating(request: Request) -> OrService:
    return services(request).operating


def caselog(request: Request) -> CaseLogService:
    return services(request).caselog


Operating = Annotated[OrService, Depends(_inline(operating))]
CaseLogs = Annotated[CaseLogService, Depends(_inline(caselog))]


def route_name(request: Request) -> str:
    """The route serving `request` as the access log of patient identifiers names it: its method
    and path template ("GET /api/v1/or/patient"). Pages and API routes that show a patient
    pass it to `OrService.patient`."""
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', request.url.path)}"
