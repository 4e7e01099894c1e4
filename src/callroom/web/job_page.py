"""The live page of one background job, whatever its kind: a solve (`/rosters/jobs/{id}`), a
sick call's repair (`/changes/sick-call/jobs/{id}`) or an OR day's assignment (`/or/jobs/{id}`).
The feature's page says what the job is (`JobView`: its title, the figures its progress carries,
where its result leads); this module and `job.html` with `static/solve.js` show it the same way:
the figures live from the job's event stream, a cancel button while it runs, and when it is done
a link to its result, or the browser sent straight on to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse

from callroom.jobs.service import JobRecord, JobState
from callroom.web.templating import render


@dataclass(frozen=True)
class JobView:
    """What a kind of job is, for its page. `next_url` and `next_text` name fields of the job's
    result in braces ("{version}"), filled in when it is done."""

    title: str
    about: str  # in words, beside the title
    figures: tuple[tuple[str, str], ...]  # (progress field, label)
    next_url: str
    next_text: str
    cancel: str  # the cancel form's action
    links: tuple[tuple[str, str], ...] = ()  # (href, text) below the job
    chart: bool = False  # the objective against time (a solve's)
    go: bool = False  # when done, the browser goes on to `next_url` by itself


def render_job(request: Request, job: JobRecord, view: JobView, may_cancel: bool) -> HTMLResponse:
    result = job.result if job.state is JobState.DONE else None
    found = None
    if result is not None:
        found = filled(view.next_url, result), filled(view.next_text, result, encode=False)
    context = {"job": job, "view": view, "may_cancel": may_cancel, "next": found}
    return render(request, "job.html", context)


PLACE = re.compile(r"\{(\w+)\}")


def filled(template: str, result: Mapping[str, Any], *, encode: bool = True) -> str:
    """The template with each {field} replaced by the result's value, for a link encoded (as
    solve.js fills it)."""

    def value(found: re.Match[str]) -> str:
        text = str(result.get(found.group(1), ""))
        return quote(text, safe="") if encode else text

    return PLACE.sub(value, template)
