"""Queries for campaigns and their operators, narrowed to what the caller may see."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.principal import Principal
from dialer.auth.scoping import campaign_filter
from dialer.campaigns.models import Campaign, CampaignState
from dialer.db.paging import page_of, where_given
from dialer.operators.models import Operator, campaign_operators


def campaigns_visible(principal: Principal) -> Select[Campaign]:
    return select(Campaign).where(campaign_filter(principal))


async def find_visible(session: AsyncSession, principal: Principal, campaign_id: int) -> Campaign | None:
    return await session.scalar(campaigns_visible(principal).where(Campaign.id == campaign_id))


async def search(
    session: AsyncSession,
    principal: Principal,
    *,
    state: CampaignState | None = None,
    client_id: int | None = None,
    contract_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Campaign], int]:
    query = where_given(
        campaigns_visible(principal),
        (Campaign.state, state),
        (Campaign.client_id, client_id),
        (Campaign.contract_id, contract_id),
    )
    return await page_of(session, query, Campaign.id, limit=limit, offset=offset)


async def operators_of(session: AsyncSession, campaign_id: int) -> list[Operator]:
    query = (
        select(Operator)
        .join(campaign_operators, campaign_operators.c.operator_id == Operator.id)
        .where(campaign_operators.c.campaign_id == campaign_id)
        .order_by(Operator.id)
    )
    return list(await session.scalars(query))


async def replace_operators(session: AsyncSession, campaign_id: int, operator_ids: Iterable[int]) -> None:
    await session.execute(delete(campaign_operators).where(campaign_operators.c.campaign_id == campaign_id))
    rows = [{"campaign_id": campaign_id, "operator_id": operator_id} for operator_id in operator_ids]
    if rows:
        await session.execute(insert(campaign_operators), rows)
