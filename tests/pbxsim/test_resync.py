"""Resync on a fresh AMI connection during a live nailed-up call (capture n5): CoreShowChannels and
Status describe both channels as captured, enough for the product to rebuild the call."""

from __future__ import annotations

import re

from ami.wire import Message
from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, TinyAgiServer, capture
from tests.pbxsim.test_nailed_up import login_operator, send_and_wait

FIELDS = (
    "Event",
    "Context",
    "Exten",
    "Priority",
    "Application",
    "ApplicationData",
    "Data",
    "ChannelStateDesc",
)


def described(messages: list[Message], event: str) -> dict[str, tuple[object, ...]]:
    """Per channel kind (customer on the trunk, operator): the fields that say where it is."""
    out = {}
    for m in messages:
        if m.event == event:
            kind = "customer" if m["Channel"].startswith("PJSIP/trunk-") else "operator"
            bridge = m.get("BridgeId") or m.get("BridgeID")
            variables = tuple(
                re.sub(r"-[0-9a-f]{8}\b", "-N", v) for v in m.get_all("Variable")
            )  # channel numbers
            out[kind] = (*(m.get(k) for k in FIELDS), bool(bridge), variables)
    return out


async def test_fresh_connection_finds_the_live_call(
    sim: PbxSim, client: AmiClient, agi: TinyAgiServer
) -> None:
    await login_operator(sim, client)
    sim.customer("5556005", ring=1.0, talk=600)
    variables = [("Variable", v) for v in ("CAMPAIGN_ID=42", "LEAD_ID=5556005", "OPERATOR=1001")]
    action = Message.of([
        ("Action", "Originate"), ("Channel", "PJSIP/5556005@trunk"), ("Context", "dialer-nailed-agi"),
        ("Exten", "s"), ("Priority", "1"), ("Async", "true"), ("ChannelId", "cust-5556005-C1"),
        ("CallerID", '"Campaign 42" <5550000>'), *variables,
    ])  # fmt: skip
    await send_and_wait(
        client, action, lambda m: m.event == "ConfbridgeJoin" and m.get("Uniqueid") == "cust-5556005-C1"
    )
    customer = next(c for c in sim.live_channels() if c.startswith("PJSIP/trunk-"))

    fresh = await AmiClient.connect(sim.ami_port)
    await fresh.login()
    await fresh.action("CoreShowChannels")
    await fresh.wait_event("CoreShowChannelsComplete")
    await fresh.action("Status")
    await fresh.wait_event("StatusComplete")
    await fresh.action("Status", ("Channel", "PJSIP/1001-00000000"), ("AllVariables", "true"))
    await fresh.action("Status", ("Channel", customer), ("Variables", "CAMPAIGN_ID,LEAD_ID,OPERATOR,CONF"))
    await fresh.close()

    expected = capture("n5_resync_status_during_live_call")
    for event in ("CoreShowChannel", "Status"):
        want, got = described(expected, event), described(fresh.received, event)
        assert got == want, f"{event}: {got} != {want}"
    bridges = {m["BridgeId"] for m in fresh.received if m.event == "CoreShowChannel"}
    assert len(bridges) == 1 and "" not in bridges  # both in the same conference bridge
