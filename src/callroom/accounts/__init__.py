"""Accounts, roles, sessions and API tokens: who may do what.

- `roles.Role` and the one permission table `permissions.ROLE_PERMISSIONS` (docs/permissions.md
  says the same in prose; a test keeps them equal).
- `principal.Principal`: who is acting, however they proved it; every service takes one and asks
  `principal.can(Permission.X)`.
- `service.AccountService`: sign-in (throttled per username), sessions with an idle timeout, API
  tokens, calendar links and account administration, each change in the append-only
  account_events. The HTTP side (cookies, CSRF, bearer tokens) is `callroom.api.auth`.
- `demo.seed_demo_accounts`: one public demo account per role, for trying callroom.
"""
