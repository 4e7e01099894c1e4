"""The one permission table: what each role may do. Every route names one permission through
`callroom.api.auth.require`, and docs/permissions.md is this table in prose (a test checks they
agree). Ownership ("a resident edits only their own requests") is checked by the service that
does the work, with the caller's person id; this table says only who may try.
"""

from __future__ import annotations

from enum import StrEnum

from callroom.accounts.roles import Role


class Permission(StrEnum):
    # Everyone signed in
    ACCOUNT_SELF = "account:self"  # read one's own account, change one's password, own tokens
    ONCALL_READ = "oncall:read"  # who holds a post now and next
    DIRECTORY_READ = "directory:read"  # people, services and posts (names, grades, posts)
    PAGE_SEND = "page:send"  # send pages; read and act on pages one sent or received
    # Operators and admins: the switchboard queue, any page
    PAGE_ANY = "page:any"
    # Patient references on pages one did not send (operators see only what they sent)
    PATIENT_READ = "patient:read"
    # Schedules
    ROSTER_READ = "roster:read"  # rosters, versions, diffs, anyone's schedule
    ROSTER_EDIT = "roster:edit"  # edit cells, save new versions, force past hard rules with a reason
    CALENDAR_OWN = "calendar:own"  # one's own iCal subscription link
    # Requests, swaps and duty hours (routers of the changes and hours packages)
    REQUEST_OWN = "request:own"  # ask for a day off, offer/accept a swap, for oneself
    REQUEST_READ = "request:read"  # everyone's requests and swaps
    REQUEST_APPROVE = "request:approve"  # approve or refuse requests and swaps
    HOURS_LOG_OWN = "hours:log-own"  # log and correct one's own duty hours
    HOURS_EDIT_ANY = "hours:edit-any"  # log and correct anyone's hours (a coordinator entering a paper log)
    HOURS_READ = "hours:read"  # everyone's duty hours, reports and their history
    HOURS_REVIEW = "hours:review"  # review justifications
    # Declared conflicts between people, with their reasons: the chief's alone. Anyone else sees
    # a rule they break named only as "confidential" (rules.privacy), unless they are in the pair.
    CONFLICTS_READ = "conflicts:read"
    CONFLICTS_EDIT = "conflicts:edit"  # declare, change and remove them (the set-up's conflicts page)
    # Administration
    REFERENCE_EDIT = "reference:edit"  # people, services, posts, shift types, policies (program file)
    ACCOUNTS_MANAGE = "accounts:manage"  # create accounts, set roles, reset passwords, revoke


P = Permission
EVERYONE = frozenset({P.ACCOUNT_SELF, P.ONCALL_READ, P.DIRECTORY_READ, P.PAGE_SEND})
CLINICAL = EVERYONE | {P.PATIENT_READ, P.ROSTER_READ, P.CALENDAR_OWN}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: EVERYONE | {P.PAGE_ANY},
    Role.ATTENDING: CLINICAL,
    Role.RESIDENT: CLINICAL | {P.REQUEST_OWN, P.HOURS_LOG_OWN},
    Role.CHIEF: CLINICAL
    | {
        P.REQUEST_OWN,
        P.HOURS_LOG_OWN,
        P.ROSTER_EDIT,
        P.REQUEST_READ,
        P.REQUEST_APPROVE,
        P.HOURS_READ,
        P.HOURS_EDIT_ANY,
        P.CONFLICTS_READ,
        P.CONFLICTS_EDIT,
    },
    Role.PROGRAM_DIRECTOR: CLINICAL | {P.REQUEST_READ, P.HOURS_READ, P.HOURS_REVIEW},
    Role.ADMIN: EVERYONE | {P.PAGE_ANY, P.PATIENT_READ, P.ROSTER_READ, P.REFERENCE_EDIT, P.ACCOUNTS_MANAGE},
}


def allowed(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
