"""What each role may do: one permission per action, one set of permissions per role.

Scoping (which rows a permitted caller sees) is separate, in ``dialer.auth.scoping``: a controller
may read campaigns, but only its own client's.
"""

from __future__ import annotations

import enum

from dialer.auth.models import Role


class Permission(enum.StrEnum):
    CLIENTS_READ = "clients:read"
    CLIENTS_WRITE = "clients:write"
    CONTRACTS_READ = "contracts:read"
    CONTRACTS_WRITE = "contracts:write"
    CAMPAIGNS_READ = "campaigns:read"
    CAMPAIGNS_WRITE = "campaigns:write"
    CAMPAIGNS_CONTROL = "campaigns:control"
    OPERATORS_READ = "operators:read"
    OPERATORS_WRITE = "operators:write"
    CONTACTS_READ = "contacts:read"
    CONTACTS_WRITE = "contacts:write"
    DNC_READ = "dnc:read"
    DNC_WRITE = "dnc:write"
    CALLS_READ = "calls:read"
    CALLS_WRITE = "calls:write"
    CALLS_REVIEW = "calls:review"  # review a call's AMD verdict (a machine that was a person)
    SESSIONS_READ = "sessions:read"
    SESSIONS_WRITE = "sessions:write"
    USERS_MANAGE = "users:manage"
    KEYS_MANAGE = "keys:manage"
    RECORDINGS_READ = "recordings:read"
    RECORDINGS_EXPORT = "recordings:export"
    RECORDINGS_DELETE = "recordings:delete"
    AUDIT_READ = "audit:read"
    HOTLEADS_READ = "hotleads:read"
    HOTLEADS_WRITE = "hotleads:write"
    REPORTS_READ = "reports:read"  # daily and monthly reports, acts (a controller: its client's)
    REPORTS_WRITE = "reports:write"  # report recipients, making a monthly report
    ACTS_ISSUE = "acts:issue"
    ACTS_SIGN = "acts:sign"  # the client's answer to an act: sign or dispute
    BILLING_READ = "billing:read"  # statements, volume, alerts of contracts (a controller: its own)
    BILLING_CLOSE = "billing:close"  # freeze a contract's month
    EVENTS_READ = "events:read"  # the live event stream (GET /events), scoped by dialer.live.feed
    SCORECARDS_READ = "scorecards:read"
    SCORECARDS_WRITE = "scorecards:write"
    SCORES_READ = "scores:read"
    SCORES_WRITE = "scores:write"  # score calls and claim QA queue items
    WALLBOARD_READ = "wallboard:read"  # the wallboard and its charts: every operator and campaign
    OPERATORS_SUPERVISE = "operators:supervise"  # force a pause or log-out; listen, whisper, barge


_SUPERVISOR = frozenset(Permission) - {
    Permission.USERS_MANAGE,
    Permission.KEYS_MANAGE,
    Permission.RECORDINGS_DELETE,
    Permission.ACTS_SIGN,  # the client answers its acts, not the centre
}
_RECORDINGS = frozenset({Permission.RECORDINGS_READ, Permission.RECORDINGS_EXPORT})
# A client's controller reads its campaigns' scorecards and scores their calls too (scoping).
_SCORING = frozenset({Permission.SCORECARDS_READ, Permission.SCORES_READ, Permission.SCORES_WRITE})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SUPERVISOR: _SUPERVISOR,
    Role.QA: frozenset(
        {
            Permission.CAMPAIGNS_READ,
            Permission.OPERATORS_READ,
            Permission.CALLS_READ,
            Permission.CALLS_REVIEW,
            Permission.SESSIONS_READ,
            Permission.SCORECARDS_WRITE,
        }
    )
    | _RECORDINGS
    | _SCORING,
    # An operator reads and disposes only their own calls and acts only on their own session (scoping).
    Role.OPERATOR: frozenset(
        {
            Permission.CAMPAIGNS_READ,
            Permission.CALLS_READ,
            Permission.CALLS_WRITE,
            Permission.CALLS_REVIEW,
            Permission.SESSIONS_READ,
            Permission.SESSIONS_WRITE,
            Permission.EVENTS_READ,  # their own events only (dialer.live.feed)
        }
    ),
    Role.CONTROLLER: frozenset(
        {
            Permission.CLIENTS_READ,
            Permission.CONTRACTS_READ,
            Permission.CAMPAIGNS_READ,
            Permission.CONTACTS_READ,
            Permission.DNC_READ,
            Permission.CALLS_READ,
            Permission.HOTLEADS_READ,
            Permission.REPORTS_READ,
            Permission.ACTS_SIGN,
            Permission.BILLING_READ,
            Permission.EVENTS_READ,  # its client's campaigns' and contracts' events only
        }
    )
    | _RECORDINGS
    | _SCORING,
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
