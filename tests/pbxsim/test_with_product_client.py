"""The product's own AMI client and call tracker (ami/) against the simulator: ready after login and
resync, facts for an operator login and a busy customer, and a restart it recovers from."""

from __future__ import annotations

import asyncio

from ami.client import AmiClient as ProductClient
from ami.facts import CallFailed, Fact, OperatorReady, PbxRestarted
from ami.settings import AmiSettings
from ami.tracked import TrackedCalls
from ami.tracker import CallTracker
from pbxsim import PbxSim


class Facts:
    def __init__(self) -> None:
        self.seen: list[Fact] = []
        self._arrived = asyncio.Event()

    def on_fact(self, fact: Fact) -> None:
        self.seen.append(fact)
        self._arrived.set()

    async def wait(self, kind: type, limit: float = 5.0) -> Fact:
        async with asyncio.timeout(limit):
            while True:
                found = next((f for f in self.seen if isinstance(f, kind)), None)
                if found is not None:
                    return found
                self._arrived.clear()
                await self._arrived.wait()


async def test_product_client_follows_the_simulator(sim: PbxSim) -> None:
    sim.operator("1001")
    sim.customer("100", outcome="busy", ring=1)
    facts = Facts()
    settings = AmiSettings(port=sim.ami_port, username="autodialer", secret="autodialer", reconnect_min=0.05)
    client = ProductClient(settings)
    calls = TrackedCalls(client, CallTracker(facts))
    await client.start()
    try:
        await client.wait_ready(within=5)
        await calls.originate(
            "op-1001", "PJSIP/1001", context="dialer-operator-login", exten="1001", operator="1001"
        )
        ready = await facts.wait(OperatorReady)
        assert ready.conference == "op1001"  # type: ignore[attr-defined]
        await calls.originate("call-1", "PJSIP/100@trunk", context="dialer-customer")
        failed = await facts.wait(CallFailed)
        assert (failed.call_id, failed.cause) == ("call-1", 17)  # type: ignore[attr-defined]
        await sim.restart(downtime=0.1)
        await facts.wait(PbxRestarted)
        await client.wait_ready(within=5)
    finally:
        await client.stop()
