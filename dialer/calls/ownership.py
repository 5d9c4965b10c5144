"""Campaign ownership: one engine process drives a campaign at a time, by a lease with heartbeats.

A process claims a campaign that nobody owns, that it owns already, or whose owner's heartbeat is
older than ``ttl`` (a crashed process); each claim or heartbeat is a single guarded ``UPDATE``, so two
processes racing on one PostgreSQL cannot both win.

Interface::

    claimable_by(owner, now, ttl) -> where-clause on Campaign
    claim_campaign(session, campaign_id, owner, now, ttl) -> bool
    heartbeat(session, campaign_id, owner, now) -> bool     # False: the campaign is no longer ours
    release(session, campaign_id, owner) -> bool
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.campaigns.models import Campaign


def claimable_by(owner: str, now: datetime, ttl: timedelta) -> ColumnElement[bool]:
    """The campaigns ``owner`` may drive: nobody's, its own, or a silent (crashed) owner's."""
    return or_(
        Campaign.owner.is_(None),
        Campaign.owner == owner,
        Campaign.owner_heartbeat_at.is_(None),
        Campaign.owner_heartbeat_at < now - ttl,
    )


async def claim_campaign(
    session: AsyncSession, campaign_id: int, owner: str, now: datetime, ttl: timedelta
) -> bool:
    """Take (or keep) the campaign for ``owner``; False while another live owner holds it."""
    result = await session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, claimable_by(owner, now, ttl))
        .values(owner=owner, owner_heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def heartbeat(session: AsyncSession, campaign_id: int, owner: str, now: datetime) -> bool:
    result = await session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.owner == owner)
        .values(owner_heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def release(session: AsyncSession, campaign_id: int, owner: str) -> bool:
    result = await session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.owner == owner)
        .values(owner=None, owner_heartbeat_at=None)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
