"""Attempt limits and retry delays, including the abandoned contact's quiet time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.compliance import AttemptOutcome, comes_back_first, next_attempt_time

NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)
DELAYS = {"no_answer": [900, 3600, 14400], "busy": 600, "abandoned": 1800}


def test_a_busy_number_comes_back_after_its_delay() -> None:
    assert next_attempt_time("busy", 1, 5, DELAYS, NOW) == NOW + timedelta(seconds=600)


def test_delays_listed_per_attempt_repeat_their_last_entry() -> None:
    assert next_attempt_time(AttemptOutcome.NO_ANSWER, 1, 9, DELAYS, NOW) == NOW + timedelta(minutes=15)
    assert next_attempt_time(AttemptOutcome.NO_ANSWER, 2, 9, DELAYS, NOW) == NOW + timedelta(hours=1)
    assert next_attempt_time(AttemptOutcome.NO_ANSWER, 5, 9, DELAYS, NOW) == NOW + timedelta(hours=4)


def test_an_outcome_not_configured_uses_the_default_delay() -> None:
    assert next_attempt_time("machine", 1, 3, {}, NOW) == NOW + timedelta(hours=4)


def test_the_attempt_limit_ends_retries() -> None:
    assert next_attempt_time("no_answer", 3, 3, DELAYS, NOW) is None
    assert next_attempt_time("abandoned", 3, 3, DELAYS, NOW) is None


def test_final_outcomes_are_never_retried_by_the_dialer() -> None:
    for outcome in ("connected", "invalid_number", "do_not_call"):
        assert next_attempt_time(outcome, 1, 5, DELAYS, NOW) is None


def test_an_abandoned_contact_comes_back_first_but_not_before_its_quiet_time() -> None:
    assert comes_back_first(AttemptOutcome.ABANDONED)
    assert not comes_back_first(AttemptOutcome.BUSY)
    assert next_attempt_time("abandoned", 1, 5, DELAYS, NOW) == NOW + timedelta(minutes=30)
    quiet = timedelta(hours=72)
    assert next_attempt_time("abandoned", 1, 5, DELAYS, NOW, abandon_quiet=quiet) == NOW + quiet


def test_naive_times_and_unknown_outcomes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        next_attempt_time("busy", 1, 3, DELAYS, datetime(2026, 6, 17, 12, 0))
    with pytest.raises(ValueError):
        next_attempt_time("sunny", 1, 3, DELAYS, NOW)


@given(
    st.sampled_from(list(AttemptOutcome)),
    st.integers(min_value=1, max_value=20),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=0, max_value=200_000),
)
def test_a_retry_exists_only_under_the_limit_and_never_in_the_past(
    outcome: AttemptOutcome, attempts: int, max_attempts: int, quiet_s: int
) -> None:
    at = next_attempt_time(
        outcome, attempts, max_attempts, DELAYS, NOW, abandon_quiet=timedelta(seconds=quiet_s)
    )
    final = outcome in (AttemptOutcome.CONNECTED, AttemptOutcome.INVALID_NUMBER, AttemptOutcome.DO_NOT_CALL)
    assert (at is None) == (final or attempts >= max_attempts)
    if at is not None:
        assert at >= NOW
        if outcome is AttemptOutcome.ABANDONED:
            assert at >= NOW + timedelta(seconds=quiet_s)
