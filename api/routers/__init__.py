"""HTTP routers, one module per resource; ``ROUTERS`` is the list the app includes.

Every router but ``health`` and the token route requires a credential (``api.auth.get_principal``).
``PAGES`` are the web pages' routers: public HTML (the words only; the data comes from the API under
the signed-in user's rights), kept out of the OpenAPI document.
"""

from fastapi import APIRouter

from api.routers import (
    acts,
    api_keys,
    audit,
    auth,
    billing,
    billing_export,
    calls,
    campaigns,
    clients,
    contacts,
    contracts,
    desk,
    dnc,
    events,
    health,
    hotleads,
    operator_page,
    operator_sessions,
    operators,
    pacing,
    preview,
    qa,
    recording_delivery,
    recordings,
    reports,
    supervision,
    supervisor_page,
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
    billing.router,
    billing_export.router,
    events.router,
    campaigns.router,
    pacing.router,
    operators.router,
    operator_sessions.router,
    desk.router,
    preview.router,
    contacts.router,
    dnc.router,
    calls.router,
    recordings.router,
    recordings.shared_router,
    recording_delivery.router,
    audit.router,
    hotleads.router,
    reports.router,
    acts.router,
    surveys.router,
    qa.router,
    supervision.router,
]

PAGES: list[APIRouter] = [
    operator_page.router,
    supervisor_page.router,
]
