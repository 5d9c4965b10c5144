"""The daily QA sample (pure): never more than asked per operator and campaign, never outside the
day, never a call twice or one already queued or scored, and the same for the same seed."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dialer.qa.sampling import Candidate, draw

DAY = date(2026, 11, 21)
START = datetime(2026, 11, 20, tzinfo=UTC)


@st.composite
def candidates(draw_: st.DrawFn) -> list[Candidate]:
    count = draw_(st.integers(0, 80))
    ids = draw_(st.lists(st.integers(1, 40), min_size=count, max_size=count))  # repeats likely
    return [
        Candidate(
            call_id=call_id,
            campaign_id=draw_(st.integers(1, 3)),
            operator_id=draw_(st.integers(1, 4)),
            placed_at=START + timedelta(seconds=draw_(st.integers(0, 3 * 86_400 - 1))),
        )
        for call_id in ids
    ]


sizes = st.dictionaries(st.integers(1, 3), st.integers(0, 6))


@given(candidates(), sizes, st.text(max_size=8), st.sets(st.integers(1, 40), max_size=10))
def test_the_sample_keeps_every_rule(pool: list[Candidate], size: dict[int, int], seed: str, taken: set[int]):
    chosen = draw(pool, DAY, lambda campaign: size.get(campaign, 2), seed, taken)
    ids = [c.call_id for c in chosen]
    assert len(ids) == len(set(ids))
    assert all(c.placed_at.date() == DAY for c in chosen)
    assert not set(ids) & taken
    assert all(c in pool for c in chosen)
    per_group = Counter((c.campaign_id, c.operator_id) for c in chosen)
    for (campaign, _operator), n in per_group.items():
        assert n <= size.get(campaign, 2)


@given(candidates(), st.integers(0, 6), st.text(max_size=8))
def test_a_group_no_larger_than_asked_is_taken_whole(pool: list[Candidate], size: int, seed: str):
    # distinct call ids, so each call is one candidate
    unique = list({c.call_id: c for c in pool}.values())
    chosen = draw(unique, DAY, lambda _: size, seed)
    eligible = Counter((c.campaign_id, c.operator_id) for c in unique if c.placed_at.date() == DAY)
    got = Counter((c.campaign_id, c.operator_id) for c in chosen)
    for group, available in eligible.items():
        assert got[group] == min(size, available)


@given(candidates(), st.integers(0, 6), st.text(max_size=8), st.randoms(use_true_random=False))
def test_the_same_seed_gives_the_same_sample_in_any_order(
    pool: list[Candidate], size: int, seed: str, rng: random.Random
):
    shuffled = pool[:]
    rng.shuffle(shuffled)
    assert draw(pool, DAY, lambda _: size, seed) == draw(shuffled, DAY, lambda _: size, seed)


def test_another_seed_or_day_draws_differently():
    pool = [Candidate(i, 1, 1, datetime(2026, 11, 21, 9, tzinfo=UTC)) for i in range(1, 101)]
    samples = {tuple(c.call_id for c in draw(pool, DAY, lambda _: 5, f"seed-{n}")) for n in range(10)}
    assert len(samples) > 1
    assert all(len(s) == 5 for s in samples)
    moved = [Candidate(c.call_id, 1, 1, c.placed_at + timedelta(days=1)) for c in pool]
    assert draw(moved, DAY, lambda _: 5, "seed-0") == []
