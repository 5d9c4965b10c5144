"""The engine reads a campaign's abandon figures from storage again now and then, behind the facts it
already queued: what only storage knows (an AMD false positive reviewed through the API, the window
rolling) reaches pacing, and what this process counted itself is never counted twice."""

from __future__ import annotations

from datetime import datetime

from dialer.engine.clock import EngineClock
from dialer.engine.fact_handler import FactHandler
from dialer.engine.floor import Floor
from dialer.engine.limits import Limits, TrunkLimit
from dialer.engine.plan import Plan
from dialer.engine.service import Engine, EngineSettings
from dialer.engine.writer import OrderedWriter
from tests.engine.fakes import FakePbx, FakeStore, plan

FAST = EngineClock(speed=50.0)


class CountingStore(FakeStore):
    def __init__(self) -> None:
        super().__init__()
        self.counts = (0, 0)

    async def abandon_counts(self, plan: Plan, now: datetime) -> tuple[int, int]:
        return self.counts


async def test_the_abandon_figures_follow_storage_without_double_counting() -> None:
    floor, store, writer = Floor(), CountingStore(), OrderedWriter()
    plans: dict[int, Plan] = {}
    store.plans = [plan(profile="uk")]
    eng = Engine(
        store=store,
        pbx=FakePbx(FactHandler(floor, store, writer, plans)),
        floor=floor,
        writer=writer,
        plans=plans,
        limits=Limits([TrunkLimit("trunk", "asterisk", 30)], {"asterisk": 100}),
        clock=FAST,
        settings=EngineSettings(tick_s=1.0, abandon_refresh_s=30.0),
    )
    writer.start()
    eng.accepting = True
    store.counts = (100, 1)
    await eng.tick()
    await writer.drain()
    runner = eng.runners[1]

    def budget() -> tuple[int, int]:
        tally = floor.tally(1)
        return runner.base_abandon[0] + tally.answered, runner.base_abandon[1] + tally.abandoned

    assert budget() == (100, 1)
    # this process counts two more people, one abandoned; storage has them written
    floor.tally(1).answered += 2
    floor.tally(1).abandoned += 1
    store.counts = (102, 2)
    assert budget() == (102, 2)
    # a QA review turns a machine into a person abandoned: storage knows, the engine learns it
    store.counts = (103, 3)
    await eng.tick()  # within 30 s of the last read: not read again yet
    await writer.drain()
    assert budget() == (102, 2)
    eng._abandons_read[1] = (runner, datetime.min.replace(tzinfo=FAST.now().tzinfo))  # 30 s went by
    await eng.tick()
    await writer.drain()
    assert budget() == (103, 3)
    await writer.stop()
