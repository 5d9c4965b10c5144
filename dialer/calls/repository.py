"""Queries for call records, narrowed to what the caller may see.

A controller sees its client's campaigns' calls, an operator only the calls they took, staff all.
A call outside the caller's scope is simply not found.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.models import Role
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.auth.scoping import campaign_filter
from dialer.calls.models import Call, CallOutcome
from dialer.campaigns.models import Campaign
from dialer.db.paging import page_of, where_given, where_within
from dialer.errors import NotFound
from dialer.operators.models import Operator


async def find_call(session: AsyncSession, call_uid: str) -> Call | None:
    return await session.scalar(select(Call).where(Call.call_uid == call_uid))


async def lock_call(session: AsyncSession, call_uid: str) -> Call | None:
    """The call, locked for this transaction on PostgreSQL (SQLite serialises writers anyway)."""
    query = select(Call).where(Call.call_uid == call_uid).with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))


async def open_calls(
    session: AsyncSession, *, campaign_id: int | None = None, pbx: str | None = None
) -> list[Call]:
    """Calls not yet ended (to reconcile with the PBX after a restart or a reconnect), oldest first."""
    query = select(Call).where(Call.ended_at.is_(None))
    if campaign_id is not None:
        query = query.where(Call.campaign_id == campaign_id)
    if pbx is not None:
        query = query.where(Call.pbx == pbx)
    return list(await session.scalars(query.order_by(Call.placed_at, Call.id)))


async def pending_hot_leads(session: AsyncSession, limit: int = 100) -> list[Call]:
    """Hot-lead calls not yet pushed to the client's CRM, oldest disposition first."""
    query = (
        select(Call)
        .where(Call.hot_lead.is_(True), Call.crm_pushed_at.is_(None))
        .order_by(Call.disposition_at, Call.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


def call_scope(principal: Principal) -> ColumnElement[bool]:
    """Calls the caller may see."""
    campaigns = Call.campaign_id.in_(select(Campaign.id).where(campaign_filter(principal)))
    if principal.role is Role.OPERATOR:
        if principal.user_id is None:
            return false()
        own = Call.operator_id.in_(select(Operator.id).where(Operator.user_id == principal.user_id))
        return and_(campaigns, own)
    return campaigns if principal.client_scoped else true()


def visible_calls(principal: Principal) -> Select[Call]:
    return select(Call).where(call_scope(principal))


async def get_call(session: AsyncSession, principal: Principal, call_id: int, *, lock: bool = False) -> Call:
    """The call if the caller may see it; otherwise ``NotFound``."""
    principal.require(Permission.CALLS_READ)
    query = visible_calls(principal).where(Call.id == call_id)
    if lock:
        query = query.with_for_update(of=Call).execution_options(populate_existing=True)
    call = await session.scalar(query)
    if call is None:
        raise NotFound(f"call {call_id} not found")
    return call


async def list_calls(
    session: AsyncSession,
    principal: Principal,
    *,
    campaign_id: int | None = None,
    operator_id: int | None = None,
    outcome: CallOutcome | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Call], int]:
    """Calls placed in ``[since, until)``, newest first, and how many match."""
    principal.require(Permission.CALLS_READ)
    query = where_given(
        visible_calls(principal),
        (Call.campaign_id, campaign_id),
        (Call.operator_id, operator_id),
        (Call.outcome, outcome),
    )
    query = where_within(query, Call.placed_at, since, until)
    return await page_of(session, query, Call.placed_at.desc(), Call.id.desc(), limit=limit, offset=offset)
