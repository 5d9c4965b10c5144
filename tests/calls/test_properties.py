"""Properties over large spaces: any order and repetition of a call's facts, callable windows across
zones, and where a contact goes after any outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.billing.talk_time import call_talk_seconds
from dialer.calls import lifecycle
from dialer.calls.after_call import after_call
from dialer.calls.models import Call, CallOutcome, HangupSide
from dialer.contacts.calling_zones import callable_now, next_callable
from dialer.contacts.models import ContactStatus

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
FIELDS = [
    "state",
    "outcome",
    "operator_id",
    "amd_status",
    "ringing_at",
    "answered_at",
    "amd_at",
    "abandoned_at",
    "connected_at",
    "ended_at",
    "billable_seconds",
    "wrap_ended_at",
    "ring_seconds",
    "talk_seconds",
    "wrap_seconds",
    "hangup_cause",
]
seconds = st.integers(min_value=0, max_value=600)


@st.composite
def fact_streams(draw):
    """A call's facts with times, then the same facts shuffled with some repeated (a repeat may carry a
    later time, as a duplicate event would)."""
    facts = [("ringing", draw(seconds)), ("answered", draw(seconds)), ("ended", draw(seconds))]
    for name in ("amd", "connected", "abandoned", "wrap"):
        if draw(st.booleans()):
            facts.append((name, draw(seconds)))
    repeats = draw(st.lists(st.sampled_from(facts), max_size=4))
    repeats = [(name, at + draw(st.integers(0, 30))) for name, at in repeats]
    shuffled = draw(st.permutations(facts + repeats))
    return facts, shuffled


def apply(call: Call, name: str, offset: int) -> None:
    at = T0 + timedelta(seconds=offset)
    if name == "ringing":
        lifecycle.on_ringing(call, at)
    elif name == "answered":
        lifecycle.on_answered(call, at)
    elif name == "amd":
        lifecycle.on_amd(call, "HUMAN", "HUMAN-1-1", at)
    elif name == "connected":
        lifecycle.on_connected(call, 7, at)
    elif name == "abandoned":
        lifecycle.on_abandoned(call, at)
    elif name == "wrap":
        lifecycle.on_wrap_ended(call, at)
    else:
        lifecycle.on_ended(call, CallOutcome.HUMAN_CONNECTED, 16, HangupSide.CUSTOMER, at)


def record(events) -> tuple:
    call = Call(placed_at=T0 - timedelta(seconds=1))
    for name, offset in events:
        apply(call, name, offset)
    return tuple(getattr(call, f) for f in FIELDS)


@settings(max_examples=400, deadline=None)
@given(fact_streams())
def test_any_order_and_repetition_of_the_facts_gives_the_same_record(stream):
    facts, shuffled = stream
    in_order = record(sorted(facts, key=lambda f: f[1]))
    assert record(shuffled) == in_order
    assert in_order[0].value == "ended"  # the call ended: nothing sends it back
    assert all(v is None or v >= 0 for v in in_order[-4:-1])
    got = dict(zip(FIELDS, in_order, strict=True))
    assert got["billable_seconds"] == call_talk_seconds(got["connected_at"], got["ended_at"]) >= 0


ZONES = ["Europe/Kaliningrad", "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok", "America/New_York"]
HOURS = {day: [["09:00", "21:00"]] for day in ("mon", "tue", "wed", "thu", "fri")} | {
    "sat": [["10:00", "18:00"]]
}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(ZONES), min_size=1, max_size=3, unique=True),
    st.integers(min_value=0, max_value=7 * 24 * 4),
)
def test_the_next_callable_instant_is_callable_and_the_first_one(zones, quarter_hours):
    now = T0 + timedelta(minutes=15 * quarter_hours)
    found = next_callable(HOURS, tuple(zones), now)
    if found is None:
        return
    assert found >= now and callable_now(HOURS, tuple(zones), found)
    step = now
    while step < found:
        assert not callable_now(HOURS, tuple(zones), step)
        step += timedelta(minutes=15)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        [
            o
            for o in CallOutcome
            if o
            not in (
                CallOutcome.HUMAN_CONNECTED,
                CallOutcome.CANCELLED,
                CallOutcome.SURVEYED,
                CallOutcome.INVALID_NUMBER,  # final at once: tests/calls/test_invalid_numbers.py
            )
        ]
    ),
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=0, max_value=100 * 3600),
)
def test_after_any_outcome_the_contact_is_retried_later_or_exhausted(
    outcome, attempts, max_attempts, quiet_s
):
    quiet = timedelta(seconds=quiet_s)
    move = after_call(
        outcome,
        attempts=attempts,
        max_attempts=max_attempts,
        retry_delays={"busy": 60, "failed": 120},
        at=T0,
        abandon_quiet=quiet,
    )
    if attempts >= max_attempts:
        assert (move.status, move.next_attempt_at) == (ContactStatus.EXHAUSTED, None)
    else:
        assert move.status is ContactStatus.SCHEDULED and move.next_attempt_at > T0
        if outcome is CallOutcome.ABANDONED:
            assert move.next_attempt_at >= T0 + quiet
