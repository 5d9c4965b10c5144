"""The simulator keeps Asterisk's own record (CEL lines, asterisk-conf/cel_custom.conf) as the real
Asterisk does: for each capture of a call that never answered, the customer channel's record has
the events, causes and hangup sources Asterisk's CEL showed in that capture (the lab loaded
cel_manager, so its CEL events are in the AMI captures); and the fallback's mark, in the shape a
real Asterisk 22.10.1 wrote it (tests/ami/data)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ami.cel import parse_line, read_calls
from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, capture
from tests.pbxsim.test_originate_failures import CASES, replay_originates

RECORDED = ("ANSWER", "HANGUP", "BRIDGE_ENTER", "BRIDGE_EXIT", "USER_DEFINED")  # asterisk-conf/cel.conf


def record_file(sim: PbxSim) -> Path:
    assert sim.pbx.record is not None
    return sim.pbx.record.path


def captured_cel(name: str) -> dict[str, list[tuple[str, int | None, str]]]:
    """Per Uniqueid, the capture's CEL events of the kinds cel.conf records: (event, cause, source);
    the source is "self" when it is the channel's own name."""
    per: dict[str, list[tuple[str, int | None, str]]] = {}
    for m in capture(name):
        if m.event != "CEL" or m.get("EventName") not in RECORDED:
            continue
        extra = json.loads(m.get("Extra") or "{}")
        source = extra.get("hangupsource", "")
        per.setdefault(m.get("UniqueID") or "", []).append(
            (
                m.get("EventName") or "",
                extra.get("hangupcause"),
                "self" if source == m.get("Channel") else source,
            )
        )
    return per


def simulated_cel(sim: PbxSim) -> dict[str, list[tuple[str, int | None, str]]]:
    per: dict[str, list[tuple[str, int | None, str]]] = {}
    with record_file(sim).open(newline="") as f:
        for row in csv.reader(f):
            event = parse_line(row)
            assert event is not None, row
            source = event.extra.get("hangupsource", "")
            per.setdefault(event.uniqueid, []).append(
                (event.event, event.extra.get("hangupcause"), "self" if source == event.channel else source)
            )
    return per


@pytest.mark.parametrize("name", sorted(CASES))
async def test_a_failed_originates_record_is_the_captures(sim: PbxSim, client: AmiClient, name: str) -> None:
    number, behaviour = CASES[name]
    expected = captured_cel(name)
    assert expected, name  # the capture has the channel's CEL
    sim.customer(number, **behaviour)
    await replay_originates(sim, client, name)
    got = simulated_cel(sim)
    assert list(got.values()) == list(expected.values())


async def test_the_fallback_marks_the_record_while_no_fastagi_server_answers(
    sim: PbxSim, client: AmiClient
) -> None:
    sim.customer("5553001", outcome="answer", ring=0.5, amd="human", talk=30)
    await client.action(
        "Originate",
        ("Channel", "PJSIP/5553001@trunk"),
        ("Context", "dialer-customer"),
        ("Exten", "s"),
        ("Async", "true"),
        ("ChannelId", "c-fallback"),
    )
    await client.wait_event("Hangup", Uniqueid="c-fallback")  # AGI refused: fallback, message, hangup
    record = read_calls(record_file(sim).parent, ["c-fallback"])["c-fallback"]
    assert record.fallback_amd == ("HUMAN", "HUMAN-800-800")
    assert record.answered_at is not None and record.fallback_at is not None and record.ended_at is not None
    assert record.answered_at < record.fallback_at < record.ended_at
    assert (record.cause, record.hangup_source) == (16, "dialplan/builtin")  # as the real fallback's
