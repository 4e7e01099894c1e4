"""Jinja2 for the pages: one environment, autoescaped, with the static file names baked in.

Vendored scripts carry their version in the file name, so a browser never runs a stale copy;
`static_url` is the one place a template names a static file. Data for app.js goes into a page
only through `json_script` (no page has an inline script: the Content-Security-Policy forbids it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from callroom.domain.days import is_weekend

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
VENDOR = {"htmx": "vendor/htmx-2.0.11.min.js", "chart": "vendor/chart-4.6.1.umd.min.js"}


def _static_url(name: str) -> str:
    return f"/static/{VENDOR.get(name, name)}"


def _day(value: date) -> str:
    return value.strftime("%a %d %b")


def _when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def _local_when(value: datetime, zone: str, seconds: bool = False) -> str:
    """An instant on the hospital's wall clock ("2027-03-01 09:15 EST"): `zone` is the program's;
    `seconds` for a timeline whose events come moments apart."""
    shape = "%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z"
    return value.astimezone(ZoneInfo(zone)).strftime(shape)


# Inside a <script> element the HTML parser still looks for "</script" and "<!--" (after which
# even "</script>" no longer ends it), so the JSON spells every <, > and & as a \u escape, which
# JSON.parse reads back as the same character.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def json_script(data: object, element_id: str) -> Markup:
    """`data` as JSON in a `<script type="application/json" id=element_id>` element, for app.js to
    read with JSON.parse; no value (a person's name, say) can end the element or hide the page
    after it."""
    text = json.dumps(data).translate(_SCRIPT_SAFE)
    return Markup('<script type="application/json" id="{}">{}</script>').format(element_id, Markup(text))


TEMPLATES.env.globals["static_url"] = _static_url
TEMPLATES.env.filters["json_script"] = json_script
TEMPLATES.env.filters["day"] = _day
TEMPLATES.env.filters["when"] = _when
TEMPLATES.env.filters["local_when"] = _local_when
TEMPLATES.env.tests["weekend"] = is_weekend
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True


def render(request: Request, name: str, context: Mapping[str, Any], status: int = 200) -> HTMLResponse:
    """The template filled in; every page gets the viewer and their CSRF token from state."""
    full = {"viewer": getattr(request.state, "viewer", None), **context}
    return TEMPLATES.TemplateResponse(request, name, full, status_code=status)
