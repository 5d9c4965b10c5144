"""AMD verdicts (captures n2a, n2c): AMDSTATUS/AMDCAUSE as VarSet events after the captured delay;
a human is put through to the operator's conference, a machine is hung up by the dialplan."""

from __future__ import annotations

from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, capture, compare, same_facts
from tests.pbxsim.test_nailed_up import login_operator, originates, send_and_wait


async def test_human_is_put_through_then_hung_up_by_ami(sim: PbxSim, client: AmiClient) -> None:
    await login_operator(sim, client)
    sim.customer("5557001", ring=0, amd="human", talk=600)
    start = len(client.received)
    (action,) = originates("n2a_amd_human_hello_then_silence")
    await send_and_wait(
        client, action, lambda m: m.event == "ConfbridgeJoin" and m.get("Uniqueid") == "amd-5557001"
    )
    up = next(
        m for m in client.received[start:] if m.event == "Newstate" and m.get("ChannelStateDesc") == "Up"
    )
    await sim.clock.sleep(3)  # the capture's client hung the customer up 3 s after the connect
    assert (await client.action("Hangup", ("Channel", up["Channel"])))["Message"] == "Channel Hungup"
    await client.wait_event("Hangup", Uniqueid="amd-5557001")
    assert compare(capture("n2a_amd_human_hello_then_silence"), client.received[start:]) == []
    assert same_facts("n2a_amd_human_hello_then_silence", client) == []


async def test_machine_is_hung_up_by_the_dialplan(sim: PbxSim, client: AmiClient) -> None:
    await login_operator(sim, client)
    sim.customer("5557003", ring=0, amd="machine")
    start = len(client.received)
    (action,) = originates("n2c_amd_machine_initial_silence")
    await send_and_wait(client, action, lambda m: m.event == "Hangup" and m.get("Uniqueid") == "amd-5557003")
    assert compare(capture("n2c_amd_machine_initial_silence"), client.received[start:]) == []
    assert same_facts("n2c_amd_machine_initial_silence", client) == []
    status = next(m for m in client.received[start:] if m.get("Variable") == "AMDCAUSE")
    assert status["Value"] == "INITIALSILENCE-2500-2500"


async def test_long_greeting_machine_matches_capture_a5(sim: PbxSim, client: AmiClient) -> None:
    sim.customer("5551005", ring=2, amd="greeting")
    start = len(client.received)
    (action,) = originates("a5_originate_answer_amd")
    await send_and_wait(client, action, lambda m: m.event == "Hangup")
    assert compare(capture("a5_originate_answer_amd"), client.received[start:]) == []
    assert same_facts("a5_originate_answer_amd", client) == []
    cause = next(m for m in client.received[start:] if m.get("Variable") == "AMDCAUSE")
    assert cause["Value"] == "LONGGREETING-1500-1500"
