"""Storage writes run one after the other in the order the facts came; a failing one is counted and
logged, and the ones after it still run. A call's early facts are held for its next durable write,
or written on their own after the hold bound, never after a later write of the call."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import OperationalError

from dialer.calls import early
from dialer.calls.early import EarlyFact
from dialer.engine.writer import OrderedWriter


async def test_writes_run_in_order_and_a_failure_stops_nothing() -> None:
    writer, done = OrderedWriter(), []
    writer.start()

    def write(name: str, delay: float = 0.0, fail: bool = False):
        async def run() -> None:
            await asyncio.sleep(delay)
            if fail:
                raise RuntimeError(name)
            done.append(name)

        return run

    writer.submit("a", write("a", 0.02))
    writer.submit("b", write("b", fail=True))
    writer.submit("c", write("c"))
    assert not writer.idle
    await writer.drain()
    assert done == ["a", "c"] and writer.failures == 1 and writer.idle
    await writer.stop()


async def test_a_write_that_meets_a_transient_database_error_is_run_again_in_its_turn() -> None:
    """SQLite's "database is locked" for a stale snapshot (and PostgreSQL's deadlock) roll the
    transaction back: it runs again, before the writes behind it; another error is not retried."""
    writer, done, tries = OrderedWriter(), [], {"a": 0, "b": 0}
    writer.start()
    locked = OperationalError("UPDATE calls ...", {}, Exception("database is locked"))

    def write(name: str, error: Exception, fails: int):
        async def run() -> None:
            tries[name] += 1
            if tries[name] <= fails:
                raise error
            done.append(name)

        return run

    writer.submit("a", write("a", locked, 2))
    writer.submit("b", write("b", RuntimeError("a bug"), 1))
    writer.submit("c", lambda: _append(done, "c"))
    await writer.drain()
    assert done == ["a", "c"] and tries == {"a": 3, "b": 1} and writer.failures == 1
    await writer.stop()


async def _append(done: list[str], name: str) -> None:
    done.append(name)


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def recorder(log: list[tuple[str, tuple[EarlyFact, ...]]], name: str):
    async def write(early: tuple[EarlyFact, ...]) -> None:
        log.append((name, early))

    return write


async def until(condition, within_s: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "not within the deadline"
        await asyncio.sleep(0.01)


async def test_early_facts_are_held_for_the_calls_next_durable_write_in_its_order() -> None:
    writer, log = OrderedWriter(hold_s=60.0), []
    writer.start()
    rang, answered = early.Ringing(T0), early.Answered(T0 + timedelta(seconds=5))
    writer.hold("c1", rang, recorder(log, "alone"))
    writer.hold("c2", early.Ringing(T0), recorder(log, "alone"))
    writer.hold("c1", answered, recorder(log, "alone"))
    assert writer.held == 2 and writer.holding("c1") and writer.idle  # nothing queued: held in memory
    writer.submit_call("connected", "c1", recorder(log, "connected"))
    writer.submit_call("ended", "c1", recorder(log, "ended"))
    await until(lambda: len(log) == 2)
    assert log == [("connected", (rang, answered)), ("ended", ())]  # taken once, by the first
    assert not writer.holding("c1") and writer.holding("c2")  # c2's ringing waits for its call's write
    await writer.drain()  # draining writes what is held too
    assert log[-1] == ("alone", (early.Ringing(T0),)) and writer.held == 0
    await writer.stop()


async def test_held_facts_are_written_on_their_own_after_the_bound_and_before_later_writes() -> None:
    writer, log = OrderedWriter(hold_s=0.05), []
    writer.start()
    verdict = early.Amd("MACHINE", "INITIALSILENCE-2500-2500", T0)
    writer.hold("c1", verdict, recorder(log, "alone"))
    await until(lambda: log != [])
    writer.submit_call("ended", "c1", recorder(log, "ended"))
    await writer.drain()
    assert log == [("alone", (verdict,)), ("ended", ())]
    await writer.stop()


async def test_without_a_hold_each_early_fact_is_queued_at_once() -> None:
    writer, log = OrderedWriter(hold_s=0), []
    writer.start()
    writer.hold("c1", early.Ringing(T0), recorder(log, "alone"))
    assert writer.held == 0 and writer.pending == 1  # queued, not held
    await writer.drain()
    assert log == [("alone", (early.Ringing(T0),))]
    await writer.stop()


async def test_a_crash_loses_what_is_held() -> None:
    writer, log = OrderedWriter(hold_s=60.0), []
    writer.start()
    writer.hold("c1", early.Answered(T0), recorder(log, "alone"))
    await writer.abandon()
    assert writer.held == 0 and log == []
