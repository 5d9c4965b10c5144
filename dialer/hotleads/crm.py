"""A client's CRM delivery settings: where its hot leads go and how soon they must arrive.

The signing secret is write-only: stored to sign each delivery, never read back through the API
(``secret_set`` says whether there is one) and never logged. Setting them sends the client's hot
leads that were waiting for a delivery (``not_configured``) on their way.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.clients.models import DEFAULT_DEADLINE_MIN, ClientCrm
from dialer.clients.service import get_client
from dialer.hotleads.outbox import queue_waiting

log = logging.getLogger(__name__)


class CrmSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhook_url: str | None = Field(
        None, max_length=2000, pattern=r"^https?://\S+$", examples=["https://crm.example/hooks/leads"]
    )
    signing_secret: SecretStr | None = Field(
        None, min_length=16, max_length=200, description="write-only; omitted keeps the current one"
    )
    manager_email: str | None = Field(None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    handoff_deadline_min: int = Field(DEFAULT_DEADLINE_MIN, ge=1, le=120)


async def get_crm(session: AsyncSession, principal: Principal, client_id: int) -> ClientCrm:
    """The client's settings (defaults, unsaved, when it has none yet)."""
    client = await get_client(session, principal, client_id)
    crm = await session.get(ClientCrm, client.id)
    return crm or ClientCrm(client_id=client.id, handoff_deadline_min=DEFAULT_DEADLINE_MIN)


async def put_crm(
    session: AsyncSession,
    principal: Principal,
    client_id: int,
    data: CrmSettingsIn,
    *,
    now: datetime | None = None,
) -> ClientCrm:
    """Set the settings; the client's waiting hot leads are queued for delivery when they now have one."""
    principal.require(Permission.CLIENTS_WRITE)
    client = await get_client(session, principal, client_id)
    crm = await session.get(ClientCrm, client.id)
    if crm is None:
        crm = ClientCrm(client_id=client.id)
        session.add(crm)
    crm.webhook_url = data.webhook_url
    crm.manager_email = data.manager_email
    crm.handoff_deadline_min = data.handoff_deadline_min
    if data.signing_secret is not None:
        crm.signing_secret = data.signing_secret.get_secret_value()
    await session.flush()
    queued = await queue_waiting(session, client.id, crm, now or datetime.now(UTC))
    if queued:
        log.info("client %d's CRM set: %d waiting hot lead(s) queued for delivery", client.id, queued)
    await session.refresh(crm)
    return crm
