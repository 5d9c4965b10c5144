"""Originate outcomes that never answer (captures b1-b9): the simulator replays the capture's own
Originate and must give the same events, fields and order (documented races aside)."""

from __future__ import annotations

import pytest

from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, capture, captured_tx, compare, same_facts

CASES = {
    "b1_originate_busy_486": ("5552001", {"outcome": "busy", "ring": 1.5}),
    "b2_originate_noanswer_timeout": ("5552002", {"outcome": "noanswer", "ring": 60}),
    "b3_originate_reject_404": ("5552003", {"outcome": "invalid", "ring": 0.3}),
    "b4_originate_reject_503": ("5552004", {"outcome": "congestion", "ring": 0.3}),
    "b8_originate_trunk_down": ("5552008", {"outcome": "trunk_down"}),
    "b9_originate_busy_with_channelid": ("5552009", {"outcome": "busy", "ring": 1.5}),
}


async def replay_originates(sim: PbxSim, client: AmiClient, name: str) -> None:
    """Send the capture's Originate actions, each after the previous call has ended."""
    for action in captured_tx(name):
        if action.get("Action") != "Originate":
            continue
        start = len(client.received)
        client.send(action.pairs)
        await client.wait_for(lambda m: m.event == "Newchannel", start=start)
        await sim.wait_idle()
        await client.wait_for(lambda m: m.event == "Hangup", start=start)


@pytest.mark.parametrize("name", sorted(CASES))
async def test_failed_originate_matches_capture(sim: PbxSim, client: AmiClient, name: str) -> None:
    number, behaviour = CASES[name]
    expected = capture(name)
    sim.customer(number, **behaviour)
    await replay_originates(sim, client, name)
    assert compare(expected, client.received) == []
    assert same_facts(name, client) == []


async def test_failure_reason_and_cause(sim: PbxSim, client: AmiClient) -> None:
    """The facts the tracker needs: busy is Reason 0 with Hangup Cause 17; timeout is Reason 3, Cause 19."""
    sim.customer("100", outcome="busy", ring=0.5)
    sim.customer("200", outcome="noanswer")
    for number in ("100", "200"):
        await client.action(
            "Originate",
            ("Channel", f"PJSIP/{number}@trunk"),
            ("Context", "dialer-customer"),
            ("Exten", "s"),
            ("Async", "true"),
            ("Timeout", "5000"),
            ("ChannelId", f"c-{number}"),
        )
    busy = await client.wait_event("OriginateResponse", Uniqueid="c-100")
    timeout = await client.wait_event("OriginateResponse", Uniqueid="c-200")
    assert (busy["Response"], busy["Reason"]) == ("Failure", "0")
    assert (timeout["Response"], timeout["Reason"]) == ("Failure", "3")
    assert (await client.wait_event("Hangup", Uniqueid="c-100"))["Cause"] == "17"
    assert (await client.wait_event("Hangup", Uniqueid="c-200"))["Cause"] == "19"


@pytest.mark.parametrize(
    ("sip", "cause", "text", "dial_status", "disposition"),
    [
        (404, "1", "Unallocated (unassigned) number", "NOANSWER", "NO ANSWER"),  # as b3
        (484, "28", "Invalid number format", "NOANSWER", "NO ANSWER"),
        (420, "3", "No route to destination", "CHANUNAVAIL", "FAILED"),
        (604, "1", "Unallocated (unassigned) number", "NOANSWER", "NO ANSWER"),
    ],
)
async def test_a_number_that_does_not_exist_fails_as_asterisk_reports_it(
    sim: PbxSim, client: AmiClient, sip: int, cause: str, text: str, dial_status: str, disposition: str
) -> None:
    """The SIP answer decides Hangup's Cause and TechCause, DialEnd and Cdr; Reason stays 0."""
    sim.customer("300", outcome="invalid", sip=sip, ring=0.3)
    await client.action(
        "Originate",
        ("Channel", "PJSIP/300@trunk"),
        ("Context", "dialer-customer"),
        ("Exten", "s"),
        ("Async", "true"),
        ("ChannelId", "c-300"),
    )
    response = await client.wait_event("OriginateResponse", Uniqueid="c-300")
    hangup = await client.wait_event("Hangup", Uniqueid="c-300")
    request = await client.wait_event("HangupRequest", Uniqueid="c-300")
    dial_end = await client.wait_event("DialEnd", DestUniqueid="c-300")
    cdr = await client.wait_event("Cdr", UniqueID="c-300")
    assert (response["Response"], response["Reason"]) == ("Failure", "0")
    assert (hangup["Cause"], hangup["Cause-txt"], hangup["TechCause"]) == (cause, text, str(sip))
    assert (request["Cause"], request["TechCause"]) == (cause, str(sip))
    assert dial_end["DialStatus"] == dial_status and cdr["Disposition"] == disposition


def test_only_a_rejecting_outcome_takes_a_sip_answer() -> None:
    from pbxsim import CustomerScript

    assert CustomerScript("invalid").sip_answer() == 404
    assert CustomerScript("unreachable").sip_answer() == 502
    assert CustomerScript("invalid", sip=484).sip_answer() == 484
    with pytest.raises(ValueError, match="sip"):
        CustomerScript("answer", sip=404)
    with pytest.raises(ValueError, match="400-699"):
        CustomerScript("invalid", sip=200)
