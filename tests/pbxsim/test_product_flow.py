"""The product's own dialplan (asterisk-conf/extensions.conf as the simulator runs it) driven by
the product's FastAGI server (agi/): AMD, the engine's decision, then operator, queue or abandon."""

from __future__ import annotations

import wave
from collections.abc import AsyncIterator, Callable

import pytest

from agi.routes import AmdResult, CallInfo, RouteAction, RouteDecision, product_routes
from agi.server import FastAgiServer
from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient
from tests.pbxsim.test_asterisk_conf import conf_contexts


class Engine:
    """Stands in for dialer/: records what the AGI routes tell it, decides with ``decide``."""

    def __init__(self) -> None:
        self.decide: Callable[[AmdResult], RouteDecision] = lambda result: RouteDecision.hangup()
        self.amd: list[tuple[CallInfo, AmdResult]] = []
        self.abandoned: list[CallInfo] = []

    async def on_amd_result(self, call: CallInfo, result: AmdResult) -> RouteDecision:
        self.amd.append((call, result))
        return self.decide(result)

    async def on_abandoned(self, call: CallInfo, message: str) -> None:
        self.abandoned.append(call)

    async def survey_for(self, call: CallInfo, survey_id: str | None) -> None:
        return None

    async def on_survey_finished(self, call: CallInfo, report: object) -> None:
        return None


@pytest.fixture
async def engine(sim: PbxSim) -> AsyncIterator[Engine]:
    engine = Engine()
    server = FastAgiServer(product_routes(engine, abandon_message="dialer/abandon"), port=0)
    await server.start()
    sim.pbx.config.agi_port = server.port
    yield engine
    await server.close()


async def originate(client: AmiClient, number: str, call_id: str, **variables: str) -> None:
    extra = [("Variable", f"{k}={v}") for k, v in {"DIALER_CALL_ID": call_id, **variables}.items()]
    response = await client.action(
        "Originate", ("Channel", f"PJSIP/{number}@trunk"), ("Context", "dialer-customer"), ("Exten", "s"),
        ("Priority", "1"), ("Async", "true"), ("Timeout", "30000"), ("ChannelId", call_id),
        ("CallerID", '"Campaign 7" <5550000>'), ("Variable", "CAMPAIGN_ID=7,LEAD_ID=" + number), *extra,
    )  # fmt: skip
    assert response["Message"] == "Originate successfully queued"


async def login(client: AmiClient, endpoint: str) -> None:
    channel, context = ("Channel", f"PJSIP/{endpoint}"), ("Context", "dialer-operator-login")
    ids = (("Exten", endpoint), ("Async", "true"), ("ChannelId", f"login-{endpoint}"))
    await client.action("Originate", channel, context, *ids)
    await client.wait_event("ConfbridgeJoin", Uniqueid=f"login-{endpoint}")


async def test_human_goes_to_the_nailed_operator_and_is_recorded(
    sim: PbxSim, client: AmiClient, engine: Engine, tmp_path
) -> None:
    sim.operator("1001")
    await login(client, "1001")
    engine.decide = lambda result: RouteDecision.to_operator(operator="1001", bridge="op1001")
    sim.customer("5551001", ring=2, amd="human", talk=5)
    await originate(client, "5551001", "call-1")
    joined = await client.wait_event("ConfbridgeJoin", Uniqueid="call-1")
    assert joined["Conference"] == "op1001"
    hangup = await client.wait_event("Hangup", Uniqueid="call-1")
    assert hangup["Cause"] == "16"
    call, result = engine.amd[0]
    assert (call.call_id, call.campaign_id, call.lead_id, result.cause) == (
        "call-1",
        "7",
        "5551001",
        "HUMAN-800-800",
    )
    routes = [m["Value"] for m in client.received if m.event == "VarSet" and m.get("Variable") == "AGI_ROUTE"]
    assert routes == ["operator"]
    with wave.open(str(tmp_path / "rec" / "call-1.wav")) as wav:
        assert abs(wav.getnframes() / 8000 - 5) < 0.5
    assert "PJSIP/1001-00000000" in sim.live_channels()  # the operator stays nailed up
    # the simulator ran asterisk-conf/extensions.conf's priorities, in order
    conf = conf_contexts()
    steps = [m for m in client.received if m.event == "Newexten" and m.get("Uniqueid") == "call-1"]
    ran = [
        (m["Context"], m["Application"])
        for m in steps
        if m["Context"].startswith("dialer") and m["Exten"] == "s"
    ]
    expected = [("dialer-customer", a) for a in conf["dialer-customer"]]
    operator_route = [("dialer-route-operator", a) for a in conf["dialer-route-operator"][:3]]
    record = [("dialer-record", a) for a in conf["dialer-record"][:3]]  # policy "connected", one file
    expected += operator_route[:1] + record + operator_route[1:]
    assert ran == expected


@pytest.mark.parametrize(
    ("policy", "legs", "files"),
    [
        ("connected", "no", {"call-p.wav"}),
        ("connected", "yes", {"call-p.wav", "call-p-customer.wav", "call-p-operator.wav"}),
        ("all", "no", {"call-p.wav"}),
        ("none", "no", set()),
    ],
)
async def test_the_campaigns_recording_policy_decides_what_mixmonitor_writes(
    sim: PbxSim, client: AmiClient, engine: Engine, tmp_path, policy: str, legs: str, files: set[str]
) -> None:
    sim.operator("1001")
    await login(client, "1001")
    engine.decide = lambda result: RouteDecision.to_operator(operator="1001", bridge="op1001")
    sim.customer("5551009", ring=1, amd="human", talk=5)
    moments: dict[str, float] = {}  # when the simulator emitted the call's events, in its own clock

    def note(pairs) -> None:
        fields = dict(pairs)
        if fields.get("Uniqueid") == "call-p":
            key = fields["Event"] + (
                fields.get("ChannelStateDesc", "") if fields["Event"] == "Newstate" else ""
            )
            moments.setdefault(key, sim.clock.time())

    sim.pbx.add_listener(note)
    await originate(client, "5551009", "call-p", DIALER_RECORD=policy, DIALER_RECORD_LEGS=legs)
    await client.wait_event("Hangup", Uniqueid="call-p")
    rec = tmp_path / "rec"
    written = {path.name for path in rec.glob("call-p*.wav")} if rec.exists() else set()
    assert written == files
    # "connected" records from the moment the customer is put through (bridged time: the talk);
    # "all" from the answer, so AMD's seconds come on top. Measured against the call's own moments:
    # a loaded machine lengthens a scripted 5 s talk at 20x, and the file with it.
    ended, answered, joined = moments["Hangup"], moments["NewstateUp"], moments["ConfbridgeJoin"]
    expected = ended - (joined if policy == "connected" else answered)
    assert policy != "all" or expected > (ended - joined) + 0.5  # AMD's time is in "all" only
    for name in files:
        with wave.open(str(rec / name)) as wav:
            seconds = wav.getnframes() / 8000
        assert abs(seconds - expected) < 0.4, (name, seconds, expected)  # MixMonitor starts a step later


async def test_machine_is_hung_up_without_an_operator(sim: PbxSim, client: AmiClient, engine: Engine) -> None:
    sim.customer("5551002", ring=1, amd="machine")
    await originate(client, "5551002", "call-2")
    await client.wait_event("Hangup", Uniqueid="call-2")
    assert engine.amd[0][1].cause == "INITIALSILENCE-2500-2500"
    assert not any(m.event in ("ConfbridgeJoin", "BridgeEnter") for m in client.received)


async def test_no_operator_free_means_abandon_message(sim: PbxSim, client: AmiClient, engine: Engine) -> None:
    engine.decide = lambda result: RouteDecision.abandon()
    sim.customer("5551003", ring=1, amd="human")
    await originate(client, "5551003", "call-3")
    await client.wait_event("Hangup", Uniqueid="call-3")
    assert [c.call_id for c in engine.abandoned] == ["call-3"]
    commands = [
        m["Command"] for m in client.received if m.event == "AGIExecStart" and m.get("Uniqueid") == "call-3"
    ]
    assert any(c.startswith("STREAM FILE dialer/abandon") for c in commands)
    assert any(c.startswith("HANGUP") for c in commands)


async def test_queue_rings_a_free_operator(sim: PbxSim, client: AmiClient, engine: Engine) -> None:
    sim.operator("1002", answer_delay=2)
    engine.decide = lambda result: RouteDecision(RouteAction.QUEUE, queue="sales")
    sim.customer("5551004", ring=1, amd="human", talk=4, hangup_by="customer")
    await originate(client, "5551004", "call-4")
    connect = await client.wait_event("AgentConnect")
    assert (connect["Queue"], connect["DestChannel"]) == ("sales", "PJSIP/1002-00000001")
    complete = await client.wait_event("AgentComplete")
    assert complete["Reason"] == "caller"
    await client.wait_event("Hangup", Channel="PJSIP/1002-00000001")
    assert sim.live_channels() == []


async def test_direct_dial_operator_hangs_up_first(sim: PbxSim, client: AmiClient, engine: Engine) -> None:
    sim.operator("1002", answer_delay=1, talk=3)
    engine.decide = lambda result: RouteDecision.to_operator(operator="1002")
    sim.customer("5551005", ring=1, amd="human", talk=600)
    await originate(client, "5551005", "call-5")
    end = await client.wait_event("DialEnd", DestChannel="PJSIP/1002-00000001")
    assert end["DialStatus"] == "ANSWER" and end["Channel"] == "PJSIP/trunk-00000000"
    await client.wait_event("Hangup", Uniqueid="call-5")
    first = next(m for m in client.received if m.event == "HangupRequest")
    assert first["Channel"] == "PJSIP/1002-00000001"


async def test_agi_server_down_plays_the_abandon_message(sim: PbxSim, client: AmiClient) -> None:
    """FastAGI unreachable: AGISTATUS=FAILURE, no route, so the fallback plays the message."""
    sim.pbx.config.agi_port = 1  # nothing listens there
    sim.customer("5551006", ring=1, amd="human")
    await originate(client, "5551006", "call-6")
    await client.wait_event("Hangup", Uniqueid="call-6")
    status = next(m for m in client.received if m.event == "VarSet" and m.get("Variable") == "AGISTATUS")
    assert status["Value"] == "FAILURE"
    played = [m for m in client.received if m.event == "Newexten" and m.get("Application") == "Playback"]
    assert played[0]["Context"] == "dialer-route-fallback" and played[0]["AppData"] == "dialer/abandon"
