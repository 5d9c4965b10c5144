"""The tracker's rules on real event streams: shuffled races, duplicates, unknown and late events."""

from __future__ import annotations

import itertools
import logging
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from ami import facts as f
from ami.events import to_event
from ami.replay import Replayer, capture_messages
from ami.tracker import CallTracker
from ami.wire import Message
from tests.ami.conftest import CAPTURES, REPO_ROOT, capture

Timed = list[tuple[datetime | None, Message]]


def messages(name: str, suffix: str = ".log") -> Timed:
    return list(capture_messages(capture(name, suffix)))


def outcome(items: Timed) -> tuple[list[tuple[str, ...]], list[tuple[object, ...]]]:
    """The facts (type and call, without times) and each call's conclusions."""
    replayer = Replayer()
    replayer.feed(items)
    facts = sorted((type(x).__name__, getattr(x, "call_id", "")) for x in replayer.facts)
    calls = [
        (s.call_id, s.outcome, s.fail_reason, s.cause, s.operator, s.hung_up_by, s.amd_status, s.amd_cause)
        for s in replayer.tracker.summaries()
    ]
    return facts, calls


def permute(items: Timed, picked: list[int], order: tuple[int, ...]) -> Timed:
    """``items`` with the messages at ``picked`` positions rearranged in ``order`` (times kept in place)."""
    out = list(items)
    for slot, source in zip(picked, order, strict=True):
        out[slot] = (items[slot][0], items[picked[source]][1])
    return out


def racing(items: Timed, names: set[str]) -> list[int]:
    return [i for i, (_, m) in enumerate(items) if m.event in names]


@pytest.mark.parametrize(
    "scenario",
    [
        "b1_originate_busy_486",
        "b2_originate_noanswer_timeout",
        "b3_originate_reject_404",
        "b4_originate_reject_503",
        "b8_originate_trunk_down",
        "b9_originate_busy_with_channelid",
    ],
)
def test_originate_response_hangup_cdr_dialend_in_every_order_give_the_same_facts(scenario: str):
    items = messages(scenario)
    picked = racing(items, {"OriginateResponse", "Hangup", "Cdr", "DialEnd", "HangupRequest"})
    assert len(picked) >= 3
    reference = outcome(items)
    assert reference[1][0][2] is not None  # a failure with its reason
    for order in itertools.permutations(range(len(picked))):
        assert outcome(permute(items, picked, order)) == reference, order


@pytest.mark.parametrize(
    "scenario",
    [
        "a_originate_answer_queue",
        "a2_originate_answer_direct_operator",
        "n1a_customers_via_fastagi_into_confbridge",
    ],
)
def test_originate_response_before_or_after_answer_gives_the_same_facts(scenario: str):
    items = messages(scenario)
    reference = outcome(items)
    first = next(i for i, (_, m) in enumerate(items) if m.event == "OriginateResponse")
    # Move the OriginateResponse anywhere between ringing and the first bridge entry (README obs. 1).
    start = next(
        i for i, (_, m) in enumerate(items) if m.event == "Newstate" and m["ChannelStateDesc"] == "Ringing"
    )
    stop = next(i for i, (_, m) in enumerate(items) if m.event in ("BridgeEnter", "ConfbridgeJoin"))
    for target in range(start + 1, stop):
        moved = list(items)
        entry = moved.pop(first)
        moved.insert(target, entry)
        assert outcome(moved) == reference, target


def test_confbridge_join_before_the_amd_varset_that_caused_it_gives_the_same_facts():
    items = messages("n2a_amd_human_hello_then_silence")
    join = next(i for i, (_, m) in enumerate(items) if m.event == "ConfbridgeJoin")
    enter = next(i for i, (_, m) in enumerate(items) if m.event == "BridgeEnter")
    burst = list(range(join, enter + 1))  # ConfbridgeJoin, AMD VarSets, Newexten..., BridgeEnter
    assert len(burst) >= 5
    reference = outcome(items)
    shuffler = random.Random(3)
    for _ in range(60):
        order = list(range(len(burst)))
        shuffler.shuffle(order)
        assert outcome(permute(items, burst, tuple(order))) == reference, order


@pytest.mark.parametrize(
    "scenario",
    [
        "a4_originate_queue_ringnoanswer_then_unpause",
        "n6_chanspy_listen_whisper_barge",
        "b1_originate_busy_486",
    ],
)
def test_every_event_delivered_twice_changes_nothing(scenario: str):
    items = messages(scenario)
    doubled = []
    for when, message in items:
        doubled.append((when, message))
        if message.event is not None:
            doubled.append((when, message))
    assert outcome(doubled) == outcome(items)


def test_late_events_after_the_end_change_nothing():
    items = messages("a2_originate_answer_direct_operator")
    reference = outcome(items)
    late = [
        x for x in items if x[1].event in ("OriginateResponse", "BridgeEnter", "Newstate", "VarSet", "Hangup")
    ]
    assert outcome(items + late) == reference


class Recorder:
    def __init__(self) -> None:
        self.facts: list[f.Fact] = []

    def on_fact(self, fact: f.Fact) -> None:
        self.facts.append(fact)


def test_events_of_calls_the_product_did_not_place_are_ignored_with_a_debug_log(caplog):
    recorder = Recorder()
    tracker = CallTracker(recorder)  # product mode: nothing tracked, nothing adopted
    caplog.set_level(logging.DEBUG, logger="ami.tracker")
    for _, message in messages("a_originate_answer_queue"):
        if message.event:
            tracker.feed(to_event(message))
    assert recorder.facts == []
    assert tracker.summaries() == []
    assert "no tracked call" in caplog.text


def test_product_mode_follows_the_call_by_channelid_with_wall_clock_times():
    recorder = Recorder()
    now = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    tracker = CallTracker(recorder, clock=lambda: now)
    tracker.track_call("lead-5552009-try1", action_id="b9_originate_busy_with_channelid-orig-1")
    for _, message in messages("b9_originate_busy_with_channelid", ".raw"):
        if message.event:
            tracker.feed(to_event(message))
    kinds = [type(x) for x in recorder.facts]
    assert kinds == [f.CallCreated, f.CallRinging, f.CallFailed]
    failed = recorder.facts[-1]
    assert isinstance(failed, f.CallFailed) and failed.reason is f.FailReason.BUSY and failed.cause == 17
    assert all(x.at == now and x.at.tzinfo is UTC for x in recorder.facts if isinstance(x, f.CallFact))


def test_product_mode_links_a_channel_through_the_call_id_variable():
    """A channel whose Uniqueid is not the call id (no ChannelId) is found by DIALER_CALL_ID."""
    recorder = Recorder()
    tracker = CallTracker(recorder)
    tracker.track_call("call-77")
    for _, message in messages("a2_originate_answer_direct_operator", ".raw"):
        if message.event is None:
            continue
        tracker.feed(to_event(message))
        if message.event == "Newchannel" and message["Channel"].startswith("PJSIP/trunk"):
            uniqueid = message["Uniqueid"]
            pairs = [(k, v) for k, v in message.pairs if k != "Event"]
            varset = Message.of(
                [("Event", "VarSet"), *pairs, ("Variable", "DIALER_CALL_ID"), ("Value", "call-77")]
            )
            tracker.feed(to_event(varset))
    summary = tracker.summary("call-77")
    assert summary is not None and uniqueid
    assert (summary.outcome, summary.operator, summary.hung_up_by, summary.cause) == (
        "answered", "1001", "customer", 16,
    )  # fmt: skip


def test_a_customer_moved_to_another_operator_is_transferred():
    recorder = Recorder()
    tracker = CallTracker(recorder, adopt_originates=True)
    items = messages("n1a_customers_via_fastagi_into_confbridge", ".raw")
    for _, message in items:
        if message.event == "ConfbridgeLeave":
            break
        if message.event:
            tracker.feed(to_event(message))
    base = [
        ("Channel", "PJSIP/trunk-00000001"),
        ("Uniqueid", "cust-5556001-A1"),
        ("Linkedid", "cust-5556001-A1"),
    ]
    operator = [
        ("Channel", "PJSIP/1002-00000009"),
        ("Uniqueid", "op1002-login-1"),
        ("Linkedid", "op1002-login-1"),
    ]
    for pairs in (operator, base):
        tracker.feed(to_event(Message.of([("Event", "BridgeEnter"), *pairs, ("BridgeUniqueid", "b-2")])))
    [moved] = [x for x in recorder.facts if isinstance(x, f.CallTransferred)]
    assert (moved.call_id, moved.from_operator, moved.to_operator) == ("cust-5556001-A1", "1001", "1002")


def _chan(event: str, uid: str, name: str, *extra: tuple[str, str], linked: str = "call-L") -> Message:
    return Message.of([("Event", event), ("Channel", name), ("Uniqueid", uid), ("Linkedid", linked), *extra])


def _dial(
    event: str, caller: tuple[str, str] | None, dest: tuple[str, str], *extra: tuple[str, str]
) -> Message:
    pairs = [("Event", event)]
    if caller:
        pairs += [("Channel", caller[1]), ("Uniqueid", caller[0]), ("Linkedid", "call-L")]
    pairs += [("DestChannel", dest[1]), ("DestUniqueid", dest[0]), ("DestLinkedid", "call-L"), *extra]
    return Message.of(pairs)


def test_a_local_channel_originate_optimised_away_is_still_the_same_call():
    """Originate Local/...@dialer-outbound: the ;1 half is the call (ChannelId), the trunk leg is the
    customer; after Local optimisation the trunk leg sits in the operator's bridge and ;1/;2 hang up."""
    one = ("call-L", "Local/5551001@dialer-outbound-00000001;1")
    two = ("call-L;2", "Local/5551001@dialer-outbound-00000001;2")
    trunk = ("t-1", "PJSIP/trunk-00000001")
    op = ("op-1", "PJSIP/1001-00000002")
    script = [
        _chan("Newchannel", *one),
        _chan("Newchannel", *two),
        _dial("DialBegin", None, one, ("DialString", "5551001@dialer-outbound")),
        _chan("Newchannel", *trunk),
        _dial("DialBegin", two, trunk, ("DialString", "5551001@trunk")),
        _dial("DialState", None, one, ("DialStatus", "RINGING")),
        _chan("Newstate", *trunk, ("ChannelStateDesc", "Up")),
        _dial("DialEnd", two, trunk, ("DialStatus", "ANSWER")),
        _chan("Newstate", *one, ("ChannelStateDesc", "Up")),
        _dial("DialEnd", None, one, ("DialStatus", "ANSWER")),
        _chan("BridgeEnter", *two, ("BridgeUniqueid", "b-0")),
        _chan("BridgeEnter", *trunk, ("BridgeUniqueid", "b-0")),
        _chan("Newchannel", *op),
        _dial("DialBegin", one, op, ("DialString", "1001")),
        _dial("DialEnd", one, op, ("DialStatus", "ANSWER")),
        _chan("BridgeEnter", *op, ("BridgeUniqueid", "b-1")),
        _chan("BridgeEnter", *one, ("BridgeUniqueid", "b-1")),  # connected at tick 16
        _chan("BridgeLeave", *trunk, ("BridgeUniqueid", "b-0")),  # Local optimisation
        _chan("BridgeEnter", *trunk, ("BridgeUniqueid", "b-1")),
        _chan("BridgeLeave", *one, ("BridgeUniqueid", "b-1")),
        _chan("BridgeLeave", *two, ("BridgeUniqueid", "b-0")),
        _chan("Hangup", *two, ("Cause", "16")),
        _chan("Hangup", *one, ("Cause", "16")),
        _chan("HangupRequest", *trunk, ("Cause", "16")),
        _chan("BridgeLeave", *trunk, ("BridgeUniqueid", "b-1")),  # talk ends at tick 24
        _chan("Hangup", *trunk, ("Cause", "16"), ("Cause-txt", "Normal Clearing")),
        _chan("BridgeLeave", *op, ("BridgeUniqueid", "b-1")),
        _chan("Hangup", *op, ("Cause", "16")),
    ]
    recorder = Recorder()
    ticks = iter(range(1000))
    start = datetime(2030, 1, 1, tzinfo=UTC)
    now = [start]
    tracker = CallTracker(recorder, clock=lambda: now[0])
    tracker.track_call("call-L")
    for message in script:
        now[0] = start + timedelta(seconds=next(ticks))
        tracker.feed(to_event(message))
    kinds = [type(x).__name__ for x in recorder.facts]
    assert kinds == ["CallCreated", "CallRinging", "CallAnswered", "CallConnected", "CallHungUp"]
    connected, ended = recorder.facts[3], recorder.facts[4]
    assert isinstance(connected, f.CallConnected) and connected.operator == "1001"
    assert isinstance(ended, f.CallHungUp)
    assert (ended.cause, ended.hung_up_by, ended.talk_seconds) == (16, f.HungUpBy.CUSTOMER, 24 - 16)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("a_originate_answer_queue", "b1_originate_busy_486"),
        ("a4_originate_queue_ringnoanswer_then_unpause", "c1_fastagi_command_tour"),
        ("a2_originate_answer_direct_operator", "n2c_amd_machine_initial_silence"),
    ],
)
def test_concurrent_calls_do_not_disturb_each_other(first: str, second: str):
    """Two captures interleaved at random (each keeping its own order) give each call the facts it
    gets alone: calls are kept apart by their ids, whatever else happens on the PBX meanwhile."""
    one = [(None, m) for _, m in messages(first, ".raw")]
    two = [(None, m) for _, m in messages(second, ".raw")]
    alone = sorted(outcome(one)[1] + outcome(two)[1])
    alone_facts = sorted(outcome(one)[0] + outcome(two)[0])
    shuffler = random.Random(7)
    for _ in range(40):
        lanes = [list(one), list(two)]
        merged: Timed = []
        while lanes[0] or lanes[1]:
            lane = lanes[shuffler.randrange(2)] if lanes[0] and lanes[1] else (lanes[0] or lanes[1])
            merged.append(lane.pop(0))
        facts, calls = outcome(merged)
        assert sorted(calls) == alone
        assert sorted(facts) == alone_facts


def test_conclusions_do_not_depend_on_the_hash_seed():
    """Sets of channel ids iterate in a per-process order; the facts must not depend on it."""
    capture("a_originate_answer_queue")  # skips without the captures
    script = (
        "import sys, pathlib\n"
        "from ami.replay import replay\n"
        "for path in sorted(pathlib.Path(sys.argv[1]).glob('ami_*.raw')):\n"
        "    facts, calls = replay(path.read_bytes())\n"
        "    print(path.name, [type(x).__name__ + getattr(x, 'call_id', '') for x in facts])\n"
        "    print([(c.call_id, c.outcome, c.operator, c.hung_up_by, c.talk_seconds) for c in calls])\n"
    )
    outputs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(CAPTURES)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO_ROOT,
        )
        outputs.append(done.stdout)
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]


@pytest.mark.parametrize("join", ["ConfbridgeJoin", "BridgeEnter"])
def test_the_operator_is_not_another_customer_already_in_the_bridge(join: str):
    """A conference holding an operator's leg and another customer, both from before the tracker
    started: a new customer joining is put through to the operator, never to the other customer."""
    recorder = Recorder()
    tracker = CallTracker(recorder)
    tracker.track_call("new-call")
    room = [("BridgeUniqueid", "b-9"), ("Conference", "op1001")]
    for pairs in (
        [("Channel", "PJSIP/trunk-00000009"), ("Uniqueid", "a-earlier-customer"), ("Linkedid", "a")],
        [("Channel", "PJSIP/1001-00000000"), ("Uniqueid", "z-operator-leg"), ("Linkedid", "z")],
    ):
        tracker.feed(to_event(Message.of([("Event", join), *pairs, *room])))
    new = [("Channel", "PJSIP/trunk-0000000a"), ("Uniqueid", "new-call"), ("Linkedid", "new-call")]
    tracker.feed(to_event(Message.of([("Event", "Newchannel"), *new])))
    tracker.feed(to_event(Message.of([("Event", "Newstate"), *new, ("ChannelStateDesc", "Up")])))
    tracker.feed(to_event(Message.of([("Event", join), *new, *room])))
    [connected] = [x for x in recorder.facts if isinstance(x, f.CallConnected)]
    assert connected.operator == "1001"


def _with_cause(items: Timed, cause: int, sip: int) -> Timed:
    """The capture with the far end's answer changed: every Cause and TechCause rewritten."""
    out: Timed = []
    for at, message in items:
        if message.event in ("Hangup", "HangupRequest"):
            message = Message.of(
                (k, str(cause) if k == "Cause" else str(sip) if k == "TechCause" else v)
                for k, v in message.pairs
            )
        out.append((at, message))
    return out


@pytest.mark.parametrize(
    ("cause", "sip", "reason"),
    [
        (1, 404, f.FailReason.INVALID_NUMBER),  # the capture itself
        (28, 484, f.FailReason.INVALID_NUMBER),
        (3, 420, f.FailReason.INVALID_NUMBER),
        (27, 502, f.FailReason.UNREACHABLE),
    ],
)
def test_a_number_that_does_not_exist_fails_as_invalid(cause: int, sip: int, reason: f.FailReason) -> None:
    replayer = Replayer()
    replayer.feed(_with_cause(messages("b3_originate_reject_404"), cause, sip))
    failed = [x for x in replayer.facts if isinstance(x, f.CallFailed)]
    assert [(x.reason, x.cause) for x in failed] == [(reason, cause)]
