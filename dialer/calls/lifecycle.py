"""A call's record as a function of the facts seen: pure rules, so that order and repeats do not matter.

Each step's time is the earliest time that step was reported; a fact that implies an earlier step
(connected implies answered) fills that step in too. ``state`` is the furthest step whose time is
known, so an ended call never goes back to ringing, and a late "ringing" only fills in its time.
The derived seconds are recomputed from the times after every fact, so a late fact that moves the
connection or the end (the PBX record settling a call, an earlier report arriving late) corrects
the stored billable seconds too.
"""

from __future__ import annotations

from datetime import datetime

from dialer.billing.talk_time import call_talk_seconds
from dialer.calls.models import Call, CallOutcome, CallState, HangupSide


def earliest(current: datetime | None, seen: datetime) -> datetime:
    """The time to keep for a step reported at ``seen`` when ``current`` may already be known."""
    return seen if current is None or seen < current else current


def state_of(call: Call) -> CallState:
    """The furthest step the call's times show."""
    if call.ended_at is not None:
        return CallState.ENDED
    if call.connected_at is not None:
        return CallState.CONNECTED
    if call.answered_at is not None:
        return CallState.ANSWERED
    if call.ringing_at is not None:
        return CallState.RINGING
    return CallState.PLACED


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def refresh(call: Call) -> None:
    """Set ``state`` and the derived ring, talk, wrap and billable seconds from the call's times."""
    call.state = state_of(call)
    ring_start = call.ringing_at or call.placed_at
    ring_end = call.answered_at or call.ended_at
    call.ring_seconds = _seconds(ring_start, ring_end)
    call.talk_seconds = _seconds(call.connected_at, call.ended_at)
    call.wrap_seconds = _seconds(call.ended_at, call.wrap_ended_at)
    call.billable_seconds = call_talk_seconds(call.connected_at, call.ended_at)


def on_ringing(call: Call, at: datetime) -> None:
    call.ringing_at = earliest(call.ringing_at, at)
    refresh(call)


def on_answered(call: Call, at: datetime) -> None:
    call.answered_at = earliest(call.answered_at, at)
    refresh(call)


def on_amd(call: Call, status: str, cause: str, at: datetime) -> None:
    """The answering-machine verdict; the earliest one stands. A verdict means the call was answered."""
    call.answered_at = earliest(call.answered_at, at)
    if call.amd_at is None or at < call.amd_at:
        call.amd_at, call.amd_status, call.amd_cause = at, status[:20], cause[:100]
    refresh(call)


def on_connected(call: Call, operator_id: int, at: datetime) -> None:
    """Put through to an operator (the first operator stays); connected means answered."""
    call.answered_at = earliest(call.answered_at, at)
    call.connected_at = earliest(call.connected_at, at)
    if call.operator_id is None:
        call.operator_id = operator_id
    refresh(call)


def on_abandoned(call: Call, at: datetime) -> None:
    """Answered and not put through within the connect limit."""
    call.answered_at = earliest(call.answered_at, at)
    call.abandoned_at = earliest(call.abandoned_at, at)
    refresh(call)


def on_wrap_ended(call: Call, at: datetime) -> None:
    call.wrap_ended_at = earliest(call.wrap_ended_at, at)
    refresh(call)


def on_ended(
    call: Call, outcome: CallOutcome, hangup_cause: int | None, hangup_side: HangupSide | None, at: datetime
) -> bool:
    """Hung up; the first verdict stands. True when this is the call's first end."""
    first = call.ended_at is None
    call.ended_at = earliest(call.ended_at, at)
    if first:
        call.outcome, call.hangup_cause, call.hangup_side = outcome, hangup_cause, hangup_side
    refresh(call)
    return first
