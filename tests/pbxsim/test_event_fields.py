"""Every event the simulator emits carries the captured field names, in the captured order."""

from __future__ import annotations

from ami.wire import Message, iter_messages
from pbxsim import PbxSim
from tests.pbxsim.helpers import AMI_DIR, AmiClient, capture


def shapes(messages: list[Message]) -> dict[str, set[tuple[str, ...]]]:
    """Each event name's field-name sequences (an event may have more than one: TechCause or not)."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for m in messages:
        if m.event:
            fields = tuple(k for k, _ in m.pairs if k not in ("Variable",) or m.event == "VarSet")
            out.setdefault(m.event, set()).add(fields)
    return out


def captured_fields() -> dict[str, set[tuple[str, ...]]]:
    capture("b1_originate_busy_486")  # skips when the captures are absent
    out: dict[str, set[tuple[str, ...]]] = {}
    for path in sorted(AMI_DIR.glob("*.raw")):
        for name, variants in shapes(list(iter_messages(path.read_bytes()))).items():
            out.setdefault(name, set()).update(variants)
    return out


async def test_field_names_and_order_match_the_captures(sim: PbxSim, client: AmiClient) -> None:
    sim.operator("1001")
    sim.operator("1002", registered=False)
    sim.customer("5550001", ring=1, talk=600)
    sim.customer("5550002", outcome="busy", ring=0.5)
    await client.action(
        "Originate",
        ("Channel", "PJSIP/1001"),
        ("Context", "operator-login"),
        ("Exten", "1001"),
        ("Async", "true"),
        ("CallerID", '"Dialer login" <0000>'),
        ("Variable", "OPERATOR=1001"),
    )
    await client.wait_event("ConfbridgeJoin")
    await client.action(
        "Originate",
        ("Channel", "PJSIP/5550001@trunk"),
        ("Context", "lab-hold"),
        ("Exten", "s"),
        ("Async", "true"),
        ("CallerID", '"Campaign 42" <5550000>'),
        ("ChannelId", "hold"),
    )
    await client.action(
        "Originate",
        ("Channel", "PJSIP/5550002@trunk"),
        ("Context", "lab-hold"),
        ("Exten", "s"),
        ("Async", "true"),
        ("CallerID", '"Campaign 42" <5550000>'),
    )
    await client.wait_event("Newexten", Application="Wait")
    await client.wait_event("Hangup", Cause="17")
    hold = sim.pbx.channels.by_uniqueid("hold")
    assert hold is not None
    for action in (
        "CoreShowChannels",
        "Status",
        "ConfbridgeListRooms",
        "PJSIPShowContacts",
        "PJSIPShowEndpoints",
        "QueueStatus",
    ):
        await client.action(action)
    await client.action("ConfbridgeList", ("Conference", "op1001"))
    await client.action("MixMonitor", ("Channel", hold.name), ("File", "x.wav"))
    await client.action("StopMixMonitor", ("Channel", hold.name))
    await client.action("QueueAdd", ("Queue", "sales"), ("Interface", "PJSIP/1003"))
    await client.action("QueuePause", ("Queue", "sales"), ("Interface", "PJSIP/1003"), ("Paused", "true"))
    await client.action("QueueRemove", ("Queue", "sales"), ("Interface", "PJSIP/1003"))
    sim.register("1002")
    await client.action("Hangup", ("Channel", hold.name))
    await client.wait_event("Hangup", Uniqueid="hold")
    await client.action("Ping")
    expected, actual = captured_fields(), shapes(client.received)
    compared = sorted(set(expected) & set(actual))
    assert len(compared) > 35, compared
    different = {
        name: (expected[name], actual[name] - expected[name])
        for name in compared
        if not actual[name] <= expected[name]
    }
    assert different == {}, "\n".join(
        f"{n}:\n  capture {e}\n  sim     {a}" for n, (e, a) in different.items()
    )
