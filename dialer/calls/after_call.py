"""Where a contact goes after a call ends without a disposition to wait for (pure).

Busy, no answer, machine, unreachable, abandoned and the technical failures are retried after the
campaign's delay for that outcome (``dialer.compliance.next_attempt_time``) until ``max_attempts``,
then the contact is exhausted. Outcomes the compliance module does not name use the campaign's
delay for the nearest one it does: ``rejected`` as ``busy``; ``congestion``, ``channel_unavailable``,
``failed`` and ``pbx_restart`` as ``unreachable`` with the campaign's ``failed`` delay. An abandoned
contact waits at least the profile's quiet time. ``human_connected`` waits for the operator's
disposition; ``cancelled`` (the engine withdrew the call before it reached the network) gives the
attempt back and makes the contact due at once. ``surveyed`` (a person took the IVR survey, fully
or in part, and asked for no operator) is done: the answers are kept, the contact is not called again.
``invalid_number`` (the network says the number does not exist) makes the contact ``invalid`` at
once, whatever attempts are left: it is never dialed again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dialer.calls.models import CallOutcome
from dialer.compliance import AttemptOutcome, next_attempt_time
from dialer.contacts.models import ContactStatus

# Call outcome -> (the compliance outcome it is retried as, campaign delay keys to try in order).
RETRIED_AS: Mapping[CallOutcome, tuple[AttemptOutcome, tuple[str, ...]]] = {
    CallOutcome.NO_ANSWER: (AttemptOutcome.NO_ANSWER, ("no_answer",)),
    CallOutcome.BUSY: (AttemptOutcome.BUSY, ("busy",)),
    CallOutcome.REJECTED: (AttemptOutcome.BUSY, ("rejected", "busy")),
    CallOutcome.MACHINE: (AttemptOutcome.MACHINE, ("machine",)),
    CallOutcome.ABANDONED: (AttemptOutcome.ABANDONED, ("abandoned",)),
    CallOutcome.UNREACHABLE: (AttemptOutcome.UNREACHABLE, ("unreachable", "failed")),
    CallOutcome.CONGESTION: (AttemptOutcome.UNREACHABLE, ("congestion", "failed")),
    CallOutcome.CHANNEL_UNAVAILABLE: (AttemptOutcome.UNREACHABLE, ("channel_unavailable", "failed")),
    CallOutcome.FAILED: (AttemptOutcome.UNREACHABLE, ("failed",)),
    CallOutcome.PBX_RESTART: (AttemptOutcome.UNREACHABLE, ("pbx_restart", "failed")),
}


@dataclass(frozen=True, slots=True)
class ContactMove:
    """What to do with the contact: its new status and due time, and attempts to give back."""

    status: ContactStatus
    next_attempt_at: datetime | None
    attempts_back: int = 0
    wait_for_disposition: bool = False


def _delays_for(
    outcome: AttemptOutcome, keys: tuple[str, ...], retry_delays: Mapping[str, Any]
) -> dict[str, Any]:
    for key in keys:
        if key in retry_delays:
            return {outcome.value: retry_delays[key]}
    return {}


def retry_or_exhaust(
    outcome: CallOutcome,
    *,
    attempts: int,
    max_attempts: int,
    retry_delays: Mapping[str, Any],
    at: datetime,
    abandon_quiet: timedelta = timedelta(0),
) -> ContactMove:
    """The move for an outcome that is retried: scheduled at its delay, or exhausted."""
    retried_as, keys = RETRIED_AS[outcome]
    when = next_attempt_time(
        retried_as,
        max(attempts, 1),
        max_attempts,
        _delays_for(retried_as, keys, retry_delays),
        at,
        abandon_quiet=abandon_quiet,
    )
    if when is None:
        return ContactMove(ContactStatus.EXHAUSTED, None)
    return ContactMove(ContactStatus.SCHEDULED, when)


def after_call(
    outcome: CallOutcome,
    *,
    attempts: int,
    max_attempts: int,
    retry_delays: Mapping[str, Any],
    at: datetime,
    abandon_quiet: timedelta = timedelta(0),
) -> ContactMove:
    """The contact's move when a call ends with ``outcome`` (``attempts`` includes this call)."""
    if outcome is CallOutcome.HUMAN_CONNECTED:
        return ContactMove(ContactStatus.IN_PROGRESS, None, wait_for_disposition=True)
    if outcome is CallOutcome.SURVEYED:  # answered the survey (all of it or part): not called again
        return ContactMove(ContactStatus.DONE, None)
    if outcome is CallOutcome.INVALID_NUMBER:
        return ContactMove(ContactStatus.INVALID, None)
    if outcome is CallOutcome.CANCELLED:
        back = 1 if attempts > 0 else 0
        status = ContactStatus.NEW if attempts - back == 0 else ContactStatus.SCHEDULED
        return ContactMove(status, at, attempts_back=back)
    return retry_or_exhaust(
        outcome,
        attempts=attempts,
        max_attempts=max_attempts,
        retry_delays=retry_delays,
        at=at,
        abandon_quiet=abandon_quiet,
    )


HOLD_PREFIX = "call:"
CALLBACK_OUTCOME = "callback"
"""``Contact.last_outcome`` of a contact waiting for its callback (until the callback call ends)."""


def hold_owner(call_uid: str) -> str:
    """The lease owner that holds a connected call's contact until its disposition comes."""
    return f"{HOLD_PREFIX}{call_uid}"[:100]


def retry_later(
    *, attempts: int, max_attempts: int, retry_delays: Mapping[str, Any], at: datetime
) -> ContactMove:
    """The move for a "retry later" disposition: the campaign's ``retry`` delay (else ``no_answer``)."""
    outcome = AttemptOutcome.NO_ANSWER
    when = next_attempt_time(
        outcome,
        max(attempts, 1),
        max_attempts,
        _delays_for(outcome, ("retry", "no_answer"), retry_delays),
        at,
    )
    if when is None:
        return ContactMove(ContactStatus.EXHAUSTED, None)
    return ContactMove(ContactStatus.SCHEDULED, when)
