"""The service's volume watch: a call that ends wakes it to check that call's contract at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from dialer.calls import service as calls
from dialer.calls.models import Call
from dialer.db.engine import unit_of_work
from dialer.metering.models import VolumeAlert
from dialer.metering.watcher import MIN_GAP, VolumeWatcher
from tests.metering.world import make_world


async def _alerts(sessions) -> int:
    async with unit_of_work(sessions) as session:
        return int(await session.scalar(select(func.count()).select_from(VolumeAlert)) or 0)


async def test_a_call_that_ends_is_checked_against_its_contract_at_once(sessions):
    world = await make_world(sessions, volume_committed=Decimal(1), alert_thresholds=["1"])
    now = datetime.now(UTC)
    uid_call = await world.call(now - timedelta(minutes=3), timedelta(minutes=2), ended=False)
    watcher = VolumeWatcher(sessions, interval_s=3600)
    watcher.start()
    try:
        await asyncio.sleep(0.3)  # the first full round finds nothing used yet
        assert await _alerts(sessions) == 0
        async with unit_of_work(sessions) as session:
            call = await session.get(Call, uid_call)
            assert call is not None
            await calls.mark_ended(
                session,
                call.call_uid,
                outcome="human_connected",
                hangup_cause=16,
                hangup_side="customer",
                at=now,
            )
        for _ in range(100):  # woken by the commit, not by its hour-long timer
            if await _alerts(sessions):
                break
            await asyncio.sleep(0.05)
        assert await _alerts(sessions) == 1
    finally:
        await watcher.stop()


async def test_a_contract_checked_moments_ago_is_checked_again_once_the_gap_has_passed(sessions):
    world = await make_world(sessions, volume_committed=Decimal(1), alert_thresholds=["1"])
    start = datetime.now(UTC)
    clock = [start]
    watcher = VolumeWatcher(sessions, interval_s=3600, clock=lambda: clock[0])
    watcher._on_calls_ended(frozenset({world.campaign_id}))
    await watcher.round(everything=False)  # checked: nothing used yet
    await world.call(start - timedelta(minutes=5), timedelta(minutes=2))
    watcher._on_calls_ended(frozenset({world.campaign_id}))
    clock[0] = start + MIN_GAP / 2
    await watcher.round(everything=False)
    assert await _alerts(sessions) == 0  # too soon after the last check: deferred, not dropped
    clock[0] = start + MIN_GAP
    await watcher.round(everything=False)  # nothing new has ended: the deferred contract is checked
    assert await _alerts(sessions) == 1


async def test_the_watcher_keeps_one_webhook_client_for_its_life_and_closes_it_when_stopped(sessions):
    watcher = VolumeWatcher(sessions, interval_s=3600)
    await watcher.round(everything=True)
    client = watcher._http
    await watcher.round(everything=True)
    assert client is not None and watcher._http is client  # not a new TLS context every round
    await watcher.stop()
    assert client.is_closed and watcher._http is None
