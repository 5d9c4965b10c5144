"""Queries for clients and contracts, always narrowed to what the caller may see."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.principal import Principal
from dialer.auth.scoping import client_filter
from dialer.campaigns.models import Campaign
from dialer.clients.models import Client, Contract


def clients_visible(principal: Principal) -> Select[Client]:
    return select(Client).where(client_filter(principal, Client.id))


def contracts_visible(principal: Principal) -> Select[Contract]:
    return select(Contract).where(client_filter(principal, Contract.client_id))


async def name_taken(session: AsyncSession, name: str, *, other_than: int | None = None) -> bool:
    query = select(Client.id).where(Client.name == name)
    if other_than is not None:
        query = query.where(Client.id != other_than)
    return await session.scalar(query) is not None


async def contract_number_taken(
    session: AsyncSession, client_id: int, number: str, *, other_than: int | None = None
) -> bool:
    query = select(Contract.id).where(Contract.client_id == client_id, Contract.number == number)
    if other_than is not None:
        query = query.where(Contract.id != other_than)
    return await session.scalar(query) is not None


async def count_contracts(session: AsyncSession, client_id: int) -> int:
    return await session.scalar(select(func.count()).where(Contract.client_id == client_id)) or 0


async def count_campaigns(session: AsyncSession, contract_id: int) -> int:
    return await session.scalar(select(func.count()).where(Campaign.contract_id == contract_id)) or 0
