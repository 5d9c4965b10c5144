"""One campaign's pacing tick with fake ports: one call per ready operator in progressive mode, the
ring timeout never under the profile's 15 s, lines and calls-per-second limits, a refused originate,
and nothing at all while the PBX is not ready or nobody is logged in."""

from __future__ import annotations

from datetime import timedelta

from dialer.dialing_modes import DialMode
from dialer.engine.fact_handler import FactHandler
from dialer.engine.floor import Floor, LiveOperator, Seat
from dialer.engine.limits import Limits, TrunkLimit
from dialer.engine.plan import Plan
from dialer.engine.runner import CampaignRunner, RunnerSettings
from dialer.engine.writer import OrderedWriter
from tests.engine.fakes import T0, FakePbx, FakeStore, plan

PHONES = [f"+7916000{i:04d}" for i in range(50)]


def runner(
    *ready: str, p: Plan | None = None, lines: int = 30, cps: float = 100.0, pbx: FakePbx | None = None
) -> tuple[CampaignRunner, Floor, FakeStore, FakePbx]:
    floor, store = Floor(), FakeStore(PHONES)
    for i, endpoint in enumerate(ready):
        floor.operators[endpoint] = LiveOperator(i + 1, endpoint, frozenset({1}), seat=Seat.READY, held=True)
    pbx = pbx or FakePbx()
    limits = Limits([TrunkLimit("trunk", "asterisk", lines, cps)], {"asterisk": cps})
    r = CampaignRunner(
        p or plan(), floor=floor, store=store, pbx=pbx, limits=limits, settings=RunnerSettings()
    )
    return r, floor, store, pbx


async def test_progressive_places_one_call_per_ready_operator_and_records_it_first() -> None:
    r, floor, store, pbx = runner("1001", "1002", "1003")
    assert await r.tick(T0) == 3
    assert [c.number for c in pbx.originated] == PHONES[:3]
    assert all(c.ring_timeout_s >= 15 for c in pbx.originated)
    for call in pbx.originated:
        assert store.kinds(call.call_uid)[0] == "create"
        assert call.call_uid in floor.calls
    # the calls ring: the next tick has nothing more to place
    assert await r.tick(T0 + timedelta(seconds=1)) == 0


async def test_the_dial_level_change_is_logged_with_its_figures() -> None:
    r, _, store, _ = runner("1001")
    await r.tick(T0)
    await r.tick(T0 + timedelta(seconds=1))
    pacing = [w for w in store.writes if w[0] == "pacing"]
    assert pacing[0] == ("pacing", 1, "progressive", 1)
    assert r.last is not None and "progressive" in r.last.log_line()


async def test_lines_and_calls_per_second_bound_the_calls() -> None:
    r, _, _, _ = runner(*[f"10{i:02d}" for i in range(10)], lines=4)
    assert await r.tick(T0) == 4
    r2, _, _, _ = runner(*[f"10{i:02d}" for i in range(10)], cps=2)
    assert await r2.tick(T0) == 2
    assert await r2.tick(T0 + timedelta(seconds=1)) == 2  # the bucket refills at 2 per second


async def test_nothing_is_placed_without_a_ready_pbx_or_operators() -> None:
    r, _, _, pbx = runner("1001")
    pbx.ready = False
    assert await r.tick(T0) == 0
    r2, _, store2, _ = runner()
    assert await r2.tick(T0) == 0
    assert not [w for w in store2.writes if w[0] == "lease"]


async def test_preview_places_nothing_by_itself() -> None:
    r, _, _, pbx = runner("1001", p=plan(mode=DialMode.PREVIEW))
    assert await r.tick(T0) == 0 and pbx.originated == []


async def test_a_refused_originate_closes_the_call_and_stops_the_tick() -> None:
    floor, store, writer = Floor(), FakeStore(PHONES), OrderedWriter()
    writer.start()
    p = plan()
    handler = FactHandler(floor, store, writer, {1: p})
    pbx = FakePbx(handler, refuse=True)
    for endpoint in ("1001", "1002"):
        floor.operators[endpoint] = LiveOperator(1, endpoint, frozenset({1}), seat=Seat.READY, held=True)
    limits = Limits([TrunkLimit("trunk", "asterisk", 30)], {"asterisk": 100})
    r = CampaignRunner(p, floor=floor, store=store, pbx=pbx, limits=limits, settings=RunnerSettings())
    assert await r.tick(T0) == 0
    await writer.drain()
    ended = [w for w in store.writes if w[0] == "ended"]
    assert len(ended) == 1 and ended[0][2] == "channel_unavailable"
    assert floor.calls == {}
    assert ("release_contacts", (2,)) in store.writes  # the other leased contact is given back
    await writer.stop()


async def test_the_trunks_of_a_server_that_is_down_are_not_used() -> None:
    floor, store, pbx = Floor(), FakeStore(PHONES), FakePbx()
    for i in range(6):
        floor.operators[f"10{i:02d}"] = LiveOperator(
            i, f"10{i:02d}", frozenset({1}), seat=Seat.READY, held=True
        )
    limits = Limits(
        [TrunkLimit("north", "pbx-a", 30), TrunkLimit("south", "pbx-b", 30)], {"pbx-a": 100, "pbx-b": 100}
    )
    pbx.down = {"pbx-a"}
    r = CampaignRunner(plan(), floor=floor, store=store, pbx=pbx, limits=limits, settings=RunnerSettings())
    assert await r.tick(T0) == 6
    assert {c.trunk for c in pbx.originated} == {"south"}
