"""Hot leads, their alerts and a client's CRM settings as the API shows them (never the secret)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import Out
from dialer.clients.models import ClientCrm
from dialer.hotleads.models import AlertKind, Channel, DeliveryStatus
from dialer.hotleads.service import Lead


class LeadAlertOut(Out):
    kind: AlertKind
    at: datetime
    message: str


class HotLeadOut(Out):
    id: int
    lead_id: str = Field(description="the idempotency key the CRM receives as X-Dialer-Lead-Id")
    call_id: int
    client_id: int
    campaign_id: int
    channel: Channel
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    deadline_at: datetime
    delivered_at: datetime | None
    handoff_seconds: float | None = Field(description="from the disposition to the CRM's acknowledgement")
    alerts: list[LeadAlertOut]
    payload: dict[str, Any]

    @classmethod
    def of(cls, lead: Lead) -> HotLeadOut:
        d = lead.delivery
        handoff = (d.delivered_at - d.created_at).total_seconds() if d.delivered_at is not None else None
        return cls.model_validate(
            {name: getattr(d, name) for name in cls.model_fields if hasattr(d, name) and name != "alerts"}
            | {"handoff_seconds": handoff, "alerts": [LeadAlertOut.model_validate(a) for a in lead.alerts]}
        )


class CrmSettingsOut(BaseModel):
    client_id: int
    webhook_url: str | None
    secret_set: bool = Field(description="the signing secret is write-only; this says whether one is stored")
    manager_email: str | None
    handoff_deadline_min: int

    @classmethod
    def of(cls, crm: ClientCrm) -> CrmSettingsOut:
        return cls(
            client_id=crm.client_id,
            webhook_url=crm.webhook_url,
            secret_set=bool(crm.signing_secret),
            manager_email=crm.manager_email,
            handoff_deadline_min=crm.handoff_deadline_min,
        )
