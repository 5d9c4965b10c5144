"""Softphone registration lifecycle (capture n3): register, unregister, re-register, die silently."""

from __future__ import annotations

from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, capture, compare


async def test_registration_lifecycle_matches_capture(sim: PbxSim, client: AmiClient) -> None:
    sim.operator("1001")
    sim.operator("1002", registered=False)
    start = len(client.received)
    sim.register("1002")
    sim.unregister("1002")
    sim.register("1002")
    await sim.kill_softphone("1002", qualify_after=6.0, expire_after=14.6)
    dead = await client.wait_event("ContactStatus", AOR="1002", ContactStatus="Unreachable")
    await client.wait_for(lambda m: m.get("ContactStatus") == "Removed", start=client.received.index(dead))
    assert compare(capture("n3_registration_lifecycle_1002"), client.received[start:]) == []


async def test_unregistered_operator_cannot_be_originated(sim: PbxSim, client: AmiClient) -> None:
    sim.operator("1002", registered=False)
    await client.action(
        "Originate",
        ("Channel", "PJSIP/1002"),
        ("Context", "dialer-operator-login"),
        ("Exten", "1002"),
        ("Async", "true"),
        ("ChannelId", "op1002"),
    )
    response = await client.wait_event("OriginateResponse", Uniqueid="op1002")
    assert (response["Response"], response["Reason"]) == ("Failure", "0")
    assert sim.live_channels() == []


async def test_contacts_and_endpoints_follow_registration(sim: PbxSim, client: AmiClient) -> None:
    sim.operator("1001")
    sim.operator("1002", registered=False)
    await client.action("PJSIPShowContacts")
    done = await client.wait_event("ContactListComplete")
    assert done["ListItems"] == "1"
    sim.register("1002")
    await client.action("PJSIPShowEndpoints", action_id="eps")
    await client.wait_event("EndpointListComplete")
    states = {m["ObjectName"]: m["DeviceState"] for m in client.received if m.event == "EndpointList"}
    assert states == {"1001": "Not in use", "1002": "Not in use", "trunk": "Not in use"}
