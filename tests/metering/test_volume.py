"""Volume tracking on the database: used in the contract's unit, burn rate, run-out day, alerts once
per threshold, campaigns paused when the volume is used up, and the signed webhook to the CRM."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select

from dialer.campaigns.models import Campaign, CampaignState
from dialer.clients.models import ClientCrm, Contract, PricingModel, VolumeScope
from dialer.db.engine import unit_of_work
from dialer.metering.alert_webhook import deliver_due, retry_after
from dialer.metering.alerts import check_volume
from dialer.metering.models import AlertDelivery, VolumeAlert
from dialer.metering.tariffs import VolumeUnit
from dialer.metering.volume import volume_report
from dialer.metering.watcher import check_contracts
from dialer.operators.models import OperatorState
from tests.hotleads.receiver import Receiver
from tests.metering.world import NOV, World, make_world

S = timedelta(seconds=1)
MIN = timedelta(minutes=1)
NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


class AlertReceiver(Receiver):
    """The test CRM, keyed by the alert's event id instead of a lead id."""

    def _accept(self, headers: dict[str, str], body: bytes) -> int:
        from dialer.delivery.webhook import verify

        if not verify(
            self.secret, headers.get("x-dialer-timestamp", ""), body, headers.get("x-dialer-signature", "")
        ):
            self.bad_signatures += 1
            return 401
        event = headers["x-dialer-event-id"]
        self.requests[event] += 1
        self.leads.setdefault(event, json.loads(body))
        return 200


async def _report(world: World, now: datetime = NOW) -> Any:
    async with unit_of_work(world.sessions) as session:
        contract = await session.get(Contract, world.contract_id)
        assert contract is not None
        return await volume_report(session, contract, now)


async def _check(world: World, now: datetime = NOW) -> Any:
    async with unit_of_work(world.sessions) as session:
        contract = await session.get(Contract, world.contract_id)
        assert contract is not None
        return await check_volume(session, contract, now)


async def test_minutes_used_burn_rate_and_run_out_day(sessions):
    world = await make_world(sessions, volume_committed=Decimal(100), talk_increment_s=60)
    for day in (3, 4, 5, 6, 7, 8, 9):  # 7 days at 2 started minutes a day
        await world.call(NOV + timedelta(days=day, hours=9), 61 * S)
    report = await _report(world)
    assert report.unit is VolumeUnit.MINUTES and report.span.key == "2026-11"
    assert report.used == 14 and report.left == Decimal(86)
    assert report.burn.per_day == 2
    assert report.runs_out_on == date(2026, 11, 10) + timedelta(days=43)


async def test_contacts_and_seat_hours_are_the_units_of_their_models(sessions):
    world = await make_world(
        sessions, pricing_model=PricingModel.PER_PROCESSED_CONTACT, volume_committed=Decimal(10)
    )
    contact = await world.contact()
    await world.call(NOV + timedelta(days=1), 30 * S, disposition="callback", contact_id=contact)
    await world.call(NOV + timedelta(days=2), 30 * S, disposition="sale", contact_id=contact)  # closes it
    await world.call(NOV + timedelta(days=2), 30 * S, disposition="try_later")  # not final: not counted
    assert (await _report(world)).used == 1

    await world.terms(pricing_model=PricingModel.PER_SEAT_HOUR, seat_pauses_paid=False)
    operator = world.operator_ids[0]
    day = NOV + timedelta(days=4, hours=9)
    await world.states(
        operator,
        (day, OperatorState.READY),
        (day + timedelta(hours=2), OperatorState.PAUSED),
        (day + timedelta(hours=3), OperatorState.READY),
        (day + timedelta(hours=4), OperatorState.LOGGED_OUT),
    )
    report = await _report(world)
    assert report.unit is VolumeUnit.SEAT_HOURS and report.used == 3  # the paused hour is not paid


async def test_a_threshold_is_alerted_once_and_campaigns_stop_when_used_up(sessions):
    world = await make_world(sessions, volume_committed=Decimal(10), stop_campaigns_when_used_up=True)
    await world.call(NOV + timedelta(days=1), 8 * MIN)
    first = await _check(world)
    assert [a.threshold for a in first.raised] == [Decimal("0.8")]
    assert first.raised[0].delivery is AlertDelivery.NO_WEBHOOK  # the client has no CRM webhook
    assert (await _check(world)).raised == ()  # once per threshold
    await world.call(NOV + timedelta(days=2), 3 * MIN)
    used_up = await _check(world)
    assert [a.threshold for a in used_up.raised] == [Decimal(1)]
    assert used_up.raised[0].stopped_campaigns == [world.campaign_id]
    async with unit_of_work(sessions) as session:
        campaign = await session.get(Campaign, world.campaign_id)
        other = await session.get(Campaign, world.other_campaign_id)
        assert campaign is not None and campaign.state is CampaignState.PAUSED
        assert other is not None and other.state is CampaignState.RUNNING
        stored = list(await session.scalars(select(VolumeAlert).order_by(VolumeAlert.id)))
    assert [(a.span_key, a.threshold, a.used) for a in stored] == [
        ("2026-11", Decimal("0.8"), Decimal(8)),
        ("2026-11", Decimal(1), Decimal(11)),
    ]


async def test_a_new_month_has_its_own_alerts_and_a_contract_span_does_not(sessions):
    world = await make_world(sessions, volume_committed=Decimal(5), alert_thresholds=["1"])
    await world.call(NOV + timedelta(days=1), 6 * MIN)
    assert len((await _check(world)).raised) == 1
    december = datetime(2026, 12, 2, tzinfo=UTC)
    await world.call(december - timedelta(hours=1), 6 * MIN)
    assert len((await _check(world, december)).raised) == 1  # December's own 100%

    await world.terms(volume_scope=VolumeScope.CONTRACT, volume_committed=Decimal(12))
    report = await _report(world, december)
    assert report.span.key == "contract" and report.used == 12
    assert [a.span_key for a in (await _check(world, december)).raised] == ["contract"]


async def test_alerts_reach_the_crm_signed_and_are_retried_until_they_do(sessions):
    world = await make_world(sessions, volume_committed=Decimal(1))
    crm = AlertReceiver("alert secret")
    await crm.reserve_port()  # the CRM is down at first
    async with unit_of_work(sessions) as session:
        session.add(ClientCrm(client_id=world.client_id, webhook_url=crm.url, signing_secret="alert secret"))
    await world.call(NOV + timedelta(days=1), 2 * MIN)
    assert await check_contracts(sessions, NOW) == 2  # 80% and 100% at once
    async with httpx.AsyncClient(timeout=2) as http:
        assert await deliver_due(sessions, http, NOW) == 0
        async with unit_of_work(sessions) as session:
            waiting = list(await session.scalars(select(VolumeAlert).order_by(VolumeAlert.id)))
        assert all(a.attempts == 1 and a.next_attempt_at == NOW + retry_after(1) for a in waiting)
        assert "ConnectError" in (waiting[0].last_error or "")
        await crm.start()
        try:
            assert await deliver_due(sessions, http, NOW + S) == 0  # not due yet
            later = NOW + retry_after(1)
            assert await deliver_due(sessions, http, later) == 2
            assert await deliver_due(sessions, http, later + MIN) == 0  # delivered: never again
        finally:
            await crm.stop()
    assert crm.bad_signatures == 0 and crm.duplicates == 0
    payloads = sorted(crm.leads.values(), key=lambda p: p["threshold"])
    assert [(p["threshold"], p["unit"], p["used"], p["contract_id"]) for p in payloads] == [
        ("0.8", "minutes", "2", world.contract_id),
        ("1", "minutes", "2", world.contract_id),
    ]
    async with unit_of_work(sessions) as session:
        done = list(await session.scalars(select(VolumeAlert)))
    assert {a.delivery for a in done} == {AlertDelivery.DELIVERED}


def test_retry_waits_double_up_to_an_hour():
    assert [retry_after(n).total_seconds() for n in (1, 2, 3)] == [10, 20, 40]
    assert retry_after(50) == timedelta(hours=1)
