"""A call's billable seconds are stored once, by one rule (``call_talk_seconds``), when it ends, and
corrected by every fact that moves its connection or its end afterwards; read back from the database
to the microsecond, on the configured database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dialer.billing.talk_time import call_talk_seconds
from dialer.calls import service
from dialer.calls.models import Call, CallOutcome, HangupSide
from dialer.db.engine import unit_of_work
from dialer.engine.settle import Settled
from dialer.engine.sql_store import SqlCallStore
from tests.calls.conftest import NOW
from tests.calls.test_call_records import end, place

S = timedelta(seconds=1)
US = timedelta(microseconds=1)


async def stored(sessions, uid: str) -> Call:
    async with sessions() as session:
        call = await service.find_call(session, uid)
        assert call is not None
        return call


@pytest.mark.parametrize(
    ("talk", "billed"),
    [
        (timedelta(0), 0),
        (US, 1),  # a started second counts
        (S - US, 1),
        (S, 1),
        (S + US, 2),
        (61 * S, 61),
        (61 * S + US, 62),
        (timedelta(days=1, microseconds=1), 86_401),
    ],
)
async def test_an_ended_call_stores_its_talk_by_the_rule(sessions, world, add_contacts, talk, billed):
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    connected = NOW + 13 * S + timedelta(microseconds=250_000)
    async with unit_of_work(sessions) as session:
        await service.mark_connected(session, "c-1", world.operator_ids[0], connected)
    assert (await stored(sessions, "c-1")).billable_seconds is None  # open: nothing billed yet
    await end(sessions, "c-1", CallOutcome.HUMAN_CONNECTED, connected + talk)
    call = await stored(sessions, "c-1")
    assert call.billable_seconds == billed == call_talk_seconds(call.connected_at, call.ended_at)


async def test_a_call_never_put_through_bills_nothing(sessions, world, add_contacts):
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    async with unit_of_work(sessions) as session:
        await service.mark_answered(session, "c-1", NOW + 9 * S)
    await end(sessions, "c-1", CallOutcome.MACHINE, NOW + 40 * S)
    assert (await stored(sessions, "c-1")).billable_seconds == 0


async def test_late_facts_that_move_the_connection_or_the_end_correct_the_stored_seconds(
    sessions, world, add_contacts
):
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    async with unit_of_work(sessions) as session:
        await service.mark_connected(session, "c-1", world.operator_ids[0], NOW + 20 * S)
    await end(sessions, "c-1", CallOutcome.HUMAN_CONNECTED, NOW + 80 * S)
    assert (await stored(sessions, "c-1")).billable_seconds == 60
    async with unit_of_work(sessions) as session:  # an earlier report of the connection, late
        await service.mark_connected(session, "c-1", world.operator_ids[0], NOW + 10 * S)
    assert (await stored(sessions, "c-1")).billable_seconds == 70
    await end(sessions, "c-1", CallOutcome.HUMAN_CONNECTED, NOW + 75 * S + US)  # an earlier hangup
    call = await stored(sessions, "c-1")
    assert call.billable_seconds == 66 and call.outcome is CallOutcome.HUMAN_CONNECTED


async def test_a_call_settled_from_the_pbx_record_stores_its_talk(sessions, world, add_contacts):
    """Put through while no engine watched: the record's bridge entry and hangup give the talk."""
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    store = SqlCallStore(
        sessions, owner="engine-test", lease_for=timedelta(minutes=1), campaign_ttl=timedelta(seconds=5)
    )
    settled = Settled(
        CallOutcome.HUMAN_CONNECTED,
        16,
        HangupSide.CUSTOMER,
        NOW + 52 * S + timedelta(microseconds=500_000),
        answered_at=NOW + 8 * S,
        operator_endpoint="sip-olga",
        connected_at=NOW + 9 * S,
    )
    await store.settle("c-1", settled)
    call = await stored(sessions, "c-1")
    assert call.operator_id == world.operator_ids[0]
    assert call.billable_seconds == 44
