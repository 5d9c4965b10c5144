"""The engine's tick and stop with fake ports: operators' softphones are called into their bridges at
login, calls go out only to held operators, a paused campaign places nothing new while its live
calls go on, and stopping waits for the live calls, lets the legs go and gives the campaign up."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

from ami.facts import CallFailed, FailReason, OperatorReady
from dialer.engine.clock import EngineClock
from dialer.engine.fact_handler import FactHandler
from dialer.engine.floor import Floor, LiveCall, Seat
from dialer.engine.limits import Limits, TrunkLimit
from dialer.engine.plan import Plan
from dialer.engine.ports import OpenCall, OperatorSession
from dialer.engine.service import Engine, EngineSettings
from dialer.engine.writer import OrderedWriter
from dialer.live.engine_wake import Topic
from tests.engine.fakes import T0, FakePbx, FakeStore, plan

FAST = EngineClock(speed=50.0)


def engine() -> tuple[Engine, FakeStore, FakePbx, FactHandler]:
    floor, store, writer = Floor(), FakeStore([f"+7916000{i:04d}" for i in range(20)]), OrderedWriter()
    plans: dict[int, Plan] = {}
    handler = FactHandler(floor, store, writer, plans)
    pbx = FakePbx(handler)
    store.plans = [plan()]
    store.sessions = [
        OperatorSession(i, e, frozenset({1}), False, None) for i, e in ((1, "1001"), (2, "1002"))
    ]
    eng = Engine(
        store=store,
        pbx=pbx,
        floor=floor,
        writer=writer,
        plans=plans,
        limits=Limits([TrunkLimit("trunk", "asterisk", 30)], {"asterisk": 100}),
        clock=FAST,
        settings=EngineSettings(tick_s=1.0),
    )
    eng.writer.start()
    eng.accepting = True
    return eng, store, pbx, handler


async def test_customers_go_out_only_once_the_operators_are_held() -> None:
    eng, _, pbx, handler = engine()
    await eng.tick()
    assert [e for _, e in pbx.logins] == ["1001", "1002"]
    assert pbx.originated == []  # logged in and ready, but no softphone held yet
    for session_id, endpoint in pbx.logins:
        handler.on_fact(OperatorReady(session_id, T0, endpoint, f"op{endpoint}"))
    await eng.tick()
    assert len(pbx.originated) == 2
    await eng.tick()
    assert [e for _, e in pbx.logins] == ["1001", "1002"]  # held: not called again
    await eng.writer.stop()


async def test_a_paused_campaign_places_nothing_new_and_stop_waits_for_live_calls() -> None:
    eng, store, pbx, handler = engine()
    await eng.tick()
    for session_id, endpoint in pbx.logins:
        handler.on_fact(OperatorReady(session_id, T0, endpoint, f"op{endpoint}"))
    await eng.tick()
    live = [c.call_uid for c in pbx.originated]
    assert len(live) == 2
    store.plans = []  # the supervisor paused the campaign
    handler.on_fact(CallFailed(live[0], T0, FailReason.BUSY, 17, "BUSY"))  # an operator is free again
    await eng.tick()
    assert len(pbx.originated) == 2 and live[1] in eng.floor.calls

    async def last_call_ends() -> None:
        await asyncio.sleep(0.05)
        handler.on_fact(CallFailed(live[1], T0, FailReason.NO_ANSWER, 19, None))

    ending = asyncio.create_task(last_call_ends())
    await eng.stop(grace_s=30)  # 0.6 s real at most; returns when the last call ends
    await ending
    assert eng.floor.calls == {}
    assert sorted(pbx.hangups) == sorted(s for s, _ in pbx.logins)
    assert ("release", (1,)) in store.writes
    assert [w[2] for w in store.writes if w[0] == "ended"] == ["busy", "no_answer"]


async def test_a_disposition_through_the_api_ends_the_wrap_up_before_its_timer() -> None:
    eng, store, _, _ = engine()
    await eng.tick()
    op = eng.floor.operators["1001"]
    eng.floor.start_wrap(op, FAST.now(), 60.0)
    store.sessions = [OperatorSession(1, "1001", frozenset({1}), False, None, state="wrap_up")]
    await eng.operators.sync(FAST.now())
    assert op.seat is Seat.WRAP_UP
    store.sessions = [OperatorSession(1, "1001", frozenset({1}), False, None, state="ready")]
    await eng.operators.sync(FAST.now())
    assert op.seat is Seat.READY
    await eng.writer.stop()


async def test_stopping_with_hang_up_ends_the_calls_still_live_after_the_grace() -> None:
    eng, _, pbx, handler = engine()
    await eng.tick()
    for session_id, endpoint in pbx.logins:
        handler.on_fact(OperatorReady(session_id, T0, endpoint, f"op{endpoint}"))
    await eng.tick()
    pbx.on_hangup = lambda uid: handler.on_fact(CallFailed(uid, T0, FailReason.NO_ANSWER, 19, None))
    await eng.stop(grace_s=2, hang_up=True)  # 0.04 s real of grace, then the hang-ups
    assert eng.floor.calls == {}
    assert len(pbx.originated) == 2 and {c.call_uid for c in pbx.originated} <= set(pbx.hangups)


async def test_a_running_engine_returns_leases_nobody_renewed_now_and_then() -> None:
    """The start returns only the leases expired by then: a dead engine's later ones come back too."""
    eng, store, _, _ = engine()
    eng.settings = dataclasses.replace(eng.settings, lease_renew_s=0.0)
    await eng.tick()
    await eng.tick()
    assert store.writes.count(("expire", False)) == 2  # contacts held for a disposition stay held
    await eng.writer.stop()


async def test_a_campaign_taken_over_while_running_brings_its_dead_engines_open_calls() -> None:
    """Claimed at a later tick (its engine's heartbeat stopped): the calls that engine left and
    nobody follows here are put on the floor and handed to the PBX to list; a call of that campaign
    already followed is not adopted again."""
    eng, store, pbx, _ = engine()
    await eng.tick()
    assert pbx.adopted == []
    left = OpenCall("c-left", 2, 501, "trunk", "asterisk", T0, T0, None, None)
    store.open = [left, dataclasses.replace(left, call_uid="c-already", contact_id=502)]
    eng.floor.add_call(LiveCall("c-already", 2, 502, "trunk", "asterisk", T0))
    store.plans = [plan(), plan(2)]
    await eng.tick()
    assert pbx.adopted == ["c-left"]
    assert eng.floor.calls["c-left"].campaign_id == 2 and 2 in eng.runners
    await eng.tick()
    assert pbx.adopted == ["c-left"]  # once
    await eng.writer.stop()


async def test_campaigns_are_read_often_enough_to_keep_the_owners_heartbeat_alive() -> None:
    """With an hour-long safety poll and no change told, the campaigns (claimed again at each read:
    the owner's heartbeat) are still read every ``heartbeat_s``; the other topics wait for the poll."""
    eng, _, _, _ = engine()
    eng.settings = dataclasses.replace(eng.settings, poll_s=3600.0, heartbeat_s=20.0)
    assert eng._to_read(T0, set()) == set(Topic)  # the first read of each
    assert eng._to_read(T0 + timedelta(seconds=10), set()) == set()
    assert eng._to_read(T0 + timedelta(seconds=21), set()) == {Topic.CAMPAIGNS}
    await eng.writer.stop()
