"""Admin (`/admin`): the live program's reference data (people, services, posts, shift types,
escalation policies), and the accounts, which an admin creates here, gives a new role,
deactivates or reactivates (each its own form and button), and whose password they reset. The
accounts service refuses to leave no active admin; a deactivation or a reset ends the
account's sessions.

The reference data lives in the program file: an admin edits that file here and saves it as
the program's next version (checked line by line, every earlier version kept, the live roster
carried over), through the same path as `PUT /api/v1/program`; the tables below show what it
says. Declared conflicts' reasons are the chief's: the file shows a placeholder for each, and a
placeholder saved back keeps the stored reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callroom.accounts.permissions import Permission
from callroom.accounts.roles import Role
from callroom.accounts.service import AccountService, AccountSpec
from callroom.api.deps import Accounts, Rosters
from callroom.api.errors import status_of
from callroom.api.params import RowId
from callroom.errors import CallroomError
from callroom.rosters.service import RosterService
from callroom.web.forms import check_csrf, form_data
from callroom.web.names import Names
from callroom.web.session import ROLE_LABELS, Viewer, require
from callroom.web.templating import render

router = APIRouter()
Reader = Annotated[Viewer, Depends(require(Permission.REFERENCE_EDIT, "open the admin pages"))]
Manager = Annotated[Viewer, Depends(require(Permission.ACCOUNTS_MANAGE, "manage accounts"))]
Form = Annotated[dict[str, str], Depends(form_data)]
NEW_FIELDS = ("username", "display_name", "role", "person_id", "password")


def _page(
    request: Request,
    viewer: Viewer,
    accounts: AccountService,
    rosters: RosterService,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status: int = 200,
    program: dict[str, str] | None = None,
    issues: list[dict[str, str]] | None = None,
) -> HTMLResponse:
    live = rosters.live()
    source = rosters.program_source(viewer.principal) if live is not None else ""
    return render(
        request,
        "admin.html",
        {
            "program_form": program or {"source": source, "reason": ""},
            "issues": issues or [],
            "live": live,
            "names": Names(live.program if live is not None else None),
            "accounts": accounts.accounts(viewer.principal),
            "roles": [(r.value, ROLE_LABELS.get(r.value, r.value)) for r in Role],
            "values": values or {},
            "errors": errors or {},
            "notice": notice,
        },
        status=status,
    )


DONE = {
    "created": "Account created.",
    "role": "{name} has a new role.",
    "deactivated": "{name} is deactivated: signed out everywhere, and cannot sign in until reactivated.",
    "reactivated": "{name} is active again.",
    "password": "{name} has a new password and their sessions have ended: give it to them.",
    "program": "Program file replaced: the live roster moved to it as a new version.",
}


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, viewer: Reader, accounts: Accounts, rosters: Rosters) -> HTMLResponse:
    said = DONE.get(request.query_params.get("done") or "")
    names = {str(a.id): a.username for a in accounts.accounts(viewer.principal)}
    name = names.get(request.query_params.get("account") or "", "The account")
    return _page(request, viewer, accounts, rosters, notice=said.format(name=name) if said else None)


def _spec(form: dict[str, str]) -> tuple[AccountSpec | None, dict[str, str]]:
    errors: dict[str, str] = {}
    role = form.get("role", "")
    if role not in {r.value for r in Role}:
        errors["role"] = "choose a role"
    if not form.get("display_name", "").strip():
        errors["display_name"] = "enter the name people know them by"
    if errors:
        return None, errors
    return AccountSpec(
        form.get("username", "").strip().lower(),
        form["display_name"],
        Role(role),
        form.get("person_id", "").strip() or None,
        form.get("password") or None,
    ), errors


@router.post("/admin/accounts", response_class=HTMLResponse)
def create_account(
    request: Request, viewer: Manager, form: Form, accounts: Accounts, rosters: Rosters
) -> Response:
    check_csrf(request, viewer, form)
    spec, errors = _spec(form)
    live = rosters.live()
    if spec is not None and spec.person_id and live is not None and spec.person_id not in live.program.person:
        errors["person_id"] = f"no person {spec.person_id!r} in the program"
    if spec is not None and not errors:
        try:
            accounts.add_account(viewer.principal, spec)
        except CallroomError as error:
            errors[error.field] = error.message
    if errors:
        values = {k: form.get(k, "") for k in NEW_FIELDS if k != "password"}
        return _page(request, viewer, accounts, rosters, values, errors, status=422)
    return RedirectResponse("/admin?done=created#accounts", status_code=303)


def _done(done: str, account_id: int) -> RedirectResponse:
    return RedirectResponse(f"/admin?done={done}&account={account_id}#account-{account_id}", status_code=303)


def _change(
    request: Request,
    viewer: Viewer,
    accounts: AccountService,
    rosters: RosterService,
    account_id: int,
    done: str,
    **values: object,
) -> Response:
    """The change made, or the admin page with the refusal next to the account's row."""
    try:
        accounts.change_account(viewer.principal, account_id, **values)
    except CallroomError as error:
        return _page(
            request,
            viewer,
            accounts,
            rosters,
            errors={f"account-{account_id}": error.message},
            status=status_of(error),
        )
    return _done(done, account_id)


@router.post("/admin/accounts/{account_id}/role", response_class=HTMLResponse)
def change_role(
    request: Request, viewer: Manager, form: Form, accounts: Accounts, rosters: Rosters, account_id: RowId
) -> Response:
    """A new role, and nothing else."""
    check_csrf(request, viewer, form)
    role = form.get("role", "")
    if role not in {r.value for r in Role}:
        return _page(
            request, viewer, accounts, rosters, errors={f"account-{account_id}": "choose a role"}, status=422
        )
    return _change(request, viewer, accounts, rosters, account_id, "role", role=Role(role))


@router.post("/admin/accounts/{account_id}/active", response_class=HTMLResponse)
def change_active(
    request: Request, viewer: Manager, form: Form, accounts: Accounts, rosters: Rosters, account_id: RowId
) -> Response:
    """Deactivate (its sessions end at once) or reactivate, and nothing else."""
    check_csrf(request, viewer, form)
    if form.get("active") not in ("0", "1"):
        errors = {f"account-{account_id}": "say whether to activate it"}
        return _page(request, viewer, accounts, rosters, errors=errors, status=422)
    active = form["active"] == "1"
    done = "reactivated" if active else "deactivated"
    return _change(request, viewer, accounts, rosters, account_id, done, active=active)


@router.post("/admin/accounts/{account_id}/password", response_class=HTMLResponse)
def reset_password(
    request: Request, viewer: Manager, form: Form, accounts: Accounts, rosters: Rosters, account_id: RowId
) -> Response:
    """A password the admin sets and hands over; every session of the account ends (the
    admin's own, too, when it is their account)."""
    check_csrf(request, viewer, form)
    try:
        accounts.set_password(viewer.principal, account_id, form.get("password", ""))
    except CallroomError as error:
        return _page(
            request,
            viewer,
            accounts,
            rosters,
            errors={f"password-{account_id}": error.message},
            status=status_of(error),
        )
    return _done("password", account_id)


@router.post("/admin/program", response_class=HTMLResponse)
def replace_program(
    request: Request, viewer: Reader, form: Form, accounts: Accounts, rosters: Rosters
) -> Response:
    """Replace the program file (people, services, posts, shift types, policies), through the
    roster service, as the API does: checked line by line by the loader, stored as a new program
    version, the live roster carried over as a new roster version, nothing saved on any error."""
    check_csrf(request, viewer, form)
    values = {"source": form.get("source", ""), "reason": form.get("reason", "")}
    errors: dict[str, str] = {}
    issues: list[dict[str, str]] = []
    if not values["reason"].strip():
        errors["reason"] = "say why (kept in the roster version's audit)"
    if not values["source"].strip():
        errors["source"] = "the program file cannot be empty"
    if not errors:
        try:
            rosters.replace_program(viewer.principal, values["source"], values["reason"])
        except CallroomError as error:
            issues = [d.as_dict() for d in error.details]
            # Each problem is listed once, above the editor, under this one line that counts them.
            many = f"{len(issues)} problems" if len(issues) > 1 else "a problem"
            listed = f"Nothing was saved: {many} in the file"
            errors["source"] = listed if issues else error.message
    if errors:
        return _page(
            request, viewer, accounts, rosters, errors=errors, program=values, issues=issues, status=422
        )
    return RedirectResponse("/admin?done=program#program", status_code=303)
