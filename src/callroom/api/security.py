"""`/api/v1/session`, `/api/v1/me` and `/api/v1/accounts`: sign in and out, one's own account,
tokens and calendar link, and account administration (admins).

Signing in answers with the session cookie and the CSRF token; the web pages use the same
`start_session`/`end_session` helpers from api/auth.py.
"""

from __future__ import annotations

from typing import Annotated, NoReturn

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from callroom.accounts.permissions import Permission
from callroom.accounts.service import AccountSpec
from callroom.api.auth import Principal, csrf_token, end_session, require, start_session
from callroom.api.deps import Accounts
from callroom.api.params import RowId
from callroom.api.schemas import ErrorRead
from callroom.api.schemas.security import (
    AccountCreate,
    AccountEventRead,
    AccountRead,
    AccountUpdate,
    CalendarLinkRead,
    PasswordChange,
    PasswordSet,
    SignInCreate,
    TokenCreate,
    TokenCreated,
    TokenRead,
    WhoAmIRead,
)
from callroom.errors import Conflict

ERRORS = {status: {"model": ErrorRead} for status in (401, 403, 404, 409, 413, 422)}
router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=ERRORS)  # type: ignore[arg-type]

Self = Annotated[Principal, Depends(require(Permission.ACCOUNT_SELF))]
Admin = Annotated[Principal, Depends(require(Permission.ACCOUNTS_MANAGE))]
Calendar = Annotated[Principal, Depends(require(Permission.CALENDAR_OWN))]


def who(caller: Principal, request: Request) -> WhoAmIRead:
    return WhoAmIRead(
        user=caller.user,
        display_name=caller.display_name or caller.user,
        role=caller.role,
        person_id=caller.person_id,
        via=caller.via.value,
        permissions=sorted(p.value for p in Permission if caller.can(p)),
        csrf_token=csrf_token(request) if caller.via.value == "session" else None,
    )


@router.post("/session", status_code=201)
async def sign_in(body: SignInCreate, request: Request, response: Response, accounts: Accounts) -> WhoAmIRead:
    """Sign in with a password: sets the HttpOnly session cookie and answers with the CSRF
    token that unsafe requests on this session must carry."""
    signed = await run_in_threadpool(accounts.sign_in, body.username, body.password)
    start_session(request, response, signed)
    found = who(signed.principal, request)
    return found.model_copy(update={"csrf_token": signed.csrf_token})


@router.get("/session")
def whoami(caller: Self, request: Request) -> WhoAmIRead:
    """Who the caller is, their permissions, and (for a cookie session) the CSRF token."""
    return who(caller, request)


@router.delete("/session", status_code=204)
def sign_out(_caller: Self, request: Request, response: Response) -> None:
    end_session(request, response)


@router.put("/me/password", status_code=204)
def change_own_password(body: PasswordChange, caller: Self, accounts: Accounts) -> None:
    """Change one's own password (the current one is asked for); every session ends."""
    if caller.account_id is None:
        raise_no_account()
    accounts.set_password(caller, caller.account_id, body.new_password, current=body.current_password)


@router.get("/me/tokens")
def own_tokens(caller: Self, accounts: Accounts) -> list[TokenRead]:
    if caller.account_id is None:
        return []
    return [TokenRead.model_validate(t) for t in accounts.api_tokens(caller, caller.account_id)]


@router.post("/me/tokens", status_code=201)
def create_own_token(body: TokenCreate, caller: Self, accounts: Accounts) -> TokenCreated:
    """A bearer token for an integration acting as the caller; shown once."""
    if caller.account_id is None:
        raise_no_account()
    token, record = accounts.create_api_token(caller, caller.account_id, body.name)
    return TokenCreated.model_validate({**TokenRead.model_validate(record).model_dump(), "token": token})


@router.delete("/me/tokens/{token_id}", status_code=204)
def revoke_own_token(token_id: RowId, caller: Self, accounts: Accounts) -> None:
    if caller.account_id is None:
        raise_no_account()
    accounts.revoke_api_token(caller, caller.account_id, token_id)


@router.post("/me/calendar", status_code=201)
def new_calendar_link(caller: Calendar, accounts: Accounts, request: Request) -> CalendarLinkRead:
    """A private iCal subscription link to one's own schedule; any older link stops working."""
    token = accounts.new_calendar_link(caller)
    return CalendarLinkRead(url=str(request.url_for("calendar_feed", token=token)))


@router.delete("/me/calendar", status_code=204)
def revoke_calendar_links(caller: Calendar, accounts: Accounts) -> None:
    accounts.revoke_calendar_links(caller)


@router.get("/accounts")
def list_accounts(caller: Admin, accounts: Accounts) -> list[AccountRead]:
    return [AccountRead.model_validate(a) for a in accounts.accounts(caller)]


@router.post("/accounts", status_code=201)
def create_account(body: AccountCreate, caller: Admin, accounts: Accounts) -> AccountRead:
    spec = AccountSpec(body.username, body.display_name, body.role, body.person_id, body.password)
    return AccountRead.model_validate(accounts.add_account(caller, spec))


@router.get("/accounts/{account_id}")
def get_account(account_id: RowId, caller: Admin, accounts: Accounts) -> AccountRead:
    return AccountRead.model_validate(accounts.account(caller, account_id))


@router.patch("/accounts/{account_id}")
def update_account(account_id: RowId, body: AccountUpdate, caller: Admin, accounts: Accounts) -> AccountRead:
    """Change the role, name, linked person or active flag; deactivating ends every session
    and stops the account's tokens and calendar links."""
    values = body.model_dump(exclude_unset=True, exclude_none=True)
    return AccountRead.model_validate(accounts.change_account(caller, account_id, **values))


@router.put("/accounts/{account_id}/password", status_code=204)
def set_password(account_id: RowId, body: PasswordSet, caller: Admin, accounts: Accounts) -> None:
    accounts.set_password(caller, account_id, body.password)


@router.get("/accounts/{account_id}/tokens")
def account_tokens(account_id: RowId, caller: Admin, accounts: Accounts) -> list[TokenRead]:
    return [TokenRead.model_validate(t) for t in accounts.api_tokens(caller, account_id)]


@router.post("/accounts/{account_id}/tokens", status_code=201)
def create_account_token(
    account_id: RowId, body: TokenCreate, caller: Admin, accounts: Accounts
) -> TokenCreated:
    token, record = accounts.create_api_token(caller, account_id, body.name)
    return TokenCreated.model_validate({**TokenRead.model_validate(record).model_dump(), "token": token})


@router.delete("/accounts/{account_id}/tokens/{token_id}", status_code=204)
def revoke_account_token(account_id: RowId, token_id: RowId, caller: Admin, accounts: Accounts) -> None:
    accounts.revoke_api_token(caller, account_id, token_id)


@router.get("/accounts/{account_id}/events")
def account_events(account_id: RowId, caller: Admin, accounts: Accounts) -> list[AccountEventRead]:
    """The account's audit trail: created, changed, passwords set, tokens, sign-ins."""
    return [AccountEventRead.model_validate(e) for e in accounts.events(caller, account_id)]


def raise_no_account() -> NoReturn:
    raise Conflict("account", "this token is not tied to an account (CALLROOM_API_TOKENS)")
