"""The engine's time: aware UTC ``now()`` and waits, on the wall clock or on a faster one.

Against the simulator on a fast clock (tests, ``dialer demo --speed``), the engine must measure ring,
connect and wrap-up times in the simulator's seconds, so every wait goes through ``seconds()``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime


class EngineClock:
    """``time_fn`` gives seconds since the epoch; ``speed`` simulated seconds pass per real second."""

    def __init__(self, time_fn: Callable[[], float] = time.time, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._time = time_fn
        self.speed = speed

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._time(), UTC)

    def real(self, seconds: float) -> float:
        """Real seconds that ``seconds`` of engine time take."""
        return max(0.0, seconds) / self.speed

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(self.real(seconds))


SYSTEM_CLOCK = EngineClock()
