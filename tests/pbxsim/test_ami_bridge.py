"""AMI Bridge (captures n7a, n7b): the operator redirected out of its conference, a parked customer
bridged to it, the customer hangs up, the operator goes back into its conference by itself."""

from __future__ import annotations

from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, capture, compare
from tests.pbxsim.test_nailed_up import login_operator


async def test_bridge_after_redirect_matches_capture(sim: PbxSim, client: AmiClient) -> None:
    await login_operator(sim, client)
    sim.customer("5558002", ring=1.0, talk=8.0)
    start = len(client.received)
    operator = "PJSIP/1001-00000000"
    redirect = await client.action(
        "Redirect", ("Channel", operator), ("Context", "operator-wait"), ("Exten", "1001"), ("Priority", "1")
    )
    assert redirect["Message"] == "Redirect successful"
    await client.wait_event("Newexten", Application="Wait", Context="operator-wait")
    originate = [
        ("Channel", "PJSIP/5558002@trunk"), ("Context", "dialer-park"), ("Exten", "s"), ("Priority", "1"),
        ("Async", "true"), ("ChannelId", "cust-5558002-P2"), ("CallerID", '"Campaign 42" <5550000>'),
        ("Variable", "CAMPAIGN_ID=42"), ("Variable", "LEAD_ID=5558002"), ("Variable", "OPERATOR=1001"),
    ]  # fmt: skip
    await client.action("Originate", *originate)
    answered = await client.wait_event("OriginateResponse", Uniqueid="cust-5558002-P2")
    await client.wait_event("Newexten", Application="Wait", Context="dialer-park")
    bridged = await client.action(
        "Bridge", ("Channel1", answered["Channel"]), ("Channel2", operator), ("Tone", "no")
    )
    assert bridged["Message"] == "Channels have been bridged"
    gone = await client.wait_event("Hangup", Uniqueid="cust-5558002-P2")
    # the operator goes back into a new conference of its own
    await client.wait_for(lambda m: m.event == "ConfbridgeJoin", start=client.received.index(gone))
    problems = compare(capture("n7b_bridge_action_customer_hangs_up"), client.received[start:])
    assert problems == [], "\n".join(problems)


async def test_a_conference_member_cannot_be_bridged(sim: PbxSim, client: AmiClient) -> None:
    await login_operator(sim, client)
    sim.customer("5558001", ring=0.5, talk=60)
    await client.action("Originate", ("Channel", "PJSIP/5558001@trunk"), ("Context", "dialer-park"),
                        ("Exten", "s"), ("Async", "true"), ("ChannelId", "P1"))  # fmt: skip
    answered = await client.wait_event("OriginateResponse", Uniqueid="P1")
    await client.wait_event("Newexten", Application="Wait", Uniqueid="P1")
    refused = await client.action(
        "Bridge", ("Channel1", "PJSIP/1001-00000000"), ("Channel2", answered["Channel"])
    )
    assert (refused["Response"], refused["Message"]) == (
        "Error",
        "Unable to add Channel1 to bridge: PJSIP/1001-00000000",
    )
