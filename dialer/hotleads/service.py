"""Hot leads as people see them: scoped reads with their alerts, and the supervisor's retry.

A controller sees its client's leads only; a lead outside the caller's scope is not found.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.auth.scoping import client_filter
from dialer.db.paging import page_of, where_given
from dialer.errors import NotFound
from dialer.hotleads import outbox
from dialer.hotleads.models import DeliveryStatus, LeadAlert, LeadDelivery


@dataclass
class Lead:
    delivery: LeadDelivery
    alerts: list[LeadAlert] = field(default_factory=list)


def _visible(principal: Principal) -> Select[LeadDelivery]:
    return select(LeadDelivery).where(client_filter(principal, LeadDelivery.client_id))


async def _with_alerts(session: AsyncSession, deliveries: list[LeadDelivery]) -> list[Lead]:
    alerts: dict[int, list[LeadAlert]] = defaultdict(list)
    if deliveries:
        query = select(LeadAlert).where(LeadAlert.delivery_id.in_([d.id for d in deliveries]))
        for alert in await session.scalars(query.order_by(LeadAlert.at, LeadAlert.id)):
            alerts[alert.delivery_id].append(alert)
    return [Lead(d, alerts[d.id]) for d in deliveries]


async def list_leads(
    session: AsyncSession,
    principal: Principal,
    *,
    campaign_id: int | None = None,
    client_id: int | None = None,
    status: DeliveryStatus | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Lead], int]:
    """Leads newest first, with their alerts, and how many match."""
    principal.require(Permission.HOTLEADS_READ)
    query = where_given(
        _visible(principal),
        (LeadDelivery.campaign_id, campaign_id),
        (LeadDelivery.client_id, client_id),
        (LeadDelivery.status, status),
    )
    order = (LeadDelivery.created_at.desc(), LeadDelivery.id.desc())
    leads, total = await page_of(session, query, *order, limit=limit, offset=offset)
    return await _with_alerts(session, leads), total


async def _get(session: AsyncSession, principal: Principal, delivery_id: int) -> LeadDelivery:
    delivery = await session.scalar(_visible(principal).where(LeadDelivery.id == delivery_id))
    if delivery is None:
        raise NotFound(f"hot lead {delivery_id} not found")
    return delivery


async def get_lead(session: AsyncSession, principal: Principal, delivery_id: int) -> Lead:
    principal.require(Permission.HOTLEADS_READ)
    (lead,) = await _with_alerts(session, [await _get(session, principal, delivery_id)])
    return lead


async def retry_lead(session: AsyncSession, principal: Principal, delivery_id: int, at: datetime) -> Lead:
    """Send a failed or waiting lead again now; a delivered one is left as it is."""
    principal.require(Permission.HOTLEADS_WRITE)
    delivery = await _get(session, principal, delivery_id)
    await outbox.retry_now(session, delivery, at)
    (lead,) = await _with_alerts(session, [delivery])
    return lead
