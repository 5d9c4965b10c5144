"""A contract's billing: the monthly statement, closing a month, the volume and its alerts, and the
bill checked against Asterisk's record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep, SettingsDep, remote_of
from api.errors import ERROR_RESPONSES
from api.schemas.metering import AlertOut, StatementOut, VolumeOut
from api.schemas.pbx_check import PbxCheckOut
from dialer.billing_check.service import CHECK_PERMISSION, check_contract
from dialer.billing_export.period import export_span
from dialer.dates import Day
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


@router.get(
    "/{contract_id}/pbx-check",
    response_model=PbxCheckOut,
    responses={409: {"description": "Asterisk's record is not available on this server"}},
)
async def pbx_check(
    contract_id: IntId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    month: Annotated[str | None, Query(description="YYYY-MM: the contract's billing month")] = None,
    first: Annotated[Day | None, Query(alias="from", description="first day, instead of a month")] = None,
    last: Annotated[Day | None, Query(alias="to", description="last day, included")] = None,
) -> PbxCheckOut:
    """Each answered call billed in the month (late records included) or placed over days
    ``from``..``to``, its billed talk seconds against Asterisk's own record (CEL: the customer
    channel's bridge entry to its hangup, by the same whole-second rule): counts of matched,
    differing and missing calls, both sides' totals, and every call that differs and why.
    Audited (``pbx_check``). A client's controller may check only its own client's contracts."""
    principal.require(CHECK_PERMISSION)  # a refused role hears 403 before any complaint about its query
    span = export_span(month, first, last)
    check = await check_contract(
        session, principal, contract_id, span, settings.pbx_record_dir, remote=remote_of(request)
    )
    return PbxCheckOut.of(check)
