"""Who is looking: the signed-in viewer of a page, their role's permissions and their menu.

Sign-in, sessions and CSRF tokens belong to `callroom.accounts` (the session cookie of
`callroom.api.auth`); this module turns its answer into what a page needs, and refuses a page
(redirect to sign-in, or 403 saying what was refused) in one place. Permissions are the one
table of `callroom.accounts.permissions`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from callroom.accounts.permissions import Permission
from callroom.accounts.principal import Principal
from callroom.accounts.roles import Role
from callroom.accounts.tokens import csrf_for
from callroom.api.auth import SESSION_COOKIE
from callroom.api.deps import accounts
from callroom.errors import NotAllowed, Unauthenticated

P = Permission
MENU: tuple[tuple[str, str, frozenset[Permission]], ...] = (
    ("/oncall", "On call now", frozenset({P.ONCALL_READ})),
    ("/inbox", "Pager", frozenset({P.PAGE_SEND})),
    ("/schedule", "Schedule", frozenset({P.ROSTER_READ})),
    ("/rosters", "Rosters", frozenset({P.ROSTER_EDIT})),
    ("/year", "Year", frozenset({P.ROSTER_READ})),
    ("/me", "My schedule", frozenset({P.CALENDAR_OWN})),
    ("/hours", "Duty hours", frozenset({P.HOURS_READ, P.HOURS_LOG_OWN})),
    ("/requests", "Requests & swaps", frozenset({P.REQUEST_OWN, P.REQUEST_READ})),
    ("/changes/sick-call", "Sick call", frozenset({P.REQUEST_APPROVE})),
    ("/or", "OR board", frozenset({P.OR_ASSIGN, P.CASELOG_READ})),
    ("/or/mine", "My cases", frozenset({P.OR_READ})),
    ("/caselog", "Case log", frozenset({P.CASELOG_OWN})),
    ("/caselog/program", "Case logs (program)", frozenset({P.CASELOG_READ})),
    ("/or/access", "Patient access", frozenset({P.PHI_AUDIT})),
    ("/setup", "Set-up", frozenset({P.REFERENCE_EDIT})),
    ("/setup/conflicts", "Conflicts", frozenset({P.CONFLICTS_EDIT})),
    ("/admin", "Admin", frozenset({P.REFERENCE_EDIT, P.ACCOUNTS_MANAGE})),
)
ROLE_LABELS = {
    "admin": "admin",
    "chief": "chief resident",
    "program_director": "program director",
    "attending": "attending",
    "resident": "resident",
    "operator": "nurse / operator",
}


def forbidden(what: str) -> NotAllowed:
    """Signed in, but the role may not do this; `what` says what was refused ("edit the schedule")."""
    return NotAllowed("permission", f"You may not {what}.")


@dataclass(frozen=True)
class Viewer:
    """The signed-in account (`callroom.accounts.principal.Principal`) and its CSRF token."""

    principal: Principal
    csrf: str

    @property
    def username(self) -> str:
        return self.principal.user

    @property
    def name(self) -> str:
        return self.principal.display_name or self.principal.user

    @property
    def role(self) -> Role:
        return self.principal.role

    @property
    def person_id(self) -> str | None:
        """The person in the program this account is, if any."""
        return self.principal.person_id

    def can(self, permission: Permission) -> bool:
        return self.principal.can(permission)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role.value, self.role.value)

    @property
    def menu(self) -> list[tuple[str, str]]:
        return [(href, label) for href, label, needs in MENU if any(self.can(p) for p in needs)]

    @property
    def home(self) -> str:
        """The first page of the viewer's menu: the board for a nurse, the grid for a chief."""
        menu = self.menu
        if self.can(P.ROSTER_EDIT):
            return "/schedule"
        return menu[0][0] if menu else "/oncall"


def identify(request: Request) -> Viewer | None:
    """The viewer of the session cookie, or None without a live session (never signed in,
    signed out, or idle past the timeout)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        found = accounts(request).session_principal(token)
    except Unauthenticated:
        return None
    return Viewer(found, csrf_for(token))


def viewer(request: Request) -> Viewer:
    """FastAPI dependency: the signed-in viewer, also left on `request.state` for templates."""
    found = identify(request)
    if found is None:
        raise Unauthenticated("session", "sign in to see this page")
    request.state.viewer = found
    return found


def require(permission: Permission, what: str) -> Callable[[Request], Viewer]:
    """A dependency: the viewer, who must hold `permission`; `what` words a refusal."""

    def check(request: Request) -> Viewer:
        found = viewer(request)
        if not found.can(permission):
            raise forbidden(what)
        return found

    return check
