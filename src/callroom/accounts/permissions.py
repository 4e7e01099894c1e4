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
    # The operating room (callroom.operating). The board names no patient; a patient's identifiers
    # are read only through the patient guard, which also checks who is on the case (residents and
    # attendings: their own cases and their service's that day) and audits every read.
    OR_READ = "or:read"  # a day's OR board (no identifiers), one's own cases, the CPT table
    OR_ASSIGN = "or:assign"  # import a day, assign, move and publish (the chief)
    PHI_READ = "phi:read"  # try to read a case's patient identifiers (the guard decides)
    PHI_ANY = "phi:any"  # read the patient identifiers of any case (chief, program director)
    PHI_BREAK_GLASS = "phi:break-glass"  # read them outside one's cases, with a typed reason
    PHI_AUDIT = "phi:audit"  # the access log of patient identifiers
    PHI_PURGE = "phi:purge"  # run the retention purge (removes identifiers, reads none)
    CASELOG_OWN = "caselog:own"  # log, correct and remove one's own cases
    CASELOG_READ = "caselog:read"  # everyone's case logs, the program's progress, import and export
    CPT_EDIT = "cpt:edit"  # replace the program's CPT table
    # Administration
    REFERENCE_EDIT = "reference:edit"  # people, services, posts, shift types, policies (program file)
    ACCOUNTS_MANAGE = "accounts:manage"  # create accounts, set roles, reset passwords, revoke


P = Permission
EVERYONE = frozenset({P.ACCOUNT_SELF, P.ONCALL_READ, P.DIRECTORY_READ, P.PAGE_SEND})
CLINICAL = EVERYONE | {
    P.PATIENT_READ,
    P.ROSTER_READ,
    P.CALENDAR_OWN,
    P.OR_READ,
    P.PHI_READ,
    P.PHI_BREAK_GLASS,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: EVERYONE | {P.PAGE_ANY},
    Role.ATTENDING: CLINICAL,
    Role.RESIDENT: CLINICAL | {P.REQUEST_OWN, P.HOURS_LOG_OWN, P.CASELOG_OWN},
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
        P.OR_ASSIGN,
        P.PHI_ANY,
        P.CASELOG_OWN,
        P.CASELOG_READ,
        P.CPT_EDIT,
    },
    Role.PROGRAM_DIRECTOR: CLINICAL
    | {
        P.REQUEST_READ,
        P.HOURS_READ,
        P.HOURS_REVIEW,
        P.CASELOG_READ,
        P.CPT_EDIT,
        P.PHI_ANY,
        P.PHI_AUDIT,
        P.PHI_PURGE,
    },
    # The admin keeps the system running and sees no patient identifiers, nor who read them.
    Role.ADMIN: EVERYONE
    | {P.PAGE_ANY, P.PATIENT_READ, P.ROSTER_READ, P.REFERENCE_EDIT, P.ACCOUNTS_MANAGE, P.PHI_PURGE},
}


def allowed(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
