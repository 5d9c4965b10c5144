"""A supervisor listens, whispers and barges into an operator's call (capture n6)."""

from __future__ import annotations

from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, TinyAgiServer, capture, captured_tx, compare
from tests.pbxsim.test_nailed_up import login_operator, send_and_wait


async def test_listen_whisper_barge_match_capture(sim: PbxSim, client: AmiClient, agi: TinyAgiServer) -> None:
    await login_operator(sim, client)
    sim.operator("1003", queues=())  # the supervisor's phone is in no queue
    sim.customer("5556006", ring=1.0, talk=600)
    start = len(client.received)
    originates = [a for a in captured_tx("n6_chanspy_listen_whisper_barge") if a.get("Action") == "Originate"]
    customer, *spies = originates
    await send_and_wait(
        client, customer, lambda m: m.event == "ConfbridgeJoin" and m.get("Uniqueid") == "cust-5556006-S1"
    )
    for spy in spies:
        await send_and_wait(client, spy, lambda m: m.event == "ChanSpyStart")
        await sim.clock.sleep(4)
        leg = sim.pbx.channels.by_uniqueid(spy["ChannelId"])
        assert leg is not None
        await client.action("Hangup", ("Channel", leg.name))
        hangup = await client.wait_event("Hangup", Uniqueid=spy["ChannelId"])
        assert hangup["Cause"] == "0"
    target = sim.pbx.channels.by_uniqueid("cust-5556006-S1")
    assert target is not None
    await client.action("Hangup", ("Channel", target.name))
    await client.wait_event("Hangup", Uniqueid="cust-5556006-S1")
    problems = compare(capture("n6_chanspy_listen_whisper_barge"), client.received[start:])
    assert problems == [], "\n".join(problems)


async def test_a_channel_name_prefix_is_spied_on_as_asterisk_does(
    sim: PbxSim, client: AmiClient, agi: TinyAgiServer
) -> None:
    await login_operator(sim, client)
    sim.operator("1003", queues=())
    sim.customer("5556006", ring=1.0, talk=600)
    originates = [a for a in captured_tx("n6_chanspy_listen_whisper_barge") if a.get("Action") == "Originate"]
    customer, listen, *_ = originates
    await send_and_wait(
        client, customer, lambda m: m.event == "ConfbridgeJoin" and m.get("Uniqueid") == "cust-5556006-S1"
    )
    pairs = [(k, "SPYTARGET=PJSIP/1001-" if v.startswith("SPYTARGET=") else v) for k, v in listen.pairs]
    start = len(client.received)
    client.send(pairs)
    started = await client.wait_for(lambda m: m.event == "ChanSpyStart", start=start, limit=20)
    assert started["SpyeeChannel"] == "PJSIP/1001-00000000"
