"""Live estimates from outcomes (with a cold-start prior) and the short-horizon forecasts."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.pacing import CallOutcome, CallStats, estimate_stats, ewma, smoothed_mean, smoothed_rate
from dialer.pacing.forecast import (
    TalkSurvival,
    answer_probability,
    free_in_time_after_talk,
    free_in_time_after_wrap,
)

PRIOR = CallStats(answer_rate=0.3, mean_ring_s=9.0, mean_fail_s=25.0, mean_talk_s=120.0, mean_wrap_s=10.0)


def test_a_cold_start_uses_the_prior() -> None:
    assert smoothed_rate(0, 0, 0.3, 30.0) == pytest.approx(0.3)
    assert estimate_stats([], PRIOR) == PRIOR


def test_estimates_move_from_the_prior_to_what_is_observed() -> None:
    assert smoothed_rate(100, 1000, 0.3, 30.0) == pytest.approx(0.1, abs=0.01)
    assert smoothed_mean(60.0 * 500, 500, 120.0, 30.0) == pytest.approx(60.0, abs=4.0)
    assert ewma(10.0, 20.0, 0.25) == pytest.approx(12.5)


def test_estimate_stats_splits_answered_and_failed_attempts() -> None:
    outcomes = [CallOutcome(True, 6.0, 100.0, 12.0)] * 300 + [CallOutcome(False, 30.0)] * 700
    live = estimate_stats(outcomes, PRIOR, prior_weight=1.0)
    assert live.answer_rate == pytest.approx(0.3, abs=0.01)
    assert live.mean_ring_s == pytest.approx(6.0, abs=0.02)
    assert live.mean_fail_s == pytest.approx(30.0, abs=0.01)
    assert live.mean_talk_s == pytest.approx(100.0, abs=0.1)
    assert live.mean_wrap_s == pytest.approx(12.0, abs=0.01)


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        smoothed_rate(5, 3, 0.3, 1.0)
    with pytest.raises(ValueError):
        ewma(1.0, 2.0, 0.0)


@given(st.integers(0, 1000), st.integers(0, 1000), st.floats(0, 1), st.floats(0.1, 100))
def test_a_smoothed_rate_stays_between_the_prior_and_the_observed_rate(
    a: int, b: int, prior: float, weight: float
) -> None:
    successes, trials = min(a, b), max(a, b)
    rate = smoothed_rate(successes, trials, prior, weight)
    observed = successes / trials if trials else prior
    assert min(prior, observed) - 1e-12 <= rate <= max(prior, observed) + 1e-12


def test_a_call_ringing_long_is_less_likely_to_be_answered() -> None:
    fresh = answer_probability(0.0, 0.3, 9.0, 25.0)
    old = answer_probability(20.0, 0.3, 9.0, 25.0)
    assert fresh == pytest.approx(0.3)
    assert old < fresh


def test_an_operator_within_the_connect_limit_of_wrap_end_counts_as_free() -> None:
    assert free_in_time_after_wrap(1.5, 9.0, 2.0) == 1.0
    assert free_in_time_after_wrap(8.0, 9.0, 2.0) < free_in_time_after_wrap(4.0, 9.0, 2.0) < 1.0


def test_an_operator_in_a_long_talk_is_rarely_free_in_time() -> None:
    assert 0.0 < free_in_time_after_talk(90.0, 10.0, 9.0, 2.0) < 0.1
    assert free_in_time_after_talk(90.0, 1.0, 9.0, 2.0) > free_in_time_after_talk(90.0, 10.0, 9.0, 2.0)


def test_the_talk_curve_on_a_cold_start_is_the_memoryless_forecast() -> None:
    talks = TalkSurvival.of((), prior_mean_s=90.0, mean_ring_s=9.0, prior_weight=30.0)
    wrap_longer, connect_longer = free_in_time_after_talk(90, 10, 9, 2), free_in_time_after_talk(90, 1, 9, 2)
    for elapsed in (0.0, 45.0, 600.0):
        assert talks.free_in_time(elapsed, 8.0) == pytest.approx(wrap_longer)
        assert talks.free_in_time(elapsed, -1.0) == pytest.approx(connect_longer)


def test_many_exponential_talks_give_the_memoryless_forecast_back() -> None:
    rng = random.Random(3)
    recent = tuple(rng.expovariate(1 / 90.0) for _ in range(5000))
    talks = TalkSurvival.of(recent, prior_mean_s=90.0, mean_ring_s=9.0, prior_weight=30.0)
    for elapsed in (0.0, 60.0, 150.0):
        assert talks.free_in_time(elapsed, 8.0) == pytest.approx(
            free_in_time_after_talk(90.0, 10.0, 9.0, 2.0), abs=0.01
        )


def test_past_the_short_refusals_an_operator_is_in_a_long_conversation() -> None:
    """Most talks are 20 s refusals, a few are 5-minute conversations: an operator 18 s in may well
    be free in time, one 60 s in hardly (the memoryless model says the same of both)."""
    recent = (20.0,) * 70 + (300.0,) * 30
    talks = TalkSurvival.of(recent, prior_mean_s=104.0, mean_ring_s=9.0, prior_weight=5.0)
    early, late = talks.free_in_time(18.0, 8.0), talks.free_in_time(60.0, 8.0)
    assert early > 0.15
    assert late < 0.01
    assert late < free_in_time_after_talk(104.0, 10.0, 9.0, 2.0) < early


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0.0, 2000.0), max_size=60),
    st.floats(0.0, 3000.0),
    st.floats(-30.0, 60.0),
    st.floats(1.0, 60.0),
)
def test_the_chance_to_be_free_in_time_is_a_probability_that_grows_with_patience(
    recent: list[float], elapsed: float, late_by: float, ring: float
) -> None:
    talks = TalkSurvival.of(tuple(recent), prior_mean_s=120.0, mean_ring_s=ring, prior_weight=30.0)
    f = talks.free_in_time(elapsed, late_by)
    assert 0.0 <= f <= 1.0
    assert talks.free_in_time(elapsed, late_by - 2.0) >= f - 1e-12


def test_estimate_stats_learns_the_amd_verdict_delay() -> None:
    human, notsure = CallOutcome(True, 6.0, 60.0, amd_s=1.3), CallOutcome(True, 6.0, 60.0, amd_s=4.9)
    live = estimate_stats([human] * 85 + [notsure] * 15, replace(PRIOR, mean_amd_s=1.3), prior_weight=1.0)
    assert live.mean_amd_s == pytest.approx(0.85 * 1.3 + 0.15 * 4.9, abs=0.01)
