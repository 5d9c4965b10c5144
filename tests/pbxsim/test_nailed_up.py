"""Nailed-up operators (captures n1_0, n1a): the operator held in ConfBridge, customers answered,
routed by FastAGI and dropped into the operator's conference, recorded with MixMonitor."""

from __future__ import annotations

import wave

from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, TinyAgiServer, capture, captured_tx, compare, same_facts


async def send_and_wait(client: AmiClient, action, until) -> None:
    start = len(client.received)
    client.send(action.pairs)
    await client.wait_for(until, start=start, limit=20)


def originates(name: str):
    return [a for a in captured_tx(name) if a.get("Action") == "Originate"]


async def login_operator(sim: PbxSim, client: AmiClient) -> int:
    sim.operator("1001")
    start = len(client.received)
    (login,) = originates("n1_0_operator_nailed_login")
    await send_and_wait(client, login, lambda m: m.event == "ConfbridgeJoin")
    return start


async def test_operator_login_matches_capture(sim: PbxSim, client: AmiClient) -> None:
    start = await login_operator(sim, client)
    assert compare(capture("n1_0_operator_nailed_login"), client.received[start:]) == []
    rooms = await client.action("ConfbridgeListRooms")
    assert rooms["EventList"] == "start"
    room = await client.wait_event("ConfbridgeListRooms")
    assert (room["Conference"], room["Parties"]) == ("op1001", "1")


async def test_customers_into_conference_match_capture(
    sim: PbxSim, client: AmiClient, agi: TinyAgiServer, tmp_path
) -> None:
    await login_operator(sim, client)
    sim.customer("5556001", ring=2.0, talk=6.0)
    sim.customer("5556002", ring=2.0, talk=5.0)
    start = len(client.received)
    for action in originates("n1a_customers_via_fastagi_into_confbridge"):
        uid = action["ChannelId"]
        await send_and_wait(
            client, action, lambda m, uid=uid: m.event == "Hangup" and m.get("Uniqueid") == uid
        )
    assert compare(capture("n1a_customers_via_fastagi_into_confbridge"), client.received[start:]) == []
    assert same_facts("n1a_customers_via_fastagi_into_confbridge", client) == []
    # the AGI environment as captured: script with its query string, the argument, the channel
    env = agi.sessions[0]
    assert env["agi_network_script"] == "nailed?campaign=42"
    assert env["agi_arg_1"] == "5556001"
    assert env["agi_uniqueid"] == "cust-5556001-A1"
    assert agi.replies[0] == ["200 result=1 (1001)", "200 result=1 (5556001)", "200 result=1"]
    # the operator stays in the conference between and after the customers
    assert [c for c in sim.live_channels() if c.startswith("PJSIP/1001-")]
    # each customer's recording holds exactly the bridged time
    for uid, talk in (("cust-5556001-A1", 6.0), ("cust-5556002-A2", 5.0)):
        with wave.open(str(tmp_path / "rec" / f"nail-{uid}.wav")) as wav:
            assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
            assert abs(wav.getnframes() / 8000 - talk) < 0.5


async def test_operator_hanging_up_ends_the_customer_too(
    sim: PbxSim, client: AmiClient, agi: TinyAgiServer
) -> None:
    """end_marked: when the operator's nailed-up leg ends, the customer is taken out and hung up."""
    await login_operator(sim, client)
    sim.customer("5556001", ring=1.0, talk=600)
    first = originates("n1a_customers_via_fastagi_into_confbridge")[0]
    await send_and_wait(
        client, first, lambda m: m.event == "ConfbridgeJoin" and m.get("Uniqueid") == first["ChannelId"]
    )
    operator = next(c for c in sim.live_channels() if c.startswith("PJSIP/1001-"))
    await client.action("Hangup", ("Channel", operator))
    result = await client.wait_for(
        lambda m: m.get("Variable") == "CONFBRIDGE_RESULT" and m.get("Value") == "ENDMARKED"
    )
    assert result["Uniqueid"] == first["ChannelId"]
    await client.wait_event("Hangup", Uniqueid=first["ChannelId"])
    await client.wait_event("ConfbridgeEnd")
    assert sim.live_channels() == []
