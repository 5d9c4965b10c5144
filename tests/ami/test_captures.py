"""Every capture of a real Asterisk, replayed through the tracker, gives the facts its README states.

The tables are copied from ../shared/asterisk-traces/README.md ("The facts each call scenario must
give" and "The facts each part-2 scenario must give").
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ami import facts as f
from ami.call_state import CallSummary
from ami.replay import Replayer, capture_messages, replay
from tests.ami.conftest import capture


@dataclass(frozen=True)
class Expected:
    outcome: str  # answered | busy | no_answer | unreachable | congestion | ...
    cause: int
    operator: str | None
    talk: int
    hung_up_first: str | None
    amd: str | None = None


CALL_TABLE = {
    "a_originate_answer_queue": Expected("answered", 16, "1001", 7, "customer"),
    "a2_originate_answer_direct_operator": Expected("answered", 16, "1001", 5, "customer"),
    "a4_originate_queue_ringnoanswer_then_unpause": Expected("answered", 16, "1001", 12, "customer"),
    "a5_originate_answer_amd": Expected(
        "answered", 16, None, 0, "dialplan", "MACHINE LONGGREETING-1500-1500"
    ),
    "b1_originate_busy_486": Expected("busy", 17, None, 0, None),
    "b2_originate_noanswer_timeout": Expected("no_answer", 19, None, 0, None),
    "b3_originate_reject_404": Expected("invalid_number", 1, None, 0, None),
    "b4_originate_reject_503": Expected("congestion", 34, None, 0, None),
    "b8_originate_trunk_down": Expected("no_answer", 19, None, 0, None),
    "b9_originate_busy_with_channelid": Expected("busy", 17, None, 0, None),
    "c1_fastagi_command_tour": Expected("answered", 0, None, 0, "agi"),
    "c2_fastagi_customer_hangs_up_during_agi": Expected("answered", 0, None, 0, "customer"),
}


def customers(summaries: list[CallSummary]) -> list[CallSummary]:
    return [s for s in summaries if s.kind == "customer"]


def check(summary: CallSummary, want: Expected) -> None:
    outcome = summary.fail_reason or summary.outcome
    amd = f"{summary.amd_status} {summary.amd_cause}" if summary.amd_status else None
    got = Expected(outcome, summary.cause, summary.operator, round(summary.talk_seconds),
                   summary.hung_up_by, amd)  # fmt: skip
    assert got == want


@pytest.mark.parametrize("suffix", [".raw", ".log"])
@pytest.mark.parametrize("scenario", sorted(CALL_TABLE))
def test_call_scenarios_give_the_readme_facts(scenario: str, suffix: str):
    _facts, summaries = replay(capture(scenario, suffix))
    [call] = customers(summaries)
    check(call, CALL_TABLE[scenario])


def test_b9_the_call_is_known_by_its_channelid_throughout():
    facts, _ = replay(capture("b9_originate_busy_with_channelid"))
    assert {fact.call_id for fact in facts if isinstance(fact, f.CallFact)} == {"lead-5552009-try1"}
    assert [type(x).__name__ for x in facts] == ["CallCreated", "CallRinging", "CallFailed"]


def test_a4_the_operator_who_did_not_answer_is_not_the_one_connected():
    facts, _ = replay(capture("a4_originate_queue_ringnoanswer_then_unpause"))
    connected = [x for x in facts if isinstance(x, f.CallConnected)]
    assert [c.operator for c in connected] == ["1001"]
    assert not [x for x in facts if isinstance(x, f.CallTransferred)]


def test_a4_tells_that_1002_rang_and_did_not_answer():
    facts, _ = replay(capture("a4_originate_queue_ringnoanswer_then_unpause"))
    missed = [x for x in facts if isinstance(x, f.OperatorRingNoAnswer)]
    assert [(m.call_id, m.operator) for m in missed] == [("1795755755.22", "1002")]


def test_failures_are_told_once_and_never_as_hang_ups():
    for scenario in ("b1_originate_busy_486", "b2_originate_noanswer_timeout", "b8_originate_trunk_down"):
        facts, _ = replay(capture(scenario))
        assert len([x for x in facts if isinstance(x, f.CallFailed)]) == 1
        assert not [x for x in facts if isinstance(x, (f.CallAnswered, f.CallHungUp))]


def test_bad_channel_originates_fail_as_channel_unavailable():
    _, summaries = replay(capture("d2_ami_actions_eventstream"))
    failed = [s for s in summaries if s.fail_reason]
    assert failed and {s.fail_reason for s in failed} == {"channel_unavailable"}


# ---- part 2 ----------------------------------------------------------------------------------


def test_n1_0_operator_logged_in_and_held_in_its_own_bridge():
    facts, summaries = replay(capture("n1_0_operator_nailed_login"))
    ready = [x for x in facts if isinstance(x, f.OperatorReady)]
    assert [(r.call_id, r.operator, r.conference) for r in ready] == [("op1001-login-1", "1001", "op1001")]
    [session] = summaries
    assert session.kind == "operator" and session.outcome == "ready in op1001"


def test_n1a_two_customers_put_through_to_1001_and_each_hung_up_first():
    facts, summaries = replay(capture("n1a_customers_via_fastagi_into_confbridge", ".log"))
    a1, a2 = customers(summaries)
    for call, talk in ((a1, 6), (a2, 5)):
        assert (call.outcome, call.operator, call.hung_up_by, call.cause) == (
            "answered",
            "1001",
            "customer",
            16,
        )
        assert round(call.talk_seconds) == talk
        assert call.connected_at is not None and call.answered_at is not None
        assert (call.connected_at - call.answered_at).total_seconds() < 0.05  # within ~10 ms of answer
    assert not [x for x in facts if isinstance(x, f.OperatorLoggedOut)]


@pytest.mark.parametrize("suffix", [".raw", ".log"])
def test_n2a_amd_human_put_through_and_ended_by_an_ami_hangup(suffix: str):
    facts, summaries = replay(capture("n2a_amd_human_hello_then_silence", suffix))
    [call] = customers(summaries)
    assert (call.outcome, call.amd_status, call.operator, call.hung_up_by) == (
        "answered",
        "HUMAN",
        "1001",
        "product",
    )
    [verdict] = [x for x in facts if isinstance(x, f.AmdVerdict)]
    if suffix == ".log":
        assert verdict.seconds_after_answer == pytest.approx(1.3, abs=0.05)


def test_n2c_amd_machine_after_2_5_s_never_put_through():
    facts, summaries = replay(capture("n2c_amd_machine_initial_silence", ".log"))
    [call] = customers(summaries)
    assert (call.amd_status, call.amd_cause, call.operator) == ("MACHINE", "INITIALSILENCE-2500-2500", None)
    [verdict] = [x for x in facts if isinstance(x, f.AmdVerdict)]
    assert verdict.seconds_after_answer == pytest.approx(2.5, abs=0.05)
    assert not [x for x in facts if isinstance(x, f.CallConnected)]


def test_n3_registration_lifecycle_of_1002():
    facts, _ = replay(capture("n3_registration_lifecycle_1002", ".log"))
    changes = [x for x in facts if isinstance(x, f.EndpointStatus) and x.endpoint == "1002"]
    assert [c.status for c in changes] == [
        "reachable", "unreachable", "removed",  # registered, then unregistered: unreachable at once
        "reachable", "unreachable", "removed",  # re-registered, then killed: qualify fails, then expiry
    ]  # fmt: skip
    killed_unreachable, removed = changes[4].at, changes[5].at
    assert (removed - killed_unreachable).total_seconds() == pytest.approx(8.6, abs=0.5)


def test_n4_restart_closes_the_live_call_and_logs_the_operator_out():
    facts, summaries = replay(capture("n4_restart_with_live_call"))
    [call] = customers(summaries)
    assert (call.call_id, call.outcome, call.operator, call.hung_up_by) == (
        "cust-5559001-R1", "answered", "1001", "pbx_restart",
    )  # fmt: skip
    [logout] = [x for x in facts if isinstance(x, f.OperatorLoggedOut)]
    assert (logout.operator, logout.reason) == ("1001", f.HungUpBy.PBX_RESTART)
    assert [x for x in facts if isinstance(x, f.PbxRestarted)]


def test_n4_after_reconnecting_nothing_is_live_so_a_call_still_open_is_closed_by_the_restart():
    """The old connection died before any Hangup or Shutdown reached the tracker."""
    before_restart = []
    for when, message in capture_messages(capture("n4_restart_with_live_call")):
        if message.event == "SoftHangupRequest" and message.get("Cause") == "4":
            break
        before_restart.append((when, message))
    replayer = Replayer()
    replayer.feed(before_restart)
    assert "cust-5559001-R1" in replayer.tracker.live_calls
    replayer.tracker.begin_resync()
    replayer.feed(capture_messages(capture("n4_restart_with_live_call_after_restart")))
    closed = replayer.tracker.end_resync(pbx_restarted=True)
    assert sorted(closed) == ["cust-5559001-R1", "op1001-login-2"]
    summary = replayer.tracker.summary("cust-5559001-R1")
    assert summary is not None and (summary.hung_up_by, summary.operator) == ("pbx_restart", "1001")
    # The operator's new login after the restart (channel PJSIP/1001-00000000 again) is a new session.
    assert replayer.tracker.live_calls == ["op1001-login-3"]


def test_n5_a_fresh_connection_rebuilds_the_live_call_from_the_listing():
    replayer = Replayer(adopt_originates=False)
    replayer.tracker.track_call("cust-5556005-C1")
    replayer.tracker.begin_resync()
    replayer.feed(capture_messages(capture("n5_resync_status_during_live_call")))
    assert replayer.tracker.end_resync(pbx_restarted=False) == []
    summary = replayer.tracker.summary("cust-5556005-C1")
    assert summary is not None
    assert summary.answered_at is not None and summary.operator == "1001"
    assert summary.variables["CAMPAIGN_ID"] == "42"
    connected = [x for x in replayer.facts if isinstance(x, f.CallConnected)]
    assert [(c.call_id, c.operator) for c in connected] == [("cust-5556005-C1", "1001")]


def test_n5_calls_adopted_from_a_dead_engine_are_judged_by_a_listing_the_others_are_not():
    """Connected all along, the tracker follows a call of its own (its channel not made yet: the
    Originate is in flight) and adopts two a dead engine left: the listing finds one, the other is
    gone; its own call, absent from the listing too, stays live."""
    replayer = Replayer(adopt_originates=False)
    replayer.tracker.track_call("own-in-flight")
    for adopted in ("cust-5556005-C1", "left-and-gone"):
        replayer.tracker.track_call(adopted)
    replayer.tracker.begin_resync(only=["cust-5556005-C1", "left-and-gone"])
    replayer.feed(capture_messages(capture("n5_resync_status_during_live_call")))
    assert replayer.tracker.end_resync(pbx_restarted=False) == ["left-and-gone"]
    assert sorted(replayer.tracker.live_calls) == ["cust-5556005-C1", "own-in-flight"]
    summary = replayer.tracker.summary("cust-5556005-C1")
    assert summary is not None and summary.operator == "1001"


def test_n5_an_adopted_call_whose_channel_was_heard_before_is_bound_to_it():
    """The survivor's connection heard the dead engine's channel all along (not its call then):
    adopting the call binds that channel, so its hangup ends the call."""
    replayer = Replayer(adopt_originates=False)
    messages = list(capture_messages(capture("n5_resync_status_during_live_call")))
    replayer.feed(messages)  # heard, not followed
    assert replayer.tracker.live_calls == []
    replayer.tracker.track_call("cust-5556005-C1")
    replayer.tracker.begin_resync(only=["cust-5556005-C1"])
    replayer.feed(messages)
    assert replayer.tracker.end_resync(pbx_restarted=False) == []
    summary = replayer.tracker.summary("cust-5556005-C1")
    assert summary is not None and summary.answered_at is not None and summary.operator == "1001"


def test_n1_0_then_n1a_the_operator_stays_ready_in_its_bridge_between_customers():
    """The captures were taken one after the other on the same Asterisk: replay them as one stream."""
    replayer = Replayer()
    for name in ("n1_0_operator_nailed_login", "n1a_customers_via_fastagi_into_confbridge"):
        replayer.feed(capture_messages(capture(name, ".log")))
    facts = replayer.facts
    about_operator = [x for x in facts if not isinstance(x, f.CallFact) or x.call_id == "op1001-login-1"]
    assert [type(x).__name__ for x in about_operator] == ["CallCreated", "OperatorReady"]
    connected = [(x.call_id, x.operator) for x in facts if isinstance(x, f.CallConnected)]
    assert connected == [("cust-5556001-A1", "1001"), ("cust-5556002-A2", "1001")]
    session = replayer.tracker.summary("op1001-login-1")
    assert session is not None and session.outcome == "ready in op1001"


def test_n6_a_supervisor_listened_whispered_and_barged_into_1001():
    facts, summaries = replay(capture("n6_chanspy_listen_whisper_barge"))
    spying = [(type(x).__name__, x.call_id, x.supervisor, x.operator) for x in facts
              if isinstance(x, (f.SpyStarted, f.SpyStopped))]  # fmt: skip
    assert spying == [
        (kind, f"sup1003-{mode}", "1003", "1001")
        for mode in ("listen", "whisper", "barge")
        for kind in ("SpyStarted", "SpyStopped")
    ]
    assert {s.kind for s in summaries if s.call_id.startswith("sup1003")} == {"supervisor"}


def test_n6_chanspy_does_not_affect_the_customers_call():
    facts, summaries = replay(capture("n6_chanspy_listen_whisper_barge"))
    [call] = customers(summaries)
    assert (call.call_id, call.operator) == ("cust-5556006-S1", "1001")
    s1 = [x for x in facts if isinstance(x, f.CallFact) and x.call_id == "cust-5556006-S1"]
    assert [type(x).__name__ for x in s1] == [
        "CallCreated", "CallRinging", "CallAnswered", "CallConnected", "CallHungUp",
    ]  # fmt: skip


def test_the_spy_target_is_the_operators_own_channel_of_the_call():
    """What ``dialer.engine.spy`` sends as SPYTARGET: the channel of the operator the call is put
    through to (n1: the operator's nailed-up leg, seen logging in)."""
    replayer = Replayer()
    targets: list[str | None] = []
    login_leg = None
    for name in ("n1_0_operator_nailed_login", "n1a_customers_via_fastagi_into_confbridge"):
        for when, message in capture_messages(capture(name, ".log")):
            replayer.feed([(when, message)])
            if message.event == "Newchannel" and message.get("Uniqueid") == "op1001-login-1":
                login_leg = message.get("Channel")
            if message.event == "ConfbridgeJoin" and message.get("Uniqueid") == "cust-5556001-A1":
                targets.append(replayer.tracker.spy_target("cust-5556001-A1"))
    assert login_leg is not None and login_leg.startswith("PJSIP/1001-")
    assert targets == [login_leg]


def test_n6_a_leg_up_before_the_stream_is_spied_on_by_its_name_prefix():
    """n6 began with the operator already in their bridge: the tracker never saw the leg's name, so
    the target is ``PJSIP/1001-``, which ChanSpy matches to PJSIP/1001-00000000, the capture's own
    SPYTARGET."""
    replayer = Replayer()
    seen: list[str | None] = []
    for when, message in capture_messages(capture("n6_chanspy_listen_whisper_barge")):
        replayer.feed([(when, message)])
        if message.event == "ChanSpyStart" and not seen:
            seen.append(replayer.tracker.spy_target("cust-5556006-S1"))
    assert seen == ["PJSIP/1001-"] and "PJSIP/1001-00000000".startswith(seen[0])
    assert replayer.tracker.spy_target("cust-5556006-S1") is None  # hung up: nothing to spy on


def test_n7b_customer_and_operator_joined_by_ami_bridge_customer_hung_up_first():
    facts, summaries = replay(capture("n7b_bridge_action_customer_hangs_up", ".log"))
    [call] = customers(summaries)
    assert (call.operator, call.hung_up_by, call.cause, round(call.talk_seconds)) == (
        "1001",
        "customer",
        16,
        8,
    )
    assert not [x for x in facts if isinstance(x, f.OperatorLoggedOut)]  # the operator's leg continues
