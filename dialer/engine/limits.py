"""Capacity for new calls: lines per trunk and calls per second per trunk and per Asterisk server.

A trunk has ``max_lines`` customer channels (every live call placed through it counts) and belongs
to one server; a server that is not connected offers none of its trunks. Each trunk and each server
has a token bucket refilled at its calls-per-second rate per second of engine time (burst: one
second's worth). The runner asks how many calls fit, then takes a trunk per call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dialer.engine.floor import Floor


def _any(server: str) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class TrunkLimit:
    name: str
    server: str
    max_lines: int
    cps: float = 1_000.0


class TokenBucket:
    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.tokens = rate
        self._at: datetime | None = None

    def refill(self, now: datetime) -> None:
        if self._at is not None:
            elapsed = max(0.0, (now - self._at).total_seconds())
            self.tokens = min(self.rate, self.tokens + elapsed * self.rate)
        self._at = now


class Limits:
    def __init__(self, trunks: list[TrunkLimit], cps: dict[str, float]) -> None:
        if not trunks:
            raise ValueError("at least one trunk is needed")
        self.trunks = trunks
        self.buckets = {server: TokenBucket(rate) for server, rate in cps.items()}
        self.trunk_buckets = {t.name: TokenBucket(t.cps) for t in trunks}

    def _free_lines(self, trunk: TrunkLimit, floor: Floor) -> int:
        return max(0, trunk.max_lines - floor.lines_in_use(trunk.name))

    def capacity(self, floor: Floor, now: datetime, usable: Callable[[str], bool] = _any) -> tuple[int, int]:
        """(free lines over the trunks of usable servers, calls their rate limits allow now)."""
        for bucket in [*self.buckets.values(), *self.trunk_buckets.values()]:
            bucket.refill(now)
        trunks = [t for t in self.trunks if usable(t.server)]
        lines = sum(self._free_lines(t, floor) for t in trunks)
        per_server = {t.server for t in trunks}
        tokens = min(
            sum(int(self._bucket(s).tokens) for s in per_server),
            sum(int(self.trunk_buckets[t.name].tokens) for t in trunks),
        )
        return lines, tokens

    def take(self, floor: Floor, usable: Callable[[str], bool] = _any) -> TrunkLimit | None:
        """A trunk of a usable server with a free line and tokens (taken), the emptiest first."""
        ranked = sorted(
            (t for t in self.trunks if usable(t.server)), key=lambda t: -self._free_lines(t, floor)
        )
        for trunk in ranked:
            bucket, own = self._bucket(trunk.server), self.trunk_buckets[trunk.name]
            if self._free_lines(trunk, floor) > 0 and bucket.tokens >= 1 and own.tokens >= 1:
                bucket.tokens -= 1
                own.tokens -= 1
                return trunk
        return None

    def _bucket(self, server: str) -> TokenBucket:
        return self.buckets.setdefault(server, TokenBucket(1_000.0))
