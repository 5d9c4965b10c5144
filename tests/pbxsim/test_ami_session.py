"""AMI sessions and action answers, against the captured texts (captures d1, d1b, d1c, d2)."""

from __future__ import annotations

import asyncio

import pytest

from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, captured_responses


async def test_banner_and_login_with_events_on(sim: PbxSim) -> None:
    client = await AmiClient.connect(sim.ami_port)
    response = await client.login()
    assert client.parser.banner == "Asterisk Call Manager/11.0.0"
    assert (response["Response"], response["Message"]) == ("Success", "Authentication accepted")
    await client.wait_event("SuccessfulAuth")
    after = [m.event for m in client.received[1:3]]
    assert after == ["FullyBooted", "SuccessfulAuth"]
    await client.close()


async def test_login_with_events_off_gets_no_events(sim: PbxSim) -> None:
    client = await AmiClient.connect(sim.ami_port)
    await client.login(events="off")
    pong = await client.action("Ping", action_id="lab-31")
    bare = await client.action("Ping", action_id=None)
    assert [m.event for m in client.received if m.event] == []
    assert (pong["Ping"], pong["ActionID"]) == ("Pong", "lab-31")
    assert "ActionID" not in bare and bare["Ping"] == "Pong" and float(bare["Timestamp"]) > 1e9
    goodbye = await client.action("Logoff")
    assert (goodbye["Response"], goodbye["Message"]) == ("Goodbye", "Thanks for all the fish.")
    await asyncio.wait_for(client.eof.wait(), 2)
    await client.close()


@pytest.mark.parametrize(
    ("capture_name", "username", "listener_event"),
    [
        ("d1_ami_login_good_and_bad", "autodialer", "InvalidPassword"),
        ("d1c_ami_login_unknown_user", "nobody", None),
    ],
)
async def test_bad_login_is_delayed_refused_and_closed(
    sim: PbxSim, client: AmiClient, capture_name: str, username: str, listener_event: str | None
) -> None:
    expected = next(iter(captured_responses(capture_name).values()))
    intruder = await AmiClient.connect(sim.ami_port)
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await intruder.login(username=username, secret="wrong-secret")
    assert loop.time() - started >= sim.server.auth_fail_delay
    assert (response["Response"], response["Message"]) == (expected["Response"], expected["Message"])
    await asyncio.wait_for(intruder.eof.wait(), 2)
    await intruder.close()
    await client.action("Ping")  # everything the listener will get about it has arrived by now
    assert any(m.event == "InvalidPassword" for m in client.received) == (listener_event is not None)


async def test_action_answers_match_capture_d2(sim: PbxSim, client: AmiClient, tmp_path) -> None:
    """Each action of d2 whose answer does not depend on the lab's state, compared by its ActionID."""
    captured = captured_responses("d2_ami_actions")
    sim.operator("1001")
    sim.operator("1002", registered=False)
    sim.customer("5554001", ring=0.5, talk=600)
    sim.customer("5554002", ring=0.5, talk=600)
    sent: dict[str, object] = {}

    async def check(action_id: str, name: str, *pairs: tuple[str, str]) -> None:
        got = await client.action(name, *pairs, action_id=action_id)
        want = captured[action_id]
        sent[action_id] = got
        assert (got.get("Response"), got.get("Message")) == (want.get("Response"), want.get("Message")), (
            action_id
        )

    interface = ("Interface", "PJSIP/1003")
    await check(
        "lab-43", "QueueAdd", ("Queue", "sales"), interface, ("Penalty", "1"), ("MemberName", "Op 1003")
    )
    await check("lab-44", "QueueAdd", ("Queue", "sales"), interface)
    await check("lab-45", "QueueAdd", ("Queue", "nosuchqueue"), interface)
    await check(
        "lab-46", "QueuePause", ("Queue", "sales"), interface, ("Paused", "true"), ("Reason", "lunch")
    )
    await check(
        "lab-47", "QueuePause", ("Interface", "PJSIP/1001"), ("Paused", "true"), ("Reason", "all-queues")
    )
    await check("lab-49", "QueuePause", ("Interface", "PJSIP/1001"), ("Paused", "false"))
    await check("lab-50", "QueuePause", ("Queue", "sales"), ("Interface", "PJSIP/9999"), ("Paused", "true"))
    await check("lab-51", "QueueRemove", ("Queue", "sales"), interface)
    await check("lab-52", "QueueRemove", ("Queue", "sales"), interface)
    await check("lab-53", "QueueRemove", ("Queue", "sales"), ("Interface", "PJSIP/1001"))
    # two answered calls parked in Wait(60), as in the capture
    for number in ("5554001", "5554002"):
        await client.action(
            "Originate",
            ("Channel", f"PJSIP/{number}@trunk"),
            ("Context", "lab-hold"),
            ("Exten", "s"),
            ("Priority", "1"),
            ("Async", "true"),
            ("ChannelId", f"hold-{number}"),
        )
        await client.wait_event("Newexten", Uniqueid=f"hold-{number}", Application="Wait")
    one, two = (sim.pbx.channels.by_uniqueid(f"hold-{n}") for n in ("5554001", "5554002"))
    assert one is not None and two is not None
    await check("lab-55", "CoreShowChannels")
    assert (await client.wait_event("CoreShowChannelsComplete"))["ListItems"] == "2"
    got = await client.action(
        "Getvar", ("Channel", one.name), ("Variable", "NO_SUCH_VAR"), action_id="lab-57"
    )
    assert (got["Response"], got["Variable"], got["Value"]) == ("Success", "NO_SUCH_VAR", "")
    await check("lab-58", "Setvar", ("Channel", one.name), ("Variable", "AMI_SET"), ("Value", "yes"))
    got = await client.action("Getvar", ("Channel", one.name), ("Variable", "AMI_SET"))
    assert got["Value"] == "yes"
    await check(
        "lab-59", "MixMonitor", ("Channel", one.name), ("File", str(tmp_path / "d2.wav")), ("Options", "")
    )
    await check("lab-60", "StopMixMonitor", ("Channel", one.name))
    await check("lab-61", "StopMixMonitor", ("Channel", one.name))
    await check("lab-62", "MixMonitor", ("Channel", "PJSIP/nosuch-0000ffff"), ("File", "x.wav"))
    await check("lab-63", "Redirect", ("Channel", one.name), ("Context", "lab-redirected"), ("Exten", "s"))
    await client.wait_event("Newexten", Uniqueid="hold-5554001", Context="lab-redirected", Application="Wait")
    await check(
        "lab-64",
        "Redirect",
        ("Channel", "PJSIP/nosuch-0000ffff"),
        ("Context", "lab-redirected"),
        ("Exten", "s"),
        ("Priority", "1"),
    )
    await check("lab-65", "Hangup", ("Channel", one.name), ("Cause", "16"))
    assert (await client.wait_event("Hangup", Uniqueid="hold-5554001"))["Cause"] == "16"
    await check("lab-66", "Hangup", ("Channel", "PJSIP/nosuch-0000ffff"))
    await check(
        "lab-67", "Redirect", ("Channel", two.name), ("Context", "lab-redirected"), ("Exten", "nosuch")
    )
    assert (await client.wait_event("Hangup", Uniqueid="hold-5554002"))["Cause"] == "0"
    await check("lab-68", "Hangup", ("Channel", two.name))
    for n, channel, is_async in (
        (1, "PJSIP/5554002@nosuchendpoint", "false"),
        (2, "PJSIP/5554002@nosuchendpoint", "true"),
        (3, "FOO/5554002", "false"),
        (4, "FOO/5554002", "true"),
        (5, "PJSIP/9999", "false"),
        (6, "PJSIP/", "true"),
        (7, "garbage", "false"),
    ):
        await check(
            f"d2-badchan-{n}",
            "Originate",
            ("Channel", channel),
            ("Context", "dialer-answered"),
            ("Exten", "s"),
            ("Async", is_async),
            ("Timeout", "5000"),
        )
    failed = await client.wait_event("OriginateResponse", Channel="FOO/5554002")
    assert (failed["Response"], failed["Reason"], failed["Uniqueid"]) == ("Failure", "0", "<unknown>")
    await check("lab-69", "NoSuchAction")
    await client.wait_event("RequestBadFormat")
    await check("d2-orig-nochannel", "Originate", ("Context", "dialer-answered"), ("Exten", "s"))
    await check("lab-70", "Command", ("Command", "core show channels concise"))


async def test_event_classes_and_filters(sim: PbxSim) -> None:
    """The product's client logs in with a class list and may add Filter expressions."""
    client = await AmiClient.connect(sim.ami_port)
    await client.login(events="system,call,dialplan,agent,user,cdr,agi")
    await client.wait_event("FullyBooted")
    added = await client.action("Filter", ("Operation", "Add"), ("Filter", "!Event: Newexten"))
    assert added["Message"] == "Filter Added Successfully"
    sim.customer("300", outcome="busy", ring=0.5)
    await client.action("Originate", ("Channel", "PJSIP/300@trunk"), ("Context", "dialer-customer"),
                        ("Exten", "s"), ("Async", "true"), ("ChannelId", "f-1"))  # fmt: skip
    await client.wait_event("Hangup", Uniqueid="f-1")
    seen = {m.event for m in client.received if m.event}
    assert {"Newchannel", "DialBegin", "Cdr", "OriginateResponse"} <= seen
    assert not seen & {"Newexten", "SuccessfulAuth"}  # filtered out; security class not asked for
    await client.close()


async def test_garbage_and_half_messages_cost_one_connection(sim: PbxSim, client: AmiClient) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.ami_port)
    await reader.readline()  # banner
    writer.write(b"\x00\xff garbage without a colon\r\nAction\r\n\r\nAction: Ping\r\nActionID: half")
    await writer.drain()
    refused = await reader.readuntil(b"\r\n\r\n")
    assert b"Response: Error" in refused and b"Authentication Required" in refused
    writer.close()
    await writer.wait_closed()
    pong = await client.action("Ping")  # everyone else is served as before
    assert pong["Ping"] == "Pong"
