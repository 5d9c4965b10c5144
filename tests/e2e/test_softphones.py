"""Operators whose softphone unregisters, or whose held channel drops, are sent no customer until it
is back; storage shows them not ready meanwhile, and ready again once the softphone is back."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from dialer.calls.models import Call
from dialer.operators.models import OperatorState, OperatorStatus
from tests.e2e.harness import Stack, busy_moment, calls_and_contacts, running_stack, until, wait_finished
from tests.e2e.scripts import contact_base

SLACK = timedelta(seconds=2)  # engine seconds for the PBX's event to reach the engine


async def status_of(stack: Stack, endpoint: str) -> OperatorStatus:
    async with stack.sessions() as session:
        status = await session.scalar(
            select(OperatorStatus).where(OperatorStatus.operator_id == stack.demo.operators[endpoint])
        )
    assert status is not None
    return status


def connected_between(calls: list[Call], operator_id: int, start: datetime, end: datetime) -> list[str]:
    return [
        c.call_uid
        for c in calls
        if c.operator_id == operator_id
        and c.connected_at is not None
        and start + SLACK < c.connected_at < end
    ]


async def test_a_lost_softphone_or_held_channel_takes_no_customer(database_url, sessions, tmp_path) -> None:
    phones, _, scenario = contact_base(70)
    async with running_stack(
        database_url, sessions, tmp_path, scenario, {"UTC": phones}, endpoints=("1001", "1002", "1003")
    ) as stack:
        await busy_moment(stack, live=2, talking=False)
        unregistered_at = stack.now()
        stack.sim.unregister("1001")

        async def paused_as_unregistered() -> bool:
            lost = await status_of(stack, "1001")
            return (lost.state, lost.reason, lost.registered) == (OperatorState.PAUSED, "unregistered", False)

        await until(paused_as_unregistered)
        registered_at = stack.now()
        stack.sim.register("1001")

        leg = next(name for name in stack.sim.live_channels() if name.startswith("PJSIP/1002-"))
        dropped_at = stack.now()
        stack.sim.hangup(leg)
        assert stack.service.runtime is not None
        floor = stack.service.runtime.engine.floor

        async def held_leg_gone() -> bool:
            return (await status_of(stack, "1002")).held_channel is None

        await until(lambda: not floor.operators["1002"].available(nailed_up=True))
        await until(held_leg_gone)
        await wait_finished(stack)
        back = await status_of(stack, "1001"), await status_of(stack, "1002")
        calls, _ = await calls_and_contacts(stack)

    first, second = stack.demo.operators["1001"], stack.demo.operators["1002"]
    assert connected_between(calls, first, unregistered_at, registered_at) == []
    relogin = timedelta(seconds=stack.settings.relogin_after_s)
    assert connected_between(calls, second, dropped_at, dropped_at + relogin) == []
    assert all(status.state is not OperatorState.PAUSED for status in back)  # ready again by themselves
    assert any(c.operator_id == first and c.connected_at and c.connected_at > registered_at for c in calls)
    assert any(
        c.operator_id == second and c.connected_at and c.connected_at > dropped_at + relogin for c in calls
    )
