"""Storage writes in the order the facts happened, off the event path: one queue, one task.

The tracker calls the engine synchronously, in event order; each fact's writes are queued here and
run one after the other, so a call's ``ended`` never overtakes its ``answered``. A failing write is
logged with its call and dropped: the record functions are idempotent, and reconciliation at the
next start closes anything left open.

A call's early facts (ringing, answered, the AMD verdict: ``dialer.calls.early``) need not be
durable on their own: ``hold`` keeps them in memory, and the call's next durable write
(``submit_call``: connected, abandoned, ended) takes them into its own transaction, in the order
they happened. Held no longer than ``hold_s``: then they are queued on their own, so the pages and
a restart's reconciliation (which reads ``answered_at`` and ``amd_status`` of open calls) see them
within that bound. ``hold_s`` 0 writes each at once. A crash loses what is held, as it loses what
is queued; Asterisk's record settles such a call at the next start (``dialer.engine.settle``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from dialer.calls.early import EarlyFact
from dialer.db.transient import is_transient
from dialer.engine.ports import Early
from dialer.observability import logs, metrics

log = logging.getLogger(__name__)

RETRY_PAUSES_S = (0.05, 0.2, 1.0)  # after a transient database error, before each new try

Write = Callable[[], Awaitable[None]]
CallWrite = Callable[[Early], Awaitable[None]]  # a call's durable write, given its held early facts

DEFAULT_HOLD_S = 1.0


@dataclass(slots=True)
class _Held:
    flush: CallWrite  # writes the facts on their own when nothing durable came in time
    timer: asyncio.TimerHandle | None
    facts: list[EarlyFact] = field(default_factory=list)


class OrderedWriter:
    def __init__(self, hold_s: float = DEFAULT_HOLD_S) -> None:
        self._queue: asyncio.Queue[tuple[str, Write, logs.Context]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._running = False
        self._held: dict[str, _Held] = {}
        self.hold_s = hold_s
        self.failures = 0

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="engine-writer")

    def submit(self, what: str, write: Write) -> None:
        self._queue.put_nowait((what, write, logs.current()))  # its lines carry the fact's call

    def hold(self, call_uid: str, fact: EarlyFact, flush: CallWrite) -> None:
        """Keep an early fact of the call for its next durable write, ``hold_s`` at most; ``flush``
        writes what is held on its own."""
        held = self._held.get(call_uid)
        if held is None:
            timer = self._timer(call_uid)
            if timer is None:  # no holding: written at once
                self.submit(f"early facts of call {call_uid}", lambda: flush((fact,)))
                return
            held = self._held[call_uid] = _Held(flush, timer)
        held.facts.append(fact)

    def submit_call(self, what: str, call_uid: str, write: CallWrite) -> None:
        """A durable write of the call: it takes the call's held early facts into its transaction."""
        early = self._take(call_uid)
        self.submit(what, lambda: write(early))

    def _timer(self, call_uid: str) -> asyncio.TimerHandle | None:
        if self.hold_s <= 0:
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return loop.call_later(self.hold_s, self._release, call_uid)

    def _take(self, call_uid: str) -> Early:
        held = self._held.pop(call_uid, None)
        if held is None:
            return ()
        if held.timer is not None:
            held.timer.cancel()
        return tuple(held.facts)

    def _release(self, call_uid: str) -> None:
        """Held long enough: the facts go to the queue on their own (before any later write)."""
        held = self._held.get(call_uid)
        if held is not None:
            early = self._take(call_uid)
            self.submit(f"early facts of call {call_uid}", lambda: held.flush(early))

    def release_held(self) -> None:
        """Queue every held fact now (stopping, or draining)."""
        for call_uid in list(self._held):
            self._release(call_uid)

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    @property
    def held(self) -> int:
        """Calls with early facts held in memory."""
        return len(self._held)

    def holding(self, call_uid: str) -> bool:
        """Early facts of this call are held in memory (not in storage yet)."""
        return call_uid in self._held

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing being written: storage shows every fact submitted so far, but
        the early facts still held (ringing, answered, AMD of live calls, ``hold_s`` at most)."""
        return not self._running and self._queue.empty()

    async def drain(self) -> None:
        """Wait until every write submitted so far has run, the held early facts included."""
        self.release_held()
        await self._queue.join()

    async def stop(self) -> None:
        """Run what is queued, then stop."""
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.drain()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def abandon(self) -> None:
        """Stop now; what is queued or held is lost (a crash, for the tests of reconciliation)."""
        for call_uid in list(self._held):
            self._take(call_uid)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _with_retries(self, what: str, write: Callable[[], Awaitable[None]]) -> None:
        """``write``, run again after a transient database error (its transaction rolled back)."""
        for pause_s in RETRY_PAUSES_S:
            try:
                await write()
                return
            except Exception as exc:
                if not is_transient(exc):
                    raise
                log.warning("engine: storing %s met %s; trying again", what, type(exc).__name__)
                await asyncio.sleep(pause_s)
        await write()

    async def _run(self) -> None:
        while True:
            what, write, context = await self._queue.get()
            self._running = True
            try:
                with logs.restored(context):
                    await self._with_retries(what, write)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.failures += 1
                metrics.WRITER_FAILURES.inc()
                with logs.restored(context):
                    log.exception("engine: storing %s failed", what)
            finally:
                self._running = False
                self._queue.task_done()
