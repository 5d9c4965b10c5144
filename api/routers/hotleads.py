"""Hot leads pushed to the clients' CRMs: their delivery, deadline and alerts; a supervisor's retry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.common import Page
from api.schemas.hotleads import HotLeadOut
from dialer.db.bounds import BigIntId, IntId, Offset
from dialer.hotleads import service
from dialer.hotleads.models import DeliveryStatus

router = APIRouter(
    prefix="/hot-leads", tags=["hot leads"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("", response_model=Page[HotLeadOut])
async def list_hot_leads(
    session: SessionDep,
    principal: PrincipalDep,
    campaign_id: IntId | None = None,
    client_id: IntId | None = None,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[HotLeadOut]:
    """Leads newest first with their alerts; a controller sees its client's only."""
    leads, total = await service.list_leads(
        session,
        principal,
        campaign_id=campaign_id,
        client_id=client_id,
        status=status,
        limit=limit,
        offset=offset,
    )
    return Page[HotLeadOut](
        items=[HotLeadOut.of(lead) for lead in leads], total=total, limit=limit, offset=offset
    )


@router.get("/{lead_id}", response_model=HotLeadOut)
async def get_hot_lead(lead_id: BigIntId, session: SessionDep, principal: PrincipalDep) -> HotLeadOut:
    return HotLeadOut.of(await service.get_lead(session, principal, lead_id))


@router.post("/{lead_id}/retry", response_model=HotLeadOut)
async def retry_hot_lead(lead_id: BigIntId, session: SessionDep, principal: PrincipalDep) -> HotLeadOut:
    """Send a failed or waiting lead again now (a delivered one is left as it is)."""
    return HotLeadOut.of(await service.retry_lead(session, principal, lead_id, datetime.now(UTC)))
