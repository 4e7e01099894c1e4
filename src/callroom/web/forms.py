"""Form posts: the body as a dict of strings, a file sent with it, the CSRF check every form
goes through, and the program version a set-up form was opened from (its hidden `version`).

The token is the viewer's session token from `callroom.accounts` (a hidden `csrf_token` field,
or the `X-CSRF-Token` header that htmx sends from the page's `hx-headers`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request

from callroom.errors import Conflict, Invalid
from callroom.web.session import Viewer, forbidden


async def form_data(request: Request) -> dict[str, str]:
    """FastAPI dependency: the posted form's text fields (files are not accepted anywhere)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@dataclass(frozen=True)
class Upload:
    """The file a form sent as `file` (empty when none was chosen)."""

    name: str
    raw: bytes

    def text(self, missing: str) -> str:
        """The file as text (a byte-order mark dropped); `Invalid` on the form's file field
        saying `missing` when no file was chosen, or that it is not UTF-8."""
        if not self.raw:
            raise Invalid("file", missing)
        try:
            return self.raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise Invalid("file", "the file is not UTF-8 text") from error


async def form_with_file(request: Request, viewer: Viewer) -> tuple[dict[str, str], Upload]:
    """A posted form with a file: its text fields (the CSRF token checked) and its `file`."""
    async with request.form() as posted:
        fields = {key: value for key, value in posted.items() if isinstance(value, str)}
        check_csrf(request, viewer, fields)
        upload = posted.get("file")
        if upload is None or isinstance(upload, str):
            return fields, Upload("", b"")
        return fields, Upload(upload.filename or "", await upload.read())


async def form_joined(request: Request) -> dict[str, str]:
    """FastAPI dependency: as `form_data`, but a name sent several times (a group of
    checkboxes) gives its values with ", " between, the way a list is typed."""
    form = await request.form()
    found: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            found.setdefault(key, []).append(value)
    return {key: ", ".join(values) for key, values in found.items()}


def check_csrf(request: Request, viewer: Viewer, form: dict[str, str]) -> None:
    sent = form.get("csrf_token") or request.headers.get("x-csrf-token") or ""
    if not hmac.compare_digest(sent.encode(), viewer.csrf.encode()):
        raise forbidden("send this form: its security token is missing or old (reload the page)")


def opened_version(form: dict[str, str]) -> int | None:
    """The program version the form was opened from; None when it carries none."""
    sent = form.get("version", "").strip()
    return int(sent) if sent.isdigit() else None


def changed_since() -> Conflict:
    """The refusal of a set-up form opened from an older version of the program than the
    newest: the page is shown again over the newest, with what was typed."""
    return Conflict(
        "version",
        "The program changed since you opened this form (saved by someone else, or by you in "
        "another tab): it is shown below as it is now, with your values kept. Check, then save again.",
    )
