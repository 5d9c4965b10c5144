"""HTTP routers, one module per resource; ``ROUTERS`` is the list the app includes.

Every router but ``health`` and the token route requires a credential (``api.auth.get_principal``).
"""

from fastapi import APIRouter

from api.routers import (
    api_keys,
    audit,
    auth,
    calls,
    campaigns,
    clients,
    contacts,
    contracts,
    dnc,
    health,
    hotleads,
    operator_sessions,
    operators,
    pacing,
    qa,
    recordings,
    reports,
    surveys,
    users,
)

ROUTERS: list[APIRouter] = [
    health.router,
    auth.router,
    users.router,
    api_keys.router,
    clients.router,
    contracts.router,
    campaigns.router,
    pacing.router,
    operators.router,
    operator_sessions.router,
    contacts.router,
    dnc.router,
    calls.router,
    recordings.router,
    recordings.shared_router,
    audit.router,
    hotleads.router,
    reports.router,
    surveys.router,
    qa.router,
]
