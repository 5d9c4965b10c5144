"""A contract's billing: the monthly statement, closing a month, the volume and its alerts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.metering import AlertOut, StatementOut, VolumeOut
from dialer.db.bounds import IntId
from dialer.metering import service
from dialer.metering.models import VolumeAlert

router = APIRouter(
    prefix="/contracts", tags=["billing"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)

Month = Annotated[
    str | None,
    Query(
        description="YYYY-MM in the contract's billing zone; default: the current month", examples=["2026-11"]
    ),
]


@router.get("/{contract_id}/statement", response_model=StatementOut)
async def get_statement(
    contract_id: IntId, session: SessionDep, principal: PrincipalDep, month: Month = None
) -> StatementOut:
    """The month's usage, priced lines, setup fee and VAT; a closed month as it was frozen."""
    statement = await service.get_statement(session, principal, contract_id, month, datetime.now(UTC))
    return StatementOut.of(statement)


@router.post("/{contract_id}/periods/{month}/close", response_model=StatementOut)
async def close_month(
    contract_id: IntId, month: str, session: SessionDep, principal: PrincipalDep
) -> StatementOut:
    """Freeze the month (once it is over, and after the month before it): its statement never changes
    again, and calls recorded later are billed in the next month, marked late."""
    statement = await service.close_month(session, principal, contract_id, month, datetime.now(UTC))
    return StatementOut.of(statement)


@router.get("/{contract_id}/volume", response_model=VolumeOut)
async def get_volume(contract_id: IntId, session: SessionDep, principal: PrincipalDep) -> VolumeOut:
    """Committed, used and left in the contract's unit, the burn rate and the day it runs out."""
    return VolumeOut.of(await service.get_volume(session, principal, contract_id, datetime.now(UTC)))


@router.get("/{contract_id}/alerts", response_model=list[AlertOut])
async def list_alerts(
    contract_id: IntId,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[VolumeAlert]:
    """Volume thresholds crossed, newest first, with their webhook delivery."""
    return await service.list_alerts(session, principal, contract_id, limit=limit)
