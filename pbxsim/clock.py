"""Clocks for the simulator: real time, real time sped up, and a virtual clock moved by hand.

Everything in the simulator that waits (ring time, talk time, AMD, restart delays) waits through a
``Clock``, and every timestamp it writes (Uniqueid, Cdr times, Ping ``Timestamp``) is read from it,
so a test can run a 30 s ring timeout in a fraction of a second and still see consistent times.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """What the simulator needs from time."""

    def time(self) -> float:
        """Seconds since the epoch, as the simulated Asterisk sees them."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of simulated time."""
        ...


class RealClock:
    """Wall-clock time: for the demo and for a real softphone next to the simulator."""

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ScaledClock:
    """Real time running ``speed`` times faster: 30 simulated seconds take 30/speed real ones."""

    def __init__(self, speed: float, start: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._origin = time.time() if start is None else start
        self._mono = time.monotonic()

    def time(self) -> float:
        return self._origin + (time.monotonic() - self._mono) * self.speed

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)


class VirtualClock:
    """A clock that only moves when told to: ``await clock.advance(5)`` runs 5 s of timers in order."""

    def __init__(self, start: float = 1_795_755_500.0) -> None:
        self._now = start
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def time(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self._now + seconds, next(self._seq), future))
        await future

    @property
    def pending(self) -> int:
        """Sleepers not yet woken."""
        return sum(1 for _, _, f in self._timers if not f.done())

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking each sleeper at its own deadline and letting it run."""
        target = self._now + seconds
        await _settle()
        while self._timers and self._timers[0][0] <= target:
            deadline, _, future = heapq.heappop(self._timers)
            self._now = max(self._now, deadline)
            if not future.done():
                future.set_result(None)
            await _settle()
        self._now = target
        await _settle()


async def _settle(rounds: int = 20) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0)


def cdr_time(epoch: float) -> str:
    """``2026-11-27 04:59:35``: the Cdr StartTime/AnswerTime/EndTime format (UTC here)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


def event_tv(epoch: float) -> str:
    """``2026-11-27T04:59:35.240+0000``: the security events' EventTV format."""
    stamp = datetime.fromtimestamp(epoch, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}+0000"


def ping_timestamp(epoch: float) -> str:
    """``1795755713.170316``: the Ping response's Timestamp."""
    return f"{epoch:.6f}"
