"""A call settled from Asterisk's record, written through the engine's store: put through while no
engine watched, it goes to the operator whose softphone the record shows in the bridge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dialer.calls import early
from dialer.calls.models import Call, CallOutcome, HangupSide
from dialer.campaigns.models import RecordingPolicy
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.engine.ports import Lease
from dialer.engine.settle import NO_OPERATOR_OF_ENDPOINT, Settled
from tests.call_recordings.conftest import T0, RecWorld, rec_world  # noqa: F401  (the fixture)


async def placed_and_answered(sessions, world: RecWorld, uid: str, phone: str) -> None:
    async with unit_of_work(sessions) as session:
        contact = Contact(campaign_id=world.campaign_id, phone=phone, timezone="UTC")
        session.add(contact)
        await session.flush()
        lease = Lease(contact.id, contact.phone, 1)
    await world.store.create_call(
        uid, world.campaign_id, lease, "trunk", "asterisk", T0, recording_policy=RecordingPolicy.CONNECTED
    )
    await world.store.mark_early(uid, (early.Answered(T0 + timedelta(seconds=4)),))


def put_through(endpoint: str) -> Settled:
    return Settled(
        CallOutcome.HUMAN_CONNECTED,
        16,
        HangupSide.CUSTOMER,
        T0 + timedelta(seconds=35),
        operator_endpoint=endpoint,
        connected_at=T0 + timedelta(seconds=5),
    )


async def stored(sessions, uid: str) -> Call:
    async with sessions() as session:
        call = await session.scalar(select(Call).where(Call.call_uid == uid))
    assert call is not None
    return call


async def test_the_operator_of_the_softphone_in_the_bridge_gets_the_call(
    sessions,
    rec_world: RecWorld,  # noqa: F811  (the fixture imported above)
) -> None:
    await placed_and_answered(sessions, rec_world, "c-1", "+74950000001")
    await rec_world.store.settle("c-1", put_through("1001"))
    call = await stored(sessions, "c-1")
    assert (call.outcome, call.operator_id, call.review) == (
        CallOutcome.HUMAN_CONNECTED,
        rec_world.operator_id,
        None,
    )
    assert call.connected_at == T0 + timedelta(seconds=5)
    assert call.talk_seconds == 30.0  # the record's bridge time, for the operator to dispose of


async def test_a_softphone_that_is_no_operators_leaves_the_call_flagged(
    sessions,
    rec_world: RecWorld,  # noqa: F811  (the fixture imported above)
) -> None:
    await placed_and_answered(sessions, rec_world, "c-2", "+74950000002")
    await rec_world.store.settle("c-2", put_through("9999"))
    call = await stored(sessions, "c-2")
    assert (call.outcome, call.operator_id) == (CallOutcome.HUMAN_CONNECTED, None)
    assert call.review == NO_OPERATOR_OF_ENDPOINT.format("9999")
