"""Retry rules: when a contact may be dialed again after an attempt's outcome, if at all.

``retry_delays`` come from the campaign (seconds per outcome name, or a list per attempt number whose
last entry repeats): ``{"no_answer": [900, 3600, 14400], "busy": 600, "abandoned": 3600}``. Outcomes
missing from it use :data:`DEFAULT_RETRY_DELAYS`. An abandoned contact (answered, not put through in
time) comes back first in line, but no sooner than its quiet time (the profile's, e.g. the UK's 72 h).
Every attempt, abandoned ones included, counts toward ``max_attempts``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

RetryDelays = Mapping[str, float | int | Sequence[float | int]]


class AttemptOutcome(enum.StrEnum):
    """How a dialing attempt ended, as far as the contact's next attempt is concerned."""

    NO_ANSWER = "no_answer"
    BUSY = "busy"
    UNREACHABLE = "unreachable"
    MACHINE = "machine"
    ABANDONED = "abandoned"
    CONNECTED = "connected"
    INVALID_NUMBER = "invalid_number"
    DO_NOT_CALL = "do_not_call"


FINAL_OUTCOMES = frozenset(
    {AttemptOutcome.CONNECTED, AttemptOutcome.INVALID_NUMBER, AttemptOutcome.DO_NOT_CALL}
)
"""Outcomes after which the dialer never retries on its own (a connected call's disposition decides)."""

DEFAULT_RETRY_DELAYS: Mapping[AttemptOutcome, float] = {
    AttemptOutcome.NO_ANSWER: 3 * 3600.0,
    AttemptOutcome.BUSY: 15 * 60.0,
    AttemptOutcome.UNREACHABLE: 4 * 3600.0,
    AttemptOutcome.MACHINE: 4 * 3600.0,
    AttemptOutcome.ABANDONED: 3600.0,
}


def comes_back_first(outcome: AttemptOutcome) -> bool:
    """Does a contact with this outcome go to the front of the line when it is due again?"""
    return outcome is AttemptOutcome.ABANDONED


def retry_delay(outcome: AttemptOutcome, attempts: int, retry_delays: RetryDelays) -> timedelta:
    """The delay configured after the ``attempts``-th attempt ended with ``outcome``."""
    configured = retry_delays.get(outcome.value)
    if configured is None:
        seconds = DEFAULT_RETRY_DELAYS.get(outcome, 0.0)
    elif isinstance(configured, int | float):
        seconds = float(configured)
    elif not configured:
        raise ValueError(f"empty retry delay list for {outcome.value!r}")
    else:
        seconds = float(configured[min(max(attempts, 1), len(configured)) - 1])
    if seconds < 0:
        raise ValueError(f"negative retry delay for {outcome.value!r}")
    return timedelta(seconds=seconds)


def next_attempt_time(
    outcome: AttemptOutcome | str,
    attempts: int,
    max_attempts: int,
    retry_delays: RetryDelays,
    now: datetime,
    *,
    abandon_quiet: timedelta = timedelta(0),
) -> datetime | None:
    """When the contact may be dialed next; None when the outcome is final or attempts are used up.

    ``attempts`` counts the attempts made so far, this one included. For an abandoned call the
    delay is at least ``abandon_quiet``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime refused: pass a timezone-aware (UTC) time")
    if attempts < 1 or max_attempts < 0:
        raise ValueError("attempts counts this attempt (>= 1); max_attempts must not be negative")
    outcome = AttemptOutcome(outcome)
    if outcome in FINAL_OUTCOMES or attempts >= max_attempts:
        return None
    delay = retry_delay(outcome, attempts, retry_delays)
    if outcome is AttemptOutcome.ABANDONED:
        delay = max(delay, abandon_quiet)
    return now + delay
