"""The pacing decision, mode by mode, with the figures it explains itself by."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dialer.pacing import AbandonBudget, CallStats, DialMode, LineLimits, PacingInput, decide
from dialer.pacing.policy import progressive_idle_share

STATS = CallStats(answer_rate=1 / 3, mean_ring_s=9.0, mean_fail_s=25.0, mean_talk_s=90.0, mean_wrap_s=10.0)
ROOMY = AbandonBudget(answered=1000, abandoned=0)  # a campaign well under its cap


def snapshot(mode: DialMode = DialMode.PREDICTIVE, **changes: object) -> PacingInput:
    base: dict[str, object] = {"mode": mode, "ready": 0, "stats": STATS, "abandon": ROOMY}
    base.update(changes)
    return PacingInput(**base)  # type: ignore[arg-type]


def test_progressive_places_one_call_per_ready_operator_not_covered_by_a_ringing_call() -> None:
    decision = decide(snapshot(DialMode.PROGRESSIVE, ready=5, ringing_elapsed=(3.0, 4.0)))
    assert decision.calls == 3
    assert decision.mode_used is DialMode.PROGRESSIVE
    assert not decision.fell_back


def test_progressive_counts_a_waiting_person_as_covering_an_operator() -> None:
    assert decide(snapshot(DialMode.PROGRESSIVE, ready=2, waiting=1)).calls == 1


def test_preview_never_places_calls_by_itself() -> None:
    decision = decide(snapshot(DialMode.PREVIEW, ready=10))
    assert decision.calls == 0
    assert decision.explanation.limited_by == "preview"


def test_nobody_logged_in_means_no_calls_in_any_mode_with_operators() -> None:
    for mode in set(DialMode) - {DialMode.SURVEY}:  # a survey needs no operator (test_survey_pacing)
        decision = decide(snapshot(mode, ready=0))
        assert decision.calls == 0
        assert decision.explanation.limited_by == "no_operators"


def test_fixed_ratio_keeps_lines_per_ready_operator() -> None:
    decision = decide(snapshot(DialMode.FIXED_RATIO, ready=4, fixed_ratio=2.5, ringing_elapsed=(1.0,)))
    assert decision.calls == 9  # 2.5 x 4 = 10 lines, one already ringing


def test_predictive_dials_ahead_of_ready_operators_by_the_answer_rate() -> None:
    decision = decide(snapshot(ready=5))
    assert decision.mode_used is DialMode.PREDICTIVE
    assert 5 < decision.calls < 15  # 5 / (1/3) = 15 less the safety distance
    assert decision.dial_level > 1.0
    assert decision.explanation.operators_expected_free == pytest.approx(5.0)


def test_predictive_dials_for_operators_about_to_finish_wrap_up() -> None:
    wrapping = (9.5, 9.0, 8.5)  # of 10 s wrap-up: free within the connect limit
    decision = decide(snapshot(ready=0, talking_elapsed=(30.0,) * 10, wrapping_elapsed=wrapping))
    assert decision.calls >= 3
    assert decision.explanation.operators_expected_free > 3.0


def test_predictive_places_nothing_while_ringing_calls_cover_the_free_operators() -> None:
    decision = decide(snapshot(ready=2, ringing_elapsed=(1.0,) * 8))
    assert decision.calls == 0


def test_predictive_falls_back_to_progressive_when_the_abandon_margin_is_gone() -> None:
    budget = AbandonBudget(answered=1000, abandoned=26, cap=0.03, margin=0.005)
    decision = decide(snapshot(ready=5, abandon=budget))
    assert decision.mode_used is DialMode.PROGRESSIVE
    assert decision.fell_back
    assert decision.calls == 5
    assert "margin gone" in decision.explanation.reason


def test_a_cold_campaign_dials_progressive_until_two_abandons_fit_under_the_threshold() -> None:
    """Two, not one: a burst of two abandons at a headroom of one crossed the cap in short shifts."""
    for answered in (30, 40, 66):  # at 3%: 0.9, 1.2 and 1.98 abandons fit
        cold = decide(snapshot(ready=5, abandon=AbandonBudget(answered=answered, abandoned=0)))
        assert cold.mode_used is DialMode.PROGRESSIVE
        assert cold.calls == 5
    warm = decide(snapshot(ready=5, abandon=AbandonBudget(answered=67, abandoned=0)))
    assert warm.mode_used is DialMode.PREDICTIVE
    assert warm.calls > 5


def test_fixed_ratio_also_falls_back_at_the_threshold() -> None:
    budget = AbandonBudget(answered=100, abandoned=3)
    decision = decide(snapshot(DialMode.FIXED_RATIO, ready=4, fixed_ratio=3.0, abandon=budget))
    assert decision.mode_used is DialMode.PROGRESSIVE
    assert decision.calls == 4


def test_the_safety_distance_grows_as_the_abandon_rate_nears_its_threshold() -> None:
    calm = decide(snapshot(ready=10, abandon=AbandonBudget(answered=1000, abandoned=0)))
    tight = decide(snapshot(ready=10, abandon=AbandonBudget(answered=1000, abandoned=20)))
    assert tight.explanation.risk_z > calm.explanation.risk_z
    assert tight.calls < calm.calls


def test_without_dialing_ahead_nothing_is_placed_while_no_operator_is_ready() -> None:
    decision = decide(snapshot(ready=0, wrapping_elapsed=(9.9,) * 5, dial_ahead=False))
    assert decision.calls == 0
    assert decision.explanation.limited_by == "no_ready_operator"


def test_lines_and_calls_per_second_bound_every_mode() -> None:
    lines = decide(snapshot(ready=20, talking_elapsed=(5.0,) * 3, limits=LineLimits(max_lines=10)))
    assert lines.calls == 7
    assert lines.explanation.limited_by == "lines"
    cps = decide(snapshot(ready=20, limits=LineLimits(cps_tokens=4)))
    assert cps.calls == 4
    assert cps.explanation.limited_by == "cps"


def test_the_explanation_is_ready_for_the_log_and_the_api() -> None:
    decision = decide(snapshot(ready=5, ringing_elapsed=(2.0,), abandon=AbandonBudget(200, 2)))
    figures = decision.explanation.as_dict()
    assert figures["ready"] == 5
    assert figures["ringing"] == 1
    assert figures["abandon_rate"] == pytest.approx(0.01)
    assert figures["abandon_cap"] == pytest.approx(0.03)
    line = decision.log_line()
    assert "predictive" in line
    assert f"{decision.calls} call(s)" in line


def test_the_same_abandon_rate_leaves_more_to_spend_once_many_have_answered() -> None:
    """2% after 200 answers leaves 2 abandons under a 3% cap; 2% after 5,000 leaves 50: the
    window's rate is steered to the cap tighter as it fills."""
    early = decide(snapshot(ready=10, abandon=AbandonBudget(answered=200, abandoned=4)))
    late = decide(snapshot(ready=10, abandon=AbandonBudget(answered=5000, abandoned=100)))
    assert early.mode_used is late.mode_used is DialMode.PREDICTIVE
    assert late.explanation.risk_z < early.explanation.risk_z
    assert late.calls > early.calls


def test_predictive_falls_back_while_the_calls_in_flight_may_use_up_the_headroom() -> None:
    """Two abandons fit under the cap, but three people wait with no operator ready or about to be:
    they alone may take it, so nothing is dialed ahead."""
    budget = AbandonBudget(answered=100, abandoned=1)
    crowded = decide(snapshot(ready=0, talking_elapsed=(5.0,) * 4, waiting=3, abandon=budget))
    assert crowded.mode_used is DialMode.PROGRESSIVE
    assert crowded.calls == 0
    quiet = decide(snapshot(ready=3, talking_elapsed=(5.0,) * 4, abandon=budget))
    assert quiet.mode_used is DialMode.PREDICTIVE


def test_an_amd_verdict_delay_gives_busy_operators_longer_to_come_free() -> None:
    wrapping, talking = (4.0,) * 5, (60.0,) * 10
    plain = decide(snapshot(talking_elapsed=talking, wrapping_elapsed=wrapping))
    notsure = replace(STATS, mean_amd_s=4.5)
    slow = decide(snapshot(talking_elapsed=talking, wrapping_elapsed=wrapping, stats=notsure))
    assert slow.explanation.operators_expected_free > plain.explanation.operators_expected_free
    assert slow.calls >= plain.calls


def test_recent_talk_times_shape_the_forecast_of_each_talking_operator() -> None:
    """Refusals of about 20 s and conversations of 5 minutes: operators 15 s in are likely to be
    free in time, operators 60 s in are not; the memoryless model cannot tell them apart."""
    recent = (20.0,) * 140 + (300.0,) * 60
    soon = decide(snapshot(talking_elapsed=(15.0,) * 10, recent_talk_s=recent))
    later = decide(snapshot(talking_elapsed=(60.0,) * 10, recent_talk_s=recent))
    memoryless = decide(snapshot(talking_elapsed=(15.0,) * 10))
    assert soon.explanation.operators_expected_free > memoryless.explanation.operators_expected_free
    assert later.explanation.operators_expected_free < memoryless.explanation.operators_expected_free
    assert soon.calls > later.calls


def test_a_lone_operator_is_dialed_for_progressively() -> None:
    decision = decide(snapshot(ready=1))
    assert decision.mode_used is DialMode.PROGRESSIVE
    assert decision.calls == 1
    assert "nothing to pool" in decision.explanation.reason


def test_a_small_team_falls_back_where_progressive_is_already_near_the_ceiling() -> None:
    """Five operators, 60% answers and 10-minute talks: progressive leaves them 4% idle (waiting for
    a ring and the odd failed attempt), too little for abandons to buy; with 20% answers and 90 s
    talks it leaves half their time idle and predictive dials ahead."""
    long_talks = CallStats(answer_rate=0.6, mean_ring_s=9.0, mean_fail_s=25.0, mean_talk_s=600.0)
    assert progressive_idle_share(long_talks) < 0.05
    near = decide(snapshot(ready=2, talking_elapsed=(30.0,) * 3, stats=long_talks))
    assert near.mode_used is DialMode.PROGRESSIVE and near.fell_back
    assert near.calls == 2
    short_talks = CallStats(answer_rate=0.2, mean_ring_s=9.0, mean_fail_s=25.0, mean_talk_s=90.0)
    far = decide(snapshot(ready=2, talking_elapsed=(30.0,) * 3, stats=short_talks))
    assert far.mode_used is DialMode.PREDICTIVE
    assert far.calls > 2
    big_floor = decide(snapshot(ready=8, talking_elapsed=(30.0,) * 40, stats=long_talks))
    assert big_floor.mode_used is DialMode.PREDICTIVE
