"""The time-resolved forecast behind predictive pacing: answers against free operators, moment by moment."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from dialer.pacing import AbandonBudget, CallStats, DialMode, PacingInput, decide
from dialer.pacing.forecast import TalkSurvival
from dialer.pacing.marginal import QUANTILES, RingCurve, TimedForecast, timed_forecast

STATS = CallStats(answer_rate=1 / 3, mean_ring_s=9.0, mean_fail_s=25.0, mean_talk_s=90.0, mean_wrap_s=10.0)
ROOMY = AbandonBudget(answered=1000, abandoned=0)


def forecast(**changes: object) -> TimedForecast:
    base: dict[str, object] = {
        "ready": 0,
        "waiting": 0,
        "ringing_elapsed": (),
        "answer_rate": 1 / 3,
        "fail": RingCurve.of((), 25.0, 30.0),
        "ring": RingCurve.of((), 9.0, 30.0),
        "wrap_left": [],
        "talking_elapsed": (),
        "talks": None,
        "mean_wrap_s": 10.0,
        "patience_s": 2.0,
    }
    base.update(changes)
    return timed_forecast(**base)  # type: ignore[arg-type]


def test_the_ring_curve_is_evaluated_at_the_midpoints_of_equal_slices() -> None:
    exponential = RingCurve.of((), 9.0, 30.0)
    expected = [-9.0 * math.log(1.0 - (k + 0.5) / QUANTILES) for k in range(QUANTILES)]
    assert all(abs(a - b) < 1e-6 for a, b in zip(exponential.points, expected, strict=True))
    observed = RingCurve.of(tuple(float(t) for t in range(5, 17)) * 50, 9.0, 30.0)
    assert 5.0 <= observed.points[0] < observed.points[-1] <= 17.0  # 95% of the curve is the sample's


@given(
    st.lists(st.floats(min_value=0.0, max_value=60.0), max_size=40), st.floats(min_value=0.0, max_value=90.0)
)
def test_the_ring_curves_table_is_its_survival(sample: list[float], x: float) -> None:
    curve = RingCurve.of(tuple(sample), 9.0, 30.0)
    i = int(x / 0.25)
    on_grid = i * 0.25
    assert abs(curve.survival_fast(on_grid) - curve.survival(on_grid)) < 1e-9


@given(
    st.lists(st.floats(min_value=0.0, max_value=400.0), max_size=30),
    st.lists(st.floats(min_value=0.0, max_value=300.0), min_size=1, max_size=10),
    st.lists(st.floats(min_value=-5.0, max_value=60.0), min_size=1, max_size=4),
)
def test_talks_free_by_each_horizon_match_their_survival(
    sample: list[float], elapsed: list[float], horizons: list[float]
) -> None:
    talks = TalkSurvival.of(tuple(sample), 90.0, 9.0, 30.0)

    def survival(x: float) -> float:
        n = len(talks.times)
        emp = sum(1 for t in talks.times if t > x) / n if n else 0.0
        return talks.weight * emp + (1.0 - talks.weight) * math.exp(-x / 90.0)

    sums = talks.free_by_sums(elapsed, sorted(horizons))
    for (total, _), h in zip(sums, sorted(horizons), strict=True):
        expected = sum(max(0.0, 1.0 - survival(e + h) / survival(e)) for e in elapsed) if h > 0.0 else 0.0
        assert abs(total - expected) < 1e-6


def test_an_answer_due_before_an_operator_frees_counts_against_that_operator() -> None:
    """One operator ready, one call ringing: the new call's risk is the chance it reaches a person
    while the ringing one's person holds the operator, and grows with every call added."""
    lone = forecast(ready=1)
    contested = forecast(ready=1, ringing_elapsed=(0.0,))
    assert lone.abandon_probability(1, 1 / 3) < 1e-3
    assert contested.abandon_probability(1, 1 / 3) > lone.abandon_probability(1, 1 / 3)
    risks = [contested.abandon_probability(n, 1 / 3) for n in range(1, 10)]
    assert risks == sorted(risks)


def test_operators_freeing_late_still_take_calls_answered_late() -> None:
    """No one ready, wrap-ups ending in 12 s: people answering after 14-16 s find them free,
    people answering after 2-4 s do not."""
    wraps = [12.0] * 4
    slow = forecast(wrap_left=wraps, ring=RingCurve.of((14.0, 15.0, 16.0) * 200, 9.0, 30.0))
    fast = forecast(wrap_left=wraps, ring=RingCurve.of((2.0, 3.0, 4.0) * 200, 9.0, 30.0))
    assert slow.max_calls(1 / 3, 0.1, 100) > fast.max_calls(1 / 3, 0.1, 100) == 0


@given(
    st.integers(min_value=0, max_value=30),
    st.lists(st.floats(min_value=0.0, max_value=60.0), max_size=40),
    st.floats(min_value=0.01, max_value=0.9),
    st.integers(min_value=0, max_value=200),
)
def test_the_calls_allowed_are_the_most_whose_last_adds_at_most_the_threshold(
    ready: int, ringing: list[float], threshold: float, limit: int
) -> None:
    f = forecast(ready=ready, ringing_elapsed=tuple(ringing))
    x = f.max_calls(1 / 3, threshold, limit)
    assert 0 <= x <= limit
    if x > 0:
        assert f.added_abandons(x, 1 / 3) <= threshold
    if x < limit:
        assert f.added_abandons(x + 1, 1 / 3) > threshold


def test_slow_answers_let_predictive_dial_for_wrap_ups_that_end_before_them() -> None:
    base = PacingInput(
        mode=DialMode.PREDICTIVE, ready=0, stats=STATS, abandon=ROOMY, wrapping_elapsed=(0.0,) * 6
    )
    slow = decide(PacingInput(**{**_fields(base), "recent_ring_s": (14.0, 15.0, 16.0) * 70}))
    fast = decide(PacingInput(**{**_fields(base), "recent_ring_s": (2.0, 3.0, 4.0) * 70}))
    assert slow.calls > fast.calls


def _fields(s: PacingInput) -> dict[str, object]:
    return {name: getattr(s, name) for name in s.__slots__}  # type: ignore[attr-defined]
