"""Security headers on every answer of the app, the API's and the web pages' alike.

- Content-Security-Policy: scripts, styles and everything else only from this origin, so no
  inline script, inline event handler, `eval` or inline style runs even if a name or a message
  slips past escaping; `frame-ancestors 'none'` (and X-Frame-Options for older browsers) so no
  other site can frame a page to trick a click. An answer that sets its own policy keeps it
  (the printable hours report, whose one inline stylesheet is all it needs).
- X-Content-Type-Options nosniff, and Referrer-Policy same-origin: a page's address (a
  calendar link's secret) is never sent to another site.
- Cache-Control no-store on everything but the static files: pages, fragments and API answers
  show people's schedules, hours and pages, which no browser or proxy should keep after
  sign-out. Static files keep their own caching (vendored scripts carry their version).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# FastAPI's interactive API docs load their script from a CDN and start it with an inline
# script; they show no one's data, so they are only kept out of frames.
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")
DOCS_POLICY = "frame-ancestors 'none'"
# A self-contained printable page (the hours report): its own inline stylesheet, and nothing else.
SELF_CONTAINED_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
STATIC_PREFIX = "/static/"
ALWAYS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def headers_for(path: str, headers: MutableHeaders) -> None:
    """Add the security headers for a request path to an answer's headers (see the module doc)."""
    headers.update(ALWAYS)
    if "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = DOCS_POLICY if path in DOCS_PATHS else PAGE_POLICY
    if not path.startswith(STATIC_PREFIX):
        headers["Cache-Control"] = "no-store"


class SecurityHeaders:
    """The headers of `headers_for` on every HTTP answer. Plain ASGI, like the size limit in
    api/app.py: `app.middleware("http")` (BaseHTTPMiddleware) costs about 1.5 ms a request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers_for(path, MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)
