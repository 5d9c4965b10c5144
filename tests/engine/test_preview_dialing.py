"""Preview calls in the engine with fake ports: an operator's click (a request in storage) is placed
at once without AMD, the operator is reserved for it (pacing elsewhere does not count them), the
answered customer goes straight to them with no connect limit, and a click whose operator is not
available fails after the wait."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from agi.routes.model import AmdResult, AmdStatus, CallInfo, RouteAction
from dialer.dialing_modes import DialMode
from dialer.engine.agi import EngineAgi
from dialer.engine.clock import EngineClock
from dialer.engine.floor import Floor, LiveOperator, Seat
from dialer.engine.limits import Limits, TrunkLimit
from dialer.engine.ports import PreviewAsk
from dialer.engine.preview import PreviewDialer
from dialer.engine.runner import CampaignRunner, RunnerSettings
from dialer.engine.writer import OrderedWriter
from tests.engine.fakes import T0, FakePbx, FakeStore, plan

FAST = EngineClock(speed=20.0)
PREVIEW = plan(1, mode=DialMode.PREVIEW)
PROGRESSIVE = plan(2)


def floor_with(*ops: LiveOperator) -> Floor:
    floor = Floor()
    for op in ops:
        floor.operators[op.endpoint] = op
    return floor


def olga(**kw: object) -> LiveOperator:
    values: dict[str, object] = {"seat": Seat.READY, "held": True, **kw}
    return LiveOperator(7, "1001", frozenset({1, 2}), **values)  # type: ignore[arg-type]


def setup(op: LiveOperator) -> tuple[PreviewDialer, Floor, FakeStore, FakePbx]:
    floor, store, pbx = floor_with(op), FakeStore(), FakePbx()
    limits = Limits([TrunkLimit("trunk", "asterisk", 30)], {"asterisk": 100})
    store.previews = [PreviewAsk(11, 1, 7, 42, T0)]
    return PreviewDialer(floor, store, pbx, limits, wait_s=30), floor, store, pbx


async def test_a_click_is_dialed_without_amd_and_reserves_its_operator() -> None:
    op = olga()
    dialer, floor, store, pbx = setup(op)
    assert await dialer.tick({1: PREVIEW}, T0) == 1
    [call] = pbx.originated
    assert (call.contact_id, call.amd, call.campaign_id) == (42, False, 1)
    assert store.kinds(call.call_uid) == ["take_preview", "create"]
    live = floor.calls[call.call_uid]
    assert live.preview and live.preferred_operator == 7
    assert (op.seat, op.call_uid) == (Seat.RESERVED, call.call_uid)
    assert await dialer.tick({1: PREVIEW}, T0 + timedelta(seconds=1)) == 0  # taken once


async def test_the_reserved_operator_is_not_counted_ready_by_another_campaign() -> None:
    op = olga()
    dialer, floor, store, pbx = setup(op)
    await dialer.tick({1: PREVIEW}, T0)
    limits = Limits([TrunkLimit("trunk", "asterisk", 30)], {"asterisk": 100})
    store.queue = FakeStore(["+79160000001"]).queue
    runner = CampaignRunner(
        PROGRESSIVE, floor=floor, store=store, pbx=pbx, limits=limits, settings=RunnerSettings()
    )
    assert await runner.tick(T0) == 0  # olga, on both campaigns, waits for her preview customer


async def test_the_answered_customer_goes_straight_to_the_reserved_operator() -> None:
    op, other = olga(), LiveOperator(8, "1002", frozenset({1}), seat=Seat.READY, held=True)
    dialer, floor, store, pbx = setup(op)
    floor.operators["1002"] = other
    other.since = T0 - timedelta(hours=1)  # idle the longest: a predictive call would go to her
    await dialer.tick({1: PREVIEW}, T0)
    uid = pbx.originated[0].call_uid
    floor.calls[uid].answered_at = T0
    agi = EngineAgi(floor, {1: PREVIEW}, store, OrderedWriter(), FAST, abandon_message="dialer/abandon")
    no_amd = AmdResult(AmdStatus.UNKNOWN, "")
    decision = await agi.on_amd_result(CallInfo(uid, "1", "42", uid, f"PJSIP/trunk-{uid}"), no_amd)
    assert (decision.action, decision.operator, decision.bridge) == (RouteAction.OPERATOR, "1001", "op1001")
    assert not floor.calls[uid].abandoned


async def test_ringing_mode_rings_the_reserved_operator() -> None:
    op = olga(held=False, registered=True)
    dialer, floor, store, pbx = setup(op)
    ringing_plan = replace(PREVIEW, nailed_up=False)
    await dialer.tick({1: ringing_plan}, T0)
    uid = pbx.originated[0].call_uid
    agi = EngineAgi(floor, {1: ringing_plan}, store, OrderedWriter(), FAST, abandon_message="a")
    decision = await agi.on_amd_result(CallInfo(uid, "1", "42", uid, "x"), AmdResult(AmdStatus.UNKNOWN, ""))
    assert (decision.operator, decision.bridge) == ("1001", None)


async def test_a_click_waits_for_its_operator_then_fails() -> None:
    op = olga(seat=Seat.WRAP_UP)
    dialer, _, store, pbx = setup(op)
    assert await dialer.tick({1: PREVIEW}, T0 + timedelta(seconds=10)) == 0
    assert store.previews and not [w for w in store.writes if w[0] == "fail_preview"]
    assert await dialer.tick({1: PREVIEW}, T0 + timedelta(seconds=31)) == 0
    assert ("fail_preview", 11, "operator 7 not available (wrap_up)") in store.writes
    assert pbx.originated == []


async def test_only_preview_campaigns_are_asked() -> None:
    dialer, _, store, pbx = setup(olga())
    store.previews = [PreviewAsk(12, 2, 7, 43, T0)]
    assert await dialer.tick({2: PROGRESSIVE}, T0) == 0
    assert pbx.originated == [] and store.previews
