"""Which calls go to QA each day: a random sample per operator and campaign (pure).

For each (campaign, operator) pair, up to that campaign's size of its calls placed on the day, none
already queued or scored. The draw is seeded by ``seed``, the day, the campaign and the operator, so
the same inputs always give the same sample whatever order the calls come in.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True, slots=True)
class Candidate:
    """A connected, recorded call an operator took."""

    call_id: int
    campaign_id: int
    operator_id: int
    placed_at: datetime


def draw(
    candidates: Iterable[Candidate],
    day: date,
    size_for: Callable[[int], int],
    seed: str,
    exclude: Collection[int] = frozenset(),
) -> list[Candidate]:
    """The sample of ``day``: per campaign and operator at most ``size_for(campaign_id)`` calls,
    ordered by campaign, operator and call id."""
    unique: dict[int, Candidate] = {}
    for c in candidates:
        if c.placed_at.astimezone(UTC).date() == day and c.call_id not in exclude:
            seen = unique.get(c.call_id)
            if seen is None or _rank(c) < _rank(seen):  # one call, one candidate, whatever the order
                unique[c.call_id] = c
    groups: dict[tuple[int, int], dict[int, Candidate]] = defaultdict(dict)
    for c in unique.values():
        groups[(c.campaign_id, c.operator_id)][c.call_id] = c
    chosen: list[Candidate] = []
    for (campaign_id, operator_id), calls in sorted(groups.items()):
        size = max(0, size_for(campaign_id))
        pool = [calls[call_id] for call_id in sorted(calls)]
        rng = random.Random(f"{seed}:{day.isoformat()}:{campaign_id}:{operator_id}")
        picked = rng.sample(pool, min(size, len(pool)))
        chosen.extend(sorted(picked, key=lambda c: c.call_id))
    return chosen


def _rank(c: Candidate) -> tuple[int, int, datetime]:
    return (c.campaign_id, c.operator_id, c.placed_at)
