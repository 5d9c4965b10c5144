"""The engine's tick and stop with fake ports: operators' softphones are called into their bridges at
login, calls go out only to held operators, a paused campaign places nothing new while its live
calls go on, and stopping waits for the live calls, lets the legs go and gives the campaign up."""

from __future__ import annotations

import asyncio
import dataclasses

from ami.facts import CallFailed, FailReason, OperatorReady
from dialer.engine.clock import EngineClock
from dialer.engine.fact_handler import FactHandler
from dialer.engine.floor import Floor, Seat
from dialer.engine.limits import Limits, TrunkLimit
from dialer.engine.plan import Plan
from dialer.engine.ports import OperatorSession
from dialer.engine.service import Engine, EngineSettings
from dialer.engine.writer import OrderedWriter
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
