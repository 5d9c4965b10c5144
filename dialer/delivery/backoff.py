"""How long to wait before the next attempt after a failed one.

Two rules, on purpose: the outboxes (hot leads, mail) step through a fixed table, while volume
alerts (few, and with a give-up count) double from a first wait up to a ceiling.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

DEFAULT_BACKOFF: tuple[float, ...] = (1, 2, 5, 10, 30, 60, 120, 300)
"""Seconds before each retry; the last step repeats."""


def backoff_delay(attempt: int, steps: Sequence[float]) -> float:
    """Seconds to wait after the ``attempt``-th failed attempt (1-based); capped at the last step."""
    return float(steps[min(attempt, len(steps)) - 1])


def doubling_delay(attempts: int, first: timedelta, longest: timedelta) -> timedelta:
    """Wait after ``attempts`` failed attempts: ``first``, doubling each time, never over ``longest``."""
    return min(first * (1 << min(max(attempts - 1, 0), 16)), longest)
