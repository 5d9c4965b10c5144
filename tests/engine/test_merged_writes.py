"""A call's early facts (ringing, answer, AMD verdict) held by the writer go into its next durable
write: the same call row as when each is written at once, in half the transactions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, select

from ami.facts import AmdVerdict, CallAnswered, CallConnected, CallHungUp, CallRinging, HungUpBy
from dialer.calls.models import Call
from dialer.campaigns.models import RecordingPolicy
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.engine.fact_handler import FactHandler
from dialer.engine.floor import Floor, LiveCall, LiveOperator, Seat
from dialer.engine.ports import Lease
from dialer.engine.writer import OrderedWriter
from dialer.operators import presence
from tests.call_recordings.conftest import T0, RecWorld, rec_world  # noqa: F401  (the fixture)
from tests.engine.fakes import plan

ROW = (
    "state",
    "outcome",
    "hangup_cause",
    "hangup_side",
    "amd_status",
    "amd_cause",
    "operator_id",
    "placed_at",
    "ringing_at",
    "answered_at",
    "amd_at",
    "connected_at",
    "ended_at",
    "wrap_ended_at",
    "ring_seconds",
    "talk_seconds",
    "wrap_seconds",
    "billable_seconds",
)


def s(seconds: float):
    return T0 + timedelta(seconds=seconds)


async def a_connected_call(engine: Any, sessions: Any, world: RecWorld, uid: str, hold_s: float) -> int:
    """One call's life through the engine's fact handler and writer; the transactions it took."""
    async with unit_of_work(sessions) as session:
        contact = Contact(campaign_id=world.campaign_id, phone=f"+7916123{len(uid):04d}", timezone="UTC")
        session.add(contact)
        await session.flush()
        lease = Lease(contact.id, contact.phone, 1)
    commits: list[int] = []

    def counted(connection: Any) -> None:
        commits.append(1)

    event.listen(engine.sync_engine, "commit", counted)
    try:
        store = world.store
        await store.create_call(
            uid, world.campaign_id, lease, "trunk", "asterisk", T0, recording_policy=RecordingPolicy.NONE
        )
        floor, writer = Floor(), OrderedWriter(hold_s=hold_s)
        writer.start()
        floor.operators["1001"] = LiveOperator(world.operator_id, "1001", frozenset({world.campaign_id}))
        floor.operators["1001"].seat = Seat.READY
        floor.add_call(LiveCall(uid, world.campaign_id, contact.id, "trunk", "asterisk", T0))
        handler = FactHandler(floor, store, writer, {world.campaign_id: plan(campaign_id=world.campaign_id)})
        handler.on_fact(CallRinging(uid, s(1)))
        handler.on_fact(CallAnswered(uid, s(6)))
        handler.on_fact(AmdVerdict(uid, s(8), "HUMAN", "HUMAN-800-800", 2.0))
        handler.on_fact(CallConnected(uid, s(8.4), "1001"))
        handler.on_fact(CallHungUp(uid, s(68), 16, "Normal Clearing", HungUpBy.CUSTOMER, 59.6))
        await writer.drain()
        await store.mark_wrap_ended(uid, s(71), world.operator_id)
        await writer.stop()
        assert writer.failures == 0
    finally:
        event.remove(engine.sync_engine, "commit", counted)
    return len(commits)


async def row_of(sessions: Any, uid: str) -> dict[str, Any]:
    async with sessions() as session:
        call = await session.scalar(select(Call).where(Call.call_uid == uid))
    assert call is not None
    return {name: getattr(call, name) for name in ROW}


async def test_held_facts_share_the_durable_writes_transactions_and_leave_the_same_row(
    engine,
    sessions,
    rec_world,  # noqa: F811
) -> None:
    async with unit_of_work(sessions) as session:
        await presence.login(session, rec_world.operator_id, [rec_world.campaign_id], T0)
        await presence.set_registered(session, rec_world.operator_id, True, T0)
        await presence.set_ready(session, rec_world.operator_id, T0)

    one_by_one = await a_connected_call(engine, sessions, rec_world, "c-each", hold_s=0)
    merged = await a_connected_call(engine, sessions, rec_world, "c-merged", hold_s=60.0)

    # create, ringing, answer, verdict, connection, end with the wrap-up, wrap-up end ...
    assert one_by_one == 7
    # ... and create, connection with ringing, answer and verdict, end with the wrap-up, wrap-up end
    assert merged == 4
    each, together = await row_of(sessions, "c-each"), await row_of(sessions, "c-merged")
    assert together == each
    assert (together["ringing_at"], together["answered_at"], together["amd_status"]) == (s(1), s(6), "HUMAN")
    assert together["billable_seconds"] == 60 and together["wrap_ended_at"] == s(71)
