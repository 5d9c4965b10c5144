"""The AMI client against a scripted AMI server: login, actions and every failure mode the issue names."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest

from ami import facts as f
from ami.actions import OriginateRejected
from ami.client import AmiClient
from ami.connection import AmiConnection
from ami.errors import ActionFailed, ConnectionLost, NotConnected
from ami.settings import AmiSettings
from ami.tracked import TrackedCalls
from ami.tracker import CallTracker
from tests.ami.conftest import until
from tests.ami.fake_ami import FakeAmi, channel_event

SECRET = "s3cr3t-do-not-log"


class Recorder:
    def __init__(self) -> None:
        self.facts: list[f.Fact] = []

    def on_fact(self, fact: f.Fact) -> None:
        self.facts.append(fact)

    def of(self, kind: type) -> list:
        return [x for x in self.facts if isinstance(x, kind)]


def settings_for(server: FakeAmi, **changes: object) -> AmiSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "username": "autodialer",
        "secret": SECRET,
        "connect_timeout": 0.5,
        "action_timeout": 0.5,
        "ping_interval": 0.05,
        "ping_timeout": 0.1,
        "boot_timeout": 0.2,
        "reconnect_min": 0.01,
        "reconnect_max": 0.05,
    }
    values.update(changes)
    return AmiSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def server() -> AsyncIterator[FakeAmi]:
    fake = FakeAmi(secret=SECRET)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def tracked(server: FakeAmi, recorder: Recorder) -> AsyncIterator[TrackedCalls]:
    """A client with a call tracker wired to it, as the engine wires them."""
    ami = AmiClient(settings_for(server))
    calls = TrackedCalls(ami, CallTracker(recorder))
    states: list[str] = []
    ami.add_state_listener(lambda state, detail: states.append(state))
    ami.states = states  # type: ignore[attr-defined]
    await ami.start()
    await ami.wait_ready(2)
    yield calls
    await ami.stop()


@pytest.fixture
async def client(tracked: TrackedCalls) -> AmiClient:
    return tracked.client


async def test_logs_in_with_the_event_classes_and_resyncs_before_ready(client: AmiClient, server: FakeAmi):
    [login] = server.actions_named("Login")
    assert (login["Username"], login["Events"]) == ("autodialer", "system,call,dialplan,agent,user,cdr,agi")
    assert [a["Action"] for a in server.actions[1:3]] == ["CoreShowChannels", "Status"]
    assert client.ready and client.states[-1] == "ready"  # type: ignore[attr-defined]
    assert await client.command("core show uptime") == ["line one", "line two"]


async def test_refused_login_is_reported_and_retried_with_backoff_never_silently_connected(
    server: FakeAmi, caplog: pytest.LogCaptureFixture
):
    server.secret = "another"
    ami = AmiClient(settings_for(server, reconnect_min=0.02, reconnect_max=0.5))
    states: list[tuple[str, str]] = []
    ami.add_state_listener(lambda state, detail: states.append((state, detail)))
    with caplog.at_level(logging.DEBUG):
        await ami.start()
        await until(lambda: server.logins >= 4)
        assert not ami.ready
        with pytest.raises(NotConnected):
            await ami.ping()
        await ami.stop()
    refused = [detail for state, detail in states if state == "login_refused"]
    assert refused and "Authentication failed" in refused[0] and "autodialer" in refused[0]
    assert "login refused" in caplog.text
    assert SECRET not in caplog.text and SECRET not in repr(ami.settings)
    assert not server.actions_named("CoreShowChannels")  # nothing was sent unauthenticated
    gaps = [b - a for a, b in zip(server.login_times, server.login_times[1:], strict=False)]
    assert gaps[2] > gaps[0] * 1.5  # backoff: 0.02 s, 0.04 s, 0.08 s between attempts


async def test_an_action_while_disconnected_fails_at_once(server: FakeAmi):
    ami = AmiClient(settings_for(server))
    started = time.monotonic()
    with pytest.raises(NotConnected, match="no AMI connection"):
        await ami.hangup("PJSIP/trunk-00000001")
    # At once: not after the 0.5 s action timeout (half of it leaves room for a busy machine's stall)
    assert time.monotonic() - started < 0.25


async def test_an_action_after_the_server_went_away_fails_at_once(
    tracked: TrackedCalls, client: AmiClient, server: FakeAmi
):
    await server.stop()
    await until(lambda: not client.ready)
    started = time.monotonic()
    with pytest.raises(NotConnected):
        await tracked.originate("call-1", "PJSIP/5551001@trunk", context="dialer-answered")
    assert time.monotonic() - started < 0.25  # at once: not after the 0.5 s action timeout


async def test_disconnect_mid_originate_raises_and_the_resync_settles_the_call(
    tracked: TrackedCalls, client: AmiClient, server: FakeAmi, recorder: Recorder
):
    server.on_originate = "drop"
    started = time.monotonic()
    with pytest.raises(ConnectionLost):
        await tracked.originate("call-2", "PJSIP/5551002@trunk", context="dialer-answered")
    assert time.monotonic() - started < 0.3  # not the action timeout, and never a hang
    server.on_originate = "queue"
    await until(lambda: client.ready and server.logins == 2)
    [failed] = recorder.of(f.CallFailed)  # Asterisk lists no such channel after the reconnect
    assert (failed.call_id, failed.reason) == ("call-2", f.FailReason.UNKNOWN)


async def test_originate_sends_the_call_id_everywhere_and_follows_the_call(
    tracked: TrackedCalls, client: AmiClient, server: FakeAmi, recorder: Recorder
):
    def answered(action):
        uid = action["ChannelId"]
        return [
            channel_event("Newchannel", uid, "PJSIP/trunk-00000000", ("ChannelStateDesc", "Down")),
            channel_event("Newstate", uid, "PJSIP/trunk-00000000", ("ChannelStateDesc", "Up")),
            [
                ("Event", "OriginateResponse"),
                ("ActionID", action["ActionID"]),
                ("Response", "Success"),
                ("Channel", "PJSIP/trunk-00000000"),
                ("Uniqueid", uid),
                ("Reason", "4"),
            ],
        ]

    server.originate_events = answered
    await tracked.originate(
        "call-3", "PJSIP/5551003@trunk", context="dialer-answered", variables={"LEAD_ID": "7"}
    )
    [sent] = server.actions_named("Originate")
    assert (sent["ActionID"], sent["ChannelId"], sent["Async"]) == ("call-3", "call-3", "true")
    assert sent.get_all("Variable") == ["DIALER_CALL_ID=call-3", "LEAD_ID=7"]
    await until(lambda: recorder.of(f.CallAnswered))
    assert [type(x) for x in recorder.facts] == [f.CallCreated, f.CallAnswered]


async def test_an_originate_refused_at_once_is_a_failed_call(
    tracked: TrackedCalls, client: AmiClient, server: FakeAmi, recorder: Recorder
):
    server.on_originate = "error"
    with pytest.raises(OriginateRejected, match="Invalid channel"):
        await tracked.originate("call-4", "garbage", context="dialer-answered")
    [failed] = recorder.of(f.CallFailed)
    assert (failed.call_id, failed.reason) == ("call-4", f.FailReason.CHANNEL_UNAVAILABLE)


async def test_an_error_response_raises_action_failed(client: AmiClient):
    with pytest.raises(ActionFailed, match="QueueSummary failed: Invalid/unknown command"):
        await client.send([("Action", "QueueSummary")])


async def test_half_open_connection_is_found_by_the_ping_timeout(client: AmiClient, server: FakeAmi):
    server.silent = True  # the socket stays open, nothing answers: a half-open peer
    started = time.monotonic()
    await until(lambda: not client.ready, within=1.0)
    assert time.monotonic() - started < 0.5  # ping_interval 0.05 + ping_timeout 0.1
    server.silent = False
    server.drop_all()
    await until(lambda: client.ready, within=1.0)
    states = client.states  # type: ignore[attr-defined]
    assert states.index("lost") < len(states) - 1 and states[-1] == "ready"


async def test_asterisk_restart_closes_the_live_calls_as_ended_by_the_pbx(
    tracked: TrackedCalls, client: AmiClient, server: FakeAmi, recorder: Recorder
):
    server.originate_events = lambda action: [
        channel_event(
            "Newchannel", action["ChannelId"], "PJSIP/trunk-00000000", ("ChannelStateDesc", "Down")
        ),
        channel_event("Newstate", action["ChannelId"], "PJSIP/trunk-00000000", ("ChannelStateDesc", "Up")),
    ]
    await tracked.originate("call-5", "PJSIP/5551005@trunk", context="dialer-answered")
    await until(lambda: recorder.of(f.CallAnswered))
    server.push(
        [("Event", "Shutdown"), ("Privilege", "system,all"), ("Shutdown", "Cleanly"), ("Restart", "True")]
    )
    server.drop_all()  # then EOF, and no Hangup ever comes
    await until(lambda: recorder.of(f.CallHungUp))
    [ended] = recorder.of(f.CallHungUp)
    assert (ended.call_id, ended.hung_up_by) == ("call-5", f.HungUpBy.PBX_RESTART)
    # After the restart channel names start again from zero; the new call is a different call.
    server.uptime = 0
    await until(lambda: client.ready and server.logins == 2)
    await tracked.originate("call-6", "PJSIP/5551006@trunk", context="dialer-answered")
    await until(lambda: len(recorder.of(f.CallAnswered)) == 2)
    assert recorder.of(f.CallAnswered)[1].call_id == "call-6"
    assert len(recorder.of(f.CallHungUp)) == 1


async def test_eof_without_shutdown_and_a_fresh_asterisk_means_a_restart(
    tracked: TrackedCalls, client: AmiClient, server: FakeAmi, recorder: Recorder
):
    server.originate_events = lambda action: [
        channel_event(
            "Newchannel", action["ChannelId"], "PJSIP/trunk-00000000", ("ChannelStateDesc", "Down")
        ),
        channel_event("Newstate", action["ChannelId"], "PJSIP/trunk-00000000", ("ChannelStateDesc", "Up")),
    ]
    await tracked.originate("call-7", "PJSIP/5551007@trunk", context="dialer-answered")
    await until(lambda: recorder.of(f.CallAnswered))
    server.uptime = 0  # the Asterisk we reconnect to has just started
    server.drop_all()
    await until(lambda: recorder.of(f.CallHungUp))
    [ended] = recorder.of(f.CallHungUp)
    assert (ended.call_id, ended.hung_up_by) == ("call-7", f.HungUpBy.PBX_RESTART)


async def test_eof_and_a_long_running_asterisk_means_the_call_ended_while_we_were_away(
    tracked: TrackedCalls, client: AmiClient, server: FakeAmi, recorder: Recorder
):
    server.originate_events = lambda action: [
        channel_event(
            "Newchannel", action["ChannelId"], "PJSIP/trunk-00000000", ("ChannelStateDesc", "Down")
        ),
        channel_event("Newstate", action["ChannelId"], "PJSIP/trunk-00000000", ("ChannelStateDesc", "Up")),
    ]
    await tracked.originate("call-9", "PJSIP/5551009@trunk", context="dialer-answered")
    await until(lambda: recorder.of(f.CallAnswered))
    server.drop_all()  # uptime stays 100 s: not a restart
    await until(lambda: recorder.of(f.CallHungUp))
    [ended] = recorder.of(f.CallHungUp)
    assert (ended.call_id, ended.hung_up_by) == ("call-9", f.HungUpBy.UNKNOWN)


async def test_a_call_still_listed_after_reconnecting_stays_live(
    tracked: TrackedCalls, client: AmiClient, server: FakeAmi, recorder: Recorder
):
    server.originate_events = lambda action: [
        channel_event("Newchannel", action["ChannelId"], "PJSIP/trunk-00000000", ("ChannelStateDesc", "Up")),
    ]
    await tracked.originate("call-8", "PJSIP/5551008@trunk", context="dialer-answered")
    await until(lambda: recorder.of(f.CallCreated))
    server.channels = [
        [
            ("Channel", "PJSIP/trunk-00000000"),
            ("Uniqueid", "call-8"),
            ("Linkedid", "call-8"),
            ("ChannelStateDesc", "Up"),
            ("Application", "Wait"),
        ]
    ]
    server.drop_all()
    await until(lambda: client.ready and server.logins == 2)
    assert not recorder.of(f.CallHungUp) and not recorder.of(f.CallFailed)
    assert tracked.tracker.live_calls == ["call-8"]


async def test_listener_exceptions_are_logged_not_lost(
    client: AmiClient, server: FakeAmi, caplog: pytest.LogCaptureFixture
):
    seen: list[str] = []

    async def failing_coroutine(event):
        seen.append(event.event_name)
        raise RuntimeError("listener bug")

    def failing_function(event):
        raise ValueError("sync listener bug")

    client.add_event_listener(failing_coroutine)
    client.add_event_listener(failing_function)
    server.push([("Event", "UserEvent"), ("UserEvent", "Hello")])
    await until(lambda: "listener bug" in caplog.text and "sync listener bug" in caplog.text)
    assert seen == ["UserEvent"]
    assert client.ready  # the reader survived both


async def test_event_filters_are_added_after_login_before_the_resync(server: FakeAmi):
    ami = AmiClient(settings_for(server, event_filters=("Event: Newchannel", "Event: Hangup")))
    await ami.start()
    try:
        await ami.wait_ready(2)
    finally:
        await ami.stop()
    names = [a["Action"] for a in server.actions]
    assert names[:5] == ["Login", "Filter", "Filter", "CoreShowChannels", "Status"]
    assert [(a["Operation"], a["Filter"]) for a in server.actions_named("Filter")] == [
        ("Add", "Event: Newchannel"),
        ("Add", "Event: Hangup"),
    ]


async def test_action_methods_send_what_asterisk_expects(
    client: AmiClient, server: FakeAmi, recorder: Recorder
):
    server.channels = [
        [
            ("Channel", "PJSIP/trunk-00000001"),
            ("Uniqueid", "u-1"),
            ("Linkedid", "u-1"),
            ("ChannelStateDesc", "Up"),
            ("Application", "ConfBridge"),
            ("BridgeId", "b-1"),
        ]
    ]
    [listed] = await client.core_show_channels()
    assert (listed.uniqueid, listed.application, listed.bridge_id) == ("u-1", "ConfBridge", "b-1")
    await client.hangup("PJSIP/trunk-00000001", cause=16)
    await client.user_event("DialerHello", {"Campaign": "42"})
    [hangup] = server.actions_named("Hangup")
    assert (hangup["Channel"], hangup["Cause"]) == ("PJSIP/trunk-00000001", "16")
    [user] = server.actions_named("UserEvent")
    assert (user["UserEvent"], user["Campaign"]) == ("DialerHello", "42")
    with pytest.raises(ValueError, match="splits values"):
        await client.originate("call-x", "PJSIP/1@trunk", context="c", variables={"LIST": "a,b"})
    assert not server.actions_named("Originate")


async def test_a_queued_originate_that_fails_later_without_a_channel_is_a_failed_call(
    tracked: TrackedCalls, client: AmiClient, server: FakeAmi, recorder: Recorder
):
    """Async with a bad channel: "Originate successfully queued", then OriginateResponse Failure
    Reason 0 carrying the ChannelId as Uniqueid (captures, observations 2 and 9)."""
    server.originate_events = lambda action: [
        [
            ("Event", "OriginateResponse"),
            ("ActionID", action["ActionID"]),
            ("Response", "Failure"),
            ("Channel", action["Channel"]),
            ("Uniqueid", action["ChannelId"]),
            ("Reason", "0"),
        ],
    ]
    await tracked.originate("call-10", "PJSIP/5554002@nosuchendpoint", context="dialer-answered")
    await until(lambda: recorder.of(f.CallFailed))
    [failed] = recorder.of(f.CallFailed)
    assert (failed.call_id, failed.reason, failed.cause) == (
        "call-10",
        f.FailReason.CHANNEL_UNAVAILABLE,
        None,
    )


async def test_a_peer_that_never_ends_a_message_is_dropped():
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"Asterisk Call Manager/11.0.0\r\n" + b"X" * (5 * 1024 * 1024))
        await writer.drain()
        await reader.read()

    server = await asyncio.start_server(garbage, "127.0.0.1", 0)
    closed: list[BaseException | None] = []
    connection = AmiConnection(lambda message: None, closed.append)
    try:
        await connection.open("127.0.0.1", server.sockets[0].getsockname()[1], within=1.0)
        await asyncio.wait_for(connection.wait_closed(), 2.0)
    finally:
        connection.close()
        server.close()
    assert closed and isinstance(closed[0], ConnectionLost) and "not AMI" in str(closed[0])
