"""The handoff deadline: alerts while a lead is at risk, late and failed leads, the monthly figures."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dialer.db.engine import unit_of_work
from dialer.delivery.backoff import backoff_delay
from dialer.hotleads.deadlines import handoff_stats, percentile
from dialer.hotleads.dispatcher import HotLeadDispatcher
from dialer.hotleads.models import AlertKind, DeliveryStatus, LeadAlert, LeadDelivery
from dialer.hotleads.outbox import settle_delivered
from dialer.hotleads.service import retry_lead
from tests.hotleads.conftest import SUPERVISOR, FakeClock, dispose_hot
from tests.hotleads.test_delivery import caught_up, delivery_of, until


async def alerts_of(sessions, delivery_id: int) -> list[AlertKind]:
    async with sessions() as session:
        query = select(LeadAlert.kind).where(LeadAlert.delivery_id == delivery_id).order_by(LeadAlert.id)
        return list(await session.scalars(query))


async def test_an_undelivered_lead_alerts_at_half_its_deadline_then_at_it_and_is_late_when_it_arrives(
    sessions, world, receiver, make_call
):
    clock = FakeClock()
    call_id = await make_call(clock.now)
    dispatcher = HotLeadDispatcher(sessions, clock=clock, poll_interval=0.02, backoff=(60,))
    await dispatcher.start()
    try:
        await dispose_hot(sessions, call_id, clock.now)
        delivery = await delivery_of(sessions, call_id)
        await asyncio.sleep(0.1)
        assert await alerts_of(sessions, delivery.id) == []
        clock.advance(5 * 60)  # half of the default 10 minutes
        await until(lambda: _alerted(sessions, delivery.id, 1))
        assert await alerts_of(sessions, delivery.id) == [AlertKind.AT_RISK]
        clock.advance(5 * 60)
        await until(lambda: _alerted(sessions, delivery.id, 2))
        await caught_up(sessions, call_id, clock)  # the attempt at the deadline failed too
        await receiver.start()
        clock.advance(60)
        await until(lambda: _status(sessions, call_id, DeliveryStatus.LATE))
        await asyncio.sleep(0.1)
    finally:
        await dispatcher.stop()
    assert await alerts_of(sessions, delivery.id) == [AlertKind.AT_RISK, AlertKind.DEADLINE_MISSED]
    late = await delivery_of(sessions, call_id)
    assert late.delivered_at is not None and late.delivered_at > late.deadline_at
    assert len(receiver.leads) == 1


async def _alerted(sessions, delivery_id: int, count: int) -> bool:
    return len(await alerts_of(sessions, delivery_id)) >= count


async def _status(sessions, call_id: int, status: DeliveryStatus) -> bool:
    return (await delivery_of(sessions, call_id)).status is status


async def test_a_lead_is_given_up_after_the_configured_time_with_an_alert(
    sessions, world, receiver, make_call
):
    clock = FakeClock()
    call_id = await make_call(clock.now)
    dispatcher = HotLeadDispatcher(
        sessions, clock=clock, poll_interval=0.02, backoff=(30,), give_up_after=timedelta(minutes=2)
    )
    await dispatcher.start()
    try:
        await dispose_hot(sessions, call_id, clock.now)
        for _ in range(6):
            await caught_up(sessions, call_id, clock)
            clock.advance(30)
        await until(lambda: _status(sessions, call_id, DeliveryStatus.FAILED))
        await receiver.start()
        clock.advance(600)
        await asyncio.sleep(0.2)
    finally:
        await dispatcher.stop()
    failed = await delivery_of(sessions, call_id)
    assert failed.attempts == 5  # at 0, 30, 60, 90 and 120 s; the next (150 s) would be past 2 minutes
    assert AlertKind.FAILED in await alerts_of(sessions, failed.id)
    assert receiver.leads == {}  # a failed lead is not sent again unless a supervisor retries it

    await receiver.stop()
    dispatcher = HotLeadDispatcher(
        sessions, clock=clock, poll_interval=0.02, give_up_after=timedelta(minutes=2)
    )
    await dispatcher.start()
    try:
        await _retry(sessions, failed.id, clock.now)  # the CRM is still down: one more attempt, failed again
        await until(lambda: _attempts(sessions, call_id, 6))
        await until(lambda: _status(sessions, call_id, DeliveryStatus.FAILED))
        await receiver.start()
        await _retry(sessions, failed.id, clock.now)
        await until(lambda: _status(sessions, call_id, DeliveryStatus.LATE))
    finally:
        await dispatcher.stop()
    assert (await alerts_of(sessions, failed.id)).count(AlertKind.FAILED) == 1
    assert len(receiver.leads) == 1


async def _retry(sessions, delivery_id: int, at: datetime) -> None:
    async with unit_of_work(sessions) as session:
        await retry_lead(session, SUPERVISOR, delivery_id, at)


async def _attempts(sessions, call_id: int, count: int) -> bool:
    return (await delivery_of(sessions, call_id)).attempts >= count


async def test_handoff_statistics_of_a_month(sessions, world, make_call):
    start = datetime(2026, 11, 1, tzinfo=UTC)
    handoffs = [10, 20, 30, 40, 700]  # seconds; the last is past the 10-minute deadline
    for i, seconds in enumerate(handoffs):
        at = start + timedelta(days=i)
        call_id = await make_call(at)
        await dispose_hot(sessions, call_id, at)
        delivery = await delivery_of(sessions, call_id)
        async with unit_of_work(sessions) as session:
            await settle_delivered(session, delivery.id, at + timedelta(seconds=seconds))
    failed_call = await make_call(start)
    await dispose_hot(sessions, failed_call, start)
    async with unit_of_work(sessions) as session:
        row = await session.scalar(select(LeadDelivery).where(LeadDelivery.call_id == failed_call))
        assert row is not None
        row.status = DeliveryStatus.FAILED
    outside = await make_call(start - timedelta(days=1))
    await dispose_hot(sessions, outside, start - timedelta(days=1))

    async with sessions() as session:
        stats = await handoff_stats(session, since=start, until=datetime(2026, 12, 1, tzinfo=UTC))
        other = await handoff_stats(
            session, since=start, until=datetime(2026, 12, 1, tzinfo=UTC), client_id=world.client_id + 1
        )
    assert (stats.count, stats.on_time, stats.late, stats.failed, stats.pending) == (6, 4, 1, 1, 0)
    assert stats.median_seconds == 30
    assert stats.p90_seconds == pytest.approx(40 + (700 - 40) * 0.6)
    assert other.count == 0 and other.median_seconds is None


def testpercentiles_and_backoff_steps():
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    steps = (1, 2, 5, 10, 30, 60)
    assert [backoff_delay(n, steps) for n in range(1, 9)] == [1, 2, 5, 10, 30, 60, 60, 60]
