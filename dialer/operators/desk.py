"""The operator's desk as the page loads it: who they are, their shift, their campaigns with codes,
the call in hand (put through, or ended and not disposed yet), and the newest event id to follow the
stream from (so nothing between this read and the stream is missed).

An operator reads their own desk; a supervisor or admin may read any operator's (``operator_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.models import Role
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.desk import views
from dialer.errors import InvalidInput, NotFound
from dialer.live import feed
from dialer.operators import presence
from dialer.operators.models import Operator, OperatorState, OperatorStatus, campaign_operators

IN_HAND = (OperatorState.ON_CALL, OperatorState.WRAP_UP)


@dataclass(frozen=True, slots=True)
class Desk:
    operator: Operator
    status: OperatorStatus
    campaigns: list[dict[str, Any]]
    call: dict[str, Any] | None
    event_id: int
    now: datetime


async def operator_of(session: AsyncSession, principal: Principal, operator_id: int | None) -> Operator:
    """The caller's own operator record, or (supervisors, admins) the one asked for."""
    principal.require(Permission.SESSIONS_READ)
    if principal.role is Role.OPERATOR:
        own = None
        if principal.user_id is not None:
            own = await session.scalar(select(Operator).where(Operator.user_id == principal.user_id))
        if own is None or (operator_id is not None and operator_id != own.id):
            raise NotFound(
                "no operator is linked to this account: a supervisor links one (operators' user_id)"
            )
        return own
    if operator_id is None:
        raise InvalidInput("operator_id: required unless the caller is an operator")
    operator = await session.get(Operator, operator_id)
    if operator is None:
        raise NotFound(f"operator {operator_id} not found")
    return operator


async def call_in_hand(session: AsyncSession, status: OperatorStatus) -> Call | None:
    """The operator's current call: talking or wrapping it up, or ended and still without a code."""
    if status.call_uid is None:
        return None
    call = await session.scalar(select(Call).where(Call.call_uid == status.call_uid))
    if call is None or call.operator_id != status.operator_id:
        return None
    if status.state in IN_HAND or call.disposition_code is None:
        return call
    return None


async def desk(session: AsyncSession, principal: Principal, operator_id: int | None, now: datetime) -> Desk:
    operator = await operator_of(session, principal, operator_id)
    event_id = await feed.latest_id(session, principal) if principal.can(Permission.EVENTS_READ) else 0
    status = await presence.get_status(session, operator.id)
    assigned = await session.scalars(
        select(Campaign)
        .join(campaign_operators, campaign_operators.c.campaign_id == Campaign.id)
        .where(campaign_operators.c.operator_id == operator.id)
        .order_by(Campaign.id)
    )
    campaigns = [await views.campaign_view(session, campaign) for campaign in assigned]
    call = await call_in_hand(session, status)
    return Desk(
        operator=operator,
        status=status,
        campaigns=campaigns,
        call=await views.call_view(session, call) if call is not None else None,
        event_id=event_id,
        now=now,
    )
