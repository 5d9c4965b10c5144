"""Each dialing mode is described once (``dialer.dialing_modes``), and pacing, the campaign rules and
the engine read that description."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dialer.campaigns.schemas import dial_ratio_problem
from dialer.campaigns.survey_start import survey_start_problem
from dialer.compliance import PROFILES
from dialer.dialing_modes import MODES, DialMode, Pacing, modes_where, traits
from dialer.pacing import AbandonBudget, PacingInput, decide

STORED = {"preview", "progressive", "predictive", "fixed_ratio", "survey"}  # campaigns.dialing_mode


def test_every_mode_is_described_and_keeps_its_stored_value() -> None:
    assert set(MODES) == set(DialMode)
    assert {mode.value for mode in DialMode} == STORED


@pytest.mark.parametrize("mode", list(DialMode))
def test_a_fallback_is_a_mode_that_never_falls_back_itself(mode: DialMode) -> None:
    fallback = traits(mode).fallback
    if fallback is not None:
        assert traits(fallback).fallback is None
        assert traits(fallback).needs_operators


@pytest.mark.parametrize("mode", list(DialMode))
def test_decide_falls_back_to_the_modes_fallback_once_the_margin_is_gone(mode: DialMode) -> None:
    gone = AbandonBudget(answered=100, abandoned=10, cap=0.03)
    decision = decide(PacingInput(mode=mode, ready=2, abandon=gone))
    assert decision.mode_requested is mode
    assert decision.mode_used is (traits(mode).fallback or mode)


@pytest.mark.parametrize("mode", list(DialMode))
def test_only_a_mode_without_operators_dials_with_nobody_logged_in(mode: DialMode) -> None:
    decision = decide(PacingInput(mode=mode, ready=0))
    assert (decision.calls > 0) is (not traits(mode).needs_operators)


def test_the_operator_starts_every_call_of_a_previewing_mode() -> None:
    previewing = modes_where(lambda mode: mode.operator_previews)
    assert previewing == (DialMode.PREVIEW,)
    for mode in previewing:
        assert traits(mode).pacing is Pacing.OPERATOR_STARTS and not traits(mode).uses_amd
        assert decide(PacingInput(mode=mode, ready=5)).calls == 0


@pytest.mark.parametrize("mode", list(DialMode))
def test_the_campaign_rules_read_the_modes_traits(mode: DialMode) -> None:
    needs_ratio = dial_ratio_problem(mode, None) is not None
    assert needs_ratio is traits(mode).needs_dial_ratio
    assert dial_ratio_problem(mode, Decimal("1.5")) is None
    no_survey = survey_start_problem(mode, PROFILES["custom"], has_survey=False, campaign_id=1)
    assert (no_survey is not None) is traits(mode).ivr_survey
