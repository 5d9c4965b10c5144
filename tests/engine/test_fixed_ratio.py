"""Fixed-ratio mode in the engine: the campaign's ``dial_ratio`` lines per ready operator, through the
same pacing function, bounded by the abandon cap with the same progressive fallback, and logged."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from dialer.dialing_modes import DialMode
from dialer.engine.floor import Floor, LiveOperator, Seat
from dialer.engine.limits import Limits, TrunkLimit
from dialer.engine.runner import CampaignRunner, RunnerSettings
from tests.engine.fakes import T0, FakePbx, FakeStore, plan

PHONES = [f"+7916000{i:04d}" for i in range(50)]


HEALTHY = (200, 0)  # 200 people answered, none abandoned: the budget has room for dialing ahead


def runner(
    ready: int, ratio: float, base_abandon: tuple[int, int] = HEALTHY
) -> tuple[CampaignRunner, FakeStore]:
    floor, store = Floor(), FakeStore(PHONES)
    for i in range(ready):
        endpoint = f"10{i:02d}"
        floor.operators[endpoint] = LiveOperator(i + 1, endpoint, frozenset({1}), seat=Seat.READY, held=True)
    limits = Limits([TrunkLimit("trunk", "asterisk", 30, 100.0)], {"asterisk": 100.0})
    p = replace(plan(mode=DialMode.FIXED_RATIO), dial_ratio=ratio)
    r = CampaignRunner(
        p,
        floor=floor,
        store=store,
        pbx=FakePbx(),
        limits=limits,
        settings=RunnerSettings(abandon_margin=0.01),
        base_abandon=base_abandon,
    )
    return r, store


async def test_fixed_ratio_places_ratio_lines_per_ready_operator() -> None:
    r, store = runner(4, 1.5)
    assert await r.tick(T0) == 6  # 1.5 x 4 ready
    # six calls ringing already cover the ratio: nothing more until some end
    assert await r.tick(T0 + timedelta(seconds=1)) == 0
    assert r.last is not None and r.last.mode_used is DialMode.FIXED_RATIO
    assert ("pacing", 1, "fixed_ratio", 6) in store.writes
    assert "fixed ratio 1.5" in r.last.log_line()


async def test_the_ratio_rounds_down_to_whole_calls() -> None:
    r, _ = runner(3, 1.5)
    assert await r.tick(T0) == 4  # floor(4.5)


async def test_a_new_campaign_dials_progressively_until_one_abandon_fits_under_the_cap() -> None:
    r, _ = runner(4, 2.0, base_abandon=(0, 0))
    assert await r.tick(T0) == 4
    assert r.last is not None and r.last.fell_back


async def test_fixed_ratio_falls_back_to_progressive_when_the_abandon_margin_is_gone() -> None:
    r, store = runner(4, 3.0, base_abandon=(100, 3))  # 3% abandoned: over the 2% threshold
    assert await r.tick(T0) == 4  # one per ready operator, not twelve
    assert r.last is not None and r.last.fell_back
    assert r.last.mode_requested.value == "fixed_ratio" and r.last.mode_used.value == "progressive"
    assert ("pacing", 1, "progressive", 4) in store.writes
    assert "fallback from fixed_ratio" in r.last.log_line()
