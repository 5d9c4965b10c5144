"""Properties the pacing decision keeps for any campaign state."""

from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import assume, example, given
from hypothesis import strategies as st

from dialer.pacing import AbandonBudget, CallStats, DialMode, LineLimits, PacingInput, decide
from dialer.pacing.risk import max_calls

elapsed = st.floats(min_value=0.0, max_value=600.0, allow_nan=False)
means = st.floats(min_value=1.0, max_value=600.0, allow_nan=False)

stats = st.builds(
    CallStats,
    answer_rate=st.floats(min_value=0.0, max_value=1.0),
    mean_ring_s=means,
    mean_fail_s=means,
    mean_talk_s=means,
    mean_wrap_s=st.floats(min_value=0.0, max_value=120.0),
)


@st.composite
def budgets(draw: st.DrawFn) -> AbandonBudget:
    answered = draw(st.integers(min_value=0, max_value=10_000))
    abandoned = draw(st.integers(min_value=0, max_value=answered))
    return AbandonBudget(answered, abandoned, cap=draw(st.sampled_from([0.03, 0.05, 0.0])))


snapshots = st.builds(
    PacingInput,
    mode=st.sampled_from(list(DialMode)),
    ready=st.integers(min_value=0, max_value=80),
    talking_elapsed=st.lists(elapsed, max_size=60).map(tuple),
    wrapping_elapsed=st.lists(elapsed, max_size=20).map(tuple),
    ringing_elapsed=st.lists(elapsed, max_size=80).map(tuple),
    waiting=st.integers(min_value=0, max_value=5),
    stats=stats,
    abandon=budgets(),
    limits=st.builds(
        LineLimits,
        max_lines=st.integers(min_value=0, max_value=300),
        cps_tokens=st.integers(min_value=0, max_value=50),
    ),
    fixed_ratio=st.floats(min_value=0.0, max_value=5.0),
    dial_ahead=st.booleans(),
)


@given(snapshots)
def test_never_more_calls_than_free_lines_or_the_cps_budget_allow(s: PacingInput) -> None:
    calls = decide(s).calls
    assert 0 <= calls <= s.limits.cps_tokens
    assert s.lines_in_use + calls <= max(s.limits.max_lines, s.lines_in_use)


@given(snapshots)
def test_no_operator_logged_in_means_no_call(s: PacingInput) -> None:
    assume(s.mode is not DialMode.SURVEY)  # a survey's questions need no operator
    s = replace(s, ready=0, talking_elapsed=(), wrapping_elapsed=())
    assert decide(s).calls == 0


@given(snapshots)
def test_no_ready_operator_and_no_dialing_ahead_means_no_call(s: PacingInput) -> None:
    assert decide(replace(s, ready=0, dial_ahead=False)).calls == 0


@given(snapshots)
def test_progressive_never_exceeds_the_ready_operators(s: PacingInput) -> None:
    decision = decide(replace(s, mode=DialMode.PROGRESSIVE))
    assert decision.calls <= max(0, s.ready - len(s.ringing_elapsed) - s.waiting)


@given(snapshots)
def test_predictive_falls_back_to_progressive_once_the_margin_is_gone(s: PacingInput) -> None:
    answered = max(s.abandon.answered, 100)
    abandoned = min(answered, int(answered * s.abandon.threshold) + 1)
    s = replace(s, mode=DialMode.PREDICTIVE, abandon=AbandonBudget(answered, abandoned, cap=s.abandon.cap))
    decision = decide(s)
    assert decision.mode_used is DialMode.PROGRESSIVE
    assert decision.calls <= s.ready


@given(snapshots, st.integers(min_value=1, max_value=10))
def test_more_ready_operators_never_mean_fewer_calls(s: PacingInput, more: int) -> None:
    assert decide(replace(s, ready=s.ready + more)).calls >= decide(s).calls


@given(snapshots)
def test_predictive_never_places_fewer_calls_for_a_lower_abandon_rate(s: PacingInput) -> None:
    s = replace(s, mode=DialMode.PREDICTIVE)
    calmer = replace(s, abandon=replace(s.abandon, abandoned=s.abandon.abandoned // 2))
    assert decide(calmer).calls >= decide(s).calls


@given(
    st.floats(min_value=-10, max_value=200),
    st.floats(min_value=0, max_value=100),
    st.floats(min_value=0.01, max_value=1.0),
    st.floats(min_value=0, max_value=5),
)
@example(slack=79.0, variance=31.0, p=0.5, z=1.19e-07)  # the subtractive formula overshot the root here
def test_max_calls_keeps_the_safety_distance(slack: float, variance: float, p: float, z: float) -> None:
    x = max_calls(slack, variance, p, z)
    assert x >= 0.0
    if x > 0.0:
        distance = slack - p * x
        required = z * (variance + p * (1 - p) * x) ** 0.5
        assert distance >= required or math.isclose(distance, required, rel_tol=1e-9, abs_tol=1e-12 * slack)


@given(snapshots)
def test_predictive_never_places_fewer_calls_than_progressive(s: PacingInput) -> None:
    predictive = decide(replace(s, mode=DialMode.PREDICTIVE)).calls
    assert predictive >= decide(replace(s, mode=DialMode.PROGRESSIVE)).calls
