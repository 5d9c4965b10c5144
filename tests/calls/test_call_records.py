"""A call's record through its life: each fact stored once, in any order, the contact moved on once."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest

from dialer.calls import service
from dialer.calls.models import Call, CallOutcome, CallState
from dialer.campaigns.models import RecordingPolicy
from dialer.contacts.models import Contact, ContactStatus
from dialer.db.engine import unit_of_work
from dialer.errors import NotFound
from tests.calls.conftest import NOW

S = timedelta(seconds=1)


async def place(sessions, world, contact_id: int, uid: str, at=NOW) -> Call:
    async with unit_of_work(sessions) as session:
        contact = await session.get(Contact, contact_id)
        contact.status = ContactStatus.IN_PROGRESS
        return await service.create_call(
            session,
            campaign_id=world.campaign_id,
            contact_id=contact_id,
            phone=contact.phone,
            attempt=contact.attempts + 1,
            call_uid=uid,
            trunk="mts",
            pbx="pbx1",
            placed_at=at,
            recording_policy=RecordingPolicy.CONNECTED,
        )


async def contact_of(sessions, contact_id: int) -> Contact:
    async with sessions() as session:
        return await session.get(Contact, contact_id)


async def end(sessions, uid: str, outcome: CallOutcome, at) -> Call:
    async with unit_of_work(sessions) as session:
        return await service.mark_ended(
            session, uid, outcome=outcome, hangup_cause=16, hangup_side="customer", at=at
        )


async def test_placing_a_call_counts_the_attempt_once(sessions, world, add_contacts):
    (contact_id,) = await add_contacts(world.campaign_id)
    first = await place(sessions, world, contact_id, "c-1")
    again = await place(sessions, world, contact_id, "c-1")
    assert again.id == first.id and first.state is CallState.PLACED and first.attempt == 1
    contact = await contact_of(sessions, contact_id)
    assert contact.attempts == 1 and contact.last_attempt_at == NOW


async def test_a_connected_call_is_timed_and_its_contact_waits_for_the_disposition(
    sessions, world, add_contacts
):
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    async with unit_of_work(sessions) as session:
        await service.mark_ringing(session, "c-1", NOW + 2 * S)
        await service.mark_answered(session, "c-1", NOW + 10 * S)
        await service.mark_amd(session, "c-1", "HUMAN", "HUMAN-1-1", NOW + 12 * S)
        await service.mark_connected(session, "c-1", world.operator_ids[0], NOW + 13 * S)
    call = await end(sessions, "c-1", CallOutcome.HUMAN_CONNECTED, NOW + 103 * S)
    assert call.state is CallState.ENDED and call.outcome is CallOutcome.HUMAN_CONNECTED
    assert (call.ring_seconds, call.talk_seconds, call.wrap_seconds) == (8.0, 90.0, None)
    assert call.operator_id == world.operator_ids[0] and call.amd_status == "HUMAN"
    contact = await contact_of(sessions, contact_id)
    assert contact.status is ContactStatus.IN_PROGRESS and contact.lease_owner == "call:c-1"
    assert contact.lease_expires_at > NOW + 103 * S  # held for the disposition, but not forever


@pytest.mark.parametrize(
    ("outcome", "delay"),
    [
        (CallOutcome.BUSY, 900),
        (CallOutcome.NO_ANSWER, 1800),
        (CallOutcome.MACHINE, 14400),
        (CallOutcome.ABANDONED, 3600),
        (CallOutcome.UNREACHABLE, 7200),
        (CallOutcome.CONGESTION, 7200),
        (CallOutcome.PBX_RESTART, 7200),
        (CallOutcome.REJECTED, 900),
    ],
)
async def test_an_unconnected_call_schedules_the_retry_the_campaign_configures(
    sessions, world, add_contacts, outcome, delay
):
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    await end(sessions, "c-1", outcome, NOW + 30 * S)
    contact = await contact_of(sessions, contact_id)
    assert contact.status is ContactStatus.SCHEDULED and contact.lease_owner is None
    assert contact.next_attempt_at == NOW + 30 * S + timedelta(seconds=delay)
    assert contact.last_outcome == outcome.value and contact.attempts == 1


async def test_the_last_allowed_attempt_exhausts_the_contact(sessions, world, add_contacts):
    (contact_id,) = await add_contacts(world.campaign_id)
    for n in range(3):
        await place(sessions, world, contact_id, f"c-{n}", NOW + n * timedelta(hours=2))
        await end(sessions, f"c-{n}", CallOutcome.NO_ANSWER, NOW + n * timedelta(hours=2) + 30 * S)
    contact = await contact_of(sessions, contact_id)
    assert (contact.status, contact.attempts, contact.next_attempt_at) == (ContactStatus.EXHAUSTED, 3, None)


async def test_an_abandoned_contact_waits_the_uk_quiet_time(sessions, world, add_contacts):
    from dialer.campaigns.models import Campaign

    async with unit_of_work(sessions) as session:
        (await session.get(Campaign, world.campaign_id)).compliance_profile = "uk"
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    async with unit_of_work(sessions) as session:
        await service.mark_answered(session, "c-1", NOW + 5 * S)
        await service.mark_abandoned(session, "c-1", NOW + 7 * S)
    call = await end(sessions, "c-1", CallOutcome.ABANDONED, NOW + 9 * S)
    assert call.abandoned_at == NOW + 7 * S
    contact = await contact_of(sessions, contact_id)
    assert contact.next_attempt_at == NOW + 9 * S + timedelta(hours=72)


async def test_a_cancelled_call_gives_the_attempt_back(sessions, world, add_contacts):
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    await end(sessions, "c-1", CallOutcome.CANCELLED, NOW + S)
    contact = await contact_of(sessions, contact_id)
    assert (contact.status, contact.attempts) == (ContactStatus.NEW, 0)


async def test_a_contact_put_on_dnc_during_the_call_is_not_retried(sessions, world, add_contacts):
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    async with unit_of_work(sessions) as session:
        (await session.get(Contact, contact_id)).on_dnc = True
    await end(sessions, "c-1", CallOutcome.BUSY, NOW + S)
    assert (await contact_of(sessions, contact_id)).status is ContactStatus.DO_NOT_CALL


async def test_an_ended_call_never_goes_back_and_moves_its_contact_once(sessions, world, add_contacts):
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    await end(sessions, "c-1", CallOutcome.NO_ANSWER, NOW + 40 * S)
    first = await contact_of(sessions, contact_id)
    again = await end(sessions, "c-1", CallOutcome.BUSY, NOW + 50 * S)
    async with unit_of_work(sessions) as session:
        late = await service.mark_ringing(session, "c-1", NOW + 2 * S)
    assert again.outcome is CallOutcome.NO_ANSWER and late.state is CallState.ENDED
    assert late.ringing_at == NOW + 2 * S and late.ring_seconds == 38.0
    second = await contact_of(sessions, contact_id)
    assert (second.next_attempt_at, second.attempts) == (first.next_attempt_at, first.attempts)


async def test_an_old_call_ending_late_leaves_a_newer_attempt_alone(sessions, world, add_contacts):
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "old")
    await place(sessions, world, contact_id, "new", NOW + timedelta(minutes=5))  # the old lease expired
    await end(sessions, "old", CallOutcome.BUSY, NOW + timedelta(minutes=6))
    contact = await contact_of(sessions, contact_id)
    assert contact.status is ContactStatus.IN_PROGRESS and contact.attempts == 2


async def test_calls_not_yet_ended_are_found_for_reconciliation(sessions, world, add_contacts):
    first, second = await add_contacts(world.campaign_id, 2)
    await place(sessions, world, first, "live")
    await place(sessions, world, second, "over")
    await end(sessions, "over", CallOutcome.BUSY, NOW + S)
    async with sessions() as session:
        assert [c.call_uid for c in await service.open_calls(session, pbx="pbx1")] == ["live"]
        assert await service.open_calls(session, pbx="pbx2") == []
        assert (await service.find_call(session, "over")).outcome is CallOutcome.BUSY


async def test_an_unknown_call_is_not_found(sessions, world):
    async with unit_of_work(sessions) as session:
        with pytest.raises(NotFound):
            await service.mark_ringing(session, "nobody", NOW)


FACTS = ("ringing", "answered", "amd", "connected", "abandoned", "ended")


async def apply_fact(session, uid: str, fact: str, operator_id: int) -> None:
    times = {"ringing": 1, "answered": 9, "amd": 11, "abandoned": 12, "connected": 13, "ended": 100}
    at = NOW + times[fact] * S
    if fact == "ringing":
        await service.mark_ringing(session, uid, at)
    elif fact == "answered":
        await service.mark_answered(session, uid, at)
    elif fact == "amd":
        await service.mark_amd(session, uid, "HUMAN", "HUMAN-1-1", at)
    elif fact == "connected":
        await service.mark_connected(session, uid, operator_id, at)
    elif fact == "abandoned":
        await service.mark_abandoned(session, uid, at)
    else:
        await service.mark_ended(
            session, uid, outcome=CallOutcome.HUMAN_CONNECTED, hangup_cause=16, hangup_side="customer", at=at
        )


RECORD = [
    "state",
    "outcome",
    "operator_id",
    "amd_status",
    "ringing_at",
    "answered_at",
    "amd_at",
    "abandoned_at",
    "connected_at",
    "ended_at",
    "ring_seconds",
    "talk_seconds",
    "hangup_cause",
]


async def test_every_order_of_the_facts_with_repeats_gives_the_same_record(sessions, world, add_contacts):
    """All 720 orders of six facts, each with a random fact repeated somewhere: one final record."""
    rng = random.Random(4)
    records = set()
    orders = list(itertools.permutations(FACTS))
    contact_ids = await add_contacts(world.campaign_id, len(orders))
    async with unit_of_work(sessions) as session:
        for n, (order, contact_id) in enumerate(zip(orders, contact_ids, strict=True)):
            uid = f"perm-{n}"
            await service.create_call(
                session,
                campaign_id=world.campaign_id,
                contact_id=contact_id,
                phone="+74950000000",
                attempt=1,
                call_uid=uid,
                trunk="t",
                pbx="p",
                placed_at=NOW,
                recording_policy=RecordingPolicy.CONNECTED,
            )
            sequence = list(order)
            sequence.insert(rng.randrange(len(sequence) + 1), rng.choice(FACTS))
            for fact in sequence:
                await apply_fact(session, uid, fact, world.operator_ids[0])
            call = await service.mark_ringing(session, uid, NOW + S)
            records.add(tuple(getattr(call, name) for name in RECORD))
    assert len(records) == 1
    (record,) = records
    assert record[:2] == (CallState.ENDED, CallOutcome.HUMAN_CONNECTED)
    assert record[-3:] == (8.0, 87.0, 16)
