"""The IVR survey mode: no operator needed, every free line used, within the calls-per-second limit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dialer.pacing import AbandonBudget, DialMode, LineLimits, PacingInput, decide


def survey(**changes: object) -> PacingInput:
    base: dict[str, object] = {"mode": DialMode.SURVEY, "ready": 0}
    base.update(changes)
    return PacingInput(**base)  # type: ignore[arg-type]


def test_a_survey_fills_its_free_lines_with_nobody_logged_in() -> None:
    decision = decide(
        survey(limits=LineLimits(max_lines=10, cps_tokens=100), ringing_elapsed=(1.0, 2.0), waiting=3)
    )
    assert decision.calls == 5
    assert decision.explanation.limited_by == "lines"
    assert decision.mode_used is DialMode.SURVEY


def test_the_calls_per_second_limit_bounds_a_survey() -> None:
    decision = decide(survey(limits=LineLimits(max_lines=30, cps_tokens=4)))
    assert decision.calls == 4 and decision.explanation.limited_by == "cps"


def test_a_spent_abandon_budget_does_not_stop_a_survey() -> None:
    spent = AbandonBudget(answered=100, abandoned=10, cap=0.03)
    decision = decide(survey(limits=LineLimits(max_lines=3, cps_tokens=10), abandon=spent))
    assert decision.calls == 3 and not decision.fell_back


def test_a_profile_without_dialing_ahead_places_no_survey_call() -> None:
    decision = decide(survey(limits=LineLimits(max_lines=10, cps_tokens=10), dial_ahead=False, ready=3))
    assert decision.calls == 0 and decision.explanation.limited_by == "no_ready_operator"


@given(
    max_lines=st.integers(0, 200),
    cps=st.integers(0, 200),
    ringing=st.integers(0, 100),
    waiting=st.integers(0, 100),
    talking=st.integers(0, 20),
)
def test_a_survey_never_exceeds_its_lines_or_its_rate(
    max_lines: int, cps: int, ringing: int, waiting: int, talking: int
) -> None:
    snapshot = survey(
        limits=LineLimits(max_lines=max_lines, cps_tokens=cps),
        ringing_elapsed=(1.0,) * ringing,
        waiting=waiting,
        talking_elapsed=(5.0,) * talking,
    )
    calls = decide(snapshot).calls
    assert 0 <= calls <= cps
    assert calls <= max(0, max_lines - ringing - waiting - talking)
    assert calls == max(0, min(cps, max_lines - ringing - waiting - talking))
