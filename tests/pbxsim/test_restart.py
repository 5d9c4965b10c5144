"""Asterisk restart with a live nailed-up call (capture n4)."""

from __future__ import annotations

import asyncio

from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, TinyAgiServer, capture, compare
from tests.pbxsim.test_nailed_up import originates, send_and_wait


async def test_restart_with_live_call_matches_capture(
    sim: PbxSim, client: AmiClient, agi: TinyAgiServer
) -> None:
    for endpoint in ("1001", "1002", "1003"):
        sim.operator(endpoint, registered=endpoint == "1001")
    sim.customer("5559001", ring=1.0, talk=3600)
    start = len(client.received)
    login, customer = originates("n4_restart_with_live_call")
    await send_and_wait(client, login, lambda m: m.event == "ConfbridgeJoin")
    await send_and_wait(
        client, customer, lambda m: m.event == "ConfbridgeJoin" and m.get("Uniqueid") == "cust-5559001-R1"
    )
    await sim.restart(downtime=0.5)
    await asyncio.wait_for(client.eof.wait(), 5)
    problems = compare(capture("n4_restart_with_live_call"), client.received[start:])
    assert problems == [], "\n".join(problems)
    assert client.received[-1].event == "Shutdown" and client.received[-1]["Restart"] == "True"

    # After the restart: nothing is live, and channel numbering starts again from zero.
    again = await AmiClient.connect(sim.ami_port)
    assert (await again.login())["Response"] == "Success"
    await again.wait_event("FullyBooted")
    await again.action("CoreShowChannels")
    assert (await again.wait_event("CoreShowChannelsComplete"))["ListItems"] == "0"
    assert (await again.action("ConfbridgeListRooms"))["Message"] == "No active conferences."
    await again.action(
        "Originate",
        ("Channel", "PJSIP/1001"),
        ("Context", "operator-login"),
        ("Exten", "1001"),
        ("Async", "true"),
        ("ChannelId", "op1001-login-3"),
    )
    joined = await again.wait_event("ConfbridgeJoin")
    assert joined["Channel"] == "PJSIP/1001-00000000"
    await again.close()


async def test_crash_drops_connections_without_events(sim: PbxSim, client: AmiClient) -> None:
    sim.operator("1001")
    start = len(client.received)
    await sim.restart(downtime=0.1, graceful=False)
    await asyncio.wait_for(client.eof.wait(), 5)
    assert [m.event for m in client.received[start:]] == []


async def test_login_during_boot_sees_the_boot_events(sim: PbxSim, client: AmiClient) -> None:
    """As captured after the restart: login works before FullyBooted, and that connection gets the
    trunk's PeerStatus, the surviving registration, and every hint Unavailable, then FullyBooted."""
    for endpoint in ("1001", "1002", "1003"):
        sim.operator(endpoint, registered=endpoint == "1001")
    restarting = asyncio.ensure_future(sim.restart(downtime=0.5, boot_time=20))  # 1 s real at 20x
    await asyncio.wait_for(client.eof.wait(), 5)
    again = None
    for _ in range(200):
        try:
            again = await AmiClient.connect(sim.ami_port)
            break
        except OSError:
            await asyncio.sleep(0.01)
    assert again is not None
    await again.login()
    booted = await again.wait_event("FullyBooted", limit=5)
    assert booted["Uptime"] == "0"
    await restarting
    expected = capture("n4_restart_with_live_call_after_restart")
    until = next(i for i, m in enumerate(expected) if m.event == "FullyBooted")
    got_until = again.received.index(booted)
    assert compare(expected[:until], again.received[:got_until]) == []
    assert [m.event for m in again.received[:got_until] if m.event][-3:] == ["ExtensionStatus"] * 3
    await again.close()
