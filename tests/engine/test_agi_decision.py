"""Where an answered call goes: a person to the operator idle the longest (into their held bridge),
a machine hung up, nobody free within the connect limit an abandon. No sockets."""

from __future__ import annotations

import asyncio

from agi.routes.model import AmdResult, AmdStatus, CallInfo, RouteAction
from dialer.engine.agi import EngineAgi
from dialer.engine.clock import EngineClock
from dialer.engine.floor import Floor, LiveCall, LiveOperator, Seat
from dialer.engine.plan import Plan
from dialer.engine.writer import OrderedWriter
from tests.engine.fakes import T0, FakeStore, plan

FAST = EngineClock(speed=20.0)  # a 2 s connect limit takes 0.1 s


def setup(*ops: LiveOperator, p: Plan | None = None) -> tuple[EngineAgi, Floor, FakeStore, OrderedWriter]:
    floor, store, writer = Floor(), FakeStore(), OrderedWriter()
    for op in ops:
        floor.operators[op.endpoint] = op
    p = p or plan()
    agi = EngineAgi(floor, {p.campaign_id: p}, store, writer, FAST, abandon_message="dialer/abandon")
    return agi, floor, store, writer


def ready(endpoint: str, operator_id: int, *, idle_since_s: float = 0.0, **kw: object) -> LiveOperator:
    values: dict[str, object] = {"seat": Seat.READY, "held": True, **kw}
    op = LiveOperator(operator_id, endpoint, frozenset({1}), **values)  # type: ignore[arg-type]
    op.since = T0.replace(second=int(idle_since_s))
    return op


def answered(floor: Floor, uid: str = "c1") -> CallInfo:
    floor.add_call(LiveCall(uid, 1, 7, "trunk", "asterisk", T0, answered_at=T0))
    return CallInfo(uid, "1", "7", uid, f"PJSIP/trunk-{uid}")


HUMAN = AmdResult(AmdStatus.HUMAN, "HUMAN-800-800")


async def test_a_person_goes_into_the_held_bridge_of_the_operator_idle_longest() -> None:
    agi, floor, _, _ = setup(ready("1002", 2, idle_since_s=30), ready("1001", 1, idle_since_s=5))
    decision = await agi.on_amd_result(answered(floor), HUMAN)
    assert (decision.action, decision.operator, decision.bridge) == (RouteAction.OPERATOR, "1001", "op1001")
    assert floor.operators["1001"].seat is Seat.RESERVED
    assert floor.calls["c1"].operator == "1001"


async def test_ringing_mode_rings_the_operator_instead_of_a_bridge() -> None:
    agi, floor, _, _ = setup(ready("1001", 1, held=False, registered=True), p=plan(nailed_up=False))
    decision = await agi.on_amd_result(answered(floor), AmdResult(AmdStatus.NOTSURE, "TOOLONG-4000"))
    assert (decision.action, decision.operator, decision.bridge) == (RouteAction.OPERATOR, "1001", None)


async def test_a_machine_is_hung_up_and_takes_no_operator() -> None:
    agi, floor, _, _ = setup(ready("1001", 1))
    decision = await agi.on_amd_result(
        answered(floor), AmdResult(AmdStatus.MACHINE, "INITIALSILENCE-2500-2500")
    )
    assert decision.action is RouteAction.HANGUP
    assert floor.operators["1001"].seat is Seat.READY
    assert floor.calls["c1"].amd_status == "MACHINE"


async def test_an_unregistered_or_unheld_operator_is_never_sent_a_customer() -> None:
    lost = ready("1001", 1, registered=False)
    unheld = ready("1002", 2, held=False)
    agi, floor, store, writer = setup(lost, unheld)
    writer.start()
    loop = asyncio.get_running_loop()
    started = loop.time()
    decision = await agi.on_amd_result(answered(floor), HUMAN)
    waited = loop.time() - started
    assert decision.action is RouteAction.ABANDON and decision.message == "dialer/abandon"
    assert 0.09 <= waited < 1.0  # the connect limit (2 s of engine time at 20x), not more
    await writer.drain()
    assert store.kinds("c1") == ["abandoned"]
    assert floor.calls["c1"].abandoned


async def test_ringing_mode_rings_no_softphone_not_known_registered() -> None:
    """No held leg proves the phone is there: unregistered, or never listed nor heard of, is not rung."""
    unregistered = ready("1001", 1, held=False, registered=False)
    unknown = ready("1002", 2, held=False, registered=None)
    agi, floor, _, _ = setup(unregistered, unknown, p=plan(nailed_up=False, connect_limit_s=0.2))
    assert not unregistered.available(nailed_up=False) and not unknown.available(nailed_up=False)
    assert floor.pick_operator(1, nailed_up=False) is None
    assert (await agi.on_amd_result(answered(floor), HUMAN)).action is RouteAction.ABANDON
    unknown.registered = True  # ContactStatus Reachable arrives
    assert floor.pick_operator(1, nailed_up=False) is unknown


async def test_an_operator_freed_within_the_connect_limit_takes_the_waiting_person() -> None:
    busy = ready("1001", 1)
    busy.seat = Seat.WRAP_UP
    agi, floor, _, _ = setup(busy)
    decision_task = asyncio.create_task(agi.on_amd_result(answered(floor), HUMAN))
    await asyncio.sleep(0.03)
    assert not decision_task.done()
    floor.end_wrap(busy, T0)
    decision = await decision_task
    assert decision.operator == "1001"


async def test_a_paused_operator_is_not_chosen_and_a_call_of_another_campaign_is_hung_up() -> None:
    paused = ready("1001", 1)
    paused.seat = Seat.PAUSED
    agi, floor, _, _ = setup(paused, p=plan(connect_limit_s=0.2))
    assert (await agi.on_amd_result(answered(floor), HUMAN)).action is RouteAction.ABANDON
    stranger = CallInfo("nope", "9", "1", "nope", "PJSIP/trunk-9")
    assert (await agi.on_amd_result(stranger, HUMAN)).action is RouteAction.HANGUP


async def test_a_callback_goes_to_the_operator_who_asked_for_it() -> None:
    agi, floor, _, _ = setup(ready("1001", 1, idle_since_s=1), ready("1002", 2, idle_since_s=40))
    info = answered(floor)
    floor.calls["c1"].preferred_operator = 2
    decision = await agi.on_amd_result(info, HUMAN)
    assert decision.operator == "1002"


async def test_a_person_who_hangs_up_while_waiting_takes_no_operator() -> None:
    busy = ready("1001", 1)
    busy.seat = Seat.WRAP_UP
    agi, floor, _, _ = setup(busy)
    decision_task = asyncio.create_task(agi.on_amd_result(answered(floor), HUMAN))
    await asyncio.sleep(0.02)
    floor.end_call("c1", T0)
    floor.end_wrap(busy, T0)
    assert (await decision_task).action is RouteAction.HANGUP
    assert busy.seat is Seat.READY


async def test_a_machine_can_be_left_the_configured_message() -> None:
    floor, store, writer = Floor(), FakeStore(), OrderedWriter()
    p = plan()
    agi = EngineAgi(floor, {1: p}, store, writer, FAST, abandon_message="a", machine_message="dialer/offer")
    decision = await agi.on_amd_result(
        answered(floor), AmdResult(AmdStatus.MACHINE, "LONGGREETING-1500-1500")
    )
    assert (decision.action, decision.message) == (RouteAction.MESSAGE, "dialer/offer")
