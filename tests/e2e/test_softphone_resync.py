"""What the product knows of softphones comes from Asterisk at every AMI connect, not only from the
events it happens to hear: phones registered before the engine connected show registered, and a
change made while the AMI connection was down is found on reconnect."""

from __future__ import annotations

import asyncio

from pbxsim import Scenario
from tests.e2e.harness import Stack, api_get, drop_ami, running_stack

ENDPOINTS = ("1001", "1002", "1003")


async def registered(stack: Stack) -> dict[str, bool]:
    """Each operator's ``registered`` as staff see it through the API."""
    out = {}
    for endpoint, operator_id in stack.demo.operators.items():
        out[endpoint] = (await api_get(stack, f"/operators/{operator_id}/session"))["registered"]
    return out


async def shows(stack: Stack, want: dict[str, bool], within: float = 30) -> None:
    async with asyncio.timeout(within):
        for _ in range(1_000_000):  # polled: the API reads what the engine wrote
            if await registered(stack) == want:
                return
            await asyncio.sleep(0.2)


async def test_registrations_are_listed_at_connect_and_again_after_a_drop(
    database_url, sessions, tmp_path
) -> None:
    async with running_stack(
        database_url, sessions, tmp_path, Scenario(), {"UTC": []}, endpoints=ENDPOINTS
    ) as stack:
        # Every softphone registered with the PBX before the engine connected: no event will say so.
        await shows(stack, {"1001": True, "1002": True, "1003": True})
        stack.sim.unregister("1003")  # heard live
        await shows(stack, {"1001": True, "1002": True, "1003": False})

        assert drop_ami(stack) >= 1
        stack.sim.unregister("1002")  # while the product hears nothing
        stack.sim.register("1003")
        await shows(stack, {"1001": True, "1002": False, "1003": True})
        assert stack.service.runtime is not None
        floor = stack.service.runtime.engine.floor
        assert {e: floor.operators[e].registered for e in ENDPOINTS} == {
            "1001": True,
            "1002": False,
            "1003": True,
        }
