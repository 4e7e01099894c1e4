"""Accounts, roles, sessions and API tokens: who may do what (issue 5).

Interface for the web pages and other routers (all names below are stable):

- Roles: `callroom.config.Role` (admin, chief, program_director, attending, resident,
  operator). Permissions: `callroom.accounts.permissions.Permission` and the one table
  `ROLE_PERMISSIONS` (docs/permissions.md says the same in prose; a test keeps them equal).
- The caller: `callroom.accounts.principal.Principal(user, role, person_id, account_id, via,
  display_name)`; `.can(Permission.X)`, `.identity` (person id, else username: who they are on
  the schedule and on pages), `.actor` (for PagingService), `.inbox` (their SSE inbox).
- Enforcement, in `callroom.api.auth`: every route takes
  `caller: Annotated[Principal, Depends(require(Permission.X))]` (401 without credentials,
  403 naming the permission). `current_principal` accepts `Authorization: Bearer <token>` or
  the session cookie; `optional_principal` gives None instead of 401 (pages that show the
  sign-in form). Routes without `require` must be listed in `auth.PUBLIC_ROUTES` and in
  docs/permissions.md, or the route-table test fails.
- Signing in (a form handler): `signed = request.app.state.accounts.sign_in(username,
  password)` (an `AccountService`; raises `accounts.errors.Unauthorized`, field "password"),
  then `auth.start_session(request, response, signed)` sets the cookie (HttpOnly,
  SameSite=Lax, Secure over https). Signing out: `auth.end_session(request, response)`.
  The idle timeout (CALLROOM_SESSION_IDLE_MINUTES, default 30) slides with each request;
  an expired cookie is a 401 with field "session".
- CSRF: `auth.csrf_token(request)` is the token for this session's forms; put it in a hidden
  field `csrf_token` (or the htmx header `X-CSRF-Token`). `current_principal` refuses (403,
  field "csrf_token") any POST/PUT/PATCH/DELETE on a cookie without it. Bearer requests need
  none.
- Errors: `accounts.errors.AccountError(field, message)` and subclasses (`Unauthorized` 401,
  `Forbidden` 403, `NotFound` 404, `Conflict` 409) become the JSON error body in the API.
- Caches: an API token's principal is remembered 2 s per process (`TOKEN_MEMORY_S`; forgotten
  at once on revoke/change in that process); the API re-reads which roster is live at most
  every 0.5 s (`api.rosters.LIVE_RECHECK_S`; `forget_schedule(request)` after a save).
- Demo: `callroom.accounts.demo.seed_demo_accounts(database)` makes one account per role and
  returns `DemoAccount(username, password, role, person_id)` rows to print.
"""
