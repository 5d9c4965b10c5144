"""Campaign ownership: one live owner at a time; a silent owner's campaign is taken over."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from dialer.calls import ownership
from dialer.campaigns.models import Campaign
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work
from tests.calls.conftest import NOW

TTL = timedelta(seconds=30)


async def claim(sessions, campaign_id, owner, now=NOW):
    async with unit_of_work(sessions) as session:
        return await ownership.claim_campaign(session, campaign_id, owner, now, TTL)


async def test_one_owner_at_a_time_until_its_heartbeat_stops(sessions, world):
    assert await claim(sessions, world.campaign_id, "a")
    assert await claim(sessions, world.campaign_id, "a", NOW + timedelta(seconds=5))  # its own again
    assert not await claim(sessions, world.campaign_id, "b", NOW + timedelta(seconds=10))
    async with unit_of_work(sessions) as session:
        assert await ownership.heartbeat(session, world.campaign_id, "a", NOW + timedelta(seconds=20))
    assert not await claim(sessions, world.campaign_id, "b", NOW + timedelta(seconds=45))
    assert await claim(sessions, world.campaign_id, "b", NOW + timedelta(seconds=51))  # "a" went silent
    async with unit_of_work(sessions) as session:
        assert not await ownership.heartbeat(session, world.campaign_id, "a", NOW + timedelta(seconds=52))
        assert not await ownership.release(session, world.campaign_id, "a")
        assert await ownership.release(session, world.campaign_id, "b")
        campaign = await session.get(Campaign, world.campaign_id)
        assert (campaign.owner, campaign.owner_heartbeat_at) == (None, None)
    assert await claim(sessions, world.campaign_id, "c", NOW + timedelta(seconds=53))


async def test_racing_processes_never_both_win(database_url, world):
    engines = [make_engine(database_url) for _ in range(4)]
    try:
        makers = [make_sessionmaker(e) for e in engines]
        for round_ in range(10):
            now = NOW + round_ * 2 * TTL  # every round the last owner has gone silent
            wins = await asyncio.gather(
                *(claim(m, world.campaign_id, f"p{i}-{round_}", now) for i, m in enumerate(makers))
            )
            assert sum(wins) == 1
    finally:
        for engine in engines:
            await engine.dispose()
