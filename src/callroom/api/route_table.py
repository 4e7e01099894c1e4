"""Which permission each route of an app requires: read from the routes' own dependencies, so
the permission table in docs/permissions.md and its tests see exactly what is enforced."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import fastapi.routing
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant

from callroom.accounts.permissions import Permission
from callroom.api.auth import Require


@dataclass(frozen=True, order=True)
class RouteRule:
    path: str
    method: str
    permissions: tuple[Permission, ...]  # () for a route with none (it must be public)


def _routes(app: FastAPI) -> Iterator[Any]:
    # FastAPI 0.16x includes routers lazily; iter_route_contexts flattens them.
    walk = getattr(fastapi.routing, "iter_route_contexts", None)
    yield from (walk(app.routes) if walk is not None else app.routes)


def _required(dependant: Dependant) -> Iterator[Permission]:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Require):
            yield dependency.call.permission
        yield from _required(dependency)


def route_rules(app: FastAPI, prefixes: Sequence[str] = ("/",)) -> list[RouteRule]:
    """Every (path, method) of the app under the prefixes, with the permissions it requires."""
    rules = set()
    for route in _routes(app):
        path = getattr(route, "path", None)
        if path is None or not path.startswith(tuple(prefixes)):
            continue
        dependant = getattr(route, "dependant", None)
        needed = tuple(sorted(set(_required(dependant)))) if dependant is not None else ()
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                rules.add(RouteRule(path, method, needed))
    return sorted(rules)
