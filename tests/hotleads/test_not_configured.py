"""A client with no delivery configured: its hot leads are stored ``not_configured`` once, never tried,
retried or alerted on, and go out when the client's CRM settings are set."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from dialer.clients.models import ClientCrm
from dialer.db.engine import unit_of_work
from dialer.hotleads.crm import CrmSettingsIn, put_crm
from dialer.hotleads.dispatcher import HotLeadDispatcher
from dialer.hotleads.models import DeliveryStatus, LeadAlert
from dialer.hotleads.outbox import NOT_CONFIGURED_REASON
from dialer.hotleads.service import retry_lead
from tests.hotleads.conftest import SECRET, SUPERVISOR, FakeClock, dispose_hot
from tests.hotleads.test_delivery import delivery_of, until


class CountingSender:
    """A channel that records what it was asked to send (and always succeeds)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, claim, payload, at) -> None:
        self.sent.append(claim.lead_id)


async def drop_crm(sessions, client_id: int) -> None:
    async with unit_of_work(sessions) as session:
        await session.execute(delete(ClientCrm).where(ClientCrm.client_id == client_id))


async def alerts(sessions) -> list[LeadAlert]:
    async with sessions() as session:
        return list(await session.scalars(select(LeadAlert)))


@pytest.mark.parametrize("settings", [None, {"webhook_url": "https://crm.example/x"}])
async def test_a_lead_with_nowhere_to_go_is_stored_once_and_never_tried(
    sessions, world, make_call, caplog, settings
) -> None:
    """No CRM row at all, or a webhook without its signing secret and no manager's e-mail."""
    await drop_crm(sessions, world.client_id)
    if settings is not None:
        async with unit_of_work(sessions) as session:
            session.add(ClientCrm(client_id=world.client_id, **settings))
    clock = FakeClock()
    call_id = await make_call(clock.now)
    await dispose_hot(sessions, call_id, clock.now)
    sender = CountingSender()
    dispatcher = HotLeadDispatcher(sessions, clock=clock, sender=sender)
    caplog.set_level(logging.INFO, logger="dialer.hotleads")
    for _ in range(5):  # rounds over a day: past the deadline and the give-up time
        assert await dispatcher.run_once(sender) is False
        clock.advance(6 * 3600)
    delivery = await delivery_of(sessions, call_id)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.NOT_CONFIGURED,
        0,
        None,
    )
    assert sender.sent == [] and await alerts(sessions) == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    async with unit_of_work(sessions) as session:  # a supervisor's retry has nowhere to send it either
        lead = await retry_lead(session, SUPERVISOR, delivery.id, clock.now)
    assert lead.delivery.status is DeliveryStatus.NOT_CONFIGURED


async def test_setting_the_crm_sends_the_waiting_leads_with_a_fresh_deadline(
    sessions, world, receiver, make_call
) -> None:
    await drop_crm(sessions, world.client_id)
    clock = FakeClock()
    calls = [await make_call(clock.now) for _ in range(2)]
    for call_id in calls:
        await dispose_hot(sessions, call_id, clock.now)
    clock.advance(3 * 3600)  # the client sets its CRM three hours later
    await receiver.start()
    settings = CrmSettingsIn(webhook_url=receiver.url, signing_secret=SECRET, handoff_deadline_min=10)
    async with unit_of_work(sessions) as session:
        await put_crm(session, SUPERVISOR, world.client_id, settings, now=clock.now)
    waiting = await delivery_of(sessions, calls[0])
    assert waiting.status is DeliveryStatus.PENDING and waiting.next_attempt_at == clock.now
    assert waiting.deadline_at == clock.now + timedelta(minutes=10)
    dispatcher = HotLeadDispatcher(sessions, clock=clock, poll_interval=0.05)
    await dispatcher.start()
    try:
        await until(lambda: _all_delivered(sessions, calls))
    finally:
        await dispatcher.stop()
    for call_id in calls:
        delivered = await delivery_of(sessions, call_id)
        assert (delivered.status, delivered.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert len(receiver.leads) == 2 and receiver.bad_signatures == 0
    assert await alerts(sessions) == []  # on time: the clock started when the CRM was set


async def _all_delivered(sessions, calls: list[int]) -> bool:
    statuses = [(await delivery_of(sessions, c)).status for c in calls]
    return all(status is DeliveryStatus.DELIVERED for status in statuses)


async def test_a_pending_lead_whose_crm_was_removed_waits_untried(sessions, world, make_call) -> None:
    clock = FakeClock()
    call_id = await make_call(clock.now)
    await dispose_hot(sessions, call_id, clock.now)
    assert (await delivery_of(sessions, call_id)).status is DeliveryStatus.PENDING
    await drop_crm(sessions, world.client_id)
    sender = CountingSender()
    dispatcher = HotLeadDispatcher(sessions, clock=clock, sender=sender)
    assert await dispatcher.run_once(sender) is False
    delivery = await delivery_of(sessions, call_id)
    assert (delivery.status, delivery.lease_owner) == (DeliveryStatus.NOT_CONFIGURED, None)
    assert delivery.last_error == NOT_CONFIGURED_REASON and sender.sent == []
