"""The tracker's facts applied: the floor changes at once, storage is written in the facts' order,
and each call ends with the verdict the rules give (connected, abandoned, machine, busy, lost)."""

from __future__ import annotations

from datetime import timedelta

from ami.facts import (
    AmdVerdict,
    CallAnswered,
    CallConnected,
    CallFailed,
    CallHungUp,
    CallRinging,
    EndpointStatus,
    FailReason,
    HungUpBy,
    OperatorLoggedOut,
    OperatorReady,
)
from dialer.calls.models import CallOutcome, HangupSide
from dialer.dialing_modes import DialMode
from dialer.engine.fact_handler import FactHandler
from dialer.engine.floor import Floor, LiveCall, LiveOperator, Seat
from dialer.engine.runner import RunnerSettings, pacing_input
from dialer.engine.writer import OrderedWriter
from dialer.pacing import CallStats
from tests.engine.fakes import T0, FakeStore, plan


def s(seconds: float):
    return T0 + timedelta(seconds=seconds)


async def handler() -> tuple[FactHandler, Floor, FakeStore, OrderedWriter]:
    floor, store, writer = Floor(), FakeStore(), OrderedWriter()
    writer.start()
    floor.operators["1001"] = LiveOperator(
        1, "1001", frozenset({1}), seat=Seat.READY, held=True, session_id="op-1001"
    )
    floor.add_call(LiveCall("c1", 1, 7, "trunk", "asterisk", T0))
    return FactHandler(floor, store, writer, {1: plan()}), floor, store, writer


async def test_a_connected_call_is_recorded_step_by_step_and_its_operator_wraps_up() -> None:
    h, floor, store, writer = await handler()
    h.on_fact(CallRinging("c1", s(1)))
    h.on_fact(CallAnswered("c1", s(6)))
    h.on_fact(AmdVerdict("c1", s(7), "HUMAN", "HUMAN-800-800", 1.3))
    floor.reserve(floor.operators["1001"], floor.calls["c1"], s(7))
    h.on_fact(CallConnected("c1", s(7.2), "1001"))
    assert floor.operators["1001"].seat is Seat.ON_CALL
    h.on_fact(CallHungUp("c1", s(67), 16, "Normal Clearing", HungUpBy.CUSTOMER, 59.8))
    await writer.drain()
    assert store.kinds("c1") == [
        "ringing",
        "answered",
        "amd",
        "connected",
        "ended",
        "op_wrap",
    ]
    # ringing, answer and verdict went with the connection; the wrap-up with the end
    assert store.transactions == 2
    ended = next(w for w in store.writes if w[0] == "ended")
    assert ended[2:] == (CallOutcome.HUMAN_CONNECTED, 16, HangupSide.CUSTOMER)
    op = floor.operators["1001"]
    assert op.seat is Seat.WRAP_UP and op.wrap_until == s(77) and op.call_uid == "c1"
    assert floor.calls == {}
    tally = floor.tally(1)
    assert (tally.answered, tally.abandoned) == (1, 0)
    assert tally.recent[0].answered_by_person and tally.recent[0].talk_s == 59.8
    floor.end_wrap(op, s(77))
    assert op.seat is Seat.READY
    await writer.stop()


async def test_a_busy_number_fails_with_its_cause() -> None:
    h, floor, store, writer = await handler()
    h.on_fact(CallFailed("c1", s(2), FailReason.BUSY, 17, "BUSY"))
    await writer.drain()
    assert next(w for w in store.writes if w[0] == "ended")[2:] == (CallOutcome.BUSY, 17, None)
    assert not floor.tally(1).recent[0].answered_by_person
    await writer.stop()


async def test_abandoned_and_machine_calls_end_with_their_verdicts() -> None:
    h, floor, store, writer = await handler()
    floor.calls["c1"].abandoned = True
    h.on_fact(CallAnswered("c1", s(3)))
    h.on_fact(CallHungUp("c1", s(9), 16, "", HungUpBy.AGI, 0.0))
    floor.add_call(LiveCall("c2", 1, 8, "trunk", "asterisk", T0))
    h.on_fact(AmdVerdict("c2", s(4), "MACHINE", "INITIALSILENCE-2500-2500", 2.5))
    h.on_fact(CallHungUp("c2", s(5), 16, "", HungUpBy.AGI, 0.0))
    await writer.drain()
    ends = {w[1]: w[2] for w in store.writes if w[0] == "ended"}
    assert ends == {"c1": CallOutcome.ABANDONED, "c2": CallOutcome.MACHINE}
    assert (floor.tally(1).answered, floor.tally(1).abandoned) == (1, 1)
    await writer.stop()


async def test_calls_lost_while_away_are_closed_as_failed_or_by_the_pbx_restart() -> None:
    h, floor, store, writer = await handler()
    floor.calls["c1"].answered_at = s(3)
    h.on_fact(CallFailed("c1", s(50), FailReason.UNKNOWN, None, None))
    floor.add_call(LiveCall("c2", 1, 8, "trunk", "asterisk", T0))
    h.on_fact(CallFailed("c2", s(50), FailReason.PBX_RESTART, None, None))
    await writer.drain()
    ends = {w[1]: w[2:] for w in store.writes if w[0] == "ended"}
    assert ends["c1"] == (CallOutcome.FAILED, None, None)
    assert ends["c2"] == (CallOutcome.PBX_RESTART, None, HangupSide.PBX)
    await writer.stop()


async def test_facts_about_unknown_calls_change_nothing() -> None:
    h, _, store, writer = await handler()
    h.on_fact(CallRinging("other", s(1)))
    h.on_fact(CallHungUp("other", s(2), 16, "", HungUpBy.CUSTOMER, 0.0))
    await writer.drain()
    assert store.writes == []
    await writer.stop()


async def test_a_dropped_leg_or_softphone_takes_the_operator_off_the_floor() -> None:
    h, floor, store, writer = await handler()
    op = floor.operators["1001"]
    h.on_fact(OperatorLoggedOut("op-1001", s(1), "1001", HungUpBy.CUSTOMER))
    assert not op.held and not op.available(nailed_up=True)
    op.session_id = "op-1001-b"
    h.on_fact(OperatorReady("op-1001-b", s(2), "1001", "op1001"))
    assert op.available(nailed_up=True)
    h.on_fact(EndpointStatus("1001", "unreachable", s(3)))
    assert not op.available(nailed_up=True)
    await writer.drain()
    assert ("op_held", 1, None) in store.writes and ("op_held", 1, "op-1001-b") in store.writes
    assert ("op_registered", "1001", False) in store.writes
    await writer.stop()


async def test_a_person_who_waited_past_the_connect_limit_for_nobody_is_abandoned() -> None:
    h, floor, store, writer = await handler()
    call = floor.calls["c1"]
    call.answered_at, call.human_at, call.operator = s(3), s(4), "1001"  # rung, never answered
    h.on_fact(CallHungUp("c1", s(24), 16, "", HungUpBy.DIALPLAN, 0.0))
    await writer.drain()
    assert store.kinds("c1") == ["abandoned", "ended"]
    assert next(w for w in store.writes if w[0] == "ended")[2] == CallOutcome.ABANDONED
    await writer.stop()


async def test_verdict_and_talk_times_reach_the_pacing_snapshot() -> None:
    """AMD's verdict time (HUMAN-800-800 at 1.3 s and NOTSURE TOOLONG at 4.9 s, as the captures show
    them) and each talk's length are kept per campaign and handed to ``decide`` as plain figures."""
    h, floor, _, writer = await handler()
    floor.add_call(LiveCall("c2", 1, 8, "trunk", "asterisk", T0))
    for uid, verdict, cause, amd_s, talk_s in (
        ("c1", "HUMAN", "HUMAN-800-800", 1.3, 59.8),
        ("c2", "NOTSURE", "TOOLONG-4900", 4.9, 12.5),
    ):
        h.on_fact(CallAnswered(uid, s(6)))
        h.on_fact(AmdVerdict(uid, s(6 + amd_s), verdict, cause, amd_s))
        floor.reserve(floor.operators["1001"], floor.calls[uid], s(8))
        h.on_fact(CallConnected(uid, s(8), "1001"))
        h.on_fact(CallHungUp(uid, s(8 + talk_s), 16, "Normal Clearing", HungUpBy.CUSTOMER, talk_s))
        floor.end_wrap(floor.operators["1001"], s(30))
    assert [o.amd_s for o in floor.tally(1).recent] == [1.3, 4.9]
    settings = RunnerSettings(prior=CallStats(mean_amd_s=1.3))
    snapshot = pacing_input(
        plan(mode=DialMode.PREDICTIVE), floor, s(100), lines_free=10, cps_tokens=10, settings=settings
    )
    assert sorted(snapshot.recent_talk_s) == [12.5, 59.8]
    assert 1.3 < snapshot.stats.mean_amd_s < 4.9
    await writer.stop()


async def test_a_machine_verdict_is_no_person_delay() -> None:
    h, floor, _, writer = await handler()
    h.on_fact(CallAnswered("c1", s(6)))
    h.on_fact(AmdVerdict("c1", s(8.5), "MACHINE", "INITIALSILENCE-2500-2500", 2.498))
    h.on_fact(CallHungUp("c1", s(9), 16, "Normal Clearing", HungUpBy.PRODUCT, 0.0))
    assert floor.tally(1).recent[0].amd_s is None
    await writer.stop()
